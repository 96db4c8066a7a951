"""Full-screen region picker: freeze the screen, drag a rectangle, get that part as an image.

The screen under the mouse is grabbed first and shown full-screen, so what the user selects is
exactly what gets read even if the app below changes. Selection is in logical pixels and the
crop is taken in device pixels, so HiDPI screens give full-resolution text to OCR.
Wayland forbids grabbing the screen: :func:`grab_screen` returns None and the caller suggests
pasting a screenshot instead.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QScreen,
)
from PySide6.QtWidgets import QApplication, QMenu, QWidget

WAYLAND_MESSAGE = (
    "This desktop does not let apps capture the screen. Take a screenshot with your "
    "desktop's tool, then paste it (Ctrl+V) or open the image in Companion."
)
MIN_SIZE = 4  # logical pixels: smaller is a click, not a selection
# After the menu that started a screen grab has closed, the windows under it repaint before
# the pixels are read (other programs repaint on their own, so a short wait, not a signal).
GRAB_DELAY_MS = 150


def after_menus_close(grab: Callable[[], None]) -> None:
    """Run ``grab`` once the menu that asked for it (Tools or the tray's) has closed and the
    windows under it have repainted, so the menu is not in the picture."""
    popup = QApplication.activePopupWidget()
    if isinstance(popup, QMenu) and popup.isVisible():
        popup.aboutToHide.connect(
            lambda: QTimer.singleShot(GRAB_DELAY_MS, grab), Qt.ConnectionType.SingleShotConnection
        )
    else:
        QTimer.singleShot(GRAB_DELAY_MS, grab)


def logical_to_device(rect: QRect, ratio: float, bounds: QRect) -> QRect:
    """Scale a selection to device pixels and keep it inside the image."""
    scaled = QRect(
        round(rect.x() * ratio),
        round(rect.y() * ratio),
        round(rect.width() * ratio),
        round(rect.height() * ratio),
    )
    return scaled.intersected(bounds)


def screen_under_cursor() -> QScreen | None:
    screen = QGuiApplication.screenAt(QCursor.pos())
    return screen or QGuiApplication.primaryScreen()


def grab_screen(screen: QScreen) -> QPixmap | None:
    """The screen's pixels, or None where capture is not allowed (Wayland) or failed."""
    if QGuiApplication.platformName().startswith("wayland"):
        return None
    pixmap = screen.grabWindow(0)
    if pixmap.isNull() or pixmap.width() == 0:
        return None
    return pixmap


class RegionPicker(QWidget):
    """Shows a frozen screenshot; emits ``picked(QImage)`` or ``cancelled()``. Esc cancels."""

    picked = Signal(QImage)
    cancelled = Signal()

    def __init__(self, screen: QScreen, pixmap: QPixmap) -> None:
        super().__init__(
            None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setWindowTitle("Select text to read")
        self._pixmap = pixmap
        self._origin: QPoint | None = None
        self._selection = QRect()
        self._done = False
        self.setGeometry(screen.geometry())

    def start(self) -> None:
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    def selection(self) -> QRect:
        return QRect(self._selection)

    def pixmap(self) -> QPixmap:
        """The frozen screen the user selects from."""
        return QPixmap(self._pixmap)

    def select(self, rect: QRect) -> None:
        """Finish with ``rect`` (logical pixels in this widget): mouse release and tests."""
        self._selection = rect.normalized()
        if self._selection.width() < MIN_SIZE or self._selection.height() < MIN_SIZE:
            self._finish(None)
            return
        ratio = self._pixmap.devicePixelRatio()
        crop = logical_to_device(self._selection, ratio, self._pixmap.rect())
        self._finish(self._pixmap.copy(crop).toImage())

    def _finish(self, image: QImage | None) -> None:
        if self._done:
            return
        self._done = True
        self.close()
        if image is None or image.isNull():
            self.cancelled.emit()
        else:
            self.picked.emit(image)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(self.rect(), self._pixmap)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))
        if not self._selection.isNull():
            ratio = self._pixmap.devicePixelRatio()
            source = logical_to_device(self._selection, ratio, self._pixmap.rect())
            painter.drawPixmap(self._selection, self._pixmap, source)
            painter.setPen(QColor(255, 80, 80))
            painter.drawRect(self._selection.adjusted(0, 0, -1, -1))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._origin = event.position().toPoint()
            self._selection = QRect(self._origin, self._origin)
        elif event.button() == Qt.MouseButton.RightButton:
            self._finish(None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None:
            self._selection = QRect(self._origin, event.position().toPoint()).normalized()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None and event.button() == Qt.MouseButton.LeftButton:
            self._origin = None
            self.select(self._selection)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._finish(None)
        else:
            super().keyPressEvent(event)
