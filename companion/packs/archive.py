"""Installing a pack from an ``.argosmodel`` archive, and removing one.

Archives are untrusted input: every entry is checked before anything is written (paths that
leave the folder, links, duplicates, sizes), the pack is extracted into a hidden folder
beside the target and loaded once, and only a pack that translates is moved into place.
Its folder is named from its metadata (``translate-zh_en-1_9``), never from the archive: an
archive whose folder is named for the other pair cannot replace that pair's pack.

A replace moves the old pack into ``.replaced-<name>.<random>/pack`` before the new one
takes its place; a kill between those two renames leaves the old pack there, and the next run
puts it back (:func:`companion.packs.installed.recover`). The packs folder's lock is held for
the whole install, so no other process takes a live install for leftovers.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from companion import changes, paths
from companion.packs.errors import PackError, disk_error, os_error_words
from companion.packs.installed import (
    LOCK_NAME,
    MAX_METADATA_BYTES,
    SUPPORTED_PAIRS,
    InstalledPack,
    free_name,
    list_installed,
    parse_json,
    read_pack,
    recover_locked,
    scan,
    structural_problem,
    validate_metadata,
)
from companion.packs.locking import FileLock
from companion.untrusted import printable

if TYPE_CHECKING:
    import zipfile

MAX_ENTRIES = 10_000
# The largest real Chinese/English pack unpacks to about 100 MB: five times that is refused.
MAX_UNPACKED_BYTES = 500 * 1000**2
INSTALL_LOCK_WAIT = 300.0  # another process's install (extract + load) finishes well before
_CHUNK = 256 * 1024
_LANGUAGES = {"zh": "Chinese", "en": "English"}


def safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")
    return cleaned[:120] or "pack"


def folder_name(meta: dict[str, Any]) -> str:
    """The folder a pack is installed in, from its metadata: ``translate-zh_en-1_9``."""
    version = str(meta.get("package_version", "")).replace(".", "_")
    base = f"translate-{meta['from_code']}_{meta['to_code']}"
    return safe_name(f"{base}-{version}" if version else base)


def _label(name: str) -> str:
    return printable(name, limit=120)


def _member_parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    """The entry's path parts, refusing anything that could land outside the target."""
    name = info.filename
    shown = _label(name)
    if "\x00" in name:
        raise PackError("the archive contains an invalid file name", "refused")
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized):
        raise PackError(f"the archive contains an absolute path ({shown!r}): refused", "refused")
    parts = tuple(p for p in PurePosixPath(normalized).parts if p not in ("", "."))
    if any(p == ".." for p in parts):
        raise PackError(
            f"the archive contains a path leaving its folder ({shown!r}): refused", "refused"
        )
    mode = info.external_attr >> 16
    if mode:  # Unix file-type bits are present
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise PackError(f"the archive contains a symbolic link ({shown!r}): refused", "refused")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise PackError(f"the archive contains a special file ({shown!r}): refused", "refused")
    return parts


