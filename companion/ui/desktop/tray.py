"""Tray icon with a menu, so Companion stays one click away while hidden.

Where the desktop has no system tray (many Wayland/GNOME set-ups, minimal X sessions) there is
no icon; the integration then reports ``available == False`` and the main window quits on
close instead of hiding, so the user is never left with an unreachable app.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon


def app_icon() -> QIcon:
    """A drawn icon (red disc with 中), so no image file has to ship for the tray."""
    icon = QIcon()
    for size in (16, 22, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#ff2442"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(0, 0, size, size)
        font = QFont()
        font.setFamilies(["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"])
        font.setPixelSize(max(int(size * 0.62), 8))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "中")
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class Tray(QObject):
    """The icon and its menu; a left click toggles the main window."""

    activated = Signal()

    def __init__(
        self,
        show_hide: QAction,
        actions: Sequence[QAction | None],
        quit_action: QAction,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.icon: QSystemTrayIcon | None = None
        self.menu = QMenu()
        self.menu.addAction(show_hide)
        self._entries_end = self.menu.addSeparator()  # entries added later go above it
        for action in actions:
            if action is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(quit_action)
        self.tooltip = "Companion"
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        icon = QSystemTrayIcon(app_icon(), self)
        icon.setToolTip(self.tooltip)
        icon.setContextMenu(self.menu)
        icon.activated.connect(self._activated)
        icon.show()
        self.icon = icon

    @property
    def available(self) -> bool:
        return self.icon is not None

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.activated.emit()

    def add_entry(self, action: QAction) -> None:
        """An entry right under Show/hide (the learning side's "Review (N due)")."""
        self.menu.insertAction(self._entries_end, action)

    def show_due_count(self, count: int) -> None:
        """The icon's tooltip says how many review cards are due."""
        due = f" · {count} card{'s' if count != 1 else ''} to review" if count else ""
        self.tooltip = f"Companion{due}"
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip)

    def notify(self, title: str, message: str) -> None:
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 4000)

    def close(self) -> None:
        if self.icon is not None:
            self.icon.hide()
            self.icon.deleteLater()
            self.icon = None
        self.menu.deleteLater()
