"""Test set-up shared by the whole suite.

- Every test gets its own user directories (COMPANION_HOME, XDG_*, ARGOS_PACKAGES_DIR), so
  nothing reads or writes the developer's real data.
- Keyring is an in-memory backend unless a test is marked ``secret_service`` (then it uses the
  real gnome-keyring that scripts/test.sh starts in a private D-Bus session).
- Qt runs offscreen; pytest-qt fails a test on any Qt warning (see pyproject).
- The fixture language packs (random weights, real formats) are built once per session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import settings as hypothesis_settings

from tests.memory_keyring import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests explore new examples on a developer's machine; CI replays a fixed sequence so a
# red run is always reproducible (failures found locally are pinned with @example).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "user"
    for sub in ("data", "config", "cache", "argos"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("COMPANION_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(home / "argos"))
    return home


@pytest.fixture(autouse=True)
def isolated_logging_and_keys() -> Iterator[None]:
    """Log handlers a test installed (CLI dispatch in-process) and keys it registered with the
    scrubber do not leak into the next test."""
    yield
    from companion import logs, scrubber

    logs.shutdown()
    scrubber.forget_all()


@pytest.fixture(autouse=True)
def keyring_backend(request: pytest.FixtureRequest) -> Iterator[object]:
    previous = keyring.get_keyring()
    if request.node.get_closest_marker("secret_service"):
        if not os.environ.get("COMPANION_SECRET_SERVICE"):
            pytest.skip("no Secret Service session: run the suite with `make test`")
        from keyring.backends import SecretService

        backend: object = SecretService.Keyring()
    else:
        backend = MemoryKeyring()
    keyring.set_keyring(backend)  # type: ignore[arg-type]
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def pack_build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


@pytest.fixture(scope="session")
def zh_en_pack_file(pack_build_dir: Path) -> Path:
    """A real .argosmodel (zh->en) with a random-weight model: meaningless but well-formed."""
    from tests.fixture_pack import build_pack

    return build_pack(pack_build_dir, "zh", "en")


@pytest.fixture(scope="session")
def en_zh_pack_file(pack_build_dir: Path) -> Path:
    from tests.fixture_pack import build_pack

    return build_pack(pack_build_dir, "en", "zh")


@pytest.fixture
def installed_packs(zh_en_pack_file: Path, en_zh_pack_file: Path) -> list[Path]:
    """Both fixture packs installed into this test's own argos directory."""
    from companion.packs import install_pack

    return [install_pack(zh_en_pack_file).path, install_pack(en_zh_pack_file).path]


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A private X server for tests that need a real window system."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (make test installs it)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
