"""Choosing what the Lens covers: drag a region, or click a window to take all of it.

The desktop's region picker (a frozen screenshot to drag on) is reused as it is; this adds
the window choice where the platform tells us where windows are (X11): the window under the
pointer is outlined while nothing is dragged, and a click without a drag selects it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QScreen

from companion.ui.desktop.region_capture import MIN_SIZE, RegionPicker

WindowAt = Callable[[int, int], QRect | None]  # global logical point -> window rect (logical)


class LensPicker(RegionPicker):
    """``picked(QImage)`` as the base class; :meth:`chosen_rect` says where, in global logical
    pixels. ``window_at`` (optional) finds the window under a point."""

    def __init__(self, screen: QScreen, pixmap: QPixmap, window_at: WindowAt | None = None) -> None:
        super().__init__(screen, pixmap)
        self.setWindowTitle("Choose what the Lens reads: drag a region or click a window")
        self._window_at = window_at
        self._hover_window: QRect | None = None
        self._origin_global = screen.geometry().topLeft()
        self.setMouseTracking(window_at is not None)

    def chosen_rect(self) -> QRect:
        """The selection in global logical coordinates."""
        return self.selection().translated(self._origin_global)

    def _window_rect_at(self, x: int, y: int) -> QRect | None:
        if self._window_at is None:
            return None
        found = self._window_at(x + self._origin_global.x(), y + self._origin_global.y())
        if found is None:
            return None
        return found.translated(-self._origin_global).intersected(self.rect())

    def select(self, rect: QRect) -> None:
        normal = rect.normalized()
        if normal.width() < MIN_SIZE and normal.height() < MIN_SIZE:
            window = self._window_rect_at(normal.center().x(), normal.center().y())
            if window is not None and window.width() >= MIN_SIZE and window.height() >= MIN_SIZE:
                super().select(window)
                return
        super().select(rect)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._window_at is not None and event.buttons() == Qt.MouseButton.NoButton:
            point = event.position().toPoint()
            window = self._window_rect_at(point.x(), point.y())
            if window != self._hover_window:
                self._hover_window = window
                self.update()
        super().mouseMoveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._hover_window is not None and self.selection().isNull():
            painter = QPainter(self)
            painter.setPen(QPen(QColor(255, 80, 80), 3))
            painter.drawRect(self._hover_window.adjusted(1, 1, -2, -2))
            painter.end()
