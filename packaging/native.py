"""Forward OpenCV's BLAS/LAPACK calls to numpy's OpenBLAS, so OpenCV's own copy can go (Linux).

opencv-python-headless carries its own OpenBLAS (~39 MB with libgfortran and libquadmath)
for a handful of routines; numpy already ships the same library as scipy-openblas64, built
with 64-bit integers (ILP64) and renamed symbols. A wheel's extension module names every
library it was linked with (``DT_NEEDED``) and must find each symbol it imports, so the big
library cannot simply go: it is replaced by a small one of the same file name and soname
(``packaging/native/lp64_to_ilp64.c``) that widens OpenCV's 32-bit integers, calls numpy's
routine and narrows what comes back, so the answers are the real ones
(``tests/test_packaging_native.py`` compares them with numpy's through the real cv2).

A swap is skipped, with the reason printed, when anything does not line up (a consumer
imports a symbol the shim does not define, symbol versions, no compiler): the build then
keeps the real library. The frozen ``--self-test`` (OCR included) runs after.
Standard library only; needs ``readelf`` (binutils) and ``gcc``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "native"


@dataclass(frozen=True)
class Symbol:
    name: str
    version: str  # "" when unversioned
    kind: str  # FUNC, OBJECT, NOTYPE, IFUNC, TLS
    size: int
    defined: bool


@dataclass(frozen=True)
class Swap:
    """One library replaced by a shim: which, how many symbols it forwards, the bytes saved."""

    path: Path
    symbols: int
    saved: int


def _readelf(*args: str) -> str:
    return subprocess.run(
        ["readelf", "--wide", *args], capture_output=True, text=True, check=True
    ).stdout


def dynamic_symbols(path: Path) -> list[Symbol]:
    """The global and weak entries of an ELF file's dynamic symbol table."""
    found = []
    for line in _readelf("--dyn-syms", str(path)).splitlines():
        parts = line.split()
        if len(parts) < 8 or not parts[0].rstrip(":").isdigit():
            continue
        _num, _value, size, kind, bind, _vis, section, name = parts[:8]
        if bind not in ("GLOBAL", "WEAK") or not name:
            continue
        version = ""
        if "@" in name:
            name, _, version = name.partition("@")
            version = version.lstrip("@")
        found.append(Symbol(name, version, kind, int(size, 0), section != "UND"))
    return found


def soname(path: Path) -> str:
    match = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", _readelf("-d", str(path)))
    return match.group(1) if match else path.name


def needed(path: Path) -> list[str]:
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", _readelf("-d", str(path)))


def needed_versions(consumer: Path, library: str) -> set[str]:
    """The symbol versions ``consumer`` requires from the library named ``library``."""
    versions: set[str] = set()
    current = ""
    for line in _readelf("-V", str(consumer)).splitlines():
        file_match = re.search(r"File: (\S+)", line)
        if file_match:
            current = file_match.group(1)
            continue
        name_match = re.search(r"Name: (\S+)\s+Flags", line)
        if name_match and current == library:
            versions.add(name_match.group(1))
    return versions


def imports_from(library: Path, consumers: list[Path]) -> tuple[list[Symbol], set[str]]:
    """Symbols the consumers import that ``library`` defines, and the versions they need."""
    name = soname(library)
    exported: dict[str, Symbol] = {}
    for symbol in dynamic_symbols(library):
        if symbol.defined and symbol.kind != "SECTION":
            exported.setdefault(symbol.name, symbol)
    wanted: dict[str, Symbol] = {}
    versions: set[str] = set()
    for consumer in consumers:
        versions |= needed_versions(consumer, name)
        for symbol in dynamic_symbols(consumer):
            if symbol.defined or symbol.name not in exported:
                continue
            if symbol.version and symbol.version not in versions:
                continue  # that version is some other library's
            wanted.setdefault(symbol.name, exported[symbol.name])
    return sorted(wanted.values(), key=lambda s: s.name), versions


def consumers_of(library: Path, elves: list[Path], replaced: set[Path]) -> list[Path]:
    name = soname(library)
    return [p for p in elves if p not in replaced and p != library and name in needed(p)]


def compile_shim(source: Path, out: Path, name: str, script: str, link: list[str]) -> None:
    """``gcc`` a shared library ``out`` with soname ``name``, exporting what ``script`` says."""
    with tempfile.TemporaryDirectory(prefix="companion-native-") as scratch:
        work = Path(scratch)
        (work / "exports.map").write_text(script)
        subprocess.run(
            [
                "gcc", "-shared", "-fPIC", "-O2", "-o", str(work / "lib.so"), str(source),
                f"-Wl,-soname,{name}", f"-Wl,--version-script={work / 'exports.map'}",
                "-Wl,--no-undefined", *link, "-lc",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        shutil.move(str(work / "lib.so"), out)


def _defined_names(path: Path) -> set[str]:
    return {s.name for s in dynamic_symbols(path) if s.defined}


def make_shim(
    library: Path, consumers: list[Path], source: Path, target: Path, out: Path
) -> int | str:
    """Write to ``out`` a forwarding shim to take ``library``'s place (C ``source``, linked
    to ``target``, found through an rpath relative to ``library``'s folder); the number of
    symbols it forwards, or why not."""
    symbols, versions = imports_from(library, consumers)
    if versions:
        return "its consumers need symbol versions the shim does not define"
    script = "{ global: " + " ".join(f"{s.name};" for s in symbols) + " local: *; };\n"
    rpath = os.path.relpath(target.parent, library.parent)
    compile_shim(
        source, out, soname(library), script,
        [str(target), f"-Wl,-rpath,$ORIGIN/{rpath}", "-Wl,--enable-new-dtags"],
    )
    missing = {s.name for s in symbols} - _defined_names(out)
    if missing:
        out.unlink()
        return f"the shim lacks {', '.join(sorted(missing)[:5])}"
    return len(symbols)


def apply_swaps(internal: Path, rules: list[dict[str, str]], elves: list[Path]) -> list[Swap]:
    """Apply ``rules`` (``freeze_rules.NATIVE_SWAPS``) inside ``internal``; prints skips."""
    if shutil.which("gcc") is None or shutil.which("readelf") is None:
        print("   native swaps skipped: gcc and readelf (binutils) are needed")
        return []
    done = []
    for rule in rules:
        for path in sorted(internal.glob(rule["library"])):
            if not path.is_file() or path.is_symlink():
                continue
            consumers = consumers_of(path, elves, {path})
            if not consumers:
                continue  # nothing links it: the unreachable-library pass removes it
            swap = _swap_one(internal, path, rule, consumers)
            if isinstance(swap, str):
                print(f"   kept {path.relative_to(internal)}: {swap}")
            else:
                done.append(swap)
    return done


def _swap_one(
    internal: Path, path: Path, rule: dict[str, str], consumers: list[Path]
) -> Swap | str:
    found = sorted(internal.glob(rule["target"]))
    if not found:
        return f"no {rule['target']} in the build"
    size = path.stat().st_size
    with tempfile.TemporaryDirectory(prefix="companion-swap-") as scratch:
        out = Path(scratch) / path.name
        try:
            result = make_shim(path, consumers, SOURCES / rule["source"], found[0], out)
        except subprocess.CalledProcessError as exc:
            return f"{exc.cmd[0]} failed: {(exc.stderr or '').strip()[-300:]}"
        if isinstance(result, str):
            return result
        shutil.move(str(out), path)
    path.chmod(0o755)
    return Swap(path, result, size - path.stat().st_size)
