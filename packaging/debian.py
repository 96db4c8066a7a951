"""Turn the one-folder build into ``companion_VERSION_amd64.deb`` (and a ``.tar.gz``).

Layout: the folder in ``/opt/companion``; ``/usr/bin/companion`` (the desktop app) and
``/usr/bin/companion-cli`` (the same program, for the command line) link to it; the desktop
entry, hicolor icons and AppStream metainfo under ``/usr/share``. ``Depends`` lists the
packages of the system libraries the build does not carry (computed from the ELF files, then
mapped to packages with ``dpkg -S``, so it cannot drift from the build), the data packages
the app needs (a CJK font, fontconfig's configuration), ``Recommends`` the optional ones.

Usage: python3 packaging/debian.py [--out build]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import freeze_rules  # noqa: E402
import slim  # noqa: E402

PACKAGE = "companion"
# Without fonts-noto-cjk every Chinese character is a box; without fontconfig-config Qt
# prints a Fontconfig error and finds no font at all.
DATA_DEPENDS = ["fontconfig-config", "fonts-noto-cjk"]
# Loaded by name with ctypes (no DT_NEEDED names them): the Lens captures another app's window
# through XComposite (companion/ui/lens/x11.py).
CTYPES_DEPENDS = ["libx11-6", "libxcomposite1"]
RECOMMENDS = ["gnome-keyring", "libspeechd2"]  # a Secret Service for keys; read aloud
# The loader and glibc's own libraries: covered by the libc6 version below.
GLIBC_NAMES = {
    "ld-linux-x86-64.so.2", "libc.so.6", "libdl.so.2", "libm.so.6", "libpthread.so.0",
    "libresolv.so.2", "librt.so.1", "libutil.so.1",
}
ZSTD_LEVEL = 19


def system_sonames(folder: Path) -> set[str]:
    """DT_NEEDED names no file of the build provides: they must come from the system."""
    present = {p.name for p in folder.rglob("*")}
    needed: set[str] = set()
    for info in slim.elf_files(folder).values():
        needed.update(name for name in info.needed if name not in present)
    return needed


def _ldconfig_paths() -> dict[str, str]:
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True)
    paths: dict[str, str] = {}
    for line in listing.stdout.splitlines()[1:]:
        name, _, target = line.strip().partition(" => ")
        soname = name.split(" (")[0]
        if "x86-64" in name or "x86_64" in target:
            paths.setdefault(soname, target)
    return paths


def package_of(path: str) -> str | None:
    real = os.path.realpath(path)
    for candidate in (path, real):
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":", 1)[0].strip()
    return None


def glibc_version() -> str:
    done = subprocess.run(["ldd", "--version"], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[0].split()[-1]


def depends(folder: Path) -> list[str]:
    """The Depends field: libc6 at the build's glibc, each system library's package, data."""
    sonames = system_sonames(folder) - freeze_rules.OPTIONAL_SYSTEM_LIBRARIES
    where = _ldconfig_paths()
    packages: set[str] = set()
    unknown = []
    for soname in sorted(sonames - GLIBC_NAMES):
        path = where.get(soname)
        owner = package_of(path) if path else None
        if owner is None:
            unknown.append(soname)
        else:
            packages.add(owner)
    if unknown:
        raise SystemExit(f"debian: no Debian package provides {', '.join(unknown)} here")
    packages.discard("libc6")
    packages.update(CTYPES_DEPENDS)
    return [f"libc6 (>= {glibc_version()})", *sorted(packages), *DATA_DEPENDS]


def control(version: str, installed_kb: int, depends_on: list[str]) -> str:
    return "\n".join(
        [
            f"Package: {PACKAGE}",
            f"Version: {version}",
            "Architecture: amd64",
            "Section: education",
            "Priority: optional",
            "Maintainer: The Companion developers <companion-app@users.noreply.github.com>",
            f"Installed-Size: {installed_kb}",
            f"Depends: {', '.join(depends_on)}",
            f"Recommends: {', '.join(RECOMMENDS)}",
            "Homepage: https://github.com/companion-app/companion",
            "Description: read and write Chinese beside apps such as RedNote",
            " Companion sits beside a Chinese-language app such as Xiaohongshu (RedNote):",
            " offline translation with Argos language packs, tone-coloured pinyin with",
            " CC-CEDICT meanings, a phrasebook of interface words and slang, overlay,",
            " clipboard watch, global shortcut and screenshot OCR.",
            "",
        ]
    )


def copyright_text() -> str:
    return (
        "Companion: GPL-3.0-or-later.\n\nBundled data and libraries keep their own licences:\n"
        "CC-CEDICT (CC BY-SA 4.0, MDBG and contributors), jieba's dictionary (MIT), OpenCC\n"
        "data (Apache-2.0), g2pM (Apache-2.0), RapidOCR and PaddleOCR models (Apache-2.0),\n"
        "Qt 6 / PySide6 (LGPL-3.0), CTranslate2 (MIT), SentencePiece (Apache-2.0), Python\n"
        "(PSF-2.0), OpenCV (Apache-2.0), ONNX Runtime (MIT), NumPy (BSD-3-Clause).\n"
    )


def stage(folder: Path, icons: Path, root: Path) -> None:
    """Lay out the package tree in ``root`` (hard links into the build: no second copy)."""
    if root.exists():
        shutil.rmtree(root)
    opt = root / "opt" / "companion"
    opt.parent.mkdir(parents=True)
    shutil.copytree(folder, opt, symlinks=True, copy_function=os.link)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("companion", "companion-cli"):
        (bin_dir / name).symlink_to("/opt/companion/companion")
    share = root / "usr" / "share"
    app_id = freeze_rules.APP_ID
    (share / "applications").mkdir(parents=True)
    shutil.copy(HERE / "linux" / f"{app_id}.desktop", share / "applications")
    (share / "metainfo").mkdir()
    shutil.copy(HERE / "linux" / f"{app_id}.metainfo.xml", share / "metainfo")
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text())
    for path in root.rglob("*"):  # dpkg wants sane modes whatever the umask was
        if not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(0o755 if path.is_dir() or mode & 0o111 else 0o644)


def validate(root: Path) -> None:
    share = root / "usr" / "share"
    subprocess.run(
        ["desktop-file-validate", str(next((share / "applications").glob("*.desktop")))],
        check=True,
    )
    subprocess.run(
        [
            "appstreamcli", "validate", "--no-net", "--explain",
            str(next((share / "metainfo").glob("*.xml"))),
        ],
        check=True,
    )


def _ar_member(name: str, data_path: Path) -> bytes:
    size = data_path.stat().st_size
    header = (
        f"{name + '/':<16}{int(time.time()):<12}{0:<6}{0:<6}{'100644':<8}{size:<10}`\n"
    ).encode("ascii")
    assert len(header) == 60
    return header


def write_ar(target: Path, members: list[tuple[str, Path]]) -> None:
    """A Debian ``ar`` archive: the magic, then each member (60-byte header, data, pad)."""
    with target.open("wb") as out:
        out.write(b"!<arch>\n")
        for name, path in members:
            out.write(_ar_member(name, path))
            with path.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
            if path.stat().st_size % 2:
                out.write(b"\n")


def build_deb(root: Path, out: Path, version: str, folder: Path) -> Path:
    """Build the .deb by hand so the data can use zstd's long window on both cores.

    dpkg-deb's own zstd is single-threaded without long-distance matching: at -19 it took
    ~10 minutes here for a bigger file. The format is the same (ar of debian-binary,
    control.tar.gz, data.tar.zst), which dpkg reads since 1.21.18 (Debian 12).
    """
    import tempfile

    installed_kb = (slim.folder_size(root) + 1023) // 1024
    deb = out / f"{PACKAGE}_{version}_amd64.deb"
    with tempfile.TemporaryDirectory(prefix="companion-deb-", dir=out) as scratch:
        work = Path(scratch)
        (work / "debian-binary").write_text("2.0\n")
        (work / "control").write_text(control(version, installed_kb, depends(folder)))
        with tarfile.open(work / "control.tar.gz", "w:gz") as archive:
            info = archive.gettarinfo(str(work / "control"), arcname="./control")
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mode = 0o644
            with (work / "control").open("rb") as handle:
                archive.addfile(info, handle)
        data = work / "data.tar.zst"
        tar = subprocess.Popen(
            [
                "tar", "-C", str(root), "--sort=name", "--owner=0", "--group=0",
                "--numeric-owner", "-cf", "-", ".",
            ],
            stdout=subprocess.PIPE,
        )
        subprocess.run(
            ["zstd", "-q", "-T2", f"-{ZSTD_LEVEL}", "--long=27", "-o", str(data)],
            stdin=tar.stdout,
            check=True,
        )
        assert tar.stdout is not None
        tar.stdout.close()
        if tar.wait() != 0:
            raise SystemExit("debian: tar of the package tree failed")
        write_ar(
            deb,
            [
                ("debian-binary", work / "debian-binary"),
                ("control.tar.gz", work / "control.tar.gz"),
                ("data.tar.zst", data),
            ],
        )
    subprocess.run(["dpkg-deb", "--info", str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb


def build_tarball(folder: Path, out: Path, version: str) -> Path:
    target = out / f"companion-{version}-linux-x86_64.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=f"companion-{version}")
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    folder = out / "dist" / "companion"
    from companion import __version__ as version

    for name, action in (
        ("stage the package tree", lambda: stage(folder, out / "icons", out / "deb-root")),
        ("desktop-file-validate, appstreamcli validate", lambda: validate(out / "deb-root")),
    ):
        started = time.monotonic()
        action()
        print(f"== {name}: {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    deb = build_deb(out / "deb-root", out, version, folder)
    seconds = time.monotonic() - started
    print(f"== .deb (zstd -{ZSTD_LEVEL} --long, 2 threads): {deb.name} in {seconds:.1f} s")
    shutil.rmtree(out / "deb-root")
    started = time.monotonic()
    tarball = build_tarball(folder, out, version)
    print(f"== .tar.gz: {tarball.name} in {time.monotonic() - started:.1f} s")
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Depends", "Recommends"], capture_output=True, text=True
    ).stdout
    print(fields.rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
