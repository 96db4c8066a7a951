"""Learning changes (``companion.changes`` topics "history" and "words") on the GUI thread.

The core notifies from whichever thread wrote; a panel needs the news on its own thread and
only once per burst (an import of 5,000 words is one notification, a typing burst many).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from companion import changes


class ChangeRelay(QObject):
    """Emits ``changed`` on the GUI thread, at most once per ``delay_ms``, after any change
    to one of ``topics``."""

    changed = Signal()
    _heard = Signal()

    def __init__(self, topics: tuple[str, ...], parent: QObject, delay_ms: int = 120) -> None:
        super().__init__(parent)
        self._topics = frozenset(topics)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.changed)
        self._heard.connect(self._timer.start)  # queued: emitted from any thread
        heard = self._heard
        topics_wanted = self._topics

        def listener(topic: str, _detail: str) -> None:
            if topic in topics_wanted:
                heard.emit()

        unsubscribe = changes.subscribe(listener)
        self.destroyed.connect(lambda *_: unsubscribe())
        self._unsubscribe = unsubscribe

    def stop(self) -> None:
        """Stop listening (also done when the relay is destroyed)."""
        self._unsubscribe()
        self._timer.stop()
