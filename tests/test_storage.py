import sqlite3
from pathlib import Path

import pytest

from companion.settings import DEFAULTS, Settings
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
