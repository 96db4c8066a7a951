"""One change notification for the whole app: "settings", "packs", "history", "words" changed.

The core announces a change where it happens (a setting saved, a pack installed or removed);
whoever shows or caches something derived from it subscribes once. The GUI relays these to
the GUI thread (a notification may come from a worker), the CLI never subscribes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

Topic = Literal["settings", "packs", "history", "words"]
# (topic, detail): detail is the setting key, the pack pair, or what changed in the learning
# data ("record", "clear", "save", "review", ...)
Listener = Callable[[Topic, str], None]

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call ``listener(topic, detail)`` after every change; returns a function that unsubscribes."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def notify(topic: Topic, detail: str = "") -> None:
    """Tell every listener; one failing listener is logged and does not stop the others."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(topic, detail)
        except Exception:
            _log.exception("change listener failed for %s %s", topic, detail)
