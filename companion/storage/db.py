"""The user's SQLite database: opening, migrations, and what to do when the file is not usable.

One file holds settings, the user's own phrasebook entries, favourites and saved words. WAL
mode lets the GUI read while a worker writes. Migrations are append-only: never edit one that
has shipped, add the next at the end of ``MIGRATIONS``.

Only a file SQLite itself calls damaged (not a database, malformed, or failing
``PRAGMA quick_check``) is set aside, and then it is kept beside the new one with a timestamp
and whatever could still be read is copied over. Everything else that can go wrong at start
(another process holding a lock, a read-only folder, a full disk, a schema from a newer
version) leaves the file exactly as it is: the app runs on a copy in memory
(``persistent`` is False) and says so through :mod:`companion.storage.notices`.
Migrations run in one exclusive transaction that re-reads the schema version inside it, so
processes starting together wait for each other instead of migrating twice.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from companion import paths
from companion.storage import notices

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

# How long opening waits for another process's lock (a migration takes milliseconds; a
# lock held longer than this is reported, never "fixed").
OPEN_LOCK_TIMEOUT = 10.0
# Later statements wait this long for a lock before failing (SQLite's busy handler).
BUSY_TIMEOUT = 5.0

_log = logging.getLogger(__name__)

# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26
_UNTIL_QUIT = "Changes you make now last only until you quit."
_SALVAGE_BATCH = 500
_SALVAGE_SKIPS = 64  # how many damaged stretches of one table to step over before giving up


class _Damaged(Exception):
    """SQLite says the file is not a database or is malformed: the only case we set aside."""


class _Unusable(Exception):
    """A sound file this program must not change (a newer or unknown schema version)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of ``exc`` (by message on Pythons without the attribute)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    for needle, value in (
        ("not a database", _SQLITE_NOTADB),
        ("malformed", _SQLITE_CORRUPT),
        ("locked", _SQLITE_BUSY),
        ("readonly", _SQLITE_READONLY),
        ("disk is full", _SQLITE_FULL),
        ("unable to open", _SQLITE_CANTOPEN),
        ("disk i/o error", _SQLITE_IOERR),
    ):
        if needle in text:
            return value
    return None


def is_damaged(exc: BaseException) -> bool:
    """True only for SQLite's own verdict that the file is not a (sound) database."""
    return isinstance(exc, sqlite3.DatabaseError) and sqlite_code(exc) in (
        _SQLITE_CORRUPT,
        _SQLITE_NOTADB,
    )


_LOW_SPACE = 1024 * 1024  # below this, a write error on the data folder means "disk full"


def classify(exc: BaseException, folder: Path | None = None) -> tuple[str, str]:
    """``(kind, words)`` for a storage error: kind is one of locked, full, read-only, damaged,
    schema or other; words say what went wrong in terms a user can act on (no errno, no
    SQLite codes). The folder's free space and permissions decide when SQLite only says "I/O
    error" (a full tmpfs fails while growing the -shm index, for one).
    """
    import shutil

    where = f" ({folder})" if folder is not None else ""
    full = ("full", f"the disk holding Companion's data folder{where} is full")
    read_only = ("read-only", f"Companion's data folder{where} cannot be written (it is read-only)")
    if isinstance(exc, sqlite3.Error):
        code = sqlite_code(exc)
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "locked", "another program (perhaps another Companion) holds the data file"
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return "damaged", "the data file is damaged"
        if code == _SQLITE_FULL:
            return full
        if isinstance(exc, sqlite3.OperationalError) and code in (None, 1):
            return "schema", f"the data file does not match this version ({str(exc)[:120]})"
    elif isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return full
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return read_only
    if folder is not None:
        try:
            if shutil.disk_usage(folder).free < _LOW_SPACE:
                return full
        except OSError:
            pass
        if folder.is_dir() and not _writable(folder):
            return read_only
    if isinstance(exc, sqlite3.Error) and sqlite_code(exc) in (
        _SQLITE_READONLY,
        _SQLITE_PERM,
        _SQLITE_CANTOPEN,
    ):
        return read_only
    if isinstance(exc, OSError) and exc.strerror:
        return "other", f"Companion's data folder{where} cannot be used: {exc.strerror.lower()}"
    return "other", f"the data file could not be used ({type(exc).__name__})"


def _writable(folder: Path, name: str = "companion.db") -> bool:
    """True when the folder and the database's files in it can be written."""
    import os

    files = [folder / (name + suffix) for suffix in ("", "-wal", "-shm")]
    return os.access(folder, os.W_OK) and all(os.access(f, os.W_OK) for f in files if f.is_file())


def plain_error(exc: BaseException, folder: Path | None = None) -> str:
    """What went wrong with the database, in words a user can act on."""
    return classify(exc, folder)[1]


