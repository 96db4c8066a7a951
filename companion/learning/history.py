"""Translation history: every finished translation, newest first, searchable, capped.

``History.record`` is the one call the app makes after a translation is shown. It honours the
user's switches (``history_enabled``, ``history_clipboard``), folds repeats into one entry
(the same translation twice in a row, or a typed text that grew or shrank within a minute, as
the pane translates while you type) and keeps at most ``history_limit`` entries, dropping the
oldest. Search goes through an FTS5 index kept in the same transaction as the rows.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from companion import changes
from companion.learning.textkeys import fts_query, index_text, toneless_pinyin
from companion.settings import Settings
from companion.storage.db import Database, default_database
from companion.text import clean_input

_log = logging.getLogger(__name__)

ORIGINS = ("typed", "pasted", "clipboard", "hotkey", "ocr", "phrasebook", "history", "cli")
CLIPBOARD_ORIGINS = frozenset({"clipboard"})
MAX_TEXT = 100_000  # characters kept of one side of a translation
MAX_INDEXED = 5_000  # characters of each side the search index sees
TYPING_WINDOW_MS = 60_000  # a typed text that grows within this is one entry, not many
DEFAULT_LIMIT = 10_000

_COLUMNS = "id, source, result, source_lang, target_lang, engine, origin, created"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One translation as the pane showed it. ``created`` is seconds since the epoch."""

    id: int
    source: str
    result: str
    source_lang: str
    target_lang: str
    engine: str
    origin: str
    created: float

    @property
    def direction(self) -> str:
        return f"{self.source_lang}-{self.target_lang}"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "source": self.source,
            "result": self.result,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "engine": self.engine,
            "origin": self.origin,
            "created": self.created,
        }


@dataclass(frozen=True, slots=True)
class NewEntry:
    """The plain fields of a finished translation, for :meth:`History.record_many`."""

    source: str
    result: str
    source_lang: str
    target_lang: str
    engine: str = ""
    origin: str = "typed"
    created: float | None = None
    pinyin: str | None = None


def _entry(r: sqlite3.Row) -> HistoryEntry:
    return HistoryEntry(
        int(r["id"]), r["source"], r["result"], r["source_lang"], r["target_lang"],
        r["engine"], r["origin"], r["created"] / 1000,
    )  # fmt: skip


def _clean(text: str) -> str:
    return clean_input(text).strip()[:MAX_TEXT]


def _tag(value: str) -> str:
    return "".join(ch for ch in value.strip().lower() if ch.isalnum() or ch in "-_.")[:40]


