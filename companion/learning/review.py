"""Daily review of My words with the fsrs scheduler.

Each word has a recognition card (Chinese -> meaning, pinyin shown on the back) and a recall
card (meaning -> Chinese; only for words that have a meaning). A session shows at most one
card per word (the sibling waits for another day, as Anki buries siblings), cards in
learning first, then reviews, then new cards; a card answered "Again" comes back at the end
of the session. Every answer is written in one transaction with its log entry before the
next card is shown, so a crash loses nothing that was answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone

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


@dataclass(frozen=True, slots=True)
class DueCounts:
    new: int = 0
    learning: int = 0  # learning or relearning steps due
    review: int = 0

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
    ) -> None:
        self.db = db or default_database()
        self.scheduler = scheduler or fsrs.Scheduler()
        self._clock = clock or time.time

    def now(self) -> float:
        return float(self._clock())

    # --- what is due -----------------------------------------------------------------------

    def counts(self, now: float | None = None) -> DueCounts:
        """Cards due now, by kind of work: the number on the Review tab and in the tray."""
        at = to_ms(self.now() if now is None else now)
        rows = self.db.execute(
            "SELECT sum(c.reps = 0), sum(c.reps > 0 AND c.state != 2), sum(c.reps > 0 AND"
            " c.state = 2) FROM review_cards c JOIN words w ON w.id = c.word_id"
            f" WHERE c.due <= ? AND {ACTIVE_CARD}",
            (at,),
        )
        new, learning, review = (int(v or 0) for v in rows[0])
        return DueCounts(new, learning, review)

    def due_count(self, now: float | None = None) -> int:
        """How many cards are due now (new cards included)."""
        return self.counts(now).total

    def next_due(self) -> float | None:
        """When the next card falls due (seconds), or None with no cards at all."""
        rows = self.db.execute(
            "SELECT min(c.due) FROM review_cards c JOIN words w ON w.id = c.word_id"
            f" WHERE {ACTIVE_CARD}"
        )
        value = rows[0][0]
        return None if value is None else value / 1000

    def due_cards(self, limit: int = DEFAULT_SESSION, now: float | None = None) -> list[ReviewCard]:
        """Up to ``limit`` due cards, one per word: learning, then reviews, then new."""
        at = to_ms(self.now() if now is None else now)
        columns = ", ".join("w." + c.strip() for c in WORD_COLUMNS.split(","))
        card_columns = ", ".join("c." + c.strip() for c in CARD_COLUMNS.split(","))
        rows = self.db.execute(
            f"SELECT {columns}, {card_columns} FROM review_cards c"
            " JOIN words w ON w.id = c.word_id"
            f" WHERE c.due <= ? AND {ACTIVE_CARD}"
            " ORDER BY CASE WHEN c.reps = 0 THEN 2 WHEN c.state = 2 THEN 1 ELSE 0 END,"
            " c.due, c.kind DESC, w.id"
            " LIMIT ?",
            (at, max(1, limit) * 4 + 16),
        )
        out: list[ReviewCard] = []
        seen: set[int] = set()
        for row in rows:
            word_id = int(row["word_id"])
            if word_id in seen:
                continue
            seen.add(word_id)
            out.append(ReviewCard(word_from_row(row), card_from_row(row)))
            if len(out) >= limit:
                break
        return out

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
