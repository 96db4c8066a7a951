"""Global hotkeys: show/hide Companion and translate the clipboard from any app.

pynput grabs keys on X11, Windows and macOS. It is imported only when hotkeys start because it
raises ImportError when there is no display. Wayland does not let apps grab keys at all, so
there the user binds a desktop shortcut to ``companion --show`` or
``companion --translate-clipboard``, which the single-instance channel delivers to the running
app (see :data:`WAYLAND_COMMANDS`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

WAYLAND_COMMANDS = {
    "show": "companion --show",
    "translate_clipboard": "companion --translate-clipboard",
}


def is_wayland_session() -> bool:
    """True when Companion runs as a native Wayland client (where key grabs are impossible)."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return QGuiApplication.platformName().startswith("wayland")
    return (
        sys.platform == "linux"
        and bool(os.environ.get("WAYLAND_DISPLAY"))
        and not bool(os.environ.get("DISPLAY"))
    )


def check_hotkey(text: str) -> str | None:
    """None when pynput accepts the chord (e.g. ``<ctrl>+<alt>+c``), else a readable reason."""
    if not text.strip():
        return "the shortcut is empty"
    try:
        from pynput import keyboard
    except Exception as exc:  # ImportError without a display; Xlib errors on a bad one
        return f"global shortcuts are unavailable here ({exc})"
    try:
        keyboard.HotKey.parse(text)
    except ValueError as exc:
        return f"{text!r} is not a valid shortcut ({exc or 'unknown key'})"
    return None


class HotkeyManager(QObject):
    """Owns one pynput listener; emits its signals on the GUI thread."""

    showRequested = Signal()
    translateClipboardRequested = Signal()
    statusChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener: Any = None
        self.status = "off"

    def _set_status(self, status: str) -> None:
        self.status = status
        self.statusChanged.emit(status)

    def start(self, show: str, translate_clipboard: str) -> bool:
        """(Re)start with these chords; an empty chord is left unbound. False if unavailable."""
        self.stop()
        if is_wayland_session():
            self._set_status(
                "Wayland does not allow global shortcuts for apps: bind a desktop shortcut to "
                f"'{WAYLAND_COMMANDS['show']}' or '{WAYLAND_COMMANDS['translate_clipboard']}'"
            )
            return False
        try:
            from pynput import keyboard
        except Exception as exc:  # ImportError without a display; Xlib errors on a bad one
            self._set_status(f"global shortcuts are unavailable here ({exc})")
            return False
        bindings: dict[str, Any] = {}
        problems = []
        for chord, signal in (
            (show, self.showRequested),
            (translate_clipboard, self.translateClipboardRequested),
        ):
            if not chord.strip():
                continue
            problem = check_hotkey(chord)
            if problem:
                problems.append(problem)
                continue
            # Emitting from pynput's thread is safe: Qt queues it to this object's thread.
            bindings[chord] = signal.emit
        if not bindings:
            self._set_status("; ".join(problems) or "no shortcuts set")
            return False
        try:
            listener = keyboard.GlobalHotKeys(bindings)
            listener.daemon = True
            listener.start()
        except Exception as exc:  # X errors, macOS accessibility permission
            self._set_status(f"global shortcuts could not start ({exc})")
            return False
        self._listener = listener
        active = ", ".join(bindings)
        self._set_status(f"on: {active}" + (f" ({'; '.join(problems)})" if problems else ""))
        return True

    def wait_ready(self) -> bool:
        """Block until the listener grabs the keyboard (tests; start-up needs no wait)."""
        if self._listener is None:
            return False
        self._listener.wait()  # pynput: returns once the listener is running
        return bool(self._listener.running)

    def is_active(self) -> bool:
        return self._listener is not None

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
            self._set_status("off")
