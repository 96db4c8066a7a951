"""Review with fsrs: due counts, one card per word, answers that persist, sessions.

The count on the tab and in the tray must be the number of cards a session asks: one card
per word a day (Anki's buried siblings), the buried sibling due again the next review day.
Every test runs on a real SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import fsrs
import pytest

from companion.learning.csv_io import export_csv, import_csv
from companion.learning.review import DueCounts, Reviewer, ReviewSession, format_interval
from companion.learning.words import WordList, WordToSave
from companion.storage.db import Database

DAY = 86_400.0
T0 = datetime(2025, 6, 15, 12, 0).timestamp()  # local noon: far from the 4 a.m. day change


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "c.db")
    yield database
    database.close()


def _reviewer(db: Database, clock: Clock) -> Reviewer:
    return Reviewer(db, fsrs.Scheduler(enable_fuzzing=False), clock=clock)


def _save(db: Database, *words: tuple[str, str, tuple[str, ...]], now: float = T0) -> None:
    for simplified, pinyin, senses in words:
        WordList(db).save(WordToSave(simplified, pinyin=pinyin, senses=senses), now=now)


def test_new_words_are_due_with_both_cards(db: Database) -> None:
    clock = Clock(T0)
    reviewer = _reviewer(db, clock)
    assert reviewer.due_count() == 0 and reviewer.next_due() is None
    _save(db, ("银行", "yín háng", ("bank",)), ("哈哈", "hā hā", ()))
    counts = reviewer.counts()
    # one card per word; 银行's recall card waits (哈哈 has no meaning, so no recall card)
    assert (counts.new, counts.learning, counts.review, counts.total) == (2, 0, 0, 2)
    assert counts.held == 1
    cards = reviewer.due_cards(10)
    assert len(cards) == 2  # one per word (siblings wait)
    assert {c.word.simplified for c in cards} == {"银行", "哈哈"}
    assert all(c.is_new and c.kind == "recognition" for c in cards)


def test_answers_schedule_and_survive_a_restart(db: Database, tmp_path: Path) -> None:
    clock = Clock(T0)
    _save(db, ("银行", "yín háng", ("bank",)))
    reviewer = _reviewer(db, clock)
    state = reviewer.answer(1, "recognition", 3, duration_ms=1500)
    assert state.reps == 1 and state.due > T0 and state.last_review == T0
    assert reviewer.counts() == DueCounts(held=1)  # the recall card waits for tomorrow
    clock.now = T0 + DAY
    easy = reviewer.answer(1, "recall", 4)
    assert easy.due - clock.now > DAY  # Easy on a new card: days away
    again = Database(db.path)  # another connection, as after a restart
    try:
        later = _reviewer(again, Clock(T0 + DAY + 60))
        assert later.counts().total == 0
        clock_far = Clock(T0 + 400 * DAY)
        # both cards due (recognition still in learning), one asked: the other waits a day
        assert _reviewer(again, clock_far).counts() == DueCounts(learning=1, held=1)
        log = again.execute("SELECT kind, rating, duration_ms FROM review_log ORDER BY id")
        assert [tuple(r) for r in log] == [("recognition", 3, 1500), ("recall", 4, None)]
    finally:
        again.close()


def test_again_comes_back_soon_and_counts_a_lapse(db: Database) -> None:
    clock = Clock(T0)
    _save(db, ("银行", "yín háng", ("bank",)))
    reviewer = _reviewer(db, clock)
    for _ in range(3):
        state = reviewer.answer(1, "recognition", 4)
        clock.now = state.due + 1
    assert state.state == 2  # in review
    lapsed = reviewer.answer(1, "recognition", 1)
    assert lapsed.lapses == 1 and lapsed.state == 3  # relearning
    assert lapsed.due - clock.now <= 15 * 60
    preview = reviewer.preview(reviewer.due_cards(1, now=lapsed.due + 1)[0], now=lapsed.due + 1)
    assert preview[1] <= preview[2] <= preview[3] <= preview[4]


def test_bad_answers_are_refused(db: Database) -> None:
    reviewer = _reviewer(db, Clock(T0))
    _save(db, ("银行", "yín háng", ("bank",)))
    with pytest.raises(ValueError):
        reviewer.answer(1, "recognition", 5)
    with pytest.raises(ValueError):
        reviewer.answer(1, "sideways", 3)
    with pytest.raises(ValueError, match="not in My words"):
        reviewer.answer(99, "recall", 3)


def test_session_of_ten_requeues_again(db: Database) -> None:
    clock = Clock(T0)
    _save(db, *[(f"词{k}", "cí", (f"word {k}",)) for k in range(15)])
    reviewer = _reviewer(db, clock)
    session = ReviewSession(reviewer, size=10)
    assert session.total == 10 and session.remaining == 10
    first = session.current
    assert first is not None
    session.answer(1)  # Again: back at the end
    assert session.remaining == 10 and session.queue[-1].word.id == first.word.id
    while not session.done:
        session.answer(3)
    assert session.answered == 11 and session.finished == 10
    with pytest.raises(ValueError):
        session.answer(3)
    # ten words asked today: their recall cards wait; the other five words are due
    assert reviewer.counts() == DueCounts(new=5, held=15)


def test_session_gives_up_on_a_card_after_max_tries(db: Database) -> None:
    _save(db, ("难", "nán", ("hard",)))
    session = ReviewSession(_reviewer(db, Clock(T0)), size=5, max_tries=3)
    for _ in range(3):
        session.answer(1)
    assert session.done and session.answered == 3


def test_learning_cards_come_before_reviews_and_new(db: Database) -> None:
    clock = Clock(T0)
    _save(db, ("一", "yī", ("one",)), ("二", "èr", ("two",)), ("三", "sān", ("three",)))
    reviewer = _reviewer(db, clock)
    reviewer.answer(2, "recognition", 1)  # 二 is in learning
    clock.now = T0 + 3600
    order = [c.word.simplified for c in reviewer.due_cards(3)]
    assert order[0] == "二"


# The count is what a session asks ---------------------------------------------------------
def _local(*when: int) -> float:
    """A local wall-clock time (the review day changes at 4 a.m. local time)."""
    return datetime(*when).timestamp()  # type: ignore[arg-type]


def _ask_all(reviewer: Reviewer, rating: int = 3, size: int = 1000) -> list[tuple[str, str]]:
    """The cards a session of ``size`` asks, each answered ``rating`` once: (word, kind)."""
    session = ReviewSession(reviewer, size=size)
    asked = []
    while not session.done:
        current = session.current
        assert current is not None
        asked.append((current.word.simplified, current.kind))
        session.answer(rating)
    return asked


def _six_words(db: Database, now: float = T0) -> None:
    _save(db, *[(f"词{k}", f"cí{k}", (f"word {k}",)) for k in range(6)], now=now)
    _save(db, ("哈哈", "hā hā", ()), now=now)  # no meaning: a recognition card only


def test_the_count_is_the_cards_a_session_asks_day_after_day(db: Database) -> None:
    clock = Clock(T0)
    reviewer = _reviewer(db, clock)
    _six_words(db)
    assert reviewer.due_count() == 7  # 7 words, not 13 cards
    asked = _ask_all(reviewer, rating=4)
    assert len(asked) == 7 and len(set(asked)) == 7
    assert {kind for _w, kind in asked} == {"recognition"}
    assert reviewer.due_count() == 0  # the six recall cards are buried for the day
    for later in (_local(2025, 6, 15, 23, 30), _local(2025, 6, 16, 3, 59)):
        clock.now = later  # still the same review day: nothing more is asked
        assert reviewer.due_count() == 0 and _ask_all(reviewer) == []

    clock.now = _local(2025, 6, 16, 4, 0)  # the next review day: the buried ones are due
    assert reviewer.due_count() == 6
    recall = _ask_all(reviewer, rating=4)
    assert sorted(recall) == sorted((f"词{k}", "recall") for k in range(6))
    assert reviewer.due_count() == 0

    # Months later every card is due, both kinds: still one card per word.
    clock.now = T0 + 400 * DAY
    both = reviewer.counts()
    assert both.total == 7 and both.review == 7
    first_day = _ask_all(reviewer, rating=3)
    assert len(first_day) == 7 == len({word for word, _k in first_day})
    assert reviewer.due_count() == 0
    clock.now += DAY
    second_day = _ask_all(reviewer, rating=3)
    assert reviewer.due_count() == 0
    # the next day asks exactly the siblings that waited (哈哈 has none)
    assert sorted(second_day) == sorted(
        (word, "recall" if kind == "recognition" else "recognition")
        for word, kind in first_day
        if word != "哈哈"
    )


def test_review_ten_then_the_rest_asks_what_the_count_said(db: Database) -> None:
    clock = Clock(T0)
    reviewer = _reviewer(db, clock)
    _save(db, *[(f"字{k}", f"zì{k}", (f"character {k}",)) for k in range(15)])
    assert reviewer.due_count() == 15
    assert len(_ask_all(reviewer, size=10)) == 10  # "Review 10"
    assert reviewer.due_count() == 5  # "5 more due"
    assert len(_ask_all(reviewer, size=10)) == 5  # "Review 10 more" asks those 5
    assert reviewer.due_count() == 0
    clock.now += 10 * 60  # Good on a new card: again after its 10-minute learning step
    assert reviewer.counts().learning == reviewer.due_count() == 15
    assert len(_ask_all(reviewer, rating=4)) == 15


def test_the_count_and_the_buried_siblings_survive_a_restart(db: Database) -> None:
    _six_words(db)
    morning = _local(2025, 6, 15, 10, 0)
    _ask_all(_reviewer(db, Clock(morning)), size=3)  # three words before work
    db.close()  # the app quits
    reopened = Database(db.path)
    try:
        reviewer = _reviewer(reopened, Clock(_local(2025, 6, 15, 18, 0)))
        count = reviewer.due_count()
        asked = _ask_all(reviewer, rating=4)
        assert count == len(asked) == 7  # 4 new words + 3 learning cards, no buried recall
        assert {w for w, k in asked if k == "recall"} == set()
        reviewer = _reviewer(reopened, Clock(_local(2025, 6, 16, 9, 0)))
        assert reviewer.due_count() == 6 == len(_ask_all(reviewer))  # every recall card
    finally:
        reopened.close()


def test_the_count_after_an_import_is_what_the_session_asks(db: Database, tmp_path: Path) -> None:
    clock = Clock(T0)
    reviewer = _reviewer(db, clock)
    _six_words(db)
    first = _ask_all(reviewer, size=4, rating=4)
    export_csv(WordList(db), tmp_path / "words.csv")

    # Into another profile: the same count and the same cards, the buried still buried.
    other = Database(tmp_path / "other.db")
    try:
        report = import_csv(WordList(other), tmp_path / "words.csv", now=T0)
        assert report.added == 7
        theirs = _reviewer(other, Clock(T0 + 60))
        assert theirs.counts() == reviewer.counts() and theirs.due_count() == 3
        assert sorted(_ask_all(theirs)) == sorted(_ask_all(_reviewer(db, Clock(T0 + 60))))
        tomorrow = _reviewer(other, Clock(T0 + DAY))
        assert tomorrow.due_count() == 7
        asked = _ask_all(tomorrow)
        assert len(asked) == 7  # 3 learning cards from today's second round, 4 recall cards
        assert {(w, "recall") for w, _k in first} <= set(asked)  # the buried ones, now due
    finally:
        other.close()

    # New words imported into this profile: one more card to ask per word.
    (tmp_path / "new.csv").write_text(
        "simplified,pinyin,meanings\n避雷,bì léi,to warn others off\n平替,píng tì,a dupe\n",
        encoding="utf-8",
    )
    assert import_csv(WordList(db), tmp_path / "new.csv", now=T0 + 120).added == 2
    clock.now = T0 + 180
    assert reviewer.due_count() == 2
    assert sorted(_ask_all(reviewer)) == [("平替", "recognition"), ("避雷", "recognition")]


def test_buried_siblings_are_held_and_due_the_next_review_day(db: Database) -> None:
    from companion.learning.review import review_day

    clock = Clock(_local(2025, 6, 15, 23, 0))
    reviewer = _reviewer(db, clock)
    _save(db, ("银行", "yín háng", ("bank",)), now=clock.now)
    assert reviewer.counts() == DueCounts(new=1, held=1)  # recall waits behind recognition
    reviewer.answer(1, "recognition", 4)  # Easy: days away
    start, end = review_day(clock.now)
    assert (start, end) == (_local(2025, 6, 15, 4, 0), _local(2025, 6, 16, 4, 0))
    assert review_day(_local(2025, 6, 16, 3, 0)) == (start, end)
    assert reviewer.counts() == DueCounts(held=1)
    assert reviewer.next_due() == end  # not "now": the buried card is asked tomorrow
    clock.now = end
    assert reviewer.counts() == DueCounts(new=1) and reviewer.due_cards()[0].kind == "recall"
    # A sibling answered "in the future" (another machine's clock) buries nothing for ever.
    with db.transaction() as conn:
        conn.execute("UPDATE review_cards SET last_review = ? WHERE kind = 'recognition'",
                     (round((end + 30 * DAY) * 1000),))  # fmt: skip
    assert reviewer.due_count() == 1


def test_a_word_answered_both_ways_today_is_still_asked_once_at_a_time(db: Database) -> None:
    clock = Clock(T0)
    reviewer = _reviewer(db, clock)
    _save(db, ("银行", "yín háng", ("bank",)))
    reviewer.answer(1, "recognition", 1)  # both answered today (two windows, or the CLI)
    reviewer.answer(1, "recall", 1)
    clock.now += 3600
    assert reviewer.counts() == DueCounts(learning=1)  # neither is buried, one at a time
    assert len(_ask_all(reviewer, rating=4)) == 1
    assert reviewer.due_count() == 1 == len(_ask_all(reviewer, rating=4))
    assert reviewer.due_count() == 0


def test_format_interval() -> None:
    assert [format_interval(s) for s in (5, 600, 7200, 4 * DAY, 70 * DAY, 800 * DAY)] == [
        "<1m", "10m", "2h", "4d", "2mo", "2.2y",
    ]  # fmt: skip
