"""The one background-task layer of the GUI: slow work off the GUI thread, results posted back.

Four lanes, each a thread pool:

- ``run_local``: model work (offline translation, loading packs): one thread, so a model is
  used by one thread at a time and loaded once;
- ``run_network``: requests to online engines and servers: a small pool;
- ``run_quick``: short CPU work (pinyin, phrasebook search) that must not queue behind a long
  translation: one thread;
- ``run_long``: long jobs of their own (OCR of an image) that must neither wait behind a
  translation nor hold it up: one thread.

Callbacks always run on the GUI thread: the runner's dispatcher lives there, and a worker's
signals (tagged with the task's number) reach it through Qt's event queue. A task that fails with no
``on_error`` has its traceback logged, so no failure is lost in a thread.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Callback = Callable[[Any], None]
_log = logging.getLogger(__name__)


class _Dispatcher(QObject):
    """Lives in the GUI thread; a worker's emit reaches it through the event queue."""

    finished = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, object)


class _Callbacks(NamedTuple):
    """A task's name and callbacks (a NamedTuple: made faster than a dataclass, and the
    runner is built before the first paint)."""

    name: str
    on_done: Callback | None
    on_error: Callback | None
    on_progress: Callback | None


class _Task(QRunnable):
    def __init__(
        self, fn: Callable[..., Any], task: int, dispatch: _Dispatcher, with_progress: bool
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._task = task
        self._dispatch = dispatch
        self._with_progress = with_progress

    def _emit(self, signal: str, value: Any) -> None:
        if shiboken6.isValid(self._dispatch):  # the runner may be gone (shutdown)
            getattr(self._dispatch, signal).emit(self._task, value)

    def run(self) -> None:
        try:
            if self._with_progress:
                value = self._fn(lambda step: self._emit("progress", step))
            else:
                value = self._fn()
        except BaseException as exc:  # reported to the GUI (traceback kept on the exception)
            self._emit("failed", exc)
            return
        self._emit("finished", value)


class TaskRunner(QObject):
    """Starts tasks; ``wait_idle`` lets tests and shutdown wait for the workers."""

    def __init__(self, parent: QObject | None = None, network_threads: int = 4) -> None:
        super().__init__(parent)
        self._local = self._pool(1)
        self._local.setExpiryTimeout(-1)  # keep the one local thread alive between tasks
        self._network = self._pool(network_threads)
        self._quick = self._pool(1)
        self._long = self._pool(1)
        # One dispatcher and a table of callbacks, not one QObject per task: nothing to
        # create and delete later for every keystroke.
        self._dispatch = _Dispatcher(self)
        self._dispatch.finished.connect(self._finished)
        self._dispatch.failed.connect(self._failed)
        self._dispatch.progress.connect(self._progressed)
        self._callbacks: dict[int, _Callbacks] = {}
        self._ids = itertools.count(1)

    def _pool(self, threads: int) -> QThreadPool:
        pool = QThreadPool(self)
        pool.setMaxThreadCount(threads)
        return pool

    def run_local(
        self,
        fn: Callable[..., Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_progress: Callback | None = None,
    ) -> None:
        """Run ``fn`` on the single local worker (as ``fn(progress)`` when ``on_progress``)."""
        self._start(self._local, fn, on_done, on_error, on_progress)

    def run_network(
        self,
        fn: Callable[..., Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_progress: Callback | None = None,
    ) -> None:
        """Run ``fn`` on the network pool (as ``fn(progress)`` when ``on_progress``)."""
        self._start(self._network, fn, on_done, on_error, on_progress)

    def run_quick(
        self,
        fn: Callable[..., Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> None:
        """Run short CPU work (pinyin, lookups) that must not queue behind a long translation."""
        self._start(self._quick, fn, on_done, on_error, None)

    def run_long(
        self,
        fn: Callable[..., Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_progress: Callback | None = None,
    ) -> None:
        """Run a long job of its own (OCR) on a dedicated worker, one job at a time."""
        self._start(self._long, fn, on_done, on_error, on_progress)

    def _start(
        self,
        pool: QThreadPool,
        fn: Callable[..., Any],
        on_done: Callback | None,
        on_error: Callback | None,
        on_progress: Callback | None,
    ) -> None:
        name = getattr(fn, "__qualname__", repr(fn))
        task = next(self._ids)
        self._callbacks[task] = _Callbacks(name, on_done, on_error, on_progress)
        pool.start(_Task(fn, task, self._dispatch, on_progress is not None))

    @Slot(int, object)
    def _finished(self, task: int, value: Any) -> None:
        callbacks = self._callbacks.pop(task, None)
        if callbacks is not None and callbacks.on_done is not None:
            callbacks.on_done(value)

    @Slot(int, object)
    def _failed(self, task: int, exc: Any) -> None:
        callbacks = self._callbacks.pop(task, None)
        if callbacks is None:
            return
        if callbacks.on_error is not None:
            _log.debug("task %s failed", callbacks.name, exc_info=exc)
            callbacks.on_error(exc)
            return
        from companion.engines.base import Cancelled  # not imported before the first paint

        if not isinstance(exc, Cancelled):
            _log.error("task %s failed", callbacks.name, exc_info=exc)

    @Slot(int, object)
    def _progressed(self, task: int, value: Any) -> None:
        callbacks = self._callbacks.get(task)
        if callbacks is not None and callbacks.on_progress is not None:
            callbacks.on_progress(value)

    @property
    def pending(self) -> int:
        """Tasks started whose result has not reached the GUI thread yet."""
        return len(self._callbacks)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until every pool is idle (tests and shutdown only)."""
        pools = (self._local, self._network, self._quick, self._long)
        return all([pool.waitForDone(msecs) for pool in pools])
