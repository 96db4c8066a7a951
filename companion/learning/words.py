"""My words: saved words and phrases, each with the sentence it came from.

A word is saved from the ruby view, the dictionary popup, the phrasebook, a selection in the
pane or an OCR result: :class:`WordToSave` carries the word plus its context (the sentence,
that sentence's translation and pinyin). Saving the same word and reading again keeps the
first sentence and fills what was missing. Each word has two review cards (recognition and
recall, scheduled by :mod:`companion.learning.review`), created with it in one transaction.

Everything is normalised on the way in (control characters dropped, NFC, one spelling of the
pinyin, trimmed lines), so what is stored is exactly what an export writes and an import
reads back.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from companion import changes
from companion.learning.textkeys import (
    canonical_pinyin,
    fold,
    reading_key,
    strip_marks,
    toneless,
)
from companion.storage.db import Database, default_database
from companion.text import clean_input, has_han

MAX_WORD = 100
MAX_LINE = 500
MAX_TEXT = 10_000
MAX_MEANINGS = 50
MAX_TAGS = 20
MAX_TAG = 50
KINDS = ("recognition", "recall")
ORDERS = ("newest", "due", "pinyin")

WORD_COLUMNS = (
    "id, simplified, traditional, pinyin, meanings, sentence, translation, sentence_pinyin,"
    " tags, note, origin, created, updated"
)
CARD_COLUMNS = "word_id, kind, state, step, stability, difficulty, due, last_review, reps, lapses"
# A recall card asks "meaning -> Chinese": it only exists for a word that has a meaning.
ACTIVE_CARD = "(c.kind = 'recognition' OR w.meanings != '[]')"


class WordError(ValueError):
    """A word that cannot be saved as given, in words to show the user."""


def to_ms(seconds: float) -> int:
    return round(seconds * 1000)


def _no_surrogates(text: str) -> str:
    return "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)


def clean_line(value: object, what: str, limit: int = MAX_LINE) -> str:
    """One line of text: controls and runs of white space become one space."""
    text = " ".join(_no_surrogates(clean_input(str(value or ""))).split())
    if len(text) > limit:
        raise WordError(f"{what} is longer than {limit:,} characters")
    return text


def clean_block(value: object, what: str, limit: int = MAX_TEXT) -> str:
    """Text that may span lines (a sentence, a note): newlines and tabs kept, ends trimmed."""
    text = _no_surrogates(clean_input(str(value or ""))).strip()
    if len(text) > limit:
        raise WordError(f"{what} is longer than {limit:,} characters")
    return text


def clean_meanings(values: str | Iterable[str]) -> tuple[str, ...]:
    """Meanings as a tuple of single lines, without empties or repeats (a string: one a line)."""
    items = values.split("\n") if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        line = clean_line(item, "a meaning")
        if line and line not in out:
            out.append(line)
    if len(out) > MAX_MEANINGS:
        raise WordError(f"more than {MAX_MEANINGS} meanings")
    return tuple(out)


def clean_tags(values: str | Iterable[str]) -> tuple[str, ...]:
    """Tags as given, split on commas, trimmed, without repeats (compared ignoring case)."""
    items = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        for part in str(item).split(","):
            tag = clean_line(part, "a tag", MAX_TAG)
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append(tag)
    if len(out) > MAX_TAGS:
        raise WordError(f"more than {MAX_TAGS} tags")
    return tuple(out)


def clean_origin(value: str) -> str:
    return "".join(ch for ch in value.strip().lower() if ch.isalnum() or ch in "-_")[:40]


@dataclass(frozen=True, slots=True)
class WordToSave:
    """A word to keep, as the place it was seen knows it.

    ``senses`` are its meanings and ``context`` the sentence it came from (names kept from
    the dictionary popup, which builds these); ``translation`` and ``sentence_pinyin`` belong
    to that sentence.
    """

    simplified: str
    traditional: str = ""
    pinyin: str = ""
    senses: tuple[str, ...] = field(default=())
    context: str = ""
    translation: str = ""
    sentence_pinyin: str = ""
    tags: tuple[str, ...] = field(default=())
    note: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class CardState:
    """One review card's fsrs state; times are seconds since the epoch.

    ``reps == 0`` is a card never reviewed (new).
    """

    kind: str
    due: float
    state: int = 1
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    last_review: float | None = None
    reps: int = 0
    lapses: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state, "step": self.step, "stability": self.stability,
            "difficulty": self.difficulty, "due": to_ms(self.due),
            "last_review": None if self.last_review is None else to_ms(self.last_review),
            "reps": self.reps, "lapses": self.lapses,
        }  # fmt: skip

    @classmethod
    def from_json(cls, kind: str, data: dict[str, object]) -> CardState:
        """The inverse of :meth:`to_json`; ``ValueError``/``TypeError`` when it is not one."""

        def number(name: str) -> float | None:
            value = data.get(name)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} is not a number")
            return float(value)

        def integer(name: str, default: int | None) -> int | None:
            value = data.get(name, default)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} is not a whole number")
            return value

        due = integer("due", None)
        if due is None:
            raise ValueError("due is missing")
        last = integer("last_review", None)
        state = integer("state", 1)
        if state not in (1, 2, 3):
            raise ValueError("state is not 1, 2 or 3")
        return cls(
            kind=kind, due=due / 1000, state=state, step=integer("step", 0),
            stability=number("stability"), difficulty=number("difficulty"),
            last_review=None if last is None else last / 1000,
            reps=max(0, integer("reps", 0) or 0), lapses=max(0, integer("lapses", 0) or 0),
        )  # fmt: skip


def card_from_row(row: sqlite3.Row) -> CardState:
    last = row["last_review"]
    return CardState(
        row["kind"], row["due"] / 1000, row["state"], row["step"], row["stability"],
        row["difficulty"], None if last is None else last / 1000, row["reps"], row["lapses"],
    )  # fmt: skip


@dataclass(slots=True)
class SavedWord:
    """A word in My words. ``due``: when its next active card is due (None: no card).

    Treat it as immutable (change a copy with ``dataclasses.replace``); it is not frozen
    only because a frozen dataclass is three times slower to build, and the My words panel
    builds 5,000 of them when it opens.
    """

    id: int
    simplified: str
    traditional: str = ""
    pinyin: str = ""
    meanings: tuple[str, ...] = ()
    sentence: str = ""
    translation: str = ""
    sentence_pinyin: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    origin: str = ""
    created: float = 0.0
    updated: float = 0.0
    due: float | None = None

    @property
    def forms(self) -> str:
        """ "银行" or "图书馆 (圖書館)"."""
        return f"{self.simplified} ({self.traditional})" if self.traditional else self.simplified

    @property
    def meaning(self) -> str:
        return "; ".join(self.meanings)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "simplified": self.simplified, "traditional": self.traditional,
            "pinyin": self.pinyin, "meanings": list(self.meanings), "sentence": self.sentence,
            "translation": self.translation, "sentence_pinyin": self.sentence_pinyin,
            "tags": list(self.tags), "note": self.note, "origin": self.origin,
            "created": self.created, "updated": self.updated, "due": self.due,
        }  # fmt: skip


_decode_json = json.JSONDecoder().decode


def _json_list(text: str) -> tuple[str, ...]:
    """A stored JSON list of strings. Lists written by ``json.dumps`` without escapes (no
    backslash: no quote, newline or control character inside) are split directly, which is
    exact for them and several times faster than decoding 10,000 of them."""
    if text == "[]":
        return ()
    if text[:2] == '["' and text[-2:] == '"]' and "\\" not in text:
        return tuple(text[2:-2].split('", "'))
    try:
        value = _decode_json(text)
    except ValueError:
        return (text,) if text else ()
    if not isinstance(value, list):
        return (str(value),)
    if all(type(v) is str for v in value):
        return tuple(value)
    return tuple(str(v) for v in value)


def word_from_row(row: sqlite3.Row, due: float | None = None) -> SavedWord:
    """A word from a row whose first columns are :data:`WORD_COLUMNS`, in that order."""
    (word_id, simplified, traditional, pinyin, meanings, sentence, translation,
     sentence_pinyin, tags, note, origin, created, updated) = tuple(row)[:13]  # fmt: skip
    return SavedWord(
        int(word_id), simplified, traditional, pinyin, _json_list(meanings), sentence,
        translation, sentence_pinyin, _json_list(tags), note, origin, created / 1000,
        updated / 1000, due,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SaveResult:
    word: SavedWord
    added: bool  # False: it was there already (missing details were filled in)


@dataclass(frozen=True, slots=True)
class RemovedWord:
    """Everything a removal deleted, so Undo puts it back as it was (review state too)."""

    word: SavedWord
    cards: tuple[CardState, ...]
    log: tuple[tuple[str, int, int, int | None], ...]  # (kind, rating, reviewed ms, duration)


@dataclass(frozen=True, slots=True)
class WordRecord:
    """A word with its review state, as an export holds it (see :meth:`WordList.merge`)."""

    word: SavedWord
    cards: tuple[CardState, ...] = ()


@dataclass(frozen=True, slots=True)
class MergeReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def normalised(word: SavedWord) -> SavedWord:
    """``word`` with every field cleaned the one way storage keeps it (WordError if it can't)."""
    simplified = clean_line(word.simplified, "the word", MAX_WORD)
    if not simplified:
        raise WordError("the word is empty")
    traditional = clean_line(word.traditional, "the traditional form", MAX_WORD)
    return replace(
        word,
        simplified=simplified,
        traditional="" if traditional == simplified else traditional,
        pinyin=canonical_pinyin(clean_line(word.pinyin, "the pinyin")),
        meanings=clean_meanings(word.meanings),
        sentence=clean_block(word.sentence, "the sentence"),
        translation=clean_block(word.translation, "the translation"),
        sentence_pinyin=clean_block(word.sentence_pinyin, "the sentence's pinyin"),
        tags=clean_tags(word.tags),
        note=clean_block(word.note, "the note"),
        origin=clean_origin(word.origin),
    )


def _values(word: SavedWord) -> tuple[object, ...]:
    return (
        word.simplified, word.traditional, word.pinyin,
        json.dumps(list(word.meanings), ensure_ascii=False), word.sentence, word.translation,
        word.sentence_pinyin, json.dumps(list(word.tags), ensure_ascii=False), word.note,
        word.origin, to_ms(word.created), to_ms(word.updated),
    )  # fmt: skip


class WordList:
    """The ``words`` table and the review cards that belong to its words."""

    def __init__(self, db: Database | None = None) -> None:
        self.db = db or default_database()

    # --- saving ----------------------------------------------------------------------------

    def save(self, item: WordToSave, now: float | None = None) -> SaveResult:
        """Keep ``item``; a word already saved with the same reading gets its gaps filled."""
        when = time.time() if now is None else now
        word = normalised(
            SavedWord(
                id=0, simplified=item.simplified, traditional=item.traditional,
                pinyin=item.pinyin, meanings=tuple(item.senses), sentence=item.context,
                translation=item.translation, sentence_pinyin=item.sentence_pinyin,
                tags=tuple(item.tags), note=item.note, origin=item.origin,
                created=when, updated=when,
            )
        )  # fmt: skip
        with self.db.transaction() as conn:
            row = self._find_row(conn, word.simplified, word.pinyin)
            if row is None:
                word_id = self._insert(conn, word)
                self._insert_cards(conn, word_id, [CardState(k, when) for k in KINDS])
                result = SaveResult(self._get(conn, word_id), True)
            else:
                old = word_from_row(row)
                filled = _fill_gaps(old, word)
                if filled != old:
                    self._update_row(conn, replace(filled, updated=when))
                result = SaveResult(self._get(conn, old.id), False)
        changes.notify("words", "save")
        return result

    def add(self, simplified: str, **fields: object) -> SaveResult:
        """:meth:`save` with keyword fields (``senses``, ``context``, ``tags``, ...)."""
        return self.save(WordToSave(simplified, **fields))  # type: ignore[arg-type]

    @staticmethod
    def _find_row(conn: sqlite3.Connection, simplified: str, pinyin: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = conn.execute(
            f"SELECT {WORD_COLUMNS} FROM words WHERE simplified = ? AND pinyin = ?",
            (simplified, pinyin),
        ).fetchone()
        return row

    @staticmethod
    def _insert(conn: sqlite3.Connection, word: SavedWord, word_id: int | None = None) -> int:
        cursor = conn.execute(
            "INSERT INTO words (id, simplified, traditional, pinyin, meanings, sentence,"
            " translation, sentence_pinyin, tags, note, origin, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (word_id, *_values(word)),
        )
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _update_row(conn: sqlite3.Connection, word: SavedWord) -> None:
        conn.execute(
            "UPDATE words SET simplified=?, traditional=?, pinyin=?, meanings=?, sentence=?,"
            " translation=?, sentence_pinyin=?, tags=?, note=?, origin=?, created=?, updated=?"
            " WHERE id=?",
            (*_values(word), word.id),
        )

    @staticmethod
    def _insert_cards(conn: sqlite3.Connection, word_id: int, cards: Iterable[CardState]) -> None:
        conn.executemany(
            f"INSERT OR REPLACE INTO review_cards ({CARD_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (word_id, c.kind, c.state, c.step, c.stability, c.difficulty, to_ms(c.due),
                 None if c.last_review is None else to_ms(c.last_review), c.reps, c.lapses)
                for c in cards
            ],
        )  # fmt: skip

    # --- reading ---------------------------------------------------------------------------

    def _get(self, conn: sqlite3.Connection, word_id: int) -> SavedWord:
        row = conn.execute(f"SELECT {WORD_COLUMNS} FROM words WHERE id = ?", (word_id,)).fetchone()
        if row is None:
            raise WordError(f"word {word_id} is not in My words (removed?)")
        due = conn.execute(
            f"SELECT min(c.due) FROM review_cards c JOIN words w ON w.id = c.word_id"
            f" WHERE c.word_id = ? AND {ACTIVE_CARD}",
            (word_id,),
        ).fetchone()[0]
        return word_from_row(row, None if due is None else due / 1000)

    def get(self, word_id: int) -> SavedWord:
        rows = self.db.execute(f"SELECT {WORD_COLUMNS} FROM words WHERE id = ?", (word_id,))
        if not rows:
            raise WordError(f"word {word_id} is not in My words (removed?)")
        due = self.db.execute(
            f"SELECT min(c.due) FROM review_cards c JOIN words w ON w.id = c.word_id"
            f" WHERE c.word_id = ? AND {ACTIVE_CARD}",
            (word_id,),
        )[0][0]
        return word_from_row(rows[0], None if due is None else due / 1000)

    def find(self, simplified: str, pinyin: str | None = None) -> list[SavedWord]:
        """Saved words written ``simplified`` (or that traditional form), any or one reading."""
        text = clean_line(simplified, "the word", MAX_WORD)
        rows = self.db.execute(
            f"SELECT {WORD_COLUMNS} FROM words WHERE simplified = ? OR traditional = ? ORDER BY id",
            (text, text),
        )
        words = [word_from_row(r) for r in rows]
        if pinyin is not None:
            key = canonical_pinyin(pinyin)
            words = [w for w in words if w.pinyin == key]
        return words

    def is_saved(self, simplified: str) -> bool:
        return bool(self.find(simplified))

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM words")[0][0])

    def all(self) -> list[SavedWord]:
        """Every word with when it is next due, newest first."""
        rows = self.db.execute(
            f"SELECT {', '.join('w.' + c.strip() for c in WORD_COLUMNS.split(','))},"
            f" (SELECT min(c.due) FROM review_cards c WHERE c.word_id = w.id AND {ACTIVE_CARD})"
            " FROM words w ORDER BY w.created DESC, w.id DESC"
        )
        return [word_from_row(r, None if r[13] is None else r[13] / 1000) for r in rows]

    def records(self) -> list[WordRecord]:
        """Every word with all its cards' review state (what an export writes), oldest first."""
        with self.db.transaction() as conn:
            cards: dict[int, list[CardState]] = {}
            for row in conn.execute(f"SELECT {CARD_COLUMNS} FROM review_cards ORDER BY kind"):
                cards.setdefault(int(row["word_id"]), []).append(card_from_row(row))
            rows = conn.execute(f"SELECT {WORD_COLUMNS} FROM words ORDER BY created, id")
            return [WordRecord(word_from_row(r), tuple(cards.get(int(r["id"]), ()))) for r in rows]

    def tags(self) -> list[str]:
        """Every tag in use, sorted ignoring case."""
        rows = self.db.execute(
            "SELECT DISTINCT j.value FROM words, json_each(words.tags) j WHERE json_valid(tags)"
        )
        return sorted({str(r[0]) for r in rows}, key=str.casefold)

    # --- editing ---------------------------------------------------------------------------

    def update(
        self,
        word_id: int,
        fields: Mapping[str, object] | None = None,
        *,
        now: float | None = None,
        **more: object,
    ) -> SavedWord:
        """Change some fields of a word (``meanings``, ``tags``, ``note``, ...) given as a
        mapping or keywords; its review state stays. :class:`WordError` when the new word
        and reading are already saved."""
        fields = {**(fields or {}), **more}
        allowed = set(SavedWord.__dataclass_fields__) - {"id", "created", "updated", "due"}
        unknown = set(fields) - allowed
        if unknown:
            raise WordError(f"cannot change {', '.join(sorted(unknown))}")
        with self.db.transaction() as conn:
            old = self._get(conn, word_id)
            new = normalised(replace(old, **fields))  # type: ignore[arg-type]
            new = replace(new, updated=time.time() if now is None else now)
            clash = self._find_row(conn, new.simplified, new.pinyin)
            if clash is not None and int(clash["id"]) != word_id:
                raise WordError(f"{new.simplified} {new.pinyin} is already in My words")
            self._update_row(conn, new)
            saved = self._get(conn, word_id)
        changes.notify("words", "update")
        return saved

    def remove(self, word_id: int) -> RemovedWord:
        """Delete a word with its cards and review log; what :meth:`restore` needs to undo."""
        with self.db.transaction() as conn:
            word = self._get(conn, word_id)
            cards = tuple(
                card_from_row(r)
                for r in conn.execute(
                    f"SELECT {CARD_COLUMNS} FROM review_cards WHERE word_id = ?", (word_id,)
                )
            )
            log = tuple(
                (r["kind"], r["rating"], r["reviewed"], r["duration_ms"])
                for r in conn.execute(
                    "SELECT kind, rating, reviewed, duration_ms FROM review_log"
                    " WHERE word_id = ? ORDER BY id",
                    (word_id,),
                )
            )
            conn.execute("DELETE FROM review_log WHERE word_id = ?", (word_id,))
            conn.execute("DELETE FROM review_cards WHERE word_id = ?", (word_id,))
            conn.execute("DELETE FROM words WHERE id = ?", (word_id,))
        changes.notify("words", "remove")
        return RemovedWord(replace(word, due=None), cards, log)

    def restore(self, removed: RemovedWord) -> SavedWord:
        """Undo :meth:`remove`: the word back with its id (when still free) and review state."""
        word = removed.word
        with self.db.transaction() as conn:
            if self._find_row(conn, word.simplified, word.pinyin) is not None:
                raise WordError(f"{word.simplified} is in My words again: nothing to undo")
            taken = conn.execute("SELECT 1 FROM words WHERE id = ?", (word.id,)).fetchone()
            word_id = self._insert(conn, word, None if taken else word.id)
            self._insert_cards(conn, word_id, removed.cards)
            conn.executemany(
                "INSERT INTO review_log (word_id, kind, rating, reviewed, duration_ms)"
                " VALUES (?, ?, ?, ?, ?)",
                [(word_id, *entry) for entry in removed.log],
            )
            restored = self._get(conn, word_id)
        changes.notify("words", "restore")
        return restored

    def merge(self, records: Sequence[WordRecord], now: float | None = None) -> MergeReport:
        """Bring in words from an import, all in one transaction.

        A new word comes in with its review state (or new cards due now). A word already
        here takes the imported fields only when they were edited later than ours, and each
        card the imported state only when it was reviewed later, so re-importing an old
        export never rolls progress back.
        """
        when = time.time() if now is None else now
        added = updated = unchanged = 0
        with self.db.transaction() as conn:
            for record in records:
                word = normalised(record.word)
                row = self._find_row(conn, word.simplified, word.pinyin)
                if row is None:
                    word_id = self._insert(conn, word)
                    given = {c.kind: c for c in record.cards if c.kind in KINDS}
                    cards = [given.get(k) or CardState(k, when) for k in KINDS]
                    self._insert_cards(conn, word_id, cards)
                    added += 1
                    continue
                old = word_from_row(row)
                changed = False
                if to_ms(word.updated) > to_ms(old.updated):
                    self._update_row(conn, replace(word, id=old.id, created=old.created))
                    changed = True
                current = {
                    r["kind"]: card_from_row(r)
                    for r in conn.execute(
                        f"SELECT {CARD_COLUMNS} FROM review_cards WHERE word_id = ?", (old.id,)
                    )
                }
                newer = [c for c in record.cards if c.kind in KINDS and _later(c, current)]
                if newer:
                    self._insert_cards(conn, old.id, newer)
                    changed = True
                if changed:
                    updated += 1
                else:
                    unchanged += 1
        if added or updated:
            changes.notify("words", "import")
        return MergeReport(added, updated, unchanged)


