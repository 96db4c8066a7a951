"""User settings, stored as JSON values in the database's ``settings`` table.

Secrets never go here: API keys live in the OS keychain (:mod:`companion.secrets`).

Settings never stop the app: when the database cannot be read, a value falls back to its
default; when it cannot be written (read-only folder, full disk, a lock held elsewhere) the
value is kept in memory for the session and the problem is reported once through
:mod:`companion.storage.notices`. ``set`` never raises for a storage problem (``closeEvent``
calls it).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import weakref
from typing import Any

from companion import changes
from companion.storage import notices
from companion.storage.db import Database, default_database, plain_error

_log = logging.getLogger(__name__)

# argos's package index. Declared here, not in companion.packs, so that reading the settings
# at start-up does not import the packs package (a first-paint cost).
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
_UNSAVED: weakref.WeakKeyDictionary[Database, dict[str, Any]] = weakref.WeakKeyDictionary()

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
    "hotkey_lens": "<ctrl>+<alt>+r",  # the Lens over a region ("read"; Ctrl+Alt+L locks screens)
    "overlay_positions": {},  # per-screen overlay positions, keyed by companion.snap
    "window_geometry": "",  # base64 of QWidget.saveGeometry()
    "engine_options": {},  # per engine non-secret options, e.g. {"libretranslate": {"url": ...}}
    # --- learning (companion.learning) ---
    "history_enabled": True,  # False: keep no history at all
    "history_clipboard": True,  # False: the clipboard watch's translations are not kept
    "history_limit": 10_000,  # entries kept; the oldest are dropped
    "review_session_size": 10,  # cards in one "review 10" session
}


class Settings:
    """Typed-by-default key/value settings; unknown keys are rejected to catch typos."""

    def __init__(self, db: Database | None = None) -> None:
        self._db: Database | None
        try:
            self._db = db or default_database()
        except Exception as exc:  # never expected (Database falls back itself): stay usable
            _log.exception("settings: the database could not be opened")
            self._db = None
            self._memory: dict[str, Any] = {}
            self._storage_failed(exc, reading=True)
        else:
            # Values that could not be saved this session, shared by every Settings object
            # over the same database so they all see the same value.
            self._memory = _UNSAVED.setdefault(self._db, {})

    def _storage_failed(self, exc: BaseException, reading: bool) -> None:
        folder = self._db.path.parent if self._db is not None else None
        reason = plain_error(exc, folder)
        if reading:
            notices.report(
                "settings-unreadable",
                f"Companion could not read your settings ({reason}), so it uses the defaults "
                "for now.",
            )
        else:
            notices.report(
                "settings-not-saved",
                f"Companion could not save your settings ({reason}). Changes you make now "
                "last only until you quit.",
            )

    def get(self, key: str) -> Any:
        if key not in DEFAULTS:
            raise KeyError(f"unknown setting {key!r}")
        default = DEFAULTS[key]
        if key in self._memory:
            value = self._memory[key]
        else:
            stored = self._stored(key)
            if stored is None:
                return default
            try:
                value = json.loads(stored)
            except (ValueError, RecursionError):
                return default
        # A value of the wrong type (hand-edited or from an older version) falls back.
        int_for_float = isinstance(default, float) and isinstance(value, int)
        if not isinstance(value, type(default)) and not int_for_float:
            return default
        return value

    def _stored(self, key: str) -> str | None:
        """The JSON text saved for ``key``; None when there is none or it cannot be read."""
        if self._db is None:
            return None
        try:
            rows = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,))
        except sqlite3.Error as exc:
            self._storage_failed(exc, reading=True)
            return None
        return str(rows[0]["value"]) if rows else None

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
        """Save ``value``; if the database refuses, keep it in memory (never raises for that)."""
        if key not in DEFAULTS:
            raise KeyError(f"unknown setting {key!r}")
        encoded = json.dumps(value, ensure_ascii=False)
        try:
            if self._db is None:
                raise sqlite3.OperationalError("no database")
            self._db.execute(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, encoded),
            )
        except sqlite3.Error as exc:
            self._memory[key] = json.loads(encoded)  # a copy, as a stored value would be
            self._storage_failed(exc, reading=False)
        else:
            self._memory.pop(key, None)
        changes.notify("settings", key)

    def all(self) -> dict[str, Any]:
        return {key: self.get(key) for key in DEFAULTS}
