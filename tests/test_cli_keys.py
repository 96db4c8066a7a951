"""``python -m companion keys``: in-process with the test keyring, and as real subprocesses."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from companion import secrets
from companion.cli import dispatch
from tests.memory_keyring import MemoryKeyring

REPO = Path(__file__).resolve().parent.parent
SECRET = "cli-secret-4b1d9e77a0c3:fx"


def run_cli(
    args: list[str], stdin: bytes = b"", backend: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if backend:
        env["PYTHON_KEYRING_BACKEND"] = backend
    return subprocess.run(
        [sys.executable, "-m", "companion", "keys", *args],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


def piped_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_set_status_delete_in_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    keyring_backend: MemoryKeyring,
) -> None:
    piped_stdin(monkeypatch, SECRET.encode() + b"\n")
    assert dispatch(["keys", "set", "deepl"]) == 0
    assert keyring_backend.store == {("Companion", "deepl"): SECRET}
    assert dispatch(["keys", "status", "deepl"]) == 0
    assert dispatch(["keys", "status"]) == 0
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    lines = out.out.splitlines()
    assert lines[0] == "DeepL: key stored in the system keychain"
    assert lines[1].split() == ["deepl", "key", "stored"]
    assert lines[2].split() == ["deepl", "key", "stored"]
    assert lines[3].split() == ["google", "no", "key", "stored"]
    assert "libretranslate  no key stored (optional)" in out.out
    assert dispatch(["keys", "delete", "deepl"]) == 0
    assert dispatch(["keys", "delete", "deepl"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "DeepL: key deleted",
        "DeepL: no key was stored",
    ]
    assert not secrets.has_key("deepl")


def test_empty_or_malformed_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    piped_stdin(monkeypatch, b"\n")
    assert dispatch(["keys", "set", "google"]) == 2
    assert "the key is empty" in capsys.readouterr().err
    piped_stdin(monkeypatch, b"two words\n")
    assert dispatch(["keys", "set", "google"]) == 2
    err = capsys.readouterr().err
    assert "spaces" in err and "two words" not in err
    assert not secrets.has_key("google")


def test_key_on_the_command_line_is_rejected() -> None:
    result = run_cli(["set", "deepl", SECRET], backend="keyring.backends.fail.Keyring")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_unknown_engine_is_rejected() -> None:
    result = run_cli(["status", "babelfish"], backend="keyring.backends.fail.Keyring")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_no_keychain_says_what_to_install() -> None:
    for args in (["set", "deepl"], ["status"], ["delete", "deepl"]):
        result = run_cli(args, stdin=SECRET.encode(), backend="keyring.backends.fail.Keyring")
        assert result.returncode == 3, args
        assert "gnome-keyring" in result.stderr and "KWallet" in result.stderr
        assert "Traceback" not in result.stderr
        assert SECRET not in result.stdout + result.stderr


@pytest.mark.secret_service
def test_keys_through_the_real_secret_service() -> None:
    backend = "keyring.backends.SecretService.Keyring"
    run_cli(["delete", "microsoft"], backend=backend)
    stored = run_cli(["set", "microsoft"], stdin=SECRET.encode() + b"\n", backend=backend)
    assert stored.returncode == 0, stored.stderr
    status = run_cli(["status"], backend=backend)
    assert status.returncode == 0
    assert "microsoft       key stored" in status.stdout
    assert "SecretService" in status.stderr
    assert SECRET not in status.stdout + status.stderr + stored.stdout + stored.stderr
    assert secrets.get_key("microsoft") == SECRET  # this process sees the same keychain
    deleted = run_cli(["delete", "microsoft"], backend=backend)
    assert deleted.stdout.strip() == "Microsoft Translator: key deleted"
    assert secrets.get_key("microsoft") is None


@pytest.mark.secret_service
def test_hidden_prompt_on_a_terminal() -> None:
    """Without a pipe, ``set`` asks with getpass on the terminal and does not echo the key."""
    import pty

    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring")
    pid, fd = pty.fork()
    if pid == 0:  # child: a terminal session of its own
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "companion", "keys", "set", "openai"], env)
    output = b""
    try:
        while b"hidden" not in output:
            output += os.read(fd, 1024)
        os.write(fd, SECRET.encode() + b"\n")
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        _pid, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    text = output.decode(errors="replace")
    assert "AI chat (OpenAI-compatible) API key (hidden):" in text
    assert "key stored" in text
    assert SECRET not in text
    assert secrets.get_key("openai") == SECRET
    secrets.delete_key("openai")
