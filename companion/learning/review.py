"""Daily review of My words with the fsrs scheduler.

Each word has a recognition card (Chinese -> meaning, pinyin shown on the back) and a recall
card (meaning -> Chinese; only for words that have a meaning). As Anki does with "bury
siblings", a word is asked once a day: once one of its cards has been answered today, its
sibling is buried until the next day starts (4 a.m. local time, Anki's default) and then
comes due as scheduled. The due count, the CLI's list and a session's cards all come from
one query (:meth:`Reviewer._queue_sql`), so the number on the tab and in the tray is the
number of cards a session will ask: one per word, cards in learning first, then reviews,
then new cards; a card answered "Again" comes back at the end of the session. Every answer
is written in one transaction with its log entry before the next card is shown, so a crash
loses nothing that was answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import fsrs

from companion import changes
from companion.learning.words import (
    ACTIVE_CARD,
    CARD_COLUMNS,
    KINDS,
    WORD_COLUMNS,
    CardState,
    SavedWord,
    WordError,
    card_from_row,
    to_ms,
    word_from_row,
)
from companion.storage.db import Database, default_database

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
DEFAULT_SESSION = 10
DAY_STARTS_AT = 4  # local hour a review day begins (Anki's "next day starts at")
# SQL over a card ``{0}``: answered this review day (parameters ``day``, ``tomorrow``, ms).
_TODAY = "coalesce({0}.last_review >= :day AND {0}.last_review < :tomorrow, 0)"
# Which words a queue query reads (``c`` is the card): those with a card due now, or
# those with a card answered today.
_DUE_WORDS = "c.word_id IN (SELECT word_id FROM review_cards WHERE due <= :at)"
_ANSWERED_WORDS = f"c.word_id IN (SELECT word_id FROM review_cards r WHERE {_TODAY.format('r')})"


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _seconds(moment: datetime) -> float:
    return to_ms(moment.timestamp()) / 1000


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """A card to show: the word and which way round (``card.kind``)."""

    word: SavedWord
    card: CardState

    @property
    def kind(self) -> str:
        return self.card.kind

    @property
    def is_new(self) -> bool:
        return self.card.reps == 0


def review_day(now: float, starts_at: int = DAY_STARTS_AT) -> tuple[float, float]:
    """The review day holding ``now`` as (start, end) in seconds: local midnight shifted to
    ``starts_at`` o'clock, so a late-night session still counts as the evening's."""
    local = datetime.fromtimestamp(now)  # naive local time; .timestamp() maps it back (DST)
    start = (local - timedelta(hours=starts_at)).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + timedelta(hours=starts_at)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


@dataclass(frozen=True, slots=True)
class DueCounts:
    """The cards a session would ask now, by kind of work, one card per word.

    ``held`` is not part of ``total``: words whose other card is due too but waits until
    the next review day, because the word is asked (or was answered) today; a word has two
    cards at most, so this is both a number of cards and of words.
    """

    new: int = 0
    learning: int = 0  # learning or relearning steps due
    review: int = 0
    held: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


def format_interval(seconds: float) -> str:
    """A short "when again" for a rating button: "<1m", "10m", "3h", "4d", "2mo", "1.5y"."""
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{round(days / 30)}mo"
    return f"{days / 365:.1f}y"


class Reviewer:
    """Due cards, answers and counts over the database; ``clock`` is injectable for tests."""

    def __init__(
        self,
        db: Database | None = None,
        scheduler: fsrs.Scheduler | None = None,
        clock: Callable[[], float] | None = None,
        day_starts_at: int = DAY_STARTS_AT,
    ) -> None:
        self.db = db or default_database()
        self.scheduler = scheduler or fsrs.Scheduler()
        self._clock = clock or time.time
        self.day_starts_at = day_starts_at

    def now(self) -> float:
        return float(self._clock())

    # --- what is due -----------------------------------------------------------------------

    def _day(self, at_ms: int) -> tuple[int, int]:
        start, end = review_day(at_ms / 1000, self.day_starts_at)
        return to_ms(start), to_ms(end)

    @staticmethod
    def _queue_sql(select: str, words: str = _DUE_WORDS) -> str:
        """``select`` over today's queue, the one place that decides what is asked.

        ``words_due`` has a row per word: ``answered`` (one of its cards was answered this
        review day), ``held`` (its due cards that wait for another day) and ``next_at``
        (when it can next be asked). Only the cards answered today may be asked again today
        (their siblings are buried); of those due now, the first by rank (learning, review,
        new), due time and kind (recognition before recall) is picked: ``key`` orders them in
        one number whose lowest bit is the kind. ``picked``: that card per word, with its
        ``rank`` (0 learning, 1 review, 2 new). Parameters ``at``, ``day``, ``tomorrow`` (ms).
        ``words`` says which words to read (``_DUE_WORDS``: enough for what is due now).
        """
        return (
            "WITH cards AS (SELECT c.word_id, c.due,"
            f" {_TODAY.format('c')} AS today,"
            " ((CASE WHEN c.reps = 0 THEN 2 WHEN c.state = 2 THEN 1 ELSE 0 END) << 50)"
            " + (max(c.due, 0) << 1) + (c.kind = 'recall') AS key"
            " FROM review_cards c JOIN words w ON w.id = c.word_id"
            f" WHERE {ACTIVE_CARD} AND {words}),"
            " grouped AS (SELECT word_id, max(today) AS answered,"
            " min(CASE WHEN due <= :at AND today THEN key END) AS key_today,"
            " min(CASE WHEN due <= :at THEN key END) AS key_any,"
            " sum(due <= :at AND NOT today) AS due_waiting,"
            " min(CASE WHEN today THEN due END) AS next_today,"
            " min(CASE WHEN NOT today THEN due END) AS next_other"
            " FROM cards GROUP BY word_id),"
            " words_due AS (SELECT word_id,"
            " CASE WHEN answered THEN key_today ELSE key_any END AS pick,"
            " due_waiting - (NOT answered AND key_any IS NOT NULL) AS held,"
            " CASE WHEN answered THEN min(coalesce(next_today, max(next_other, :tomorrow)),"
            " coalesce(max(next_other, :tomorrow), next_today)) ELSE next_other END AS next_at"
            " FROM grouped),"
            " picked AS (SELECT p.*, d.pick AS pick,"
            " CASE WHEN p.reps = 0 THEN 2 WHEN p.state = 2 THEN 1 ELSE 0 END AS rank"
            " FROM words_due d JOIN review_cards p ON p.word_id = d.word_id"
            " AND p.kind = CASE WHEN d.pick & 1 THEN 'recall' ELSE 'recognition' END"
            " WHERE d.pick IS NOT NULL) " + select
        )

    def counts(self, now: float | None = None) -> DueCounts:
        """What a session would ask now: the number on the Review tab and in the tray."""
        at = to_ms(self.now() if now is None else now)
        day, tomorrow = self._day(at)
        rows = self.db.execute(
            self._queue_sql(
                "SELECT sum(rank = 2), sum(rank = 0), sum(rank = 1),"
                " (SELECT sum(held) FROM words_due) FROM picked"
            ),
            {"at": at, "day": day, "tomorrow": tomorrow},
        )
        new, learning, review, held = (int(v or 0) for v in rows[0])
        return DueCounts(new, learning, review, held)

    def due_count(self, now: float | None = None) -> int:
        """How many cards a session would ask now (new cards included)."""
        return self.counts(now).total

    def next_due(self, now: float | None = None) -> float | None:
        """When the next card can be asked (seconds), or None with no cards at all: a
        buried sibling no sooner than the next review day."""
        at = to_ms(self.now() if now is None else now)
        day, tomorrow = self._day(at)
        params = {"at": at, "day": day, "tomorrow": tomorrow}
        answered = self.db.execute(  # words answered today: their siblings wait
            self._queue_sql("SELECT min(next_at) FROM words_due", _ANSWERED_WORDS), params
        )[0][0]
        others = self.db.execute(  # every other word: its earliest card (the due index)
            "SELECT c.due FROM review_cards c JOIN words w ON w.id = c.word_id"
            f" WHERE {ACTIVE_CARD} AND NOT {_ANSWERED_WORDS} ORDER BY c.due LIMIT 1",
            params,
        )
        values = [v for v in (answered, others[0][0] if others else None) if v is not None]
        return min(values) / 1000 if values else None

    def due_cards(self, limit: int = DEFAULT_SESSION, now: float | None = None) -> list[ReviewCard]:
        """Up to ``limit`` of the cards :meth:`counts` counts: learning, then reviews, then new."""
        at = to_ms(self.now() if now is None else now)
        day, tomorrow = self._day(at)
        columns = ", ".join("w." + c.strip() for c in WORD_COLUMNS.split(","))
        card_columns = ", ".join("p." + c.strip() for c in CARD_COLUMNS.split(","))
        rows = self.db.execute(
            self._queue_sql(
                f"SELECT {columns}, {card_columns} FROM picked p JOIN words w ON w.id = p.word_id"
                " ORDER BY p.pick, w.id LIMIT :limit"
            ),
            {"at": at, "day": day, "tomorrow": tomorrow, "limit": max(1, limit)},
        )
        return [ReviewCard(word_from_row(row), card_from_row(row)) for row in rows]

    # --- answering -------------------------------------------------------------------------

    def _fsrs_card(self, word_id: int, card: CardState) -> fsrs.Card:
        return fsrs.Card(
            card_id=word_id * 2 + KINDS.index(card.kind) + 1,
            state=fsrs.State(card.state),
            step=card.step if card.state != 2 else None,
            stability=card.stability,
            difficulty=card.difficulty,
            due=_utc(card.due),
            last_review=None if card.last_review is None else _utc(card.last_review),
        )

    def _next(self, word_id: int, card: CardState, rating: int, at: float) -> CardState:
        scheduled, _log = self.scheduler.review_card(
            self._fsrs_card(word_id, card), fsrs.Rating(rating), review_datetime=_utc(at)
        )
        return replace(
            card,
            state=int(scheduled.state),
            step=scheduled.step,
            stability=scheduled.stability,
            difficulty=scheduled.difficulty,
            due=_seconds(scheduled.due),
            last_review=to_ms(at) / 1000,
            reps=card.reps + 1,
            lapses=card.lapses + (1 if rating == 1 and card.state == 2 else 0),
        )

    def preview(self, review: ReviewCard, now: float | None = None) -> dict[int, float]:
        """Seconds until the card would be due again after each rating (for the buttons)."""
        at = self.now() if now is None else now
        return {
            r: self._next(review.word.id, review.card, r, at).due - at for r in RATINGS
        }  # fmt: skip

    def answer(
        self,
        word_id: int,
        kind: str,
        rating: int,
        duration_ms: int | None = None,
        now: float | None = None,
    ) -> CardState:
        """Rate a card 1-4 (Again, Hard, Good, Easy); its new state, saved before returning.

        The card is read inside the write transaction, so two windows answering at once
        each build on the other's answer instead of overwriting it.
        """
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1-4 (Again, Hard, Good, Easy), not {rating!r}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        at = self.now() if now is None else now
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT {CARD_COLUMNS} FROM review_cards WHERE word_id = ? AND kind = ?",
                (word_id, kind),
            ).fetchone()
            if row is None:
                raise WordError(f"word {word_id} is not in My words (removed?)")
            new = self._next(word_id, card_from_row(row), rating, at)
            conn.execute(
                "UPDATE review_cards SET state=?, step=?, stability=?, difficulty=?, due=?,"
                " last_review=?, reps=?, lapses=? WHERE word_id=? AND kind=?",
                (new.state, new.step, new.stability, new.difficulty, to_ms(new.due),
                 to_ms(at), new.reps, new.lapses, word_id, kind),
            )  # fmt: skip
            conn.execute(
                "INSERT INTO review_log (word_id, kind, rating, reviewed, duration_ms)"
                " VALUES (?, ?, ?, ?, ?)",
                (word_id, kind, rating, to_ms(at), duration_ms),
            )
        changes.notify("words", "review")
        return new


class ReviewSession:
    """A short run of reviews ("review 10"): the cards due when it starts, Again ones again.

    The session never reads the clock to decide what comes next, so it is the same whether
    the user answers in two seconds or two minutes; it ends when every card was passed
    (rated Hard or better) or the user stops. A card is shown at most ``max_tries`` times.
    """

    def __init__(
        self,
        reviewer: Reviewer,
        size: int = DEFAULT_SESSION,
        now: float | None = None,
        max_tries: int = 4,
    ) -> None:
        self.reviewer = reviewer
        self.queue: list[ReviewCard] = reviewer.due_cards(size, now)
        self.total = len(self.queue)
        self.answered = 0
        self.finished = 0  # cards passed, or shown max_tries times
        self.max_tries = max_tries
        self._tries: dict[tuple[int, str], int] = {}

    @property
    def current(self) -> ReviewCard | None:
        return self.queue[0] if self.queue else None

    @property
    def done(self) -> bool:
        return not self.queue

    @property
    def remaining(self) -> int:
        return len(self.queue)

    def answer(self, rating: int, duration_ms: int | None = None) -> CardState:
        """Rate the current card and move on; an "Again" card goes to the back of the line."""
        review = self.current
        if review is None:
            raise ValueError("the session is over: no card to answer")
        state = self.reviewer.answer(review.word.id, review.kind, rating, duration_ms)
        self.queue.pop(0)
        self.answered += 1
        key = (review.word.id, review.kind)
        self._tries[key] = self._tries.get(key, 0) + 1
        if rating == 1 and self._tries[key] < self.max_tries:
            self.queue.append(ReviewCard(review.word, state))
        else:
            self.finished += 1
        return state
