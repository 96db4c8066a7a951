"""The packaging rules and the bundle helpers, without building anything (fast).

The full build and the clean-root proof are `make package` / `make package-test`.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from types import ModuleType

import pytest

from companion import bundle

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"


def _load(name: str) -> ModuleType:
    """packaging/ is not a package (its name would shadow PyPI's `packaging`): load by path."""
    if str(PACKAGING) not in sys.path:
        sys.path.insert(0, str(PACKAGING))
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


rules = _load("freeze_rules")
slim = _load("slim")


def test_repaired_wheel_libraries_are_never_stripped() -> None:
    assert not rules.strip_candidate(PurePosixPath("_internal/numpy.libs/libscipy_openblas.so"))
    assert not rules.strip_candidate(PurePosixPath("_internal/ctranslate2.libs/libct.so.4"))
    assert rules.strip_candidate(PurePosixPath("_internal/ctranslate2/_ext.cpython-311.so"))
    assert rules.strip_candidate(PurePosixPath("_internal/libpython3.11.so.1.0"))
    assert rules.has_debug_info([".text", ".debug_info"])
    assert not rules.has_debug_info([".text", ".symtab", ".dynsym"])


def test_hidden_imports_name_each_platforms_hotkey_backend() -> None:
    linux = rules.hidden_imports("linux", "full")
    assert {"pynput.keyboard._xorg", "pynput.mouse._xorg", "rapidocr_onnxruntime"} <= set(linux)
    assert "pynput.keyboard._win32" in rules.hidden_imports("win32", "full")
    assert "pynput.keyboard._darwin" in rules.hidden_imports("darwin", "full")
    assert "rapidocr_onnxruntime" not in rules.hidden_imports("linux", "lite")
    assert {"cv2", "onnxruntime"} <= set(rules.excludes("lite"))
    assert "torch" in rules.excludes("full") and "cv2" not in rules.excludes("full")


def test_every_hidden_import_and_data_package_exists_here() -> None:
    """A renamed module would otherwise only show as a frozen app failing at run time."""
    for name in [*rules.hidden_imports(sys.platform, "full"), *rules.data_packages("full")]:
        if sys.platform.startswith("linux") and name.startswith("pynput."):
            continue  # importing pynput's X backend needs a display; the files are checked below
        assert importlib.util.find_spec(name) is not None, name
    pynput = Path(importlib.util.find_spec("pynput").origin).parent  # type: ignore[union-attr, arg-type]
    for name in rules.hidden_imports("linux", "full"):
        if name.startswith("pynput."):
            relative = Path(*name.split(".")[1:]).with_suffix(".py")
            assert (pynput / relative).is_file(), name


def _fake_build(root: Path) -> Path:
    internal = root / "companion" / "_internal"
    qt = internal / "PySide6" / "Qt"
    for relative in [
        "plugins/platforms/libqxcb.so",
        "plugins/platforms/libqeglfs.so",
        "plugins/platforms/libqminimalegl.so",
        "plugins/platforms/libqoffscreen.so",
        "plugins/platformthemes/libqgtk3.so",
        "plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "plugins/multimedia/libffmpegmediaplugin.so",
        "plugins/imageformats/libqpdf.so",
        "plugins/imageformats/libqjpeg.so",
        "translations/qtbase_de.qm",
        "qml/QtQuick/qmldir",
        "lib/libQt6Quick.so.6",
        "lib/libQt6Core.so.6",
    ]:
        (qt / relative).parent.mkdir(parents=True, exist_ok=True)
        (qt / relative).write_bytes(b"x")
    (internal / "libQt6Quick.so.6").symlink_to("PySide6/Qt/lib/libQt6Quick.so.6")
    cv2_libs = internal / "opencv_python_headless.libs"
    cv2_libs.mkdir()
    (cv2_libs / "libavcodec-1234.so.62").write_bytes(b"x")
    (internal / "jieba" / "lac_small").mkdir(parents=True)
    (internal / "jieba" / "dict.txt").write_text("x")
    return internal


def test_trim_plan_drops_unused_qt_parts_and_keeps_what_runs_the_app(tmp_path: Path) -> None:
    internal = _fake_build(tmp_path)
    qt = internal / "PySide6" / "Qt"
    plan = {p.relative_to(internal).as_posix() for p in rules.trim_plan(internal)}
    assert {
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforms/libqminimalegl.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/Qt/plugins/multimedia",
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/translations",
        "PySide6/Qt/qml",
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "libQt6Quick.so.6",
        "jieba/lac_small",
    } <= plan
    kept = {
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "opencv_python_headless.libs/libavcodec-1234.so.62",  # cv2 needs OpenCV's FFmpeg
        "jieba/dict.txt",
    }
    assert not kept & plan
    assert (qt / "lib" / "libQt6Core.so.6").exists()


def test_elf_reader_sees_sections_and_needed_libraries() -> None:
    lib = Path(sys.executable).resolve()
    info = slim.read_elf(lib)
    assert info is not None and ".text" in info.sections
    assert any(name.startswith("libc.so") for name in info.needed)
    assert slim.read_elf(REPO / "README.md") is None


def test_unreachable_libraries_are_found_and_extension_modules_kept(tmp_path: Path) -> None:
    """Real ELF files: a library nothing needs goes, one an extension module needs stays."""
    internal = tmp_path / "app" / "_internal"
    internal.mkdir(parents=True)
    import _ctypes  # an extension module with DT_NEEDED entries (libffi)

    extension = Path(_ctypes.__file__)
    needed = slim.read_elf(extension).needed
    libdir = Path("/usr/lib/x86_64-linux-gnu")
    ffi = next((libdir / n for n in needed if n.startswith("libffi")), None)
    orphan = libdir / "libz.so.1"
    if ffi is None or not ffi.exists() or not orphan.exists():
        pytest.skip("needs Debian's multiarch libffi and zlib")
    shutil.copy(extension, internal / extension.name)
    shutil.copy(ffi, internal / ffi.name)
    shutil.copy(orphan, internal / orphan.name)
    exe = tmp_path / "app" / "companion"
    shutil.copy(Path(sys.executable).resolve(), exe)
    unreachable = slim.unreachable_libraries(internal, [exe])
    assert [p.name for p in unreachable] == ["libz.so.1"]


def test_bundle_helpers_find_prebuilt_caches_and_build_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_prebuilt_caches: None) -> None:
    assert bundle.bundle_dir() is None and bundle.prebuilt_cache("x.idx") is None
    (tmp_path / "companion_prebuilt").mkdir()
    (tmp_path / "companion_prebuilt" / "x.idx").write_bytes(b"data")
    (tmp_path / "companion_build.json").write_text(
        json.dumps({"build_id": "0.1.0+abc.1", "variant": "lite", "ocr": False})
    )
    monkeypatch.setenv("COMPANION_BUNDLE_DIR", str(tmp_path))
    assert bundle.prebuilt_cache("x.idx") == tmp_path / "companion_prebuilt" / "x.idx"
    assert bundle.prebuilt_cache("missing.idx") is None
    assert bundle.build_id() == "0.1.0+abc.1" and bundle.ocr_in_build() is False


