"""The user's SQLite database: opening, migrations, and recovery from a corrupt file.

One file holds settings, the user's own phrasebook entries, favourites and saved words. WAL
mode lets the GUI read while a worker writes. Migrations are append-only: never edit one that
has shipped, add the next.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from companion import paths

MIGRATIONS: list[str] = [
    # 1: settings and the user's phrasebook
    """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL            -- JSON
    );
    CREATE TABLE user_phrases (
        id          INTEGER PRIMARY KEY,
        simplified  TEXT NOT NULL,
        traditional TEXT NOT NULL DEFAULT '',
        pinyin      TEXT NOT NULL DEFAULT '',
        english     TEXT NOT NULL,      -- JSON list of meanings
        category    TEXT NOT NULL DEFAULT 'mine',
        note        TEXT NOT NULL DEFAULT '',
        created     REAL NOT NULL,
        updated     REAL NOT NULL
    );
    CREATE INDEX user_phrases_simplified ON user_phrases(simplified);
    CREATE TABLE favourites (
        entry_key TEXT PRIMARY KEY,      -- phrasebook entry id, e.g. "slang:种草"
        created   REAL NOT NULL
    );
    """,
    # 2: words saved from the pinyin/dictionary popup (the learning list builds on it)
    """
    CREATE TABLE saved_words (
        id          INTEGER PRIMARY KEY,
        simplified  TEXT NOT NULL,
        traditional TEXT NOT NULL DEFAULT '',
        pinyin      TEXT NOT NULL DEFAULT '',
        english     TEXT NOT NULL DEFAULT '[]', -- JSON list of senses
        context     TEXT NOT NULL DEFAULT '',   -- the sentence it was saved from
        created     REAL NOT NULL,
        UNIQUE (simplified, pinyin)
    );
    """,
    # 3: learning (companion.learning): translation history with its search index, My words
    # (saved_words copied in, kept as it was), their review cards (fsrs) and review log.
    # Times are integer milliseconds since the epoch (UTC), so exports round-trip exactly.
    """
    CREATE TABLE history (
        id          INTEGER PRIMARY KEY,
        source      TEXT NOT NULL,
        result      TEXT NOT NULL,
        source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL,
        engine      TEXT NOT NULL DEFAULT '',
        origin      TEXT NOT NULL DEFAULT '',   -- typed, pasted, clipboard, ocr, ...
        pinyin      TEXT NOT NULL DEFAULT '',   -- toneless syllables of the Chinese side
        created     INTEGER NOT NULL
    );
    CREATE INDEX history_created ON history(created);
    CREATE VIRTUAL TABLE history_search USING fts5(
        tokens, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    );
    CREATE TABLE words (
        id              INTEGER PRIMARY KEY,
        simplified      TEXT NOT NULL,
        traditional     TEXT NOT NULL DEFAULT '',
        pinyin          TEXT NOT NULL DEFAULT '',    -- tone marks, one syllable per space
        meanings        TEXT NOT NULL DEFAULT '[]',  -- JSON list
        sentence        TEXT NOT NULL DEFAULT '',
        translation     TEXT NOT NULL DEFAULT '',    -- the sentence's translation
        sentence_pinyin TEXT NOT NULL DEFAULT '',
        tags            TEXT NOT NULL DEFAULT '[]',  -- JSON list
        note            TEXT NOT NULL DEFAULT '',
        origin          TEXT NOT NULL DEFAULT '',
        created         INTEGER NOT NULL,
        updated         INTEGER NOT NULL,
        UNIQUE (simplified, pinyin)
    );
    CREATE TABLE review_cards (
        word_id     INTEGER NOT NULL REFERENCES words(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,               -- recognition | recall
        state       INTEGER NOT NULL DEFAULT 1,  -- fsrs.State
        step        INTEGER DEFAULT 0,
        stability   REAL,
        difficulty  REAL,
        due         INTEGER NOT NULL,
        last_review INTEGER,
        reps        INTEGER NOT NULL DEFAULT 0,
        lapses      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (word_id, kind)
    );
    CREATE INDEX review_cards_due ON review_cards(due);
    CREATE TABLE review_log (
        id          INTEGER PRIMARY KEY,
        word_id     INTEGER NOT NULL REFERENCES words(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        rating      INTEGER NOT NULL,
        reviewed    INTEGER NOT NULL,
        duration_ms INTEGER
    );
    CREATE INDEX review_log_word ON review_log(word_id);
    INSERT INTO words (id, simplified, traditional, pinyin, meanings, sentence, origin,
                       created, updated)
        SELECT id, simplified,
               CASE WHEN traditional = simplified THEN '' ELSE traditional END,
               pinyin, english, context, 'popup',
               CAST(created * 1000 AS INTEGER), CAST(created * 1000 AS INTEGER)
        FROM saved_words ORDER BY id;
    INSERT INTO review_cards (word_id, kind, due)
        SELECT id, 'recognition', created FROM words;
    INSERT INTO review_cards (word_id, kind, due)
        SELECT id, 'recall', created FROM words;
    """,
]


class Database:
    """A thread-safe connection to the user's database.

    One connection guarded by a lock is plenty for a desktop app (writes are rare and small)
    and avoids "database is locked" surprises between the GUI and workers.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.database_path()
        self.recovered_from: Path | None = None
        self._lock = threading.RLock()
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            conn = self._connect()
            conn.execute("PRAGMA quick_check").fetchone()
            self._migrate(conn)
            return conn
        except sqlite3.DatabaseError:
            # Not a database or damaged: keep the file for the user, start a fresh one.
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.rename(aside.with_name(aside.name + suffix))
            self.recovered_from = aside
            conn = self._connect()
            self._migrate(conn)
            return conn

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute("BEGIN")
            try:
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def execute(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


_default: Database | None = None
_default_lock = threading.Lock()


def default_database() -> Database:
    """The process-wide database at :func:`companion.paths.database_path`."""
    global _default
    with _default_lock:
        if _default is None or _default.path != paths.database_path():
            _default = Database()
        return _default
