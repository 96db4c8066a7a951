"""The app's log: a rotating file a user can attach to a bug report, keys scrubbed.

The GUI calls :func:`setup` with ``gui=True`` at start, the CLI on every command (``--verbose``
adds DEBUG lines on stderr). The file lives in the platform's log directory
(``platformdirs.user_log_dir``), or ``$COMPANION_HOME/logs`` when that is set. Every handler
carries :class:`ScrubFilter`, which removes every form of every key in use (see
:mod:`companion.scrubber`) from messages, tracebacks and stack dumps, even if a careless line
somewhere logs one. Module loggers log what support needs (engine, status, duration), never the
user's text or a key. The file is opened on the first record, so a command that logs nothing
(``lookup``) pays nothing. The app holds its records below WARNING in memory until its window
has been drawn (:func:`release_held`): opening the file (and importing ``logging.handlers``)
is not needed to draw it. A warning, an error or closing the log writes the held ones at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from companion import scrubber

LOG_NAME = "companion.log"
MAX_BYTES = 1_000_000
BACKUPS = 3  # companion.log plus .1 .. .3: at most ~4 MB
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore", "urllib3", "PIL", "asyncio")  # WARNING unless verbose
MAX_HELD = 1000  # records held before the release; beyond that the file opens

_lock = threading.Lock()
_installed: list[logging.Handler] = []
_hooks_installed = False


def log_dir() -> Path:
    """Where the log files go (not created here)."""
    root = os.environ.get("COMPANION_HOME")
    if root:
        return Path(root) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("companion", appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_NAME


class ScrubFilter(logging.Filter):
    """Removes every registered key, in every encoding, from a record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not scrubber.registered_count():
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it, key-free or not at all
            record.msg, record.args = (
                f"unformattable log call at {record.pathname}:{record.lineno}",
                None,
            )
            return True
        cleaned = scrubber.scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrubber.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrubber.scrub(record.stack_info)
        return True


class _QuietLibraries(logging.Filter):
    """Libraries' chatter (httpx logs every request at INFO) only from WARNING up.

    A handler filter, not logger levels, so other handlers (a test's capture) see it all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(
            record.name == name or record.name.startswith(name + ".") for name in QUIET_LOGGERS
        )


class _LazyRotatingFile(logging.Handler):
    """A RotatingFileHandler made on the first record: no import or open until needed.

    With ``hold``, records below WARNING wait in memory (in order, at most ``MAX_HELD``) until
    :meth:`write_held`; a WARNING or worse, ``flush`` or ``close`` releases them first.
    If the folder cannot be written (read-only home, full disk) the records are dropped
    after one line on stderr: a log must never stop the app.
    """

    def __init__(self, path: Path, hold: bool = False) -> None:
        super().__init__()
        self.path = path
        self._inner: logging.Handler | None = None
        self._failed = False
        self._holding = hold
        self._held: list[logging.LogRecord] = []

    def _open(self) -> logging.Handler | None:
        if self._inner is None and not self._failed:
            from logging.handlers import RotatingFileHandler

            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                inner = RotatingFileHandler(
                    self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
                )
            except OSError as exc:
                self._failed = True
                sys.stderr.write(
                    f"companion: cannot write the log file in {self.path.parent} "
                    f"({exc.strerror or type(exc).__name__}); logging to the file is off\n"
                )
                return None
            inner.setFormatter(self.formatter)
            self._inner = inner
        return self._inner

    def emit(self, record: logging.LogRecord) -> None:
        if self._holding:
            if record.levelno < logging.WARNING and len(self._held) < MAX_HELD:
                self._held.append(record)
                return
            self.write_held()
        inner = self._open()
        if inner is not None:
            inner.handle(record)

    def write_held(self) -> None:
        """Stop holding: write the held records (opening the file if there are any)."""
        with self.lock or contextlib.nullcontext():  # in order, before any newer record
            self._holding = False
            held, self._held = self._held, []
            if held:
                inner = self._open()
                if inner is not None:
                    for record in held:
                        inner.handle(record)

    def flush(self) -> None:
        self.write_held()
        if self._inner is not None:
            self._inner.flush()

    def close(self) -> None:
        self.write_held()
        if self._inner is not None:
            self._inner.close()
            self._inner = None
        super().close()


def setup(
    gui: bool = False, verbose: bool = False, to_file: bool = True, hold: bool = False
) -> Path | None:
    """Install the log handlers (again: replaces the previous ones); returns the log file.

    ``gui`` also logs uncaught exceptions (main thread, Qt slots, worker threads) with their
    tracebacks before the usual handling. ``verbose`` logs DEBUG lines to stderr too.
    ``hold`` keeps the file's records below WARNING in memory until :func:`release_held`.
    """
    path = log_file() if to_file else None
    formatter = logging.Formatter(FORMAT)
    handlers: list[logging.Handler] = []
    if path is not None:
        handlers.append(_LazyRotatingFile(path, hold=hold))
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(formatter)
        if not verbose:
            handler.addFilter(_QuietLibraries())
        handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    with _lock:
        for old in _installed:
            root.removeHandler(old)
            old.close()
        _installed[:] = handlers
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if gui:
        _install_hooks()
    from companion import __version__

    # The app says hello in the file; a command line run only when verbose (``lookup`` stays
    # free of file writes unless something worth logging happens).
    logging.getLogger(__name__).log(
        logging.INFO if gui else logging.DEBUG,
        "Companion %s (%s), Python %s on %s",
        __version__,
        "app" if gui else "command line",
        sys.version.split()[0],
        sys.platform,
    )
    return path


def release_held() -> None:
    """Write the records :func:`setup` was told to hold (the app, once its window is up)."""
    with _lock:
        handlers = list(_installed)
    for handler in handlers:
        if isinstance(handler, _LazyRotatingFile):
            handler.write_held()


def shutdown() -> None:
    """Remove and close the handlers :func:`setup` installed (tests, and before exit)."""
    root = logging.getLogger()
    with _lock:
        for handler in _installed:
            root.removeHandler(handler)
            handler.close()
        _installed.clear()


def _install_hooks() -> None:
    """Log uncaught exceptions, then hand them to the hooks that were there before."""
    global _hooks_installed
    with _lock:
        if _hooks_installed:
            return
        _hooks_installed = True
    log = logging.getLogger("companion.uncaught")
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> Any:
        if not issubclass(kind, KeyboardInterrupt):
            log.critical("uncaught exception", exc_info=(kind, value, tb))
        return previous_hook(kind, value, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> Any:
        if args.exc_type is not SystemExit and args.exc_value is not None:
            log.critical(
                "uncaught exception in thread %s",
                args.thread.name if args.thread else "?",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )
        return previous_thread_hook(args)

    sys.excepthook = hook
    threading.excepthook = thread_hook