def test_an_ocr_less_build_says_so_instead_of_a_pip_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_prebuilt_caches: None
) -> None:
    from companion import ocr

    assert ocr.install_hint() == ocr.INSTALL_HINT and "pip install" in ocr.install_hint()
    (tmp_path / "companion_build.json").write_text(json.dumps({"variant": "lite", "ocr": False}))
    monkeypatch.setenv("COMPANION_BUNDLE_DIR", str(tmp_path))
    assert ocr.install_hint() == bundle.OCR_MISSING and "pip" not in ocr.install_hint()
    from PIL import Image

    Image.new("RGB", (64, 32), "white").save(tmp_path / "picture.png")
    monkeypatch.setattr(ocr, "_engine", None)
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if not in the build
    with pytest.raises(ocr.OcrUnavailable, match="not in this build"):
        ocr.recognize(tmp_path / "picture.png")


def test_the_dictionary_prefers_a_prebuilt_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.dictionary import cedict

    source = cedict.source_path()
    name = f"cedict-v{cedict.CACHE_VERSION}.idx"
    user_cache = Path(str(cedict._cache_path()))
    prebuilt = tmp_path / "companion_prebuilt" / name
    index = cedict.load_index(source)  # builds the user's cache
    cedict.save_index(index, source, prebuilt)
    user_cache.unlink()
    monkeypatch.setenv("COMPANION_BUNDLE_DIR", str(tmp_path))
    loaded = cedict.load_index()
    assert loaded.entries("银行") and not user_cache.exists()  # read from the bundle only


