"""User settings, stored as JSON values in the database's ``settings`` table.

Secrets never go here: API keys live in the OS keychain (:mod:`companion.secrets`).
"""

from __future__ import annotations

import json
from typing import Any

from companion import changes
from companion.packs import DEFAULT_INDEX_URL
from companion.storage.db import Database, default_database

DEFAULTS: dict[str, Any] = {
    "direction": "auto",  # auto | zh-en | en-zh
    "preferred_engine": "offline",
    "offline_only": False,
    "package_index_url": DEFAULT_INDEX_URL,
    "first_run_done": False,
    "tray_notice_shown": False,  # "Companion keeps running in the tray" was said once
    "pinyin_style": "marks",  # marks | numbers | zhuyin
    "tone_colors": "pleco",  # pleco | colorblind | none
    "tone_sandhi": False,
    "font_size": 13,
    "overlay": False,
    "overlay_opacity": 0.95,
    "clipboard_watch": False,
    "hotkey_show": "<ctrl>+<alt>+c",
    "hotkey_translate_clipboard": "<ctrl>+<alt>+t",
    "overlay_positions": {},  # per-screen overlay positions, keyed by companion.snap
    "window_geometry": "",  # base64 of QWidget.saveGeometry()
    "engine_options": {},  # per engine non-secret options, e.g. {"libretranslate": {"url": ...}}
}


class Settings:
    """Typed-by-default key/value settings; unknown keys are rejected to catch typos."""

    def __init__(self, db: Database | None = None) -> None:
        self._db = db or default_database()

    def get(self, key: str) -> Any:
        if key not in DEFAULTS:
            raise KeyError(f"unknown setting {key!r}")
        rows = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,))
        if not rows:
            return DEFAULTS[key]
        try:
            value = json.loads(rows[0]["value"])
        except ValueError:
            return DEFAULTS[key]
        default = DEFAULTS[key]
        # A value of the wrong type (hand-edited or from an older version) falls back.
        int_for_float = isinstance(default, float) and isinstance(value, int)
        if not isinstance(value, type(default)) and not int_for_float:
            return default
        return value

    # Typed reads: the default's type is the setting's type, so callers need no casts.
    def get_str(self, key: str) -> str:
        return str(self._typed(key, str))

    def get_bool(self, key: str) -> bool:
        return bool(self._typed(key, bool))

    def get_int(self, key: str) -> int:
        return int(self._typed(key, int))

    def get_float(self, key: str) -> float:
        return float(self._typed(key, float))

    def get_dict(self, key: str) -> dict[str, Any]:
        value = self._typed(key, dict)
        return dict(value)

    def _typed(self, key: str, kind: type) -> Any:
        default = DEFAULTS.get(key)
        if key in DEFAULTS and not isinstance(default, kind):
            raise TypeError(f"setting {key!r} is a {type(default).__name__}, not {kind.__name__}")
        return self.get(key)

    def set(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(f"unknown setting {key!r}")
        self._db.execute(
            "INSERT INTO settings(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
        changes.notify("settings", key)

    def all(self) -> dict[str, Any]:
        return {key: self.get(key) for key in DEFAULTS}
