"""The Lens overlay: a transparent, click-through, always-on-top window exactly over a region.

It draws only the English patches. The window's shape is set to those patches, so on an X11
desktop without a compositor (where a translucent window's empty pixels would show black)
the app below still shows everywhere else; with a compositor the translucent background does
the same. Input passes through it everywhere (``WindowTransparentForInput`` plus
``WA_TransparentForMouseEvents``): clicks and the wheel reach the app below, so the user
keeps using it. Hover is found by the controller from the pointer position instead.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from companion.lens.reader import LensScreen
from companion.ui.lens.renderer import LensRenderer, Placed, hit


def overlay_flags() -> Qt.WindowType:
    flags = (
        Qt.WindowType.Tool
        | Qt.WindowType.FramelessWindowHint
        | Qt.WindowType.WindowStaysOnTopHint
        | Qt.WindowType.WindowTransparentForInput
        | Qt.WindowType.WindowDoesNotAcceptFocus
        | Qt.WindowType.NoDropShadowWindowHint
    )
    if QGuiApplication.platformName() == "xcb":
        # Not managed: a window manager must not move it, frame it or give it focus.
        flags |= Qt.WindowType.X11BypassWindowManagerHint
    return flags


class LensOverlay(QWidget):
    """``set_screen(screen, ratio)`` draws a read screen; ``set_english(False)`` hides it."""

    def __init__(self, renderer: LensRenderer) -> None:
        super().__init__(None, overlay_flags())
        for attribute in (
            Qt.WidgetAttribute.WA_TranslucentBackground,
            Qt.WidgetAttribute.WA_TransparentForMouseEvents,
            Qt.WidgetAttribute.WA_ShowWithoutActivating,
            Qt.WidgetAttribute.WA_NoSystemBackground,
        ):
            self.setAttribute(attribute)
        self.setWindowTitle("Companion Lens")
        self._renderer = renderer
        self._screen: LensScreen | None = None
        self._placed: list[Placed] = []
        self._ratio = 1.0
        self._english = True
        self._hovered: int | None = None

    @property
    def placed(self) -> list[Placed]:
        return list(self._placed)

    @property
    def screen_read(self) -> LensScreen | None:
        return self._screen

    @property
    def showing_english(self) -> bool:
        return self._english

    def set_region(self, rect: QRect) -> None:
        """Cover ``rect`` (global logical pixels) exactly."""
        self.setGeometry(rect)

    def set_screen(self, screen: LensScreen, ratio: float) -> None:
        """Draw ``screen`` (read from pixels at ``ratio`` device pixels per logical pixel)."""
        self._screen = screen
        self._ratio = ratio or 1.0
        self._placed = self._renderer.place(screen, 1.0 / self._ratio)
        self._hovered = None
        self._refresh()

    def set_english(self, on: bool) -> None:
        self._english = on
        self._refresh()

    def set_hovered(self, index: int | None) -> None:
        if index != self._hovered:
            self._hovered = index
            self.update()

    def hit_global(self, point: QPoint) -> Placed | None:
        """The label under a global pointer position, if any."""
        if not self.isVisible() or not self._english:
            return None
        local = self.mapFromGlobal(point)
        return hit(self._placed, local.x(), local.y())

    def global_rect(self, item: Placed) -> QRect:
        rect = item.patch.toAlignedRect()
        return QRect(self.mapToGlobal(rect.topLeft()), rect.size())

    def _refresh(self) -> None:
        if not self._english or not self._placed:
            self.hide()
            return
        self.setMask(self._renderer.mask(self._placed))
        if not self.isVisible():
            self.show()
            self.raise_()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 0))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        if self._english:
            self._renderer.paint(painter, self._placed, self._hovered)
        painter.end()
