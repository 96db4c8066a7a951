"""Learning changes on the GUI thread, and the panels' guarded use of the TaskRunner.

``ChangeRelay``: ``companion.changes`` topics ("history", "words") on the GUI thread.

The core notifies from whichever thread wrote; a panel needs the news on its own thread and
only once per burst (an import of 5,000 words is one notification, a typing burst many).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from companion import changes
from companion.ui.tasks import TaskRunner


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


class OwnedTasks:
    """The app's TaskRunner, with callbacks dropped once their widget is gone.

    The runner is shared and outlives a panel (a result may arrive while the window closes);
    a callback must never touch a deleted widget.
    """

    def __init__(self, runner: TaskRunner, owner: QObject) -> None:
        self.runner = runner
        self._owner = owner

    def _guard(self, callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
        if callback is None:
            return None
        owner = self._owner

        def call(value: Any) -> None:
            if shiboken6.isValid(owner):
                callback(value)

        return call

    def quick(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Any], None] | None = None,
    ) -> None:
        """Short database work (reads, one save): the runner's quick thread."""
        self.runner.run_quick(fn, self._guard(on_done), self._guard(on_error))

    def long(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Any], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        """File work (export, import): the pool, so it neither waits behind a translation on
        the local worker nor holds up pinyin on the quick thread. With ``on_progress``, ``fn``
        is called as ``fn(progress)``."""
        self.runner.run_network(
            fn, self._guard(on_done), self._guard(on_error), self._guard(on_progress)
        )


class DeleteKey(QObject):
    """Delete (or Backspace) in ``view`` calls ``remove``: removing the selected row."""

    def __init__(self, view: QObject, remove: Callable[[], None]) -> None:
        super().__init__(view)
        self._remove = remove
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
        if pressed and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):  # type: ignore[attr-defined]
            self._remove()
            return True
        return super().eventFilter(watched, event)
