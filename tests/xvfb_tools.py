"""Helpers for tests that drive the real app on Xvfb from outside (xdotool, xclip, the CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.2) -> Any:
    """Poll ``predicate`` until it gives something true or ``timeout`` seconds passed (then
    its last answer, for the assertion's message)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def run(args: list[str], env: dict[str, str], timeout: float = 10) -> str:
    """A helper program's stdout, stripped."""
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    return done.stdout.strip()


@dataclass
class RunningApp:
    """``python -m companion`` on an X server: its process, its window id, its environment."""

    process: subprocess.Popen[bytes]
    window: str
    env: dict[str, str]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def companion_app(display: str, log_path: Path) -> Iterator[RunningApp]:
    """Start the app as a user does, wait for its window and give it the keyboard focus (no
    window manager on Xvfb: focused directly); afterwards stop it if it is still running and
    check its output holds no traceback."""
    env = dict(os.environ)
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", COMPANION_MULTI_INSTANCE="1")
    env.pop("WAYLAND_DISPLAY", None)
    with log_path.open("w") as log:
        app = subprocess.Popen(
            [sys.executable, "-m", "companion"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            found = wait_for(
                lambda: run(["xdotool", "search", "--onlyvisible", "--name", "^Companion$"], env),
                timeout=90,
            )
            assert found, "the Companion window did not appear:\n" + log_path.read_text()
            window = found.splitlines()[0]
            run(["xdotool", "windowfocus", "--sync", window], env)
            focused = wait_for(lambda: run(["xdotool", "getwindowfocus"], env) == window, 10)
            assert focused, "the Companion window did not take the keyboard focus"
            yield RunningApp(app, window, env, log_path)
        finally:
            if app.poll() is None:
                app.terminate()
                try:
                    app.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait(timeout=15)
    output = log_path.read_text(errors="replace")
    assert "Traceback" not in output, output
