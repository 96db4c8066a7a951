"""What the benches that start the real app share (``bench/startup.py``,
``bench/interactive.py``): the project compiled first, a throwaway profile, the fixture packs
and a private X server.

- ``PYTHONDONTWRITEBYTECODE=1`` is set on these machines, so a source run would recompile the
  project at every start: :func:`compile_project` compiles it first, as an installed app is.
- :func:`profile_vars` points Companion at empty folders (its data, the packs, the caches), so
  whatever this machine's user has installed, a bench sees a fresh install.
- :func:`prepare_profile` does what a user has done once before the measured starts: the
  first-run prompt answered and, if asked, the fixture packs installed
  (``tests/fixture_pack.py``: random weights of a real pack's shape).
- :func:`private_xvfb` starts an X server of the bench's own (a real window system), so no other
  work on this machine shares its display.
"""

from __future__ import annotations

import compileall
import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCREEN = "1600x1000x24"
# The folders a profile has; each variable points at its own folder under the profile.
FOLDERS = (
    ("ARGOS_PACKAGES_DIR", "argos"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_STATE_HOME", "state"),
)


def compile_project() -> None:
    """Byte-compile ``companion/`` (quietly; only what changed since the last time)."""
    compileall.compile_dir(str(REPO / "companion"), quiet=1)


def profile_vars(folder: Path, companion_home: bool = False) -> dict[str, str]:
    """The variables that give Companion a throwaway profile in ``folder`` (made here).

    Without ``companion_home`` the app finds its folders from the ``XDG_*`` variables, as a
    user's start does (the platform-folder lookup included); with it, ``COMPANION_HOME`` names
    its data folder outright.
    """
    found: dict[str, str] = {}
    names = FOLDERS + ((("COMPANION_HOME", "home"),) if companion_home else ())
    for key, sub in names:
        path = folder / sub
        path.mkdir(parents=True, exist_ok=True)
        found[key] = str(path)
    return found


def prepare_profile(packs_build: Path | None = None, size: str | None = None) -> None:
    """In a process whose environment names the profile: the first run done and, with
    ``packs_build`` (a folder for the built files), both fixture packs installed."""
    from companion.settings import Settings

    Settings().set("first_run_done", True)
    if packs_build is None:
        return
    from companion.packs import install_pack
    from tests.fixture_pack import build_pack

    for pair in (("zh", "en"), ("en", "zh")):
        if size is None:
            install_pack(build_pack(packs_build, *pair))
        else:
            install_pack(build_pack(packs_build, *pair, size=size))


@contextlib.contextmanager
def private_xvfb() -> Iterator[str | None]:
    """A private X server for the block (its display name), or None when Xvfb is missing or
    does not start."""
    if shutil.which("Xvfb") is None:
        yield None
        return
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # empty when the server ended without a display
    try:
        yield f":{number}" if number else None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
