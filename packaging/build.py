"""Build Companion's one-folder app, then trim, strip, prebuild caches, bundle packs.

Usage: python3 packaging/build.py [--variant full|lite] [--out build]

Steps (each prints its time): a build venv (build/venv, from the pinned requirements; the
dev .venv is never touched), icons, PyInstaller (packaging/companion.spec), OpenCV's BLAS
forwarded to numpy's (packaging/native.py), trimming of unused Qt parts, data and
unreachable libraries, a safe strip of debug info, the build's
info file, bundled language packs (packaging/packs/*.argosmodel), the prebuilt caches (made by
the frozen app itself on an empty profile), and a smoke run of ``--self-test``. Leaves
``OUT/dist/companion`` (``OUT/dist/Companion.app`` too on macOS). Standard library only: this
runs with any Python 3.10+, the build venv does the rest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import freeze_rules  # noqa: E402
import native  # noqa: E402
import slim  # noqa: E402

WINDOWS = sys.platform == "win32"


def step(name: str):
    """Context manager printing ``name`` and how long it took."""

    class _Step:
        def __enter__(self) -> None:
            self.started = time.monotonic()
            print(f"== {name}", flush=True)

        def __exit__(self, kind: object, *_rest: object) -> None:
            status = "done" if kind is None else "FAILED"
            print(f"   {status} in {time.monotonic() - self.started:.1f} s", flush=True)

    return _Step()


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if WINDOWS else "bin/python")


def ensure_venv(venv: Path) -> Path:
    """The build venv with exactly the pinned requirements (re-created when they change)."""
    files = [HERE / "requirements.txt", HERE / "requirements-nodeps.txt"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
    stamp = venv / f".companion-build-{digest}"
    python = venv_python(venv)
    if stamp.exists() and python.exists():
        return python
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(files[0])], check=True)
    subprocess.run([*pip, "--no-deps", "-r", str(files[1])], check=True)
    stamp.touch()
    return python


def run_pyinstaller(python: Path, out: Path, variant: str) -> Path:
    # The modules' archive (PYZ) uncompressed: every start inflated each module it imports,
    # ~10 ms of CPU on `companion lookup` (+14 MB installed; the .deb compresses it anyway).
    env = dict(
        os.environ, COMPANION_VARIANT=variant, PYTHONPATH=str(ROOT),
        PYINSTALLER_ZLIB_COMPRESSION_LEVEL="0",
    )
    env.pop("DISPLAY", None)  # pynput's own hook then fails quietly; ours lists the backends
    # No work folder from an earlier build: PyInstaller reuses its archives when their lists
    # of modules have not changed, even if the compression level or a hook's source did.
    shutil.rmtree(out / "work", ignore_errors=True)
    subprocess.run(
        [
            str(python), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(out / "dist"), "--workpath", str(out / "work"),
            str(HERE / "companion.spec"),
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )
    return out / "dist" / "companion"


def write_build_info(internal: Path, variant: str) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from companion import __version__

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    info: dict[str, object] = {
        "build_id": f"{__version__}+{commit or 'nogit'}.{stamp}",
        "version": __version__,
        "variant": variant,
        "ocr": variant == "full",
        "platform": f"{sys.platform}-{platform.machine().lower()}",
        "packs": [],
    }
    (internal / "companion_build.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def bundle_packs(internal: Path, info: dict[str, object]) -> list[str]:
    packs = sorted((HERE / "packs").glob("*.argosmodel"))
    if not packs:
        return []
    target = internal / "companion_packs"
    target.mkdir(exist_ok=True)
    for pack in packs:
        shutil.copy2(pack, target / pack.name)
    info["packs"] = [p.name for p in packs]
    (internal / "companion_build.json").write_text(json.dumps(info, indent=2) + "\n")
    return [p.name for p in packs]


def frozen_binary(folder: Path) -> Path:
    return folder / ("companion-cli.exe" if WINDOWS else "companion")


def prebuild_caches(folder: Path, internal: Path) -> list[str]:
    """Let the frozen app build its caches on an empty profile, then ship them read-only."""
    target = internal / "companion_prebuilt"
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="companion-prebuild-") as home:
        env = dict(os.environ, COMPANION_HOME=home, QT_QPA_PLATFORM="offscreen")
        for command in (["pinyin", "小红书"], ["lookup", "zhongcao"]):
            subprocess.run(
                [str(frozen_binary(folder)), *command], env=env, check=True,
                stdout=subprocess.DEVNULL, timeout=600,
            )
        made = [
            p for p in sorted((Path(home) / "cache").iterdir())
            if p.is_file() and not p.name.endswith((".part", ".tmp"))
        ]
        target.mkdir()
        for cache in made:
            shutil.copy2(cache, target / cache.name)
    return [p.name for p in made]


def smoke_test(folder: Path) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    return subprocess.run(
        [str(frozen_binary(folder)), "--self-test"], env=env, timeout=600, check=False
    ).returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=freeze_rules.VARIANTS, default="full")
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    parser.add_argument("--no-smoke", action="store_true", help="skip the frozen --self-test")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    started = time.monotonic()
    with step("build venv (pinned requirements)"):
        python = ensure_venv(out / "venv")
    with step("icons"):
        subprocess.run([str(python), str(HERE / "render_icons.py"), str(out / "icons")], check=True)
        if sys.platform == "darwin":
            subprocess.run(
                ["iconutil", "-c", "icns", str(out / "icons" / "companion.iconset"),
                 "-o", str(out / "icons" / "companion.icns")],
                check=True,
            )
    with step(f"PyInstaller ({args.variant})"):
        folder = run_pyinstaller(python, out, args.variant)
    internal = folder / "_internal"
    before = slim.folder_size(folder)
    if sys.platform.startswith("linux"):
        with step("forward OpenCV's BLAS/LAPACK to numpy's OpenBLAS (packaging/native.py)"):
            swaps = native.apply_swaps(
                internal, freeze_rules.NATIVE_SWAPS, list(slim.elf_files(internal))
            )
            for swap in swaps:
                print(
                    f"   {swap.path.relative_to(internal)}: a shim of {swap.symbols} symbols, "
                    f"{swap.saved / 1e6:.0f} MB less"
                )
    with step("trim unused Qt parts, data and unreachable libraries"):
        removed = slim.trim(
            internal, ROOT / "companion", system_libraries=sys.platform.startswith("linux")
        )
        print(f"   removed {len(removed)} items")
    if sys.platform.startswith("linux"):
        with step("strip debug info (wheels' *.libs only where the loader still takes them)"):
            stripped, saved = slim.strip_debug(folder)
            print(f"   stripped {stripped} files, {saved / 1e6:.0f} MB less")
            stripped, saved = slim.strip_wheel_libraries(folder)
            print(f"   and {stripped} wheel libraries, {saved / 1e6:.0f} MB less")
        with step("check every library's dependencies are present"):
            missing = slim.missing_libraries(folder)
            if missing:
                for path, names in missing.items():
                    print(f"   {path}: needs {', '.join(names)}", file=sys.stderr)
                return 1
    info = write_build_info(internal, args.variant)
    with step("bundled language packs (packaging/packs/)"):
        print(f"   {bundle_packs(internal, info) or 'none: the first run offers the download'}")
    with step("prebuilt caches (dictionary index, phrasebook)"):
        print(f"   {prebuild_caches(folder, internal)}")
        dropped = [p for p in freeze_rules.index_only_sources(internal) if p.is_file()]
        for path in dropped:  # read only to build the index, which is now in the build
            path.unlink()
        print(f"   dropped what only built them: {[str(p.relative_to(internal)) for p in dropped]}")
    app = out / "dist" / "Companion.app"
    if app.is_dir():  # macOS: the .app got its copy of the folder before our steps ran
        frameworks = app / "Contents" / "Frameworks"  # sys._MEIPASS inside a .app
        for name in ("companion_build.json", "companion_prebuilt", "companion_packs"):
            source = internal / name
            if source.is_dir():
                shutil.copytree(source, frameworks / name, dirs_exist_ok=True)
            elif source.is_file():
                shutil.copy2(source, frameworks / name)
    after = slim.folder_size(folder)
    print(f"folder: {before / 1e6:.0f} MB from PyInstaller, {after / 1e6:.0f} MB after trimming")
    if not args.no_smoke:
        with step("frozen --self-test (offscreen)"):
            code = smoke_test(folder)
        if code != 0:
            print("the frozen self-test failed", file=sys.stderr)
            return code
    print(f"build: {folder} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
