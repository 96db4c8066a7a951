"""After every hostile server has had its go, no piece of the key is anywhere the user or a
bug report could see it: stderr, stdout, ``--json`` notes, exception texts, the log files.

The check (:func:`tests.online_servers.leaks`) is the test's own, not the app's scrubber.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import logs, secrets
from companion.cli import dispatch
from companion.engines.base import EngineError
from companion.engines.registry import create_engine, save_engine_options
from companion.settings import Settings
from tests.online_servers import ProviderServer, Scripted, error_body, key_echoes, leaks

# No piece of it may occur in a file path: tracebacks shown with errors carry the checkout's
# path (a CI checkout under ".../checkout/" once matched "/check").
KEY = "sk-LEAK/Qz7xW+7f3a9c1e5b2d8046:fx"
REPO = Path(__file__).resolve().parent.parent
TEXT = "你好。"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    yield
    logs.shutdown()


def hostile_answers(provider: str) -> list[tuple[str, Scripted]]:
    """Every hostile answer the CLI must survive, echoing the key wherever it can."""
    answers = [
        (f"echo {name}", Scripted(400, error_body(provider, f"Refused {echo} (see docs)")))
        for name, echo in key_echoes(KEY).items()
    ]
    answers += [
        ("auth echo", Scripted(403, error_body(provider, f"Wrong key {KEY}"))),
        ("plain-text echo", Scripted(400, f"bad key {KEY}", content_type="text/plain")),
        ("html echo", Scripted(401, f"<html><b>{KEY}</b></html>", content_type="text/html")),
        ("nested", Scripted(200, "[" * 100_000 + "]" * 100_000)),
        ("nested error", Scripted(400, '{"error":' * 50_000 + "1" + "}" * 50_000)),
        ("reset", Scripted(reset=True)),
        ("huge", Scripted(200, filler=9_000_000, chunked=True)),
        ("redirect", Scripted(302, "", {"Location": f"http://127.0.0.1:1/?key={KEY}"})),
        ("retry-after echo", Scripted(429, error_body(provider, KEY), {"Retry-After": KEY})),
    ]
    return answers


def configure(server: ProviderServer, name: str) -> None:
    settings = Settings()
    save_engine_options(settings, name, {"url": server.base_url, "model": "m"})
    settings.set("preferred_engine", name)


@pytest.mark.parametrize("provider", ["deepl", "openai"])
def test_cli_translate_json_never_shows_the_key(
    provider: str,
    installed_packs: list[Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    secrets.set_key(provider, KEY)
    server = ProviderServer(provider, key=KEY)
    seen: list[str] = []
    exits: dict[str, int] = {}
    try:
        configure(server, provider)
        for name, answer in hostile_answers(provider):
            server.push(answer, answer, answer)  # enough for every retry
            code = dispatch(["--verbose", "translate", "--json", "--engine", provider, TEXT])
            server.clear_script()
            out = capsys.readouterr()
            seen += [out.out, out.err]
            exits[name] = code
            assert code == 0, (name, out.err)
            result = json.loads(out.out)
            assert result["engine"] == "offline", name  # the fallback ran every time
            assert len(result["notes"]) == 1, (name, result["notes"])
            if name == "redirect":
                assert "redirected to another address (not followed)" in result["notes"][0]
        # Exceptions straight from the engine, as Settings' "Test connection" shows them.
        engine = create_engine(provider, Settings(), secrets)
        for _name, answer in hostile_answers(provider):
            server.push(answer, answer, answer)
            with pytest.raises(EngineError) as caught:
                engine.translate_batch(["你好", "谢谢"], "zh", "en")
            server.clear_script()
            seen += [str(caught.value), repr(caught.value)]
            seen += traceback.format_exception(caught.value)
    finally:
        server.close()
        logs.shutdown()
    assert len(server.requests) >= 2 * len(hostile_answers(provider))
    log_text = "".join(p.read_text(encoding="utf-8") for p in logs.log_dir().glob("*.log*"))
    assert "HTTP 400 from 127.0.0.1" in log_text  # the requests were logged ...
    assert "你好" not in log_text  # ... never the text
    everything = "\n".join([*seen, log_text])
    assert "[key]" in everything  # the echoes did arrive, and were scrubbed
    assert leaks(everything, KEY) == []


def test_a_real_cli_process_never_shows_the_key(
    installed_packs: list[Path], isolated_user_dirs: Path
) -> None:
    """Across a process boundary: what a user's terminal and log file really receive."""
    store = isolated_user_dirs / "keyring.json"
    env = dict(
        os.environ,
        PYTHON_KEYRING_BACKEND="tests.file_keyring.FileKeyring",
        COMPANION_TEST_KEYRING=str(store),
        PYTHONPATH=str(REPO),
    )
    keys = subprocess.run(
        [sys.executable, "-m", "companion", "keys", "set", "deepl"],
        input=KEY,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert keys.returncode == 0, keys.stderr
    server = ProviderServer("deepl", key="some-other-key")
    outputs = [keys.stdout, keys.stderr]
    try:
        configure(server, "deepl")
        for name in ("raw", "base64-in-header", "split", "url", "terminal-escapes"):
            body = error_body("deepl", f"Refused {key_echoes(KEY)[name]}")
            server.push(Scripted(400, body))
            run = subprocess.run(
                [sys.executable, "-m", "companion", "translate", "--verbose", "--json", TEXT],
                capture_output=True,
                text=True,
                env=env,
                cwd=REPO,
                timeout=120,
            )
            assert run.returncode == 0, run.stderr
            assert json.loads(run.stdout)["notes"][0].startswith("DeepL: the text was refused")
            outputs += [run.stdout, run.stderr]
        server.push(Scripted(403, error_body("deepl", f"Wrong auth key: DeepL-Auth-Key {KEY}")))
        run = subprocess.run(
            [sys.executable, "-m", "companion", "translate", "--json", TEXT],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=120,
        )
        outputs += [run.stdout, run.stderr]
    finally:
        server.close()
    assert server.requests[0].headers["authorization"] == f"DeepL-Auth-Key {KEY}"
    log_text = "".join(p.read_text(encoding="utf-8") for p in logs.log_dir().glob("*.log*"))
    assert "DeepL: HTTP 403 from 127.0.0.1" in log_text
    everything = "\n".join([*outputs, log_text])
    assert "DEBUG" in everything and "[key]" in everything
    assert "\x1b" not in everything
    assert leaks(everything, KEY) == []
