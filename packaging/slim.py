"""Make a PyInstaller folder smaller without breaking it: trim, strip, and check.

- ``trim``: delete what ``freeze_rules.trim_plan`` lists (unused Qt plugins, QML, PDF,
  multimedia, translations...), then the system libraries that nothing left needs (PyInstaller
  collected them for a plugin that is gone: GTK for the gtk3 theme, ...).
- ``strip_debug``: ``strip --strip-debug`` on ELF files that carry DWARF sections, except
  the auditwheel-repaired libraries in wheels' ``*.libs`` folders (strip corrupts them).
- ``missing_libraries``: every ELF's ``DT_NEEDED`` must be in the folder or on the system.

ELF files are read with a small parser of our own (standard library only, fast).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import freeze_rules

ELF_MAGIC = b"\x7fELF"
DT_NEEDED = 1
PAGE = 4096
# Loaded by name at run time (dlopen / the bootloader), so never "unreachable".
ALWAYS_KEEP = ("libpython",)


@dataclass
class ElfInfo:
    sections: list[str]
    needed: list[str]


def read_elf(path: Path) -> ElfInfo | None:
    """Section names and DT_NEEDED of a 64-bit little-endian ELF; None if not one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
            if len(head) < 64 or head[:4] != ELF_MAGIC or head[4] != 2 or head[5] != 1:
                return None
            shoff = struct.unpack_from("<Q", head, 0x28)[0]
            shentsize, shnum, shstrndx = struct.unpack_from("<HHH", head, 0x3A)
            if not shoff or not shnum:
                return ElfInfo([], [])
            handle.seek(shoff)
            table = handle.read(shentsize * shnum)
            headers = [
                struct.unpack_from("<IIQQQQIIQQ", table, i * shentsize) for i in range(shnum)
            ]

            def data(index: int) -> bytes:
                _n, _t, _f, _a, offset, size, *_ = headers[index]
                handle.seek(offset)
                return handle.read(size)

            names_blob = data(shstrndx) if shstrndx < shnum else b""
            names = [_cstring(names_blob, h[0]) for h in headers]
            needed: list[str] = []
            for header in headers:
                if header[1] == 6:  # SHT_DYNAMIC; its sh_link is the string table
                    strings = data(header[6])
                    dynamic = data(headers.index(header))
                    for offset in range(0, len(dynamic) - 15, 16):
                        tag, value = struct.unpack_from("<qQ", dynamic, offset)
                        if tag == 0:
                            break
                        if tag == DT_NEEDED:
                            needed.append(_cstring(strings, value))
            return ElfInfo(names, needed)
    except (OSError, struct.error, IndexError):
        return None


def _cstring(blob: bytes, offset: int) -> str:
    end = blob.find(b"\0", offset)
    return blob[offset : end if end >= 0 else len(blob)].decode("utf-8", "replace")