def inspect_archive(zf: zipfile.ZipFile) -> tuple[str, dict[str, Any]]:
    """Check every entry; return the top-level folder name and the parsed metadata."""
    infos = zf.infolist()
    if not infos:
        raise PackError("the archive is empty", "damaged")
    if len(infos) > MAX_ENTRIES:
        raise PackError("the archive has too many files to be a language pack", "refused")
    tops: set[str] = set()
    names: set[tuple[str, ...]] = set()
    seen: set[tuple[str, ...]] = set()
    total = 0
    for info in infos:
        parts = _member_parts(info)
        if not parts:
            continue
        if info.flag_bits & 0x1:
            raise PackError("the archive is encrypted", "refused")
        if parts in seen and not info.is_dir():
            raise PackError(
                f"the archive lists {_label('/'.join(parts))} twice: it is damaged or was "
                "tampered with, refused",
                "refused",
            )
        seen.add(parts)
        tops.add(parts[0])
        if not info.is_dir():
            if len(parts) < 2:
                raise PackError(
                    "the archive has files outside a pack folder: not an argos language pack",
                    "refused",
                )
            names.add(parts[1:])
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise PackError(
                f"the archive unpacks to more than {MAX_UNPACKED_BYTES // 1000**2} MB, far more "
                "than any language pack: refused",
                "refused",
            )
    if len(tops) != 1:
        raise PackError("the archive must contain exactly one pack folder", "refused")
    top = tops.pop()
    if top.startswith("."):
        raise PackError("the pack folder name is invalid", "refused")
    missing = [
        label
        for label, wanted in (
            ("metadata.json", {("metadata.json",)}),
            ("model/model.bin", {("model", "model.bin")}),
            ("sentencepiece.model or bpe.model", {("sentencepiece.model",), ("bpe.model",)}),
        )
        if not wanted & names
    ]
    if missing:
        raise PackError(f"not an argos language pack: {', '.join(missing)} missing", "refused")
    meta_info = zf.getinfo(_find_member(zf, top, "metadata.json"))
    if meta_info.file_size > MAX_METADATA_BYTES:
        raise PackError("the pack's metadata.json is too large", "refused")
    raw = parse_json(zf.read(meta_info), "the pack's metadata.json")
    return top, validate_metadata(raw)


def _find_member(zf: zipfile.ZipFile, top: str, relative: str) -> str:
    for info in zf.infolist():
        parts = _member_parts(info)
        if parts[1:] == tuple(relative.split("/")) and parts[0] == top:
            return info.filename
    raise PackError(f"{relative} is missing", "refused")


def _extract(zf: zipfile.ZipFile, dest: Path) -> None:
    """Write every entry under ``dest`` (already vetted), checking sizes as we go."""
    for info in zf.infolist():
        parts = _member_parts(info)
        if not parts:
            continue
        target = dest.joinpath(*parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with zf.open(info) as src, open(target, "xb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise PackError(
                        "the archive is damaged (an entry is larger than declared)", "damaged"
                    )
                out.write(chunk)


def pair_words(from_code: str, to_code: str) -> str:
    names = (_LANGUAGES.get(from_code, from_code), _LANGUAGES.get(to_code, to_code))
    return f"{names[0]}→{names[1]}"


def _check_pair(name: str, pair: tuple[str, str], expect: tuple[str, str] | None) -> None:
    if expect is not None and pair != tuple(expect):
        raise PackError(
            f"{name} translates {pair[0]}→{pair[1]}, expected {expect[0]}→{expect[1]}", "refused"
        )
    if pair not in SUPPORTED_PAIRS:
        raise PackError(
            f"{name} translates {_label(pair_words(*pair))}: Companion uses only the "
            "Chinese→English and English→Chinese packs",
            "refused",
        )


def _load_once(name: str, folder: Path) -> None:
    from companion.engines.base import EngineError
    from companion.engines.offline import PackLoadError, verify_pack

    problem = structural_problem(folder)
    if problem is not None:
        raise PackError(f"{name} is not a usable pack: {problem}", "damaged")
    try:
        verify_pack(folder)
    except PackLoadError as exc:
        raise PackError(f"{name} is not a usable pack: {exc.reason}", "damaged") from exc
    except EngineError as exc:  # the offline engine itself is missing from this install
        raise PackError(f"{name} cannot be checked: {exc.message}", "other") from exc


def install_pack(archive: Path, expect: tuple[str, str] | None = None) -> InstalledPack:
    """Install an ``.argosmodel`` file; replaces the installed pack of the same pair.

    ``expect`` is the ``(from_code, to_code)`` the caller asked for (a download), so a
    mislabelled file is refused instead of silently installed. Announces ``changes.notify(
    "packs", "zh-en")`` when done.
    """
    archive = Path(archive)
    name = _label(archive.name)
    if archive.is_dir():
        raise PackError(
            f"{name} is a folder: choose the pack's .argosmodel file instead", "refused"
        )
    if not archive.is_file():
        raise PackError(f"{name}: no such file", "refused")
    root = paths.argos_packages_dir()
    lock = FileLock(root / LOCK_NAME)
    try:
        if not lock.acquire(timeout=INSTALL_LOCK_WAIT):
            raise PackError("another install is still running; try again when it ends", "busy")
    except OSError as exc:
        raise disk_error(exc, f"install {name}") from exc
    try:
        installed = _install_locked(archive, name, root, expect)
    finally:
        lock.release()
    changes.notify("packs", installed.pair)
    return installed


def _install_locked(
    archive: Path, name: str, root: Path, expect: tuple[str, str] | None
) -> InstalledPack:
    import tempfile
    import zipfile
    import zlib

    recover_locked(root)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise PackError(
            f"{name} is not a language pack (not a zip archive, or damaged/truncated)", "damaged"
        ) from exc
    except OSError as exc:
        raise PackError(f"{name} could not be read: {os_error_words(exc)}", "disk") from exc
    work: Path | None = None
    old: Path | None = None
    try:
        work = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
        with zf:
            top, meta = inspect_archive(zf)
            pair = (meta["from_code"], meta["to_code"])
            _check_pair(name, pair, expect)
            try:
                _extract(zf, work)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise PackError(
                    f"{name} is damaged (it fails its own checksum)", "damaged"
                ) from exc
            except (NotImplementedError, RuntimeError) as exc:  # e.g. an unknown compression
                raise PackError(
                    f"{name} cannot be unpacked (unsupported format)", "refused"
                ) from exc
        extracted = work / top
        _load_once(name, extracted)
        # Every installed folder of this pair goes, damaged ones too; folders of other pairs
        # stay even when the archive's own folder is named after them.
        same_pair = [
            p.path for p in scan(root, include_damaged=True) if (p.from_code, p.to_code) == pair
        ]
        target = root / folder_name(meta)
        if (target.exists() or target.is_symlink()) and target not in same_pair:
            target = free_name(root, target.name)
        if target.exists():
            holder = Path(tempfile.mkdtemp(prefix=f".replaced-{target.name}.", dir=root))
            old = holder / "pack"
            os.replace(target, old)
        try:
            os.replace(extracted, target)
        except OSError:
            if old is not None:
                os.replace(old, target)  # put the previous pack back
                old = None
            raise
        for other in same_pair:
            if other != target:
                remove_dir(other)
        return read_pack(target)
    except PackError:
        raise
    except OSError as exc:
        raise disk_error(exc, f"install {name}") from exc
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old.parent, ignore_errors=True)


