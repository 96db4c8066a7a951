"""Test set-up shared by the whole suite.

- Every test gets its own user directories (COMPANION_HOME, XDG_*, ARGOS_PACKAGES_DIR), so
  nothing reads or writes the developer's real data.
- Keyring is an in-memory backend unless a test is marked ``secret_service`` (then it uses the
  real gnome-keyring that scripts/test.sh starts in a private D-Bus session).
- Qt runs offscreen; pytest-qt fails a test on any Qt warning (see pyproject).
- The fixture language packs (random weights, real formats) are built once per session.
- The dictionary index and the phrasebook cache are built once per session and offered to
  every test, and to every app or CLI process a test starts, the way an installer ships them
  (``COMPANION_BUNDLE_DIR``): a fresh profile would otherwise spend seconds building them in
  each of those processes. A test about building them removes the variable.
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


@pytest.fixture(scope="session")
def prebuilt_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle folder holding the caches an installer prebuilds (see companion.bundle)."""
    import pickle
    import sys

    from companion.bundle import PREBUILT_DIR
    from companion.dictionary.cedict import CACHE_NAME, source_path
    from companion.dictionary.frequency import jieba_dict_path
    from companion.phrasebook import _cache_key
    from companion.phrasebook.book import Book, load_entries

    root = tmp_path_factory.mktemp("bundle")
    prebuilt = root / PREBUILT_DIR
    prebuilt.mkdir()
    frequencies = jieba_dict_path()
    args = [str(source_path()), str(prebuilt / CACHE_NAME)]
    if frequencies is not None:
        args.append(str(frequencies))
    # In a child, like the app does, so this process does not keep the builder's memory.
    subprocess.run([sys.executable, "-m", "companion.dictionary.build", *args], check=True)
    book = Book(load_entries())
    (prebuilt / f"phrasebook-{_cache_key()}.pickle").write_bytes(
        pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
    )
    return root


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prebuilt_bundle: Path
) -> Path:
    monkeypatch.setenv("COMPANION_BUNDLE_DIR", str(prebuilt_bundle))
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


@pytest.fixture
def no_prebuilt_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A source checkout with nothing prebuilt: for tests of building the caches on first use."""
    monkeypatch.delenv("COMPANION_BUNDLE_DIR", raising=False)