def test_frozen_phrasebook_cache_is_keyed_on_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import companion.phrasebook as phrasebook

    (tmp_path / "companion_build.json").write_text(json.dumps({"build_id": "b1"}))
    monkeypatch.setenv("COMPANION_BUNDLE_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    first = phrasebook._cache_key()
    (tmp_path / "companion_build.json").write_text(json.dumps({"build_id": "b2"}))
    bundle._cached_build_info.cache_clear()
    assert phrasebook._cache_key() != first
    bundle._cached_build_info.cache_clear()


def test_bundled_packs_install_once_and_respect_newer_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zh_en_pack_file: Path
) -> None:
    from companion import packs

    (tmp_path / "companion_packs").mkdir()
    shutil.copy(zh_en_pack_file, tmp_path / "companion_packs" / zh_en_pack_file.name)
    monkeypatch.setenv("COMPANION_BUNDLE_DIR", str(tmp_path))
    assert bundle.install_bundled_packs() == [zh_en_pack_file.name]
    installed = packs.find_pack("zh", "en")
    assert installed is not None
    packs.uninstall_pack(installed)
    assert bundle.install_bundled_packs() == []  # offered once per build: removal respected
    assert packs.find_pack("zh", "en") is None


def test_desktop_entry_and_metainfo_validate() -> None:
    desktop = PACKAGING / "linux" / f"{rules.APP_ID}.desktop"
    metainfo = PACKAGING / "linux" / f"{rules.APP_ID}.metainfo.xml"
    assert rules.APP_ID.count(".") == 3 and "example" not in rules.APP_ID
    assert f"<id>{rules.APP_ID}</id>" in metainfo.read_text()
    assert f"Icon={rules.APP_ID}" in desktop.read_text()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    if shutil.which("appstreamcli"):
        subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(metainfo)],
            check=True,
            capture_output=True,
        )


def test_debian_control_lists_depends_and_recommends() -> None:
    debian = _load("debian")
    text = debian.control("0.1.0", 12345, ["libc6 (>= 2.36)", "libgl1", "fonts-noto-cjk"])
    assert "Depends: libc6 (>= 2.36), libgl1, fonts-noto-cjk\n" in text
    assert "Recommends: gnome-keyring, libspeechd2\n" in text
    assert "Installed-Size: 12345\n" in text


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (nsis) is not installed")
def test_the_windows_installer_script_compiles(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "companion.exe").write_bytes(b"MZ placeholder for the compile check")
    out = tmp_path / "Companion-Setup.exe"
    subprocess.run(
        [
            "makensis", "-V1", f"-DDIST={dist}", "-DVERSION=0.1.0", f"-DOUTFILE={out}",
            str(PACKAGING / "windows" / "companion.nsi"),
        ],
        check=True,
    )
    assert out.read_bytes()[:2] == b"MZ"


def test_unused_data_goes_and_jieba_data_stays_when_companion_imports_jieba(
    tmp_path: Path,
) -> None:
    internal = _fake_build(tmp_path)
    for relative in [
        "jieba/analyse/idf.txt", "jieba/posseg/prob_emit.p", "jieba/finalseg/prob_emit.p",
        "opencc/clib/bin/opencc", "opencc/clib/lib64/libopencc.a", "opencc/clib/share/s2t.json",
        "PIL/_imagingft.cpython-311-x86_64-linux-gnu.so", "PIL/_imaging.cpython-311.so",
        "g2pM/np_ckpt.pkl",
    ]:
        (internal / relative).parent.mkdir(parents=True, exist_ok=True)
        (internal / relative).write_bytes(b"x")
    source = tmp_path / "src"
    source.mkdir()
    (source / "polyphones.py").write_text('spec = find_spec("g2pM")  # jieba in a comment\n')
    plan = {p.relative_to(internal).as_posix() for p in rules.trim_plan(internal, source)}
    assert {
        "jieba/analyse/idf.txt", "jieba/posseg/prob_emit.p", "jieba/finalseg/prob_emit.p",
        "opencc/clib/bin", "opencc/clib/lib64", "PIL/_imagingft.cpython-311-x86_64-linux-gnu.so",
    } <= plan
    assert not {"opencc/clib/share/s2t.json", "PIL/_imaging.cpython-311.so",
                "g2pM/np_ckpt.pkl", "jieba/dict.txt"} & plan
    (source / "segment.py").write_text("import jieba.posseg as pseg\n")
    plan = {p.relative_to(internal).as_posix() for p in rules.trim_plan(internal, source)}
    assert "jieba/posseg/prob_emit.p" not in plan
    assert rules.imported_by(source, ["jieba", "g2pM", "os"]) == {"jieba"}


