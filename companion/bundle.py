"""What an installed (frozen) Companion carries inside it, and how the app finds it.

A PyInstaller build puts three things next to the code (``packaging/build.py`` writes them):

- ``companion_build.json``: the build's id, variant ("full" or "lite": no OCR) and version;
- ``companion_prebuilt/``: caches built at packaging time (the CC-CEDICT index, the phrasebook
  pickle), so a first start on a fresh profile does not spend seconds building them;
- ``companion_packs/``: ``.argosmodel`` files dropped in ``packaging/packs/`` at build time,
  installed into the user's packs directory on first start.

A source checkout has none of them (every function then answers "nothing bundled"), unless
``COMPANION_BUNDLE_DIR`` points at such a folder (tests and the packaging step use it).
Everything here is cheap: no import beyond the standard library, one ``stat`` when nothing is
bundled.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BUILD_INFO = "companion_build.json"
PREBUILT_DIR = "companion_prebuilt"
PACKS_DIR = "companion_packs"
OCR_MISSING = (
    "OCR is not in this build of Companion (the lighter download): install the full "
    "Companion to read text from images and screenshots"
)


def is_frozen() -> bool:
    """True in an installed build (PyInstaller), False when run from source."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path | None:
    """The folder holding the bundled files, or None from a source checkout."""
    override = os.environ.get("COMPANION_BUNDLE_DIR")
    if override:
        return Path(override)
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).resolve().parent))
    return None


@lru_cache(maxsize=1)
def _cached_build_info(root: str) -> dict[str, Any]:
    try:
        raw = json.loads((Path(root) / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def build_info() -> dict[str, Any]:
    """``{"build_id", "variant", "version", ...}`` of this build; {} from source."""
    root = bundle_dir()
    return _cached_build_info(str(root)) if root is not None else {}


def build_id() -> str:
    """Changes with every build (and every source version): a key for caches of bundled data."""
    from companion import __version__

    info = build_info()
    return str(info.get("build_id") or f"{__version__}-{'frozen' if is_frozen() else 'src'}")


def ocr_in_build() -> bool:
    """False only for the OCR-less ("lite") build; source runs decide by what is installed."""
    return build_info().get("ocr", True) is not False


def prebuilt_cache(name: str) -> Path | None:
    """The cache file ``name`` prebuilt into this build, or None (read-only: never write it)."""
    root = bundle_dir()
    if root is None:
        return None
    path = root / PREBUILT_DIR / name
    return path if path.is_file() else None


def bundled_pack_files() -> list[Path]:
    """The ``.argosmodel`` files built into this installer, sorted by name."""
    root = bundle_dir()
    if root is None:
        return []
    folder = root / PACKS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".argosmodel" and p.is_file())


def _stamp_name(files: list[Path]) -> str:
    import hashlib

    parts = [f"{p.name}:{p.stat().st_size}" for p in files]
    return "bundled-packs-" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _version_key(version: str) -> tuple[int, ...]:
    import re

    return tuple(int(part) for part in re.findall(r"\d+", version)[:6]) or (0,)


def _already_have(archive: Path) -> bool:
    """Whether the user has this archive's pair at its version or newer (read from the zip)."""
    import zipfile

    from companion import packs

    with zipfile.ZipFile(archive) as zf:
        names = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith("/metadata.json")]
        if not names:
            return False  # install_pack gives the precise reason
        meta = json.loads(zf.read(names[0]).decode("utf-8"))
    have = packs.find_pack(str(meta.get("from_code", "")), str(meta.get("to_code", "")))
    if have is None:
        return False
    return _version_key(have.package_version) >= _version_key(str(meta.get("package_version", "")))


def install_bundled_packs() -> list[str]:
    """Install the bundled packs once per build into the user's packs directory.

    A pack the user already has at the same or a newer version is left alone, and once a
    build's packs were offered, a pack the user removed later is not forced back. Returns
    the names installed now; failures are logged, never raised (the app still starts and
    offers the download instead).
    """
    files = bundled_pack_files()
    if not files:
        return []
    import zipfile

    from companion import packs, paths

    try:
        stamp = paths.data_dir() / _stamp_name(files)
        if stamp.exists():
            return []
    except OSError as exc:
        log.warning("cannot check the bundled language packs: %s", exc)
        return []
    installed: list[str] = []
    for archive in files:
        try:
            if _already_have(archive):
                continue
            packs.install_pack(archive)
            installed.append(archive.name)
        except packs.PackError as exc:
            log.warning("bundled pack %s not installed: %s", archive.name, exc.message)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            log.warning("bundled pack %s not installed: %s", archive.name, exc)
    try:
        stamp.write_text("\n".join(p.name for p in files) + "\n", encoding="utf-8")
    except OSError as exc:
        log.warning("cannot record the bundled language packs: %s", exc)
    return installed
