"""Brings :mod:`companion.changes` notifications to the GUI thread.

A setting may be saved and a pack installed on a worker thread; widgets may only be touched
on the GUI thread. The relay subscribes once and re-emits each change as a Qt signal, which
reaches slots in the GUI thread through the event queue. ``close`` unsubscribes (the owner
closes or is deleted), so a dead widget is never called.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Signal

from companion import changes


class ChangeRelay(QObject):
    changed = Signal(str, str)  # topic ("settings" | "packs"), detail (setting key, pack pair)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = changes.subscribe(self._notified)
        self.destroyed.connect(self._unsubscribe)

    def _notified(self, topic: changes.Topic, detail: str) -> None:
        if shiboken6.isValid(self):  # queued to this object's thread when called elsewhere
            self.changed.emit(topic, detail)

    def close(self) -> None:
        self._unsubscribe()
