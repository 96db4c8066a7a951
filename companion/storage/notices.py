"""Problems the core found that the user must hear about once: "your data file was damaged".

The storage layer cannot show anything itself. When it has to set a damaged database aside,
or can only keep changes in memory (read-only folder, full disk, file locked by another
program), it reports a :class:`Notice` here. Whoever talks to the user takes the pending ones
once: the CLI prints them on stderr after a command, the GUI shows them in its window at start
(:func:`take`) and subscribes for the ones that come up later (:func:`subscribe`).

A notice is plain words, safe to show as text (no markup), and names every path the user may
need (the kept copy of a damaged file). Reporting the same ``key`` again while it is pending
replaces the text rather than repeating it; once taken, a key is not reported again in this
process, so a failing write every few seconds does not become a stream of messages.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Literal, NamedTuple

Severity = Literal["warning", "error"]

_log = logging.getLogger(__name__)


class Notice(NamedTuple):
    """One problem to tell the user about (a NamedTuple: the settings import this module
    before the window's first paint, and a dataclass costs that paint about a millisecond)."""

    key: str  # what kind of problem: "database-set-aside", "database-read-only", ...
    message: str  # plain words for the user, one paragraph
    severity: Severity = "warning"


NoticeListener = Callable[[Notice], None]

_lock = threading.Lock()
_pending: dict[str, Notice] = {}
_shown: set[str] = set()
_listeners: list[NoticeListener] = []


def report(key: str, message: str, severity: Severity = "warning") -> None:
    """Record a problem for the user; listeners hear it at once (from the reporting thread)."""
    notice = Notice(key, message, severity)
    with _lock:
        if key in _shown:
            return
        _pending[key] = notice
        listeners = list(_listeners)
    _log.info("notice %s: %s", key, message)  # the notice itself is what the user sees
    for listener in listeners:
        try:
            listener(notice)
        except Exception:
            _log.exception("notice listener failed for %s", key)


def pending() -> list[Notice]:
    """The notices not yet taken, oldest first (does not mark them shown)."""
    with _lock:
        return list(_pending.values())


def take() -> list[Notice]:
    """The pending notices, oldest first; each is handed out once per process."""
    with _lock:
        taken = list(_pending.values())
        _shown.update(_pending)
        _pending.clear()
        return taken


def startup_notice() -> str | None:
    """Every pending notice as one text (paragraphs), marked shown; None when all is well."""
    taken = take()
    return "\n\n".join(n.message for n in taken) if taken else None


def subscribe(listener: NoticeListener) -> Callable[[], None]:
    """Call ``listener(notice)`` for every notice reported from now on; returns unsubscribe.

    The listener runs on the thread that reported (a GUI relays it to its own thread) and
    should :func:`take` what it showed, so the CLI-style summary does not repeat it.
    """
    with _lock:
        _listeners.append(listener)
    return functools.partial(_unsubscribe, listener)


def _unsubscribe(listener: NoticeListener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def reset() -> None:
    """Forget everything (tests, and a process that starts over with new user folders)."""
    with _lock:
        _pending.clear()
        _shown.clear()


__all__ = ["Notice", "pending", "report", "reset", "startup_notice", "subscribe", "take"]