def _later(card: CardState, current: dict[str, CardState]) -> bool:
    mine = current.get(card.kind)
    if mine is None:
        return True
    theirs_at = -1 if card.last_review is None else to_ms(card.last_review)
    mine_at = -1 if mine.last_review is None else to_ms(mine.last_review)
    return theirs_at > mine_at


def _fill_gaps(old: SavedWord, new: SavedWord) -> SavedWord:
    """A word saved again: keep what it had, take what it lacked, add new tags."""
    out = old
    if not old.traditional and new.traditional:
        out = replace(out, traditional=new.traditional)
    if not old.meanings and new.meanings:
        out = replace(out, meanings=new.meanings)
    if not old.sentence and new.sentence:
        out = replace(
            out,
            sentence=new.sentence,
            translation=new.translation,
            sentence_pinyin=new.sentence_pinyin,
        )
    elif old.sentence == new.sentence:
        if not old.translation and new.translation:
            out = replace(out, translation=new.translation)
        if not old.sentence_pinyin and new.sentence_pinyin:
            out = replace(out, sentence_pinyin=new.sentence_pinyin)
    if not old.note and new.note:
        out = replace(out, note=new.note)
    tags = clean_tags((*old.tags, *new.tags)) if len(old.tags) < MAX_TAGS else old.tags
    if tags != old.tags:
        out = replace(out, tags=tags)
    return out