class Database:
    """A thread-safe connection to the user's database.

    One connection guarded by a lock is plenty for a desktop app (writes are rare and small)
    and avoids "database is locked" surprises between the GUI and workers.

    Opening never raises for a problem with the file: ``persistent`` tells whether changes
    reach the disk, ``problem`` says in plain words why not, ``recovered_from`` is the kept
    copy when a damaged file was set aside. Each of these is also reported once as a notice.
    """

    def __init__(self, path: Path | None = None, lock_timeout: float = OPEN_LOCK_TIMEOUT) -> None:
        self.path = Path(path) if path is not None else paths.database_path()
        self.recovered_from: Path | None = None
        self.persistent = True
        self.problem: str | None = None
        self._lock_timeout = lock_timeout
        self._lock = threading.RLock()
        self._conn = self._open()

    # Opening -------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        try:
            return self._open_file()
        except _Damaged as damaged:
            return self._replace_damaged(str(damaged))
        except _Unusable as unusable:
            return self._in_memory(unusable.key, unusable.message)
        except (sqlite3.Error, OSError) as exc:
            return self._in_memory(*self._why_not(exc))

    def _open_file(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not _writable(self.path.parent, self.path.name):
            # SQLite would open the file read-only and fail at the first write instead.
            words = classify(OSError(errno.EROFS, "read-only"), self.path.parent)[1]
            raise _Unusable("database-read-only", f"Companion cannot save: {words}. {_UNTIL_QUIT}")
        self._check_sound()
        conn = sqlite3.connect(
            self.path, timeout=self._lock_timeout, check_same_thread=False, isolation_level=None
        )
        try:
            conn.row_factory = sqlite3.Row
            self._use_wal(conn)
            self._migrate(conn)
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
            return conn
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.DatabaseError) and is_damaged(exc):
                raise _Damaged(str(exc)) from exc
            raise

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """Switch to WAL, waiting for other processes doing the same on a new file.

        Changing the journal mode upgrades a read lock to an exclusive one; SQLite answers
        "locked" at once instead of waiting when another process is half-way there too (it
        would deadlock), so we retry until the lock timeout.
        """
        deadline = time.monotonic() + self._lock_timeout
        pause = 0.002
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                busy = sqlite_code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED)
                if not busy or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def _check_sound(self) -> None:
        """Run SQLite's own check and read the version on a read-only connection.

        Read-only, so a damaged file is set aside exactly as it was: a read-write connection
        would fold the -wal into it and delete the -wal when it closes. Problems other than
        damage are left to the read-write open, which meets them too and says why.
        """
        try:
            if self.path.stat().st_size == 0:
                return  # a new file: nothing to check
        except OSError:
            return
        try:
            probe = sqlite3.connect(
                self.path.resolve().as_uri() + "?mode=ro", uri=True, timeout=self._lock_timeout
            )
        except sqlite3.Error:
            return
        try:
            problems = [row[0] for row in probe.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise _Damaged(f"SQLite's check found: {' '.join(str(problems[0]).split())}")
            # Before anything is written: may this version change the file at all?
            self._check_version(int(probe.execute("PRAGMA user_version").fetchone()[0]))
        except sqlite3.DatabaseError as exc:
            if is_damaged(exc):
                raise _Damaged(str(exc)) from exc
        finally:
            probe.close()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema up to date in one exclusive transaction (others wait for it)."""
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == len(MIGRATIONS):
            return
        self._check_version(version)
        conn.execute("BEGIN EXCLUSIVE")
        try:
            # Another process may have migrated while we waited for the lock.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            self._check_version(version)
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
            conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _check_version(self, version: int) -> None:
        if version > len(MIGRATIONS):
            raise _Unusable(
                "database-too-new",
                f"Your data file {self.path} was written by a newer version of Companion "
                f"(data version {version}; this version knows {len(MIGRATIONS)}), so it is "
                f"left untouched. {_UNTIL_QUIT} Update Companion to keep working with your data.",
            )
        if version < 0:
            raise _Unusable(
                "database-schema",
                f"Your data file {self.path} has an unknown data version ({version}), so it is "
                f"left untouched. {_UNTIL_QUIT}",
            )

    def _why_not(self, exc: BaseException) -> tuple[str, str]:
        """The notice key and text for a file that is fine but cannot be used now."""
        kind, words = classify(exc, self.path.parent)
        if kind == "locked":
            return "database-locked", (
                f"Another program (perhaps another Companion) kept your data file {self.path} "
                f"locked for more than {self._lock_timeout:g} seconds, so Companion started "
                f"with a copy in memory. {_UNTIL_QUIT} Close the other program and restart "
                "Companion."
            )
        if kind == "schema":
            return "database-schema", (
                f"Companion could not update your data file {self.path} to this version "
                f"({str(exc)[:120]}), so it is left untouched. {_UNTIL_QUIT}"
            )
        key = {"full": "database-full", "read-only": "database-read-only"}.get(
            kind, "database-unusable"
        )
        return key, f"Companion cannot save: {words}. {_UNTIL_QUIT}"

    def _in_memory(self, key: str, message: str) -> sqlite3.Connection:
        """A session copy of the file in memory (or a fresh schema); the file is not touched."""
        _log.warning("database %s not used: %s", self.path, key)
        self.persistent = False
        self.problem = message
        notices.report(key, message)
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        self._copy_into(conn)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if 0 <= version < len(MIGRATIONS):
            with suppress(sqlite3.Error, _Unusable):
                self._migrate(conn)
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _copy_into(self, conn: sqlite3.Connection) -> None:
        """Copy the file's content into ``conn`` without writing to it (best effort)."""
        if not self.path.is_file():
            return
        uri = self.path.resolve().as_uri()
        for query in ("?mode=ro", "?mode=ro&immutable=1"):  # immutable: no -shm needed
            try:
                source = sqlite3.connect(uri + query, uri=True, timeout=1.0)
            except sqlite3.Error:
                continue
            try:
                source.backup(conn)
                return
            except sqlite3.Error:
                continue
            finally:
                source.close()

    def _replace_damaged(self, reason: str) -> sqlite3.Connection:
        """Keep the damaged file (and its -wal/-shm) with a timestamp, start a new one."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while aside.exists():
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        try:
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.rename(aside.with_name(aside.name + suffix))
        except OSError as exc:
            return self._in_memory(
                "database-damaged",
                f"Your data file {self.path} is damaged ({reason}) and could not be set aside "
                f"({plain_error(exc, self.path.parent)}). Companion started with a copy in "
                "memory: changes you make now last only until you quit.",
            )
        self.recovered_from = aside
        _log.warning("damaged database %s set aside as %s: %s", self.path, aside, reason)
        try:
            conn = self._open_file()
        except _Unusable as unusable:
            return self._in_memory(unusable.key, unusable.message)
        except (sqlite3.Error, OSError, _Damaged) as exc:
            return self._in_memory(*self._why_not(exc))
        copied = _salvage(aside, conn)
        kept = f" {copied} saved items could still be read and were copied over." if copied else ""
        notices.report(
            "database-set-aside",
            f"Your data file was damaged, so Companion put it aside as {aside} and started a "
            f"new one.{kept} The damaged file is kept in case you want it back.",
            "error",
        )
        return conn

    # Use -------------------------------------------------------------------------------------
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
                with suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _salvage(damaged: Path, conn: sqlite3.Connection) -> int:
    """Copy what can still be read from ``damaged`` into ``conn``'s tables; rows copied.

    Reads in rowid order and steps over a damaged stretch (a bad page ends a scan) a bounded
    number of times, so one bad page does not cost the user every saved word after it.
    """
    try:
        conn.execute("ATTACH DATABASE ? AS damaged", (damaged.resolve().as_uri() + "?mode=ro",))
    except sqlite3.Error:
        return 0
    copied = 0
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        ]
        for table in tables:
            copied += _salvage_table(conn, table)
    finally:
        with suppress(sqlite3.Error):
            conn.execute("DETACH DATABASE damaged")
    return copied


def _salvage_table(conn: sqlite3.Connection, table: str) -> int:
    quoted = '"' + table.replace('"', '""') + '"'
    try:
        theirs = {row[1] for row in conn.execute(f"PRAGMA damaged.table_info({quoted})")}
        ours = [row[1] for row in conn.execute(f"PRAGMA main.table_info({quoted})")]
    except sqlite3.Error:
        return 0
    columns = [c for c in ours if c in theirs]
    if not columns:
        return 0
    names = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    insert = f"INSERT OR IGNORE INTO main.{quoted} ({names}) VALUES ({marks})"
    select = f"SELECT rowid, {names} FROM damaged.{quoted} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    copied, after, skips, step = 0, -(2**63), 0, 1
    while skips <= _SALVAGE_SKIPS:
        try:
            rows = conn.execute(select, (after, _SALVAGE_BATCH)).fetchall()
        except sqlite3.Error:
            rows = None
        if rows is None:  # a damaged stretch: jump past it, further each time
            skips += 1
            after = after + step if after > -(2**62) else 0
            step *= 2
            continue
        if not rows:
            break
        try:
            conn.execute("BEGIN")
            for row in rows:
                copied += conn.execute(insert, tuple(row)[1:]).rowcount
            conn.execute("COMMIT")
        except sqlite3.Error:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            return copied
        after = int(rows[-1][0])
    return copied


_default: Database | None = None
_default_lock = threading.Lock()


def default_database() -> Database:
    """The process-wide database at :func:`companion.paths.database_path`."""
    global _default
    with _default_lock:
        if _default is None or _default.path != paths.database_path():
            _default = Database()
        return _default