def remove_dir(path: Path) -> None:
    """Rename out of sight first, so a half-deleted pack never looks installed."""
    import tempfile

    holder = Path(tempfile.mkdtemp(prefix=".removing-", dir=path.parent))
    os.replace(path, holder / "pack")
    shutil.rmtree(holder, ignore_errors=True)


def uninstall_pack(pack: InstalledPack) -> None:
    """Remove an installed (or damaged) pack; announces ``changes.notify("packs", pair)``."""
    root = paths.argos_packages_dir()
    path = Path(pack.path)
    if path.resolve().parent != root.resolve() or path.name.startswith("."):
        raise PackError("that pack is not in the packs folder", "refused")
    lock = FileLock(root / LOCK_NAME)
    try:
        if not lock.acquire(timeout=INSTALL_LOCK_WAIT):
            raise PackError("an install is still running; try again when it ends", "busy")
        try:
            if not path.is_dir():
                raise PackError("that pack is not installed any more", "refused")
            remove_dir(path)
        finally:
            lock.release()
    except OSError as exc:
        raise disk_error(exc, "remove the pack") from exc
    changes.notify("packs", pack.pair)


def remove_pair(from_code: str, to_code: str) -> list[InstalledPack]:
    """Remove every folder of this pair, damaged ones too; returns what was removed."""
    removed = []
    for pack in list_installed(include_damaged=True):
        if (pack.from_code, pack.to_code) == (from_code, to_code):
            uninstall_pack(pack)
            removed.append(pack)
    return removed


__all__ = [
    "MAX_UNPACKED_BYTES",
    "folder_name",
    "inspect_archive",
    "install_pack",
    "remove_pair",
    "uninstall_pack",
]
