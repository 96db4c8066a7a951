"""Installed packs: what is in the packs folder, which are usable, which are damaged.

A pack's identity is its ``metadata.json`` (``from_code``/``to_code``), never its folder name.
A folder that looks like a pack (it has a metadata.json or a model/ folder) but fails the
cheap checks below is listed as damaged with the reason, so the user sees "reinstall" rather
than "not installed". The checks read only headers and small files: listing is on the offline
engine's path and must not read a 100 MB model.

Leftovers of a killed install are handled here too (:func:`recover`): a ``.replaced-*``
folder whose pair is no longer installed is put back, work folders are deleted.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion import paths
from companion.packs.errors import PackError
from companion.packs.locking import FileLock, remove_if_unlocked

_log = logging.getLogger(__name__)

# The pairs Companion translates with; other argos packs in the folder are left alone.
SUPPORTED_PAIRS = (("zh", "en"), ("en", "zh"))
CODE_RE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{1,8})?$")
MAX_METADATA_BYTES = 1024**2
LOCK_NAME = ".companion-lock"
HIDDEN_PREFIXES = (".installing-", ".removing-", ".replaced-")
_CT2_BINARY_VERSIONS = range(1, 32)  # CTranslate2 writes 6 today; leave room for newer ones


@dataclass(frozen=True)
class InstalledPack:
    path: Path
    from_code: str
    to_code: str
    package_version: str
    from_name: str
    to_name: str
    size_bytes: int
    problem: str | None = None  # None: usable; else why it is damaged, in plain words

    @property
    def pair(self) -> str:
        """``zh-en``; ``?`` for a code that could not be read."""
        return f"{self.from_code or '?'}-{self.to_code or '?'}"

    @property
    def usable(self) -> bool:
        return self.problem is None


def version_key(version: str) -> tuple[int, ...]:
    """ "1.10" > "1.9"; text parts are ignored so odd versions still sort."""
    return tuple(int(part) for part in re.findall(r"\d+", version)[:6]) or (0,)


def parse_json(data: bytes | str, what: str) -> Any:
    """JSON from a file or a reply; nesting too deep for Python is a bad file, not a crash."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PackError(f"{what} is not valid JSON", "damaged") from exc


