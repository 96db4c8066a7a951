"""Where Companion keeps its files.

Everything goes through here so tests can redirect all user state with environment variables
(``XDG_*`` on Linux, or ``COMPANION_HOME`` for a single root on any platform).
"""

from __future__ import annotations

import os
from pathlib import Path

_APP = "companion"


def _root_override() -> Path | None:
    value = os.environ.get("COMPANION_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    """User data: the SQLite database, user phrasebook, saved words."""
    root = _root_override()
    if root:
        path = root / "data"
    else:
        import platformdirs  # not needed (nor imported) when COMPANION_HOME is set

        path = Path(platformdirs.user_data_dir(_APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Disposable files: downloads in progress, dictionary index."""
    root = _root_override()
    if root:
        path = root / "cache"
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir(_APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return data_dir() / "companion.db"


def argos_packages_dir(create: bool = True) -> Path:
    """The directory argos-translate installs packs into, computed the way argos does.

    We share it with argos so packs installed by ``argospm`` are found and ours are usable
    by argos, without importing ``argostranslate.settings`` (it creates directories and reads
    its configuration at import time).
    """
    override = os.environ.get("ARGOS_PACKAGES_DIR")
    if override:
        path = Path(override)
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        base = Path(xdg) if xdg else Path.home() / ".local" / "share"
        path = base / "argos-translate" / "packages"
    if create:  # a mkdir costs ~0.5 ms on some file systems: callers per chunk pass False
        path.mkdir(parents=True, exist_ok=True)
    return path
