"""Benches run Qt offscreen, whose plugin warns "does not support propagateSizeHints()" for
every window shown: drop that line so the tables stay readable; every other Qt message is
still printed."""

from __future__ import annotations

import sys
from typing import Any

NOISE = ("propagateSizeHints",)


def _handler(mode: Any, context: Any, message: str) -> None:
    if not any(noise in message for noise in NOISE):
        sys.stderr.write(message + "\n")


def install() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(_handler)
