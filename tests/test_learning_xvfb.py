"""Learning in the real app, as a user runs it, on a private X server.

``python -m companion`` under Xvfb with the fixture packs: Chinese pasted with Ctrl+V (from
xclip: ``xdotool type`` drops Chinese characters on a loaded machine) is kept in the history
(read back with the command line, another process on the same database), a word selected with
the keyboard and saved with Ctrl+S lands in My words with its sentence and that sentence's
translation and is due for review, and the History tab (Ctrl+H, a pinyin search, Enter) puts
the kept translation back into the pane, read back from the X clipboard.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.xvfb_tools import companion_app
from tests.xvfb_tools import run as _run
from tests.xvfb_tools import wait_for as _wait_for

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("xdotool") is None or shutil.which("xclip") is None,
        reason="xdotool and xclip are needed",
    ),
]
SENTENCE = "我去银行取钱。"


def _cli(env: dict[str, str], *args: str) -> Any:
    out = _run([sys.executable, "-m", "companion", *args, "--json"], env, timeout=60)
    return json.loads(out) if out else None


def test_the_real_app_keeps_history_saves_a_word_and_reopens_it(
    xvfb_display: str, installed_packs: list[Path], tmp_path: Path
) -> None:
    with companion_app(xvfb_display, tmp_path / "app.log") as running:
        app, window, env = running.process, running.window, running.env

        def key(*names: str) -> None:
            _run(["xdotool", "key", "--delay", "80", "--window", window, *names], env)

        copier = subprocess.Popen(
            ["xclip", "-selection", "clipboard", "-i"], env=env, stdin=subprocess.PIPE
        )
        assert copier.stdin is not None
        copier.stdin.write(SENTENCE.encode())
        copier.stdin.close()
        copier.wait(timeout=10)  # xclip forks a child that keeps the selection; the parent exits
        key("ctrl+v")
        kept = _wait_for(
            lambda: [e for e in _cli(env, "history", "list") or [] if e["source"] == SENTENCE],
            timeout=60,
        )
        assert kept, "the translation was not kept:\n" + running.log()
        (entry,) = kept
        assert (entry["source_lang"], entry["origin"], entry["engine"]) == (
            "zh",
            "pasted",
            "offline",
        )

        # Select 银行 with the keyboard (the cursor is after 。) and save it with Ctrl+S.
        key("Left", "Left", "Left", "shift+Left", "shift+Left", "ctrl+s")
        saved = _wait_for(lambda: _cli(env, "words", "list"), timeout=60)
        assert saved, "nothing saved:\n" + running.log()
        (word,) = saved
        assert (word["simplified"], word["pinyin"], word["origin"]) == (
            "银行",
            "yín háng",
            "selection",
        )
        assert word["sentence"] == SENTENCE
        assert word["translation"] == entry["result"].strip()
        assert _cli(env, "review", "due")["due"] == 1  # one card per word a day

        # Clear the pane, find the entry in History by pinyin and open it with Enter.
        key("ctrl+a", "Delete", "ctrl+h")
        _run(["xdotool", "type", "--delay", "60", "yinhang"], env)
        key("Return")  # opens the first match, once the search has answered

        def copied() -> str:
            key("ctrl+shift+c")
            return _run(["xclip", "-o", "-selection", "clipboard"], env, timeout=5)

        assert _wait_for(lambda: copied() == entry["result"], timeout=30, interval=1.0)
        assert len(_cli(env, "history", "list")) == 1  # opening it again kept no new entry
        key("ctrl+q")
        assert app.wait(timeout=30) == 0
