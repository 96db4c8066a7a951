"""The Lens's control bar, docked at the region's edge: progress, Follow, Original, Close.

The overlay takes no input (clicks go to the app below), so the bar is where the keys are:
Space shows the original / the English, F toggles Follow, F5 reads again, Esc closes.
The colour legend says what each underline means.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from companion.lens.meaning import DICTIONARY, MACHINE, PHRASEBOOK
from companion.ui.lens.renderer import SOURCE_COLORS


def legend_html() -> str:
    parts = []
    for source, name in (
        (PHRASEBOOK, "phrasebook"),
        (DICTIONARY, "dictionary"),
        (MACHINE, "machine"),
    ):
        parts.append(f"<span style='color:{SOURCE_COLORS[source]}'>&#9644;</span>&nbsp;{name}")
    return "<small>" + "&nbsp;&nbsp;".join(parts) + "</small>"


class ProgressLine(QWidget):
    """A stage in words and, while work runs, a thin bar of how far it is."""

    def __init__(self, parent: QWidget | None = None, bar_width: int = 70) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel(self)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.status, 1)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setFixedSize(bar_width, 6)
        self.progress.hide()
        layout.addWidget(self.progress)

    def set_progress(self, message: str, fraction: float | None) -> None:
        """``fraction`` 0-1 while work runs; None when it is done (the bar goes away)."""
        self.status.setText(message)
        self.status.setToolTip(message)
        if fraction is None:
            self.progress.hide()
        else:
            self.progress.setValue(round(100 * max(0.0, min(1.0, fraction))))
            self.progress.show()


class LensBar(QFrame):
    follow_toggled = Signal(bool)
    english_toggled = Signal(bool)  # True: English shown
    reread_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint,
        )
        self.setObjectName("lensBar")
        self.setWindowTitle("Companion Lens")
        self.setStyleSheet(
            "#lensBar { background: palette(window); border: 1px solid palette(mid);"
            " border-radius: 5px; }"
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        layout.setSpacing(6)
        title = QLabel("<b>Lens</b>", self)
        layout.addWidget(title)
        self.line = ProgressLine(self)
        self.line.setMinimumWidth(190)
        self.line.setMaximumWidth(330)
        self.status = self.line.status
        layout.addWidget(self.line, 1)
        self.legend = QLabel(legend_html(), self)
        layout.addWidget(self.legend)
        self.follow = self._button("Follow", "Follow: read the region again when it changes (F)")
        self.follow.setCheckable(True)
        self.follow.toggled.connect(self.follow_toggled)
        self.original = self._button("Original", "Show the app as it is / the English (Space)")
        self.original.setCheckable(True)
        self.original.toggled.connect(lambda on: self.english_toggled.emit(not on))
        self.reread = self._button("Read again", "Read the region again now (F5)")
        self.reread.clicked.connect(self.reread_requested)
        self.close_button = self._button("✕", "Close the Lens (Esc)")
        self.close_button.clicked.connect(self.close_requested)
        for button in (self.follow, self.original, self.reread, self.close_button):
            layout.addWidget(button)

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def set_progress(self, message: str, fraction: float | None) -> None:
        self.line.set_progress(message, fraction)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_requested.emit()
        elif key == Qt.Key.Key_Space:
            self.original.toggle()
        elif key == Qt.Key.Key_F:
            self.follow.toggle()
        elif key == Qt.Key.Key_F5:
            self.reread_requested.emit()
        else:
            super().keyPressEvent(event)
