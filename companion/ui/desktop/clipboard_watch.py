"""Clipboard watch: when Chinese is copied in another app, offer it for translation.

Off by default (copies can be private). What it never reacts to:
- Companion's own copies: :func:`copy_to_clipboard` adds a marker mime type, and the last text
  Companion copied is remembered in case a clipboard manager re-publishes it without the marker;
- content a password manager marks as concealed (KDE ``x-kde-passwordManagerHint: secret``,
  Windows ``ExcludeClipboardContentFromMonitorProcessing``, macOS
  ``org.nspasteboard.ConcealedType``);
- text that is not Chinese, binary-looking, or the same text twice in a row.
Bursts of changes (apps that set several formats one by one) are debounced into one read.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Property, QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication

OWN_COPY_MIME = "application/x-companion-own-copy"
KDE_PASSWORD_HINT = "x-kde-passwordManagerHint"
# Substrings, because Qt spells foreign formats differently per platform, e.g. on Windows
# 'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"'.
CONCEALED_MARKERS = (
    "ExcludeClipboardContentFromMonitorProcessing",
    "org.nspasteboard.ConcealedType",
)
DEBOUNCE_MS = 250
MAX_CHARS = 5000

_last_own_text: str | None = None


def copy_to_clipboard(text: str) -> None:
    """Copy text for the user, marked so Companion's own clipboard watch ignores it."""
    global _last_own_text
    mime = QMimeData()
    mime.setText(text)
    mime.setData(OWN_COPY_MIME, b"1")
    _last_own_text = text
    QGuiApplication.clipboard().setMimeData(mime, QClipboard.Mode.Clipboard)


def is_concealed(formats: Iterable[str], kde_hint: bytes = b"") -> bool:
    """True when the clipboard content is flagged secret by a password manager."""
    names = list(formats)
    if KDE_PASSWORD_HINT in names and kde_hint.strip().lower() == b"secret":
        return True
    return any(marker in name for name in names for marker in CONCEALED_MARKERS)


def is_chinese_worth_translating(text: str) -> bool:
    """A Chinese post (English words mixed in or not) of a sensible size; not a
    password-looking token, not English quoting one Chinese word, not binary junk."""
    stripped = text.strip()
    from companion.text import is_probably_binary, looks_chinese  # not before the first paint

    if not stripped or len(stripped) > MAX_CHARS or is_probably_binary(stripped):
        return False
    return looks_chinese(stripped)


class ClipboardWatcher(QObject):
    """Emits ``chineseCopied(text)`` for Chinese copied in other apps while enabled."""

    chineseCopied = Signal(str)
    enabledChanged = Signal(bool)
    ignored = Signal(str)  # why a change was skipped ("own", "concealed", ...): tests and status

    def __init__(self, parent: QObject | None = None, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._enabled = False
        self._last_text: str | None = None
        self._clipboard = QGuiApplication.clipboard()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._read)

    def _get_enabled(self) -> bool:
        return self._enabled

    def _set_enabled(self, on: bool) -> None:
        on = bool(on)
        if on == self._enabled:
            return
        self._enabled = on
        if on:
            # What is on the clipboard now was copied before the user asked: not "new".
            self._last_text = self._clipboard.text(QClipboard.Mode.Clipboard)
            self._clipboard.dataChanged.connect(self._changed)
        else:
            self._clipboard.dataChanged.disconnect(self._changed)
            self._timer.stop()
        self.enabledChanged.emit(on)

    enabled = Property(bool, _get_enabled, _set_enabled, notify=enabledChanged)

    def is_enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, on: bool) -> None:
        self._set_enabled(on)

    @Slot()
    def _changed(self) -> None:
        self._timer.start()  # restart: only the last change of a burst is read

    def _skip(self, reason: str) -> None:
        self.ignored.emit(reason)

    @Slot()
    def _read(self) -> None:
        if not self._enabled:
            return
        mime = self._clipboard.mimeData(QClipboard.Mode.Clipboard)
        if mime is None:
            return
        formats = list(mime.formats())
        if OWN_COPY_MIME in formats:
            self._skip("own")
            return
        hint = bytes(mime.data(KDE_PASSWORD_HINT).data()) if KDE_PASSWORD_HINT in formats else b""
        if is_concealed(formats, hint):
            self._skip("concealed")
            return
        if not mime.hasText():
            self._skip("not text")
            return
        text = mime.text()
        if text == _last_own_text:
            self._skip("own")
            return
        if text == self._last_text:
            self._skip("repeat")
            return
        self._last_text = text
        if not is_chinese_worth_translating(text):
            self._skip("not chinese")
            return
        self.chineseCopied.emit(text.strip())
