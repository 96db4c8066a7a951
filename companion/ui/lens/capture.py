"""Capturing the region under the Lens without the Lens's own windows in it.

How, by platform (the first that applies):

- X11: each window's own pixels through the Composite extension (:mod:`.x11`), rebuilt
  bottom to top without ours; off the GUI thread, no flicker. Measured under Xvfb.
- Windows 10 2004+: our windows are marked ``WDA_EXCLUDEFROMCAPTURE``, so a normal screen
  grab shows what is behind them. macOS: ``NSWindow.sharingType = none`` does the same.
  Neither can be tried on this Linux build machine; where the call fails we fall back to:
- hiding our windows for the grab (they blink once per capture; Follow mode slows down).

Wayland lets no app read the screen: :func:`can_capture` is False and the caller offers
"Lens over an image" (paste a screenshot) instead.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QGuiApplication, QImage, QScreen
from PySide6.QtWidgets import QWidget

from companion.lens.layout import logical_to_native

_log = logging.getLogger(__name__)
X11, EXCLUDED, HIDE = "x11-composite", "excluded-from-capture", "hide-during-grab"
HIDE_SETTLE_MS = 60  # the windows below repaint what our windows uncovered


def can_capture() -> bool:
    return not QGuiApplication.platformName().startswith("wayland")


def qimage_to_rgb(image: QImage) -> Any:
    """A QImage as a contiguous RGB numpy array (a copy: safe to use on any thread)."""
    import numpy as np

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    buffer = np.frombuffer(bytes(rgb.constBits()), dtype=np.uint8)
    return np.ascontiguousarray(
        buffer.reshape(height, stride)[:, : width * 3].reshape(height, width, 3)
    )


def exclude_from_capture(widget: QWidget) -> bool:
    """Ask the OS to leave ``widget``'s window out of screen captures (Windows, macOS)."""
    try:
        if sys.platform == "win32":
            WDA_EXCLUDEFROMCAPTURE = 0x11
            user32 = ctypes.windll.user32  # type: ignore[attr-defined]
            return bool(
                user32.SetWindowDisplayAffinity(int(widget.winId()), WDA_EXCLUDEFROMCAPTURE)
            )
        if sys.platform == "darwin":
            objc = ctypes.cdll.LoadLibrary("/usr/lib/libobjc.A.dylib")
            objc.sel_registerName.restype = ctypes.c_void_p
            objc.objc_msgSend.restype = ctypes.c_void_p
            objc.objc_msgSend.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
            view = ctypes.c_void_p(int(widget.winId()))  # an NSView
            window = objc.objc_msgSend(view, objc.sel_registerName(b"window"))
            if not window:
                return False
            send = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_long)(
                ("objc_msgSend", objc)
            )
            send(window, objc.sel_registerName(b"setSharingType:"), 0)  # NSWindowSharingNone
            return True
    except (OSError, AttributeError, ValueError):
        _log.warning("could not exclude the Lens from screen captures", exc_info=True)
    return False


class Hidden:
    """The window under the Lens is not on screen: "hidden" (minimised) or "gone" (closed)."""

    def __init__(self, state: str) -> None:
        self.state = state

    @property
    def message(self) -> str:
        if self.state == "gone":
            return "Paused: the window under the Lens was closed"
        return "Paused: the window under the Lens is hidden"


