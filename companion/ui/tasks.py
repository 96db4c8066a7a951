"""The one background-task layer of the GUI: slow work off the GUI thread, results posted back.

Four lanes, each a thread pool:

- ``run_local``: model work (offline translation, loading packs): one thread, so a model is
  used by one thread at a time and loaded once;
- ``run_network``: requests to online engines and servers: a small pool;
- ``run_quick``: short CPU work (pinyin, phrasebook search) that must not queue behind a long
  translation: one thread;
- ``run_long``: long jobs of their own (OCR of an image) that must neither wait behind a
  translation nor hold it up: one thread.

Callbacks always run on the GUI thread: each task has a relay object living in the GUI thread,
and the worker's signals reach its slots through Qt's event queue. A task that fails with no
``on_error`` has its traceback logged, so no failure is lost in a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from companion.engines.base import Cancelled

Callback = Callable[[Any], None]
_log = logging.getLogger(__name__)


class _Relay(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        name: str,
        on_done: Callback | None,
        on_error: Callback | None,
        on_progress: Callback | None,
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self._name = name
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self.finished.connect(self._finished)
        self.failed.connect(self._failed)
        self.progress.connect(self._progressed)

    @Slot(object)
    def _finished(self, value: Any) -> None:
        self._runner._release(self)
        if self._on_done is not None:
            self._on_done(value)

    @Slot(object)
    def _failed(self, exc: Any) -> None:
        self._runner._release(self)
        if self._on_error is not None:
            _log.debug("task %s failed", self._name, exc_info=exc)
            self._on_error(exc)
        elif not isinstance(exc, Cancelled):
            _log.error("task %s failed", self._name, exc_info=exc)

    @Slot(object)
    def _progressed(self, value: Any) -> None:
        if self._on_progress is not None:
            self._on_progress(value)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, with_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay
        self._with_progress = with_progress

    def run(self) -> None:
        try:
            value = self._fn(self._relay.progress.emit) if self._with_progress else self._fn()
        except BaseException as exc:  # reported to the GUI (traceback kept on the exception)
            self._relay.failed.emit(exc)
            return
        self._relay.finished.emit(value)


class TaskRunner(QObject):
    """Starts tasks; ``wait_idle`` lets tests and shutdown wait for the workers."""

    def __init__(self, parent: QObject | None = None, network_threads: int = 4) -> None:
        super().__init__(parent)
        self._local = self._pool(1)
        self._local.setExpiryTimeout(-1)  # keep the one local thread alive between tasks
        self._network = self._pool(network_threads)
        self._quick = self._pool(1)
        self._long = self._pool(1)
        self._relays: set[_Relay] = set()

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
        relay = _Relay(self, name, on_done, on_error, on_progress)
        self._relays.add(relay)
        pool.start(_Task(fn, relay, on_progress is not None))

    def _release(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()

    @property
    def pending(self) -> int:
        """Tasks started whose result has not reached the GUI thread yet."""
        return len(self._relays)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until every pool is idle (tests and shutdown only)."""
        pools = (self._local, self._network, self._quick, self._long)
        return all([pool.waitForDone(msecs) for pool in pools])
