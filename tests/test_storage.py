from __future__ import annotations

import re
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import changes
from companion.settings import DEFAULTS, Settings
from companion.storage import notices
from companion.storage.db import MIGRATIONS, Database


def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    assert db.schema_version == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode")[0][0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"settings", "user_phrases", "favourites", "saved_words"} <= tables


def test_migrations_resume_from_an_older_version(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version=1")
    conn.execute("INSERT INTO settings VALUES ('font_size', '20')")
    conn.commit()
    conn.close()
    db = Database(path)
    assert db.schema_version == len(MIGRATIONS)
    assert Settings(db).get("font_size") == 20


def test_corrupt_file_is_kept_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not a database" * 100)
    db = Database(path)
    assert db.recovered_from is not None and db.recovered_from.exists()
    assert db.recovered_from.read_bytes().startswith(b"this is not a database")
    assert db.schema_version == len(MIGRATIONS)


def test_settings_round_trip_and_defaults(tmp_path: Path) -> None:
    settings = Settings(Database(tmp_path / "c.db"))
    assert settings.get("pinyin_style") == DEFAULTS["pinyin_style"]
    settings.set("pinyin_style", "numbers")
    settings.set("engine_options", {"libretranslate": {"url": "http://127.0.0.1:5000"}})
    again = Settings(Database(tmp_path / "c.db"))
    assert again.get("pinyin_style") == "numbers"
    assert again.get("engine_options")["libretranslate"]["url"] == "http://127.0.0.1:5000"


def test_unknown_keys_and_wrong_types(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    settings = Settings(db)
    with pytest.raises(KeyError):
        settings.get("no_such_setting")
    with pytest.raises(KeyError):
        settings.set("no_such_setting", 1)
    db.execute("INSERT INTO settings VALUES ('font_size', '\"huge\"')")
    assert settings.get("font_size") == DEFAULTS["font_size"]
    db.execute("UPDATE settings SET value = 'not json' WHERE key = 'font_size'")
    assert settings.get("font_size") == DEFAULTS["font_size"]
    settings.set("overlay_opacity", 1)  # an int where a float is expected is fine
    assert settings.get("overlay_opacity") == 1


# --------------------------------------------------------------------------------------------
# Only a file SQLite calls damaged is set aside; everything else leaves the file alone.


@pytest.fixture(autouse=True)
def fresh_notices() -> Iterator[None]:
    notices.reset()
    yield
    notices.reset()


def _files(folder: Path) -> dict[str, bytes]:
    """The folder's files and contents; SQLite's -shm index and an empty -wal do not count."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file()
        and not p.name.endswith("-shm")
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


def _make_db(path: Path, version: int = len(MIGRATIONS), favourites: int = 0) -> None:
    """A sound database at ``version`` (in WAL mode, closed cleanly) with some rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version={version}")
    conn.execute("INSERT INTO settings VALUES ('font_size', '20')")
    conn.execute("BEGIN")
    for n in range(favourites):
        conn.execute("INSERT INTO favourites VALUES (?, ?)", (f"slang:{n}" + "x" * 60, n))
    conn.execute("COMMIT")
    conn.close()


def _assert_left_alone(db: Database, before: dict[str, bytes], key: str) -> None:
    assert db.recovered_from is None
    assert not db.persistent
    assert db.problem is not None and str(db.path) in db.problem
    assert _files(db.path.parent) == before  # not moved, not rewritten
    assert [n.key for n in notices.take()] == [key]
    assert Settings(db).get("font_size") == 20  # the user's values are still shown


def test_not_a_database_is_kept_with_its_wal_and_the_user_is_told_once(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not a database" * 100)
    (tmp_path / "c.db-wal").write_bytes(b"wal bytes")
    (tmp_path / "c.db-shm").write_bytes(b"shm bytes")
    db = Database(path)
    kept = db.recovered_from
    assert kept is not None and re.fullmatch(r"c\.db\.corrupt-\d{8}-\d{6}", kept.name)
    assert kept.read_bytes().startswith(b"this is not a database")
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"wal bytes"
    assert kept.with_name(kept.name + "-shm").is_file()  # an index SQLite rebuilds anyway
    assert db.persistent and db.schema_version == len(MIGRATIONS)
    (notice,) = notices.take()
    assert notice.key == "database-set-aside" and str(kept) in notice.message
    assert "damaged" in notice.message and "SQLITE" not in notice.message
    assert notices.take() == []  # once
    again = Database(path)  # the new file is sound: nothing more to say
    assert again.recovered_from is None and notices.take() == []


def test_a_failed_quick_check_is_not_ignored_and_readable_rows_are_copied(
    tmp_path: Path,
) -> None:
    """An orphan page: every row reads fine, but SQLite's check says the file is not sound."""
    path = tmp_path / "c.db"
    _make_db(path, favourites=100)
    data = bytearray(path.read_bytes())
    pages = struct.unpack(">I", data[28:32])[0]
    data[28:32] = struct.pack(">I", pages + 1)
    path.write_bytes(bytes(data) + bytes(4096))
    db = Database(path)
    assert db.recovered_from is not None and db.persistent
    assert Settings(db).get("font_size") == 20
    assert db.execute("SELECT count(*) FROM favourites")[0][0] == 100
    (notice,) = notices.take()
    assert "101 saved items could still be read" in notice.message


def test_a_damaged_page_loses_only_that_page(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _make_db(path, favourites=3000)
    probe = sqlite3.connect(path)  # a page holding favourites rows, wherever the schema put it
    leaves = [row[0] for row in probe.execute(
        "SELECT pageno FROM dbstat WHERE name = 'favourites' AND pagetype = 'leaf' ORDER BY pageno"
    )]  # fmt: skip
    probe.close()
    data = bytearray(path.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    middle = leaves[len(leaves) // 2] - 1  # dbstat counts pages from 1
    data[middle * page_size : (middle + 1) * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    db = Database(path)
    assert db.recovered_from is not None
    copied = db.execute("SELECT count(*) FROM favourites")[0][0]
    assert 2000 < copied < 3000
    assert Settings(db).get("font_size") == 20


def _renumber(path: Path, version: int) -> None:
    """A sound database whose schema number says ``version``."""
    _make_db(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={version}")
    conn.close()


def test_a_newer_schema_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _renumber(path, 99)
    before = _files(tmp_path)
    db = Database(path)
    assert db.problem is not None and "newer version" in db.problem
    _assert_left_alone(db, before, "database-too-new")
    db.close()
    assert _files(tmp_path) == before


def test_a_wrong_schema_number_is_left_untouched(tmp_path: Path) -> None:
    """Version 1 on a file that already has version 2's table: the migration cannot run."""
    path = tmp_path / "c.db"
    _renumber(path, 1)
    before = _files(tmp_path)
    db = Database(path)
    _assert_left_alone(db, before, "database-schema")


def test_a_lock_held_too_long_is_reported_not_fixed(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _make_db(path, version=1)  # a migration is pending: opening needs the write lock
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO favourites VALUES ('held', 1)")
    before = _files(tmp_path)
    try:
        db = Database(path, lock_timeout=0.2)
        assert db.problem is not None and "locked" in db.problem
        assert db.recovered_from is None and not db.persistent
        assert not list(tmp_path.glob("*.corrupt-*"))
        assert Settings(db).get("font_size") == 20
        assert [n.key for n in notices.take()] == ["database-locked"]
        assert (tmp_path / "c.db").read_bytes() == before["c.db"]
    finally:
        holder.execute("COMMIT")
        holder.close()
    later = Database(path)
    assert later.persistent and later.schema_version == len(MIGRATIONS)
    assert later.execute("SELECT entry_key FROM favourites")[0][0] == "held"


@pytest.mark.slow
def test_a_migration_waits_for_a_lock_held_longer_than_five_seconds(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _make_db(path, version=1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), "6"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        db = Database(path)  # waits for the other process instead of giving up after 5 s
    finally:
        holder.communicate(timeout=60)
    assert holder.returncode == 0
    assert db.persistent and db.recovered_from is None and notices.take() == []
    assert db.schema_version == len(MIGRATIONS)
    assert db.execute("SELECT entry_key FROM favourites")[0][0] == "held"


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO favourites VALUES ('held', 1)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))  # the scenario: another program keeps the lock this long
conn.execute("COMMIT")
conn.close()
"""


def test_settings_keep_values_in_memory_when_the_database_refuses_writes(
    tmp_path: Path,
) -> None:
    db = Database(tmp_path / "c.db")
    settings = Settings(db)
    settings.set("font_size", 18)
    db.execute("PRAGMA query_only=1")  # every write now fails, as on a read-only disk
    heard: list[str] = []
    unsubscribe = changes.subscribe(lambda topic, key: heard.append(key))
    try:
        settings.set("font_size", 22)  # must not raise (closeEvent calls it)
        settings.set("window_geometry", "abc")
        settings.set("font_size", 24)
    finally:
        unsubscribe()
    assert heard == ["font_size", "window_geometry", "font_size"]
    assert settings.get("font_size") == 24 and settings.get_str("window_geometry") == "abc"
    assert Settings(db).get("font_size") == 24  # every Settings over this database agrees
    (notice,) = notices.take()
    assert notice.key == "settings-not-saved" and "until you quit" in notice.message
    settings.set("font_size", 25)
    assert notices.take() == []  # said once
    db.execute("PRAGMA query_only=0")
    settings.set("font_size", 26)  # writable again: saved, the memory copy is dropped
    assert Settings(Database(tmp_path / "c.db")).get("font_size") == 26


def test_settings_read_failures_fall_back_to_defaults(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    settings = Settings(db)
    settings.set("font_size", 18)
    db.close()
    assert settings.get("font_size") == DEFAULTS["font_size"]
    assert settings.all()["pinyin_style"] == DEFAULTS["pinyin_style"]
    settings.set("font_size", 30)  # closed database: kept in memory, no exception
    assert settings.get("font_size") == 30
    assert {n.key for n in notices.take()} == {"settings-unreadable", "settings-not-saved"}


def test_deeply_nested_json_in_a_setting_is_a_bad_value(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    db.execute("INSERT INTO settings VALUES ('engine_options', ?)", ("[" * 100_000,))
    assert Settings(db).get("engine_options") == DEFAULTS["engine_options"]


def test_the_cli_says_once_that_the_damaged_file_was_set_aside(
    isolated_user_dirs: Path, installed_packs: list[Path]
) -> None:
    data = isolated_user_dirs / "data"
    (data / "companion.db").write_bytes(b"garbage, not SQLite" * 50)

    def translate() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "companion", "translate", "你好"],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = translate()
    assert first.returncode == 0, first.stderr
    (kept,) = data.glob("companion.db.corrupt-*")
    lines = [line for line in first.stderr.splitlines() if "put it aside" in line]
    assert len(lines) == 1 and str(kept) in lines[0] and lines[0].startswith("companion: ")
    assert "Traceback" not in first.stderr
    second = translate()
    assert second.returncode == 0 and "put it aside" not in second.stderr