def folder_size(folder: Path) -> int:
    """Bytes of the regular files (what an installed copy takes, symlinks aside)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def elf_files(folder: Path) -> dict[Path, ElfInfo]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            info = read_elf(path)
            if info is not None:
                found[path] = info
    return found


def _is_extension(name: str) -> bool:
    """A Python extension module (imported by name, never a DT_NEEDED of anything)."""
    return ".cpython-" in name or name.endswith((".abi3.so", ".pyd"))


def _is_wheel_libs(internal: Path, folder: Path) -> bool:
    """A wheel's ``NAME.libs`` folder: auditwheel puts there only libraries that the wheel's
    own files name in ``DT_NEEDED``, so one nothing names any more is unused."""
    return folder.parent == internal and folder.name.endswith(".libs")


def unreachable_libraries(internal: Path, executables: list[Path]) -> list[Path]:
    """Libraries that no kept binary needs, directly or not.

    Candidates are the top-level files of ``_internal`` (what PyInstaller pulled in), wheels'
    ``*.libs`` folders and Qt's ``lib`` folder (PySide6's hooks collect FFmpeg for
    QtMultimedia even when only its dropped plugin uses it). Roots are the executables and
    every other ELF: extension modules, Qt plugins, libraries other packages load by name.
    """
    internal = internal.resolve()  # symlink targets below are resolved: compare like with like
    elves = elf_files(internal)
    for exe in (e.resolve() for e in executables):
        info = read_elf(exe)
        if info is not None:
            elves[exe] = info
    by_name: dict[str, Path] = {}
    for path in sorted(internal.iterdir()):
        if path.is_symlink() and path.exists():
            by_name[path.name] = path.resolve()
    for path in elves:
        by_name.setdefault(path.name, path)
    qt_lib = freeze_rules.qt_root(internal) / "lib"
    top = {
        p for p in elves
        if (p.parent in (internal, qt_lib) or _is_wheel_libs(internal, p.parent))
        and not _is_extension(p.name)
    }
    todo = [p for p in elves if p not in top or p.name.startswith(ALWAYS_KEEP)]
    seen = set(todo)
    while todo:
        current = todo.pop()
        for name in elves[current].needed if current in elves else []:
            target = by_name.get(name)
            if target is not None and target not in seen:
                seen.add(target)
                todo.append(target)
    return sorted(p for p in top if p not in seen)


def trim(
    internal: Path, source: Path | None = None, system_libraries: bool = False
) -> list[Path]:
    """Delete the trim plan, then unreachable libraries and dangling links; returns them."""
    internal = internal.resolve()
    removed = []
    for path in freeze_rules.trim_plan(internal, source, system_libraries):
        if path.exists() or path.is_symlink():
            _remove(path)
            removed.append(path)
    executables = [p for p in internal.parent.iterdir() if p.is_file()]
    while True:  # removing a library can orphan the ones only it needed
        orphans = unreachable_libraries(internal, executables)
        if not orphans:
            break
        for path in orphans:
            _remove(path)
            removed.append(path)
    for path in sorted(internal.rglob("*")):
        if path.is_symlink() and not path.exists():
            path.unlink()
            removed.append(path)
    return removed


def strip_debug(folder: Path) -> tuple[int, int]:
    """Strip DWARF debug info where it is safe; returns (files stripped, bytes saved)."""
    chosen = []
    for path, info in elf_files(folder).items():
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if freeze_rules.strip_candidate(relative) and freeze_rules.has_debug_info(info.sections):
            chosen.append(path)
    if not chosen:
        return 0, 0
    before = sum(p.stat().st_size for p in chosen)
    for start in range(0, len(chosen), 100):
        batch = [str(p) for p in chosen[start : start + 100]]
        subprocess.run(["strip", "--strip-debug", *batch], check=True)
    return len(chosen), before - sum(p.stat().st_size for p in chosen)


def load_segments_aligned(path: Path) -> bool:
    """Whether every ``PT_LOAD`` segment's file offset and address agree modulo the page and
    its alignment: what the loader checks ("ELF load command address/offset not
    page-aligned"), and what ``strip`` can break in a library auditwheel rewrote."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
            if len(head) < 64 or head[:4] != ELF_MAGIC:
                return False
            phoff = struct.unpack_from("<Q", head, 0x20)[0]
            phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
            handle.seek(phoff)
            table = handle.read(phentsize * phnum)
        for index in range(phnum):
            kind, _flags, offset, vaddr, _paddr, _filesz, _memsz, align = struct.unpack_from(
                "<IIQQQQQQ", table, index * phentsize
            )
            if kind == 1 and ((vaddr - offset) % PAGE or (align > 1 and (vaddr - offset) % align)):
                return False
        return True
    except (OSError, struct.error):
        return False


def strip_wheel_libraries(folder: Path) -> tuple[int, int]:
    """Strip symbol tables and debug info from wheels' ``*.libs`` libraries where that is safe.

    Each is stripped to a copy, and the copy replaces it only if the loader would still
    accept it (``load_segments_aligned``) and it is smaller: numpy's OpenBLAS, for one, is
    left as it is. Returns (files stripped, bytes saved).
    """
    stripped, saved = 0, 0
    for path, info in elf_files(folder).items():
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if freeze_rules.strip_candidate(relative) or ".symtab" not in info.sections:
            continue
        copy = path.with_name(path.name + ".stripped")
        subprocess.run(["strip", "--strip-unneeded", "-o", str(copy), str(path)], check=True)
        gain = path.stat().st_size - copy.stat().st_size
        if gain > 0 and load_segments_aligned(copy) and load_segments_aligned(path):
            copy.chmod(path.stat().st_mode)
            os.replace(copy, path)
            stripped, saved = stripped + 1, saved + gain
        else:
            copy.unlink()
    return stripped, saved


def _system_libraries() -> set[str]:
    try:
        listing = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line.split()[0] for line in listing.splitlines()[1:] if line.strip()}


def missing_libraries(folder: Path) -> dict[str, list[str]]:
    """``{file: [needed names found neither in the folder nor on the system]}``."""
    elves = elf_files(folder)
    present = {p.name for p in folder.rglob("*")} | _system_libraries()
    present |= freeze_rules.OPTIONAL_SYSTEM_LIBRARIES
    missing = {}
    for path, info in elves.items():
        absent = [name for name in info.needed if name not in present]
        if absent:
            missing[os.path.relpath(path, folder)] = absent
    return missing
