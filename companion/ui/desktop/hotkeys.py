"""Global hotkeys: show/hide Companion, translate the clipboard and start the Lens from any app.

pynput grabs keys on X11, Windows and macOS. It is imported only when hotkeys start because it
raises ImportError when there is no display. Wayland does not let apps grab keys at all, so
there the user binds a desktop shortcut to ``companion --show`` or
``companion --translate-clipboard``, which the single-instance channel delivers to the running
app (see :data:`WAYLAND_COMMANDS`).

Chords are stored in pynput's form (``<ctrl>+<alt>+t``) and shown in Qt's (``Ctrl+Alt+T``);
:func:`to_portable` and :func:`from_portable` convert between the two.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence

log = logging.getLogger(__name__)

WAYLAND_COMMANDS = {
    "show": "companion --show",
    "translate_clipboard": "companion --translate-clipboard",
}

# pynput's names of the keys a global shortcut sensibly uses -> Qt's portable names.
_PORTABLE = {
    "<ctrl>": "Ctrl",
    "<alt>": "Alt",
    "<shift>": "Shift",
    "<cmd>": "Meta",
    "<space>": "Space",
    "<tab>": "Tab",
    "<esc>": "Esc",
    "<insert>": "Ins",
    "<delete>": "Del",
    "<home>": "Home",
    "<end>": "End",
    "<page_up>": "PgUp",
    "<page_down>": "PgDown",
    "<left>": "Left",
    "<right>": "Right",
    "<up>": "Up",
    "<down>": "Down",
    "<backspace>": "Backspace",
    "<enter>": "Return",
    "<pause>": "Pause",
    "<print_screen>": "Print",
}
_PYNPUT = {portable.lower(): name for name, portable in _PORTABLE.items()}
_PYNPUT["enter"] = "<enter>"
_MODIFIER_NAMES = ("<ctrl>", "<alt>", "<shift>", "<cmd>")


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


def from_portable(text: str) -> str:
    """Qt's portable text of one chord ("Ctrl+Alt+T") as pynput's ("<ctrl>+<alt>+t")."""
    text = text.strip()
    if not text:
        return ""
    if text.endswith("++") or text == "+":  # the "+" key itself
        names, key = [n for n in text[:-1].split("+") if n], "+"
    else:
        *names, key = text.split("+")
    parts = []
    for name in names:
        modifier = _PYNPUT.get(name.strip().lower())
        if modifier not in _MODIFIER_NAMES:
            raise ValueError(f"{name!r} is not a modifier key")
        parts.append(modifier)
    lowered = key.strip().lower()
    if len(key) == 1:
        parts.append(key.lower())
    elif lowered in _PYNPUT and _PYNPUT[lowered] not in _MODIFIER_NAMES:
        parts.append(_PYNPUT[lowered])
    elif lowered.startswith("f") and lowered[1:].isdigit():
        parts.append(f"<{lowered}>")
    else:
        raise ValueError(f"{key!r} cannot be part of a global shortcut")
    return "+".join(parts)


def to_portable(chord: str) -> str:
    """pynput's chord ("<ctrl>+<alt>+t") in Qt's portable text ("Ctrl+Alt+T")."""
    out = []
    for part in (p.strip().lower() for p in chord.split("+") if p.strip()):
        if part in _PORTABLE:
            out.append(_PORTABLE[part])
        elif part.startswith("<f") and part[2:-1].isdigit():
            out.append(part[1:-1].upper())
        elif part.startswith("<") and part.endswith(">"):
            out.append(part[1:-1].title())
        else:
            out.append(part.upper())
    return "+".join(out)


def chord_label(label: str, chord: str) -> str:
    """A menu entry's text with its global shortcut in the shortcut column
    ("Translate clipboard\tCtrl+Alt+T"); the bare label when the chord is empty.

    Shown, not set as a Qt shortcut: the global listener already catches the chord, a second
    binding would run the action twice.
    """
    if not chord.strip():
        return label
    shown = QKeySequence(to_portable(chord)).toString(QKeySequence.SequenceFormat.NativeText)
    return f"{label}\t{shown}"


def chord_problem(chord: str) -> str | None:
    """Why ``chord`` cannot be a global shortcut, in plain words; None when it can (or is empty,
    which leaves the action unbound)."""
    if not chord.strip():
        return None
    parts = [p.strip() for p in chord.lower().split("+") if p.strip()]
    modifiers = [p for p in parts if p in ("<ctrl>", "<alt>", "<cmd>")]
    keys = [p for p in parts if p not in _MODIFIER_NAMES]
    shown = to_portable(chord)
    if len(keys) != 1:
        return f"{shown} needs exactly one key besides Ctrl, Alt, Shift or Meta"
    if not modifiers:
        return f"{shown} needs Ctrl, Alt or Meta: without one it would fire while you type"
    return None


def check_hotkey(text: str) -> str | None:
    """None when the chord is usable (e.g. ``<ctrl>+<alt>+c``), else a readable reason."""
    if not text.strip():
        return "the shortcut is empty"
    problem = chord_problem(text)
    if problem:
        return problem
    try:
        from pynput import keyboard
    except Exception as exc:  # ImportError without a display; Xlib errors on a bad one
        return f"global shortcuts are unavailable here ({exc})"
    try:
        keyboard.HotKey.parse(text)
    except ValueError as exc:
        return f"{to_portable(text)} is not a valid shortcut ({exc or 'unknown key'})"
    return None


class HotkeyManager(QObject):
    """Owns one pynput listener; emits its signals on the GUI thread.

    ``status`` is one plain sentence about what is bound ("on: Ctrl+Alt+C, Ctrl+Alt+T") and
    ``problems`` lists each chord that could not be set up and why.
    """

    showRequested = Signal()
    translateClipboardRequested = Signal()
    lensRequested = Signal()
    statusChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener: Any = None
        # Bumped by every stop: a listener still winding down must not fire stale chords.
        self._generation = 0
        self.status = "off"
        self.problems: list[str] = []

    def _set_status(self, status: str, problems: list[str] | None = None) -> None:
        self.status = status
        self.problems = list(problems or [])
        self.statusChanged.emit(status)

    def start(self, show: str, translate_clipboard: str, lens: str = "") -> bool:
        """(Re)start with these chords; an empty chord is left unbound. False if unavailable."""
        self.stop()
        chords = [c for c in (show, translate_clipboard, lens) if c.strip()]
        if not chords:
            self._set_status("no shortcuts set")
            return False
        if is_wayland_session():
            reason = (
                "Wayland does not allow global shortcuts for apps: bind a desktop shortcut to "
                f"'{WAYLAND_COMMANDS['show']}' or '{WAYLAND_COMMANDS['translate_clipboard']}'"
            )
            self._set_status(reason, [reason])
            return False
        try:
            from pynput import keyboard
        except Exception as exc:  # ImportError without a display; Xlib errors on a bad one
            reason = f"global shortcuts are unavailable here ({exc})"
            self._set_status(reason, [reason])
            return False
        bindings: dict[str, Any] = {}
        problems = []
        for chord, signal in (
            (show, self.showRequested),
            (translate_clipboard, self.translateClipboardRequested),
            (lens, self.lensRequested),
        ):
            if not chord.strip():
                continue
            problem = check_hotkey(chord)
            if problem is None and chord in bindings:
                problem = f"{to_portable(chord)} is set for two actions"
            if problem:
                problems.append(problem)
                continue
            bindings[chord] = self._relay(signal.emit, self._generation)
        if not bindings:
            self._set_status("; ".join(problems), problems)
            return False
        try:
            listener = keyboard.GlobalHotKeys(bindings)
            listener.daemon = True
            listener.start()
        except Exception as exc:  # X errors, macOS accessibility permission
            reason = f"global shortcuts could not start ({exc})"
            self._set_status(reason, [reason])
            return False
        self._listener = listener
        active = ", ".join(to_portable(chord) for chord in bindings)
        suffix = f" ({'; '.join(problems)})" if problems else ""
        self._set_status(f"on: {active}{suffix}", problems)
        return True

    def wait_ready(self) -> bool:
        """Block until the listener grabs the keyboard (tests; start-up needs no wait)."""
        if self._listener is None:
            return False
        self._listener.wait()  # pynput: returns once the listener is running
        return bool(self._listener.running)

    def is_active(self) -> bool:
        return self._listener is not None

    def _relay(self, emit: Callable[[], None], generation: int) -> Callable[[], None]:
        """Emit only while this listener is the current one.

        Emitting from pynput's thread is safe: Qt queues the signal to this object's thread.
        """

        def fire() -> None:
            if generation == self._generation:
                emit()

        return fire

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        self._generation += 1
        threading.Thread(
            target=_stop_listener, args=(listener,), name="hotkeys-stop", daemon=True
        ).start()
        self._set_status("off")


def _stop_listener(listener: Any) -> None:
    """Stop a pynput listener once it is ready, off the GUI thread.

    pynput's stop() on a listener that has not finished connecting closes the X connection
    under it and raises (seen on a loaded machine: "Display connection closed by client"), so
    wait for it to be ready first; the wait may take a moment, which the GUI must not feel.
    """
    try:
        listener.wait()
        listener.stop()
    except Exception as exc:  # Xlib errors when the display went away first
        log.warning("the global shortcut listener did not stop cleanly: %s", exc)
