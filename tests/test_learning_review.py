"""Review with fsrs: due counts, one card per word, answers that persist, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import fsrs
import pytest

from companion.learning.review import Reviewer, ReviewSession, format_interval
from companion.learning.words import WordList, WordToSave
from companion.storage.db import Database

DAY = 86_400.0
T0 = 1_750_000_000.0


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
    # 哈哈 has no meaning, so no recall card: 2 + 1 cards
    assert (counts.new, counts.learning, counts.review, counts.total) == (3, 0, 0, 3)
    cards = reviewer.due_cards(10)
    assert len(cards) == 2  # one per word (siblings wait)
    assert {c.word.simplified for c in cards} == {"银行", "哈哈"}
    assert all(c.is_new for c in cards)


def test_answers_schedule_and_survive_a_restart(db: Database, tmp_path: Path) -> None:
    clock = Clock(T0)
    _save(db, ("银行", "yín háng", ("bank",)))
    reviewer = _reviewer(db, clock)
    state = reviewer.answer(1, "recognition", 3, duration_ms=1500)
    assert state.reps == 1 and state.due > T0 and state.last_review == T0
    assert reviewer.counts().total == 1  # only the recall card now
    easy = reviewer.answer(1, "recall", 4)
    assert easy.due - T0 > DAY  # Easy on a new card: days away
    again = Database(db.path)  # another connection, as after a restart
    try:
        later = _reviewer(again, Clock(T0 + 60))
        assert later.counts().total == 0
        clock_far = Clock(T0 + 400 * DAY)
        assert _reviewer(again, clock_far).counts().total == 2
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
    # ten words reviewed once; the other five words and all recall cards are still due
    assert reviewer.counts().total == 30 - 10


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


def test_format_interval() -> None:
    assert [format_interval(s) for s in (5, 600, 7200, 4 * DAY, 70 * DAY, 800 * DAY)] == [
        "<1m", "10m", "2h", "4d", "2mo", "2.2y",
    ]  # fmt: skip
