"""How long the GUI thread could not answer: a heartbeat timer and the event-loop helpers the
window benches share (``bench/interactive.py``, ``bench/pane_gap.py``).

A timer fires every few milliseconds on the GUI thread; the longest gap between two beats (and
between the start, the beats and the stop) is the longest time the window was blocked.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.ui.main_window import MainWindow

HEARTBEAT_MS = 5
DEADLINE_S = 600.0


class Heartbeat:
    """A ``QTimer`` on the GUI thread noting each beat; :meth:`stop` gives the longest gap."""

    def __init__(self, interval_ms: int = HEARTBEAT_MS) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.interval_ms = interval_ms
        self._clock = QElapsedTimer()
        self._beats: list[int] = []
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(lambda: self._beats.append(self._clock.elapsed()))
        self.elapsed_ms = 0.0

    def start(self) -> None:
        self._beats.clear()
        self._clock.start()
        self._timer.start()

    def stop(self) -> float:
        """Stop; the longest gap in ms since :meth:`start` (``elapsed_ms`` holds the whole)."""
        self._timer.stop()
        elapsed = self._clock.elapsed()
        self.elapsed_ms = float(elapsed)
        marks = [0, *self._beats, elapsed]
        return float(max(b - a for a, b in itertools.pairwise(marks)))


def spin(condition: Callable[[], bool], what: str, deadline_s: float = DEADLINE_S) -> None:
    """Run the event loop until ``condition`` holds (the GUI thread stays the app's)."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.0005)
    QApplication.processEvents()


def all_shown(window: MainWindow, text: str) -> bool:
    """The pane shows ``text`` with its complete result, and no task is left."""
    result = window.controller.last_result
    return (
        window.runner.pending == 0
        and result is not None
        and result.complete
        and window.pane.text() == text
    )