# --- finding and ordering in memory (the panel and the CLI) --------------------------------


class WordIndex:
    """Words with their search keys, computed on the first search (not needed to list them)
    and kept for every keystroke after it."""

    def __init__(self, words: Iterable[SavedWord]) -> None:
        self.words = list(words)
        self._keys: list[tuple[str, str, str]] | None = None

    def prepare(self) -> None:
        """Compute the search keys now (off the GUI thread, so the first keystroke is quick)."""
        self._search_keys()

    def _search_keys(self) -> list[tuple[str, str, str]]:
        if self._keys is None:
            self._keys = [
                (
                    fold(" \n ".join((w.simplified, w.traditional, *w.meanings, w.sentence,
                                      w.translation, w.note, *w.tags, strip_marks(w.pinyin)))),
                    toneless(w.pinyin),
                    toneless(w.sentence_pinyin),
                )
                for w in self.words
            ]  # fmt: skip
        return self._keys

    def tags(self) -> list[str]:
        return sorted({t for w in self.words for t in w.tags}, key=str.casefold)

    def select(
        self, query: str = "", tag: str | None = None, order: str = "newest"
    ) -> list[SavedWord]:
        """The words matching ``query`` (Chinese, English, pinyin with or without tones) and
        carrying ``tag``, in ``order`` ("newest", "due" or "pinyin")."""
        needle = fold(query).strip()
        if not needle:
            chosen = [w for w in self.words if not tag or tag in w.tags]
            return sort_words(chosen, order)
        letters = toneless(needle) if not has_han(needle) else ""
        plain = strip_marks(needle)
        chosen = []
        keys = self._search_keys()
        for word, (blob, pinyin, sentence_pinyin) in zip(self.words, keys, strict=True):
            if tag and tag not in word.tags:
                continue
            in_text = needle in blob or plain in blob
            in_pinyin = bool(letters) and (letters in pinyin or letters in sentence_pinyin)
            if not (in_text or in_pinyin):
                continue
            chosen.append(word)
        return sort_words(chosen, order)


def sort_words(words: Iterable[SavedWord], order: str = "newest") -> list[SavedWord]:
    """``newest`` first, soonest ``due`` first (never-due last), or A-Z by ``pinyin``."""
    items = list(words)
    if order == "newest":
        return sorted(items, key=lambda w: (w.created, w.id), reverse=True)
    if order == "due":
        never = float("inf")
        return sorted(items, key=lambda w: (never if w.due is None else w.due, -w.created))
    if order == "pinyin":
        return sorted(items, key=pinyin_sort_key)
    raise ValueError(f"unknown order {order!r}: use one of {', '.join(ORDERS)}")


def pinyin_sort_key(word: SavedWord) -> tuple[int, str, str, str]:
    """A-Z as a dictionary orders pinyin: letters first, then tones (mā má mǎ mà ma)."""
    if not word.pinyin:
        return (1, "", "", word.simplified)
    syllables = reading_key(word.pinyin).split()
    letters = " ".join(toneless(s) for s in syllables)
    tones = "".join(s[-1] if s[-1:].isdigit() else "5" for s in syllables)
    return (0, letters, tones, word.simplified)
