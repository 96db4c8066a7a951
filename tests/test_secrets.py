"""Keys live only in the OS keychain, under one service name, and never leak."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import InitError, KeyringLocked

from companion import paths, scrubber, secrets
from companion.engines.base import EngineError, ErrorKind
from companion.engines.registry import create_engine, save_engine_options
from companion.settings import Settings
from tests.locked_keyring import LockedKeyring
from tests.memory_keyring import MemoryKeyring
from tests.online_servers import ProviderServer, fake

SECRET = "sk-LEAKCHECK-7f3a9c1e5b2d8046:fx"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def test_round_trip_under_one_service_name(keyring_backend: MemoryKeyring) -> None:
    assert secrets.get_key("deepl") is None
    assert not secrets.has_key("deepl")
    secrets.set_key("deepl", f"  {SECRET}\n")  # pasted with whitespace
    assert secrets.get_key("deepl") == SECRET
    assert secrets.has_key("deepl")
    assert keyring_backend.store == {("Companion", "deepl"): SECRET}
    secrets.set_key("deepl", "replaced-key")
    assert secrets.get_key("deepl") == "replaced-key"
    assert secrets.delete_key("deepl") is True
    assert secrets.delete_key("deepl") is False
    assert keyring_backend.store == {}


@pytest.mark.parametrize("bad", ["", "   ", "two words", "line\nbreak", "ключ", "密钥abc"])
def test_malformed_keys_are_refused_without_echo(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        secrets.set_key("deepl", bad)
    if bad.strip():
        assert bad.strip() not in str(caught.value)
    assert not secrets.has_key("deepl")


def test_backend_status_names_the_keychain() -> None:
    status = secrets.backend_status()
    assert status.usable
    assert "MemoryKeyring" in status.backend


def test_no_backend_refuses_and_never_falls_back_to_plain_text(
    isolated_user_dirs: Path,
) -> None:
    keyring.set_keyring(fail.Keyring())
    status = secrets.backend_status()
    assert not status.usable
    for needed in ("gnome-keyring", "KWallet", "Secret Service"):
        assert needed in status.message
    with pytest.raises(secrets.SecretsUnavailable) as caught:
        secrets.set_key("deepl", SECRET)
    assert "gnome-keyring" in str(caught.value)
    with pytest.raises(secrets.SecretsUnavailable):
        secrets.get_key("deepl")
    with pytest.raises(secrets.SecretsUnavailable):
        secrets.delete_key("deepl")
    for path in isolated_user_dirs.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()


def test_engine_without_keychain_reports_it_when_translating() -> None:
    keyring.set_keyring(fail.Keyring())
    engine = create_engine("deepl", Settings(), secrets)  # building never touches the keychain
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.NO_KEY
    assert "keychain" in caught.value.message


def test_key_never_leaks_to_settings_logs_or_errors(
    caplog: pytest.LogCaptureFixture, isolated_user_dirs: Path
) -> None:
    from companion.translator import Translator

    caplog.set_level(logging.DEBUG)
    secrets.set_key("deepl", SECRET)
    secrets.set_key("openai", SECRET)
    texts: list[str] = []
    # Servers that reject the key and echo what they received in their error text.
    deepl = ProviderServer("deepl", key="a-different-key")
    chat = ProviderServer("openai", key="a-different-key")
    fallback = ProviderServer("libretranslate", key=None)
    settings = Settings()
    try:
        save_engine_options(settings, "deepl", {"url": deepl.base_url})
        save_engine_options(settings, "openai", {"url": chat.base_url, "model": "m"})
        save_engine_options(settings, "libretranslate", {"url": fallback.base_url})
        settings.set("preferred_engine", "deepl")
        for name in ("deepl", "openai"):
            engine = create_engine(name, settings, secrets)
            with pytest.raises(EngineError) as caught:
                engine.translate_batch(["你好", "谢谢"], "zh", "en")
            assert caught.value.kind is ErrorKind.AUTH
            texts += [str(caught.value), repr(caught.value)]
            texts += traceback.format_exception(caught.value)
        translator = Translator(
            offline=create_engine("libretranslate", settings, secrets),
            online=create_engine("deepl", settings, secrets),
        )
        result = translator.translate("你好。", source="zh", target="en")
        assert result.text == fake("你好。", "en")
        texts += result.notes
        # The key did reach the servers, in the documented header form.
        assert deepl.requests[0].headers["authorization"] == f"DeepL-Auth-Key {SECRET}"
    finally:
        for srv in (deepl, chat, fallback):
            srv.close()
    assert any("key rejected" in text for text in texts)
    assert all(SECRET not in text for text in texts)
    assert "HTTP Request: POST" in caplog.text  # httpx's request log was captured
    assert SECRET not in caplog.text
    assert SECRET[:12] not in caplog.text
    files = [p for p in isolated_user_dirs.rglob("*") if p.is_file()]
    assert paths.database_path() in files
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in repr(settings.all())


@pytest.mark.secret_service
def test_real_secret_service_round_trip() -> None:
    from keyring.backends import SecretService

    assert isinstance(keyring.get_keyring(), SecretService.Keyring)
    status = secrets.backend_status()
    assert status.usable and "SecretService" in status.backend
    secrets.delete_key("google")
    secrets.set_key("google", SECRET)
    # A fresh backend object reads it back from the daemon, not from a cache.
    assert SecretService.Keyring().get_password("Companion", "google") == SECRET
    assert secrets.get_key("google") == SECRET
    assert secrets.delete_key("google") is True
    assert secrets.get_key("google") is None


@pytest.mark.secret_service
def test_real_secret_service_key_reaches_the_engine() -> None:
    server = ProviderServer("google", key=SECRET)
    try:
        secrets.set_key("google", SECRET)
        settings = Settings()
        save_engine_options(settings, "google", {"url": server.base_url})
        engine = create_engine("google", settings, secrets)
        assert engine.translate_batch(["你好"], "zh", "en") == [fake("你好", "en")]
    finally:
        server.close()
        secrets.delete_key("google")


def test_optional_key_engines_work_without_a_keychain() -> None:
    keyring.set_keyring(fail.Keyring())
    server = ProviderServer("libretranslate", key=None)
    try:
        settings = Settings()
        save_engine_options(settings, "libretranslate", {"url": server.base_url})
        engine = create_engine("libretranslate", settings, secrets)
        assert engine.translate_batch(["你好"], "zh", "en") == [fake("你好", "en")]
        assert "api_key" not in server.requests[0].json
    finally:
        server.close()


@pytest.mark.parametrize("error", [InitError, KeyringLocked])
def test_locked_keychain_says_it_is_locked_and_how_to_unlock(
    error: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(LockedKeyring(error))
    for call in (
        lambda: secrets.get_key("deepl"),
        lambda: secrets.set_key("deepl", SECRET),
        lambda: secrets.delete_key("deepl"),
        lambda: secrets.has_key("deepl"),
    ):
        with pytest.raises(secrets.KeychainLocked) as caught:
            call()
        text = str(caught.value)
        assert "the system keychain is locked" in text
        assert "Passwords and Keys (Seahorse)" in text and "KWalletManager" in text
        assert "InitError" not in text and "Prompt dismissed" not in text
        assert SECRET not in text
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert isinstance(caught.value, secrets.SecretsUnavailable)  # the CLI exits 3
    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(secrets.KeychainLocked) as caught:
        secrets.get_key("deepl")
    assert "Keychain Access" in str(caught.value) and "Seahorse" not in str(caught.value)


def test_locked_keychain_reaches_the_engine_as_no_key() -> None:
    keyring.set_keyring(LockedKeyring())
    engine = create_engine("google", Settings(), secrets)
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.NO_KEY
    assert "keychain is locked" in caught.value.message


def test_keys_read_or_stored_are_registered_for_scrubbing(keyring_backend: MemoryKeyring) -> None:
    stored = "registered-Kx81QzLm02"
    keyring_backend.store[("Companion", "microsoft")] = stored  # stored by an earlier run
    assert scrubber.scrub(f"echo {stored}") == f"echo {stored}"
    assert secrets.get_key("microsoft") == stored
    assert scrubber.scrub(f"echo {stored}") == "echo [key]"
    fresh = "fresh-Pq72WnBv55Zt"
    secrets.set_key("deepl", fresh)
    assert scrubber.scrub(f"echo {fresh[::-1]}") == "echo [key]"


def _run_in_locked_session(home: Path, command: str, unlocked_first: bool) -> str:
    """``command`` in a D-Bus session of its own whose gnome-keyring was started locked."""
    run = home / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    env = dict(
        os.environ,
        HOME=str(home),
        XDG_RUNTIME_DIR=str(run),
        PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring",
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    if unlocked_first:  # a login keyring with a password, as a desktop login creates it
        subprocess.run(
            ["dbus-run-session", "--", "sh", "-c",
             "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;"
             f' "{sys.executable}" -c "import keyring; keyring.set_password(\'x\', \'y\', \'z\')"'],
            env=env, cwd=REPO, capture_output=True, timeout=60, check=True,
        )  # fmt: skip
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c",
         "gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1;"
         f' "{sys.executable}" -m companion {command}; echo "exit=$?"'],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result.stdout + result.stderr


@pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
    reason="needs dbus-run-session and gnome-keyring-daemon",
)
@pytest.mark.parametrize("unlocked_first", [False, True], ids=["no-login-keyring", "locked"])
def test_real_locked_gnome_keyring(tmp_path: Path, unlocked_first: bool) -> None:
    """A real gnome-keyring that cannot prompt (no display): the CLI says locked, and how."""
    home = tmp_path / "home"
    home.mkdir()
    out = _run_in_locked_session(home, "keys status", unlocked_first)
    assert "exit=3" in out, out
    assert "could not read the key: the system keychain is locked" in out
    assert "Passwords and Keys (Seahorse)" in out
    assert "InitError" not in out and "Traceback" not in out
    (home / "key.txt").write_text(SECRET)
    out = _run_in_locked_session(home, f"keys set deepl < {home / 'key.txt'}", unlocked_first)
    assert "exit=3" in out, out
    assert "could not store the key: the system keychain is locked" in out
    assert SECRET not in out