class RegionCapture(QObject):
    """Grabs one region (global logical ``rect`` on ``screen``) as RGB device pixels.

    ``own_windows()`` lists the windows to leave out. :meth:`grab` calls back with the
    pixels (or None when the region cannot be read) on the GUI thread.
    """

    def __init__(
        self,
        screen: QScreen,
        rect: QRect,
        own_windows: Callable[[], list[QWidget]],
        runner: Any,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.screen = screen
        self.rect = QRect(rect)
        self._own = own_windows
        self._runner = runner
        self._x11: Any = None
        self.target: int | None = None  # the window the region is on (X11)
        self.method = HIDE
        if QGuiApplication.platformName() == "xcb":
            from companion.ui.lens.x11 import X11Screen

            self._x11 = X11Screen.open()
            if self._x11 is not None:
                self.method = X11
        elif sys.platform in ("win32", "darwin"):
            self.method = EXCLUDED
        _log.info("Lens capture: %s", self.method)

    @property
    def ratio(self) -> float:
        return float(self.screen.devicePixelRatio())

    def set_rect(self, rect: QRect) -> None:
        self.rect = QRect(rect)

    def native_rect(self) -> tuple[int, int, int, int]:
        origin = self.screen.geometry().topLeft()
        r = self.rect
        return logical_to_native(
            (r.left(), r.top(), r.left() + r.width(), r.top() + r.height()),
            (origin.x(), origin.y()),
            self.ratio,
        )

    def prepare(self) -> None:
        """Call after our windows are shown: marks them excluded where the OS can, and (X11)
        notes the window under the region, to pause while it is minimised or closed."""
        if self.method == EXCLUDED and not all(exclude_from_capture(w) for w in self._own()):
            self.method = HIDE
        if self._x11 is not None:
            left, top, right, bottom = self.native_rect()
            window = self._x11.window_at(
                (left + right) // 2, (top + bottom) // 2, self.own_toplevels()
            )
            self.target = None if window is None else window.wid

    def own_toplevels(self) -> set[int]:
        if self._x11 is None:
            return set()
        return {self._x11.toplevel_of(int(w.winId())) for w in self._own() if w.isVisible()}

    def window_at(self, x: int, y: int, exclude: set[int]) -> tuple[int, int, int, int] | None:
        """Native rectangle of the top-level window at native (x, y) (X11 only)."""
        if self._x11 is None:
            return None
        window = self._x11.window_at(x, y, exclude)
        return None if window is None else window.rect

    def grab(
        self,
        done: Callable[[Any], None],
        failed: Callable[[Any], None],
        then: Callable[[Any], Any] = lambda rgb: rgb,
    ) -> None:
        """Capture, then ``then(rgb)`` on the worker too, then ``done(result)`` on the GUI
        thread. ``result`` is None when the region cannot be read, or ``Hidden`` while the
        window under it is minimised or closed (X11)."""
        if self.method == X11:
            exclude = self.own_toplevels()
            rect = self.native_rect()
            x11 = self._x11
            target = self.target

            def work() -> Any:
                if target is not None:
                    state = x11.state(target)
                    if state != "shown":
                        return Hidden(state)
                rgb = x11.capture(rect, exclude)
                return then(rgb) if rgb is not None else None

            self._runner.run_quick(work, done, failed)
        elif self.method == EXCLUDED:
            self._grab_qt(done, failed, then)
        else:
            hidden = [w for w in self._own() if w.isVisible()]
            for widget in hidden:
                widget.hide()

            def grab_then_show() -> None:
                try:
                    self._grab_qt(done, failed, then)
                finally:
                    for widget in hidden:
                        widget.show()

            QTimer.singleShot(HIDE_SETTLE_MS, grab_then_show)

    def _grab_qt(
        self, done: Callable[[Any], None], failed: Callable[[Any], None], then: Callable[[Any], Any]
    ) -> None:
        """Qt's screen grab (GUI thread: a few milliseconds); the conversion runs on a worker."""
        from companion.ui.desktop.region_capture import grab_screen, logical_to_device

        pixmap = grab_screen(self.screen)
        if pixmap is None:
            done(None)
            return
        origin = self.screen.geometry().topLeft()
        local = self.rect.translated(-origin)
        crop = logical_to_device(local, pixmap.devicePixelRatio(), pixmap.rect())
        image = pixmap.copy(crop).toImage()
        self._runner.run_quick(lambda: then(qimage_to_rgb(image)), done, failed)

    def close(self) -> None:
        if self._x11 is not None:
            self._x11.close()
            self._x11 = None