class History:
    """The ``history`` table and its search index.

    ``pinyin_of`` gives the toneless pinyin indexed for a text (default: the dictionary's
    readings; loading the dictionary the first time takes a moment, so call ``record`` off
    the GUI thread).
    """

    def __init__(
        self,
        db: Database | None = None,
        settings: Settings | None = None,
        pinyin_of: Callable[[str], str] | None = None,
    ) -> None:
        self.db = db or default_database()
        self.settings = settings or Settings(self.db)
        self._pinyin_of = pinyin_of or toneless_pinyin

    # --- switches --------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self.settings.get_bool("history_enabled")

    @property
    def limit(self) -> int:
        return max(1, self.settings.get_int("history_limit"))

    def keeps(self, origin: str) -> bool:
        """Whether a translation from ``origin`` would be recorded with today's switches."""
        if not self.enabled:
            return False
        return origin not in CLIPBOARD_ORIGINS or self.settings.get_bool("history_clipboard")

    # --- writing ---------------------------------------------------------------------------

    def record(
        self,
        source: str,
        result: str,
        source_lang: str,
        target_lang: str,
        engine: str = "",
        origin: str = "typed",
        created: float | None = None,
        pinyin: str | None = None,
    ) -> HistoryEntry | None:
        """Keep one finished translation; the entry kept (new or folded into), or None.

        None when the switches say not to keep it or there is nothing to keep (empty text).
        ``pinyin`` (toneless syllables) may be given when the caller has it already.
        """
        entry = NewEntry(source, result, source_lang, target_lang, engine, origin, created, pinyin)
        if not self.keeps(_tag(origin)):
            return None
        kept = self._write([entry], self.limit)
        return kept[0] if kept else None

    def record_many(self, entries: Iterable[NewEntry]) -> int:
        """Keep many translations in one transaction (imports, benchmarks); how many were new
        or folded. The switches are not consulted: the caller asked for these."""
        return len(self._write(list(entries), self.limit))

    def _write(self, entries: list[NewEntry], limit: int) -> list[HistoryEntry]:
        prepared = []
        for entry in entries:
            source, result = _clean(entry.source), _clean(entry.result)
            if not source or not result:
                continue
            when = int((time.time() if entry.created is None else entry.created) * 1000)
            pinyin = entry.pinyin
            if pinyin is None:
                pinyin = self._pinyin_of(source[:MAX_INDEXED] + "\n" + result[:MAX_INDEXED])
            fields = (source, result, _tag(entry.source_lang), _tag(entry.target_lang),
                      entry.engine.strip()[:60], _tag(entry.origin))  # fmt: skip
            prepared.append((fields, pinyin, when))
        kept: list[HistoryEntry] = []
        if not prepared:
            return kept
        with self.db.transaction() as conn:
            for fields, pinyin, when in prepared:
                kept.append(self._write_one(conn, fields, pinyin, when))
            self._trim(conn, limit)
        changes.notify("history", "record")
        return kept

    @staticmethod
    def _write_one(
        c: sqlite3.Connection, fields: tuple[str, str, str, str, str, str], pinyin: str, when: int
    ) -> HistoryEntry:
        source, result, source_lang, target_lang, engine, origin = fields
        last = c.execute(f"SELECT {_COLUMNS} FROM history ORDER BY id DESC LIMIT 1").fetchone()
        tokens = " ".join(
            (index_text(source[:MAX_INDEXED]), index_text(result[:MAX_INDEXED]), pinyin)
        )
        if last is not None and _folds_into(last, fields, when):
            c.execute(
                "UPDATE history SET source=?, result=?, engine=?, origin=?, pinyin=?, created=?"
                " WHERE id=?",
                (source, result, engine, origin, pinyin, max(when, last["created"]), last["id"]),
            )
            c.execute("DELETE FROM history_search WHERE rowid = ?", (last["id"],))
            c.execute(
                "INSERT INTO history_search(rowid, tokens) VALUES (?, ?)", (last["id"], tokens)
            )
            entry_id = int(last["id"])
        else:
            cursor = c.execute(
                "INSERT INTO history (source, result, source_lang, target_lang, engine, origin,"
                " pinyin, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (source, result, source_lang, target_lang, engine, origin, pinyin, when),
            )
            entry_id = int(cursor.lastrowid or 0)
            c.execute("INSERT INTO history_search(rowid, tokens) VALUES (?, ?)", (entry_id, tokens))
        row = c.execute(f"SELECT {_COLUMNS} FROM history WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row)

    @staticmethod
    def _trim(c: sqlite3.Connection, limit: int) -> int:
        row = c.execute(
            "SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?", (limit,)
        ).fetchone()
        if row is None:
            return 0
        c.execute("DELETE FROM history_search WHERE rowid <= ?", (row["id"],))
        return int(c.execute("DELETE FROM history WHERE id <= ?", (row["id"],)).rowcount)

    def trim(self, limit: int | None = None) -> int:
        """Drop the oldest entries beyond ``limit`` (default: the setting); how many."""
        with self.db.transaction() as conn:
            dropped = self._trim(conn, max(1, limit if limit is not None else self.limit))
        if dropped:
            changes.notify("history", "trim")
        return dropped

    def remove(self, entry_id: int) -> bool:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM history_search WHERE rowid = ?", (entry_id,))
            gone = bool(conn.execute("DELETE FROM history WHERE id = ?", (entry_id,)).rowcount)
        changes.notify("history", "remove")
        return gone

    def clear(self) -> int:
        """Delete every entry ("Clear history"); how many there were."""
        with self.db.transaction() as conn:
            count = int(conn.execute("SELECT count(*) FROM history").fetchone()[0])
            conn.execute("DELETE FROM history")
            conn.execute("DELETE FROM history_search")
        _log.info("history cleared (%d entries)", count)
        changes.notify("history", "clear")
        return count

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM history")[0][0])

    def get(self, entry_id: int) -> HistoryEntry | None:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM history WHERE id = ?", (entry_id,))
        return _entry(rows[0]) if rows else None

    def recent(self, limit: int = 200, before_id: int | None = None) -> list[HistoryEntry]:
        """The newest entries (older than ``before_id`` when paging)."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM history WHERE id < ? ORDER BY id DESC LIMIT ?",
            (before_id if before_id is not None else 2**63 - 1, limit),
        )
        return [_entry(r) for r in rows]

    def search(self, query: str, limit: int = 200) -> list[HistoryEntry]:
        """Entries matching ``query`` (Chinese, English or pinyin, any tones), newest first.

        Every word of the query must match; an empty query lists the newest entries.
        """
        match = fts_query(query)
        if match is None:
            return self.recent(limit) if not query.strip() else []
        rows = self.db.execute(
            f"SELECT {', '.join('h.' + c.strip() for c in _COLUMNS.split(','))}"
            " FROM history_search s JOIN history h ON h.id = s.rowid"
            " WHERE history_search MATCH ? ORDER BY s.rowid DESC LIMIT ?",
            (match, limit),
        )
        return [_entry(r) for r in rows]


def _folds_into(prev: sqlite3.Row, fields: tuple[str, str, str, str, str, str], when: int) -> bool:
    """Whether a new translation replaces the newest entry instead of adding one."""
    source, result, source_lang, target_lang, _engine, origin = fields
    if (prev["source_lang"], prev["target_lang"]) != (source_lang, target_lang):
        return False
    if prev["source"] == source and prev["result"] == result:
        return True  # the same translation again
    typing = origin == prev["origin"] == "typed" and 0 <= when - prev["created"] <= TYPING_WINDOW_MS
    return typing and (source.startswith(prev["source"]) or prev["source"].startswith(source))