def validate_metadata(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PackError("the pack's metadata.json is not a JSON object", "damaged")
    for key in ("from_code", "to_code"):
        value = raw.get(key)
        if not isinstance(value, str) or not CODE_RE.match(value):
            raise PackError(f"the pack's metadata.json has no valid {key}", "damaged")
    for key in ("package_version", "from_name", "to_name", "argos_version"):
        value = raw.get(key, "")
        if not isinstance(value, str) or len(value) > 100:
            raise PackError(f"the pack's metadata.json has an invalid {key}", "damaged")
    if raw.get("type", "translate") != "translate":
        raise PackError("this pack is not a translation pack", "refused")
    return raw


def read_metadata(path: Path) -> dict[str, Any]:
    file = path / "metadata.json"
    if file.stat().st_size > MAX_METADATA_BYTES:
        raise PackError("the pack's metadata.json is too large", "damaged")
    return validate_metadata(parse_json(file.read_bytes(), "the pack's metadata.json"))


def structural_problem(path: Path) -> str | None:
    """Why the pack in ``path`` cannot load, from its files' presence and headers; None if fine.

    Catches what a damaged copy or a half-deleted folder looks like (missing, empty or
    garbage model, broken config, missing vocabulary, garbage tokenizer) without loading.
    """
    model = path / "model"
    binary = model / "model.bin"
    if not binary.is_file():
        return "the model file (model/model.bin) is missing"
    with open(binary, "rb") as handle:
        header = handle.read(4)
    if len(header) < 4 or struct.unpack("<I", header)[0] not in _CT2_BINARY_VERSIONS:
        return "the model file (model/model.bin) is damaged"
    config = model / "config.json"
    if config.is_file():
        try:
            if not isinstance(parse_json(config.read_bytes(), "config"), dict):
                return "the model's settings (model/config.json) are damaged"
        except PackError:
            return "the model's settings (model/config.json) are damaged"
    vocabularies = [p.name for p in model.glob("*vocabulary*") if p.is_file()]
    shared = any(n.startswith("shared_vocabulary") for n in vocabularies)
    pair = any(n.startswith("source_vocabulary") for n in vocabularies) and any(
        n.startswith("target_vocabulary") for n in vocabularies
    )
    if not (shared or pair):
        return "the model's vocabulary is missing"
    tokenizer = path / "sentencepiece.model"
    if not tokenizer.is_file():
        if (path / "bpe.model").is_file():
            return "the pack uses a tokenizer Companion does not support (bpe.model)"
        return "the tokenizer (sentencepiece.model) is missing"
    with open(tokenizer, "rb") as handle:
        first = handle.read(1)
    if first != b"\x0a":  # a SentencePiece model is a protobuf starting with its pieces
        return "the tokenizer (sentencepiece.model) is damaged"
    return None


def _folder_size(path: Path) -> int:
    total = 0
    for item in path.rglob("*"):
        try:
            if item.is_file() and not item.is_symlink():
                total += item.stat().st_size
        except OSError:
            continue
    return total


def read_pack(path: Path) -> InstalledPack:
    """The pack in ``path``, damaged or not; PackError when the folder is not a pack at all."""
    if not ((path / "metadata.json").exists() or (path / "model").is_dir()):
        raise PackError(f"{path.name} is not a language pack")
    problem: str | None = None
    meta: dict[str, Any] = {}
    try:
        meta = read_metadata(path)
    except PackError as exc:
        problem = exc.message
    except OSError:
        problem = "the pack's metadata.json is missing or unreadable"
    if problem is None:
        try:
            problem = structural_problem(path)
        except OSError:
            problem = "the pack's files cannot be read"
    return InstalledPack(
        path=path,
        from_code=str(meta.get("from_code", "")),
        to_code=str(meta.get("to_code", "")),
        package_version=str(meta.get("package_version", "")),
        from_name=str(meta.get("from_name", "")),
        to_name=str(meta.get("to_name", "")),
        size_bytes=_folder_size(path),
        problem=problem,
    )


def list_installed(include_damaged: bool = False) -> list[InstalledPack]:
    """Packs in the packs folder sorted by pair; damaged ones only when asked for.

    Leftovers of a killed install or download are recovered first (cheap when there are none).
    """
    root = paths.argos_packages_dir()
    if not _downloads_checked or any(e.name.startswith(HIDDEN_PREFIXES) for e in root.iterdir()):
        recover(root)
    found = scan(root, include_damaged)
    found.sort(key=lambda p: (p.from_code, p.to_code, version_key(p.package_version)))
    return found


def scan(root: Path, include_damaged: bool) -> list[InstalledPack]:
    """The pack folders in ``root``, without recovering anything first (the caller's job)."""
    found = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            pack = read_pack(entry)
        except (OSError, PackError):
            continue  # a foreign folder, not a pack
        if pack.usable or include_damaged:
            found.append(pack)
    return found


def find_pack(from_code: str, to_code: str) -> InstalledPack | None:
    """The usable pack for this direction, the highest version when there are several."""
    matches = [p for p in list_installed() if (p.from_code, p.to_code) == (from_code, to_code)]
    if not matches:
        return None
    return max(matches, key=lambda p: version_key(p.package_version))


# --------------------------------------------------------------------------------------------
# Recovery after a killed run

_downloads_checked = False


def downloads_dir() -> Path:
    return paths.cache_dir() / "downloads"


def clean_downloads() -> None:
    """Delete ``.part`` files no live download holds (those of killed runs)."""
    global _downloads_checked
    _downloads_checked = True
    folder = downloads_dir()
    if not folder.is_dir():
        return
    with FileLock(folder / LOCK_NAME) as lock:
        if not lock.acquire(timeout=5.0):
            return
        for part in folder.glob(".*.part"):
            if remove_if_unlocked(part):
                _log.info("removed the unfinished download %s", part.name)


def recover(root: Path | None = None) -> None:
    """Undo what a killed install left behind, unless an install is running right now."""
    root = root or paths.argos_packages_dir()
    clean_downloads()
    lock = FileLock(root / LOCK_NAME)
    if not lock.acquire():
        return  # another process is installing: its folders are not leftovers
    try:
        recover_locked(root)
    finally:
        lock.release()


def recover_locked(root: Path) -> None:
    """:func:`recover` for a caller that holds the packs folder's lock."""
    for entry in sorted(root.iterdir()):
        name = entry.name
        if not name.startswith(HIDDEN_PREFIXES) or not entry.is_dir() or entry.is_symlink():
            continue
        if name.startswith(".replaced-"):
            _restore_replaced(root, entry)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _restore_replaced(root: Path, holder: Path) -> None:
    """A pack moved aside by a replace: put it back if its pair is not installed any more."""
    old = holder / "pack"
    if old.is_dir():
        try:
            pack = read_pack(old)
        except (OSError, PackError):
            pack = None
        installed = pack is not None and any(
            (p.from_code, p.to_code) == (pack.from_code, pack.to_code)
            for p in scan(root, include_damaged=False)
        )
        if pack is not None and not installed:
            origin = holder.name[len(".replaced-") :].rsplit(".", 1)[0] or "pack"
            target = free_name(root, origin)
            try:
                os.replace(old, target)
                _log.warning("restored the pack %s after an interrupted replace", target.name)
            except OSError:
                return  # keep the holder: nothing is lost, the next run tries again
    shutil.rmtree(holder, ignore_errors=True)


def free_name(root: Path, name: str) -> Path:
    """``root/name``, or ``name-2``, ``name-3``... if that exists."""
    target = root / name
    number = 1
    while target.exists() or target.is_symlink():
        number += 1
        target = root / f"{name}-{number}"
    return target


__all__ = [
    "SUPPORTED_PAIRS",
    "InstalledPack",
    "clean_downloads",
    "downloads_dir",
    "find_pack",
    "list_installed",
    "read_pack",
    "recover",
    "version_key",
]
