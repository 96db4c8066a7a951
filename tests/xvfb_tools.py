"""Helpers for tests that drive the real app on Xvfb from outside (xdotool, xclip, the CLI)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
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