def test_system_libraries_are_left_to_the_system_only_when_asked(tmp_path: Path) -> None:
    internal = _fake_build(tmp_path)
    for name in ("libgcrypt.so.20", "libsystemd.so.0", "libpython3.11.so.1.0"):
        (internal / name).write_bytes(b"x")
    (internal / "pillow.libs").mkdir()
    (internal / "pillow.libs" / "libfreetype-1234.so.6").write_bytes(b"x")
    planned = {p.name for p in rules.trim_plan(internal, None, system_libraries=True)}
    assert {"libgcrypt.so.20", "libsystemd.so.0"} <= planned
    assert not {"libpython3.11.so.1.0", "libfreetype-1234.so.6"} & planned
    assert "libgcrypt.so.20" not in {p.name for p in rules.trim_plan(internal)}


def test_index_sources_go_only_once_the_prebuilt_index_is_there(tmp_path: Path) -> None:
    internal = _fake_build(tmp_path)
    assert rules.index_only_sources(internal) == []
    (internal / "companion_prebuilt").mkdir()
    (internal / "companion_prebuilt" / "cedict-v8.idx").write_bytes(b"x")
    assert rules.index_only_sources(internal) == [internal / "jieba" / "dict.txt"]


def test_wheel_libraries_are_stripped_only_where_the_loader_still_takes_them(
    tmp_path: Path,
) -> None:
    """A real library with a symbol table, in a wheel's .libs folder: stripped, still loadable;
    a file whose load segments are misaligned is never replaced."""
    if shutil.which("strip") is None or shutil.which("gcc") is None:
        pytest.skip("needs binutils and gcc")
    libs = tmp_path / "app" / "_internal" / "demo.libs"
    libs.mkdir(parents=True)
    source = tmp_path / "demo.c"
    source.write_text("int companion_demo(int x) { return x + 1; }\n")
    lib = libs / "libdemo-1234.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-g", "-o", str(lib), str(source)], check=True)
    assert slim.load_segments_aligned(lib)
    before = lib.stat().st_size
    stripped, saved = slim.strip_wheel_libraries(tmp_path / "app")
    assert stripped == 1 and saved == before - lib.stat().st_size > 0
    import ctypes

    assert ctypes.CDLL(str(lib)).companion_demo(41) == 42
    broken = bytearray(lib.read_bytes())  # shift the first PT_LOAD's file offset by 16 bytes
    phoff = int.from_bytes(broken[0x20:0x28], "little")
    entry = 56
    for index in range(int.from_bytes(broken[0x38:0x3A], "little")):
        at = phoff + index * entry
        if int.from_bytes(broken[at : at + 4], "little") == 1:
            offset = int.from_bytes(broken[at + 8 : at + 16], "little") + 16
            broken[at + 8 : at + 16] = offset.to_bytes(8, "little")
            break
    (libs / "libbroken.so").write_bytes(bytes(broken))
    assert not slim.load_segments_aligned(libs / "libbroken.so")


def test_the_app_names_its_desktop_file_and_window_class_like_the_desktop_entry() -> None:
    """Wayland matches windows to the entry by app id (the desktop file name), X11 by
    WM_CLASS, whose class Qt takes from the application name."""
    from companion import APP_NAME

    source = (REPO / "companion" / "ui" / "app.py").read_text()
    assert f'setDesktopFileName("{rules.APP_ID}")' in source
    assert "setApplicationName(APP_NAME)" in source and APP_NAME == rules.APP_NAME
    desktop = (PACKAGING / "linux" / f"{rules.APP_ID}.desktop").read_text()
    assert f"StartupWMClass={rules.APP_NAME}\n" in desktop


def test_debian_depends_on_the_libraries_the_lens_loads_with_ctypes() -> None:
    debian = _load("debian")
    assert "libxcomposite1" in debian.CTYPES_DEPENDS
    x11 = (REPO / "companion" / "ui" / "lens" / "x11.py").read_text()
    assert "libXcomposite.so.1" in x11
