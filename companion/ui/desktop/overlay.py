"""Overlay mode: a small always-on-top window showing the latest translation beside the app.

Drag it anywhere by its body; on release it snaps to a screen edge it is near
(:mod:`companion.snap` does the math) and the spot is remembered for that screen, so with two
monitors it comes back where it was on each. Colours come from the palette, so it follows the
system's dark or light mode; the text uses the font size setting.

Its size never follows the text: the source is cut to two lines and the translation scrolls
inside its own box, so a long post can neither push the window past the screen edge nor hide
the translation behind the Chinese.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCursor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QMouseEvent,
    QScreen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion import snap

MIN_OPACITY = 0.3
DEFAULT_SIZE = (360, 160)  # at the default font size; larger fonts get a larger window
SOURCE_CHARS = 160
MAX_SCREEN_SHARE = (0.45, 0.4)  # never wider/taller than this share of its screen


def clamp_opacity(value: float) -> float:
    """Never fully transparent: an invisible always-on-top window would trap clicks."""
    return round(min(max(float(value), MIN_OPACITY), 1.0), 2)


def to_rect(rect: QRect) -> snap.Rect:
    return snap.Rect(rect.x(), rect.y(), rect.width(), rect.height())


def key_for_screen(screen: QScreen) -> str:
    return snap.screen_key(screen.name(), to_rect(screen.geometry()))


class OverlayWindow(QWidget):
    """The compact window. It shows text it is given; it does no translating itself."""

    opacityChanged = Signal(float)
    moved = Signal()  # after a drag ended and it snapped
    closeRequested = Signal()
    openMainRequested = Signal()
    speakRequested = Signal()

    def __init__(self, font_size: int = 13) -> None:
        flags = (
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        super().__init__(None, flags)
        self.setWindowTitle("Companion overlay")
        self.setObjectName("companionOverlay")
        self.setAutoFillBackground(True)
        self._drag_offset: QPoint | None = None

        self.source_label = QLabel()
        self.source_label.setObjectName("overlaySource")
        self.source_label.setWordWrap(True)
        self.source_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.result_box = QPlainTextEdit()
        self.result_box.setObjectName("overlayResult")
        self.result_box.setReadOnly(True)
        self.result_box.setFrameShape(QFrame.Shape.NoFrame)
        self.result_box.setPlainText("Copy or type Chinese in Companion to see it here.")
        self.result_box.viewport().setAutoFillBackground(False)
        self.result_box.setMinimumHeight(1)

        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(round(MIN_OPACITY * 100), 100)
        self.opacity_slider.setToolTip("Opacity")
        self.opacity_slider.setAccessibleName("Overlay opacity")
        self.opacity_slider.setMaximumWidth(110)
        self.opacity_slider.valueChanged.connect(lambda v: self.set_opacity(v / 100))

        speak = QToolButton()
        speak.setText("Speak")
        speak.setToolTip("Read the Chinese aloud")
        speak.clicked.connect(self.speakRequested)
        open_main = QToolButton()
        open_main.setText("Open")
        open_main.setToolTip("Show the main Companion window")
        open_main.clicked.connect(self.openMainRequested)
        close = QToolButton()
        close.setText("×")
        close.setToolTip("Leave overlay mode")
        close.setAccessibleName("Close overlay")
        close.clicked.connect(self.closeRequested)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        opacity_label = QLabel("Opacity")
        opacity_label.setBuddy(self.opacity_slider)
        bar.addWidget(opacity_label)
        bar.addWidget(self.opacity_slider)
        bar.addStretch(1)
        for button in (speak, open_main, close):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.source_label)
        layout.addWidget(self.result_box, 1)
        self._font_size = 13
        self.set_font_size(font_size)
        self.resize(self.preferred_size())
        self.set_opacity(1.0)

    # Content --------------------------------------------------------------------------------
    def show_texts(self, source: str, result: str) -> None:
        self.source_label.setText(_shorten(source, SOURCE_CHARS))
        self.source_label.setVisible(bool(source.strip()))
        if self.result_box.toPlainText() != (result or "…"):
            self.result_box.setPlainText(result or "…")
        if self.size() != self.preferred_size():  # whatever the text, the same window
            self.resize(self.preferred_size())

    def result_text(self) -> str:
        return self.result_box.toPlainText()

    def set_font_size(self, size: int) -> None:
        size = min(max(int(size), 8), 48)
        self._font_size = size
        font = QFont(self.font())
        font.setPointSize(size)
        self.result_box.setFont(font)
        small = QFont(font)
        small.setPointSize(max(size - 2, 7))
        self.source_label.setFont(small)
        self.source_label.setFixedHeight(QFontMetrics(small).lineSpacing() * 2 + 2)
        if self.isVisible():
            self.resize(self.preferred_size())

    def preferred_size(self) -> QSize:
        """The overlay's one size: grows with the font, never past a share of its screen."""
        grow = max(self._font_size - 13, 0)
        width, height = DEFAULT_SIZE[0] + grow * 14, DEFAULT_SIZE[1] + grow * 9
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, max(200, int(area.width() * MAX_SCREEN_SHARE[0])))
            height = min(height, max(120, int(area.height() * MAX_SCREEN_SHARE[1])))
        return QSize(width, height)

    def set_opacity(self, value: float) -> None:
        value = clamp_opacity(value)
        if abs(self.windowOpacity() - value) > 0.001:
            self.setWindowOpacity(value)
        if self.opacity_slider.value() != round(value * 100):
            self.opacity_slider.blockSignals(True)
            self.opacity_slider.setValue(round(value * 100))
            self.opacity_slider.blockSignals(False)
        self.opacityChanged.emit(value)

    def opacity(self) -> float:
        return clamp_opacity(self.opacity_slider.value() / 100)

    # Dragging and snapping -----------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_offset = event.globalPosition().toPoint() - self.frameGeometry().topLeft()
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_offset is not None:
            self.move(event.globalPosition().toPoint() - self._drag_offset)
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_offset is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag_offset = None
            self.snap_now()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel changes opacity without reaching for the slider."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 0.05 if event.angleDelta().y() > 0 else -0.05
            self.set_opacity(self.opacity() + step)
            event.accept()
        else:
            super().wheelEvent(event)

    def current_screen(self) -> QScreen | None:
        screens = QGuiApplication.screens()
        if not screens:
            return None
        rects = [to_rect(s.availableGeometry()) for s in screens]
        index = snap.screen_index_for(to_rect(self.frameGeometry()), rects)
        return screens[index] if index >= 0 else QGuiApplication.primaryScreen()

    def snap_now(self) -> None:
        screen = self.current_screen()
        if screen is None:
            return
        frame = to_rect(self.frameGeometry())
        placed = snap.snap_to_edges(frame, to_rect(screen.availableGeometry()))
        if (placed.x, placed.y) != (frame.x, frame.y):
            self.move(placed.x, placed.y)
        self.moved.emit()


def _shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class OverlayController:
    """Shows/hides the overlay, feeds it the main window's texts and remembers its places.

    ``texts`` returns (input, result) from the main window; it is polled while the overlay is
    visible (cheap string compares) because the window offers no change signal.
    ``positions`` maps :func:`key_for_screen` keys to :func:`companion.snap.to_fractions`
    pairs; ``save_positions`` is called whenever it changes.
    """

    POLL_MS = 300

    def __init__(
        self,
        texts: Callable[[], tuple[str, str]],
        positions: dict[str, list[float]],
        save_positions: Callable[[dict[str, list[float]]], None],
        font_size: int = 13,
    ) -> None:
        self._texts = texts
        self.positions = positions
        self._save_positions = save_positions
        self.window = OverlayWindow(font_size)
        self.window.moved.connect(self.remember_position)
        self._shown: tuple[str, str] | None = None
        self._timer = QTimer(self.window)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self.refresh)

    def show(self) -> None:
        self.refresh()
        self.place()
        self.window.show()
        self.window.raise_()
        self._timer.start()

    def hide(self) -> None:
        self._timer.stop()
        if self.window.isVisible():
            self.remember_position()
        self.window.hide()

    def is_visible(self) -> bool:
        return self.window.isVisible()

    def refresh(self) -> None:
        texts = self._texts()
        if texts != self._shown:
            self._shown = texts
            self.window.show_texts(*texts)

    def place(self) -> None:
        """Put the overlay where it was on the screen under the mouse, or bottom-right."""
        screen = QGuiApplication.screenAt(QCursor.pos())
        screen = screen or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = to_rect(screen.availableGeometry())
        preferred = self.window.preferred_size()
        self.window.resize(preferred)
        size = (preferred.width(), preferred.height())
        saved = self.positions.get(key_for_screen(screen))
        if saved and len(saved) == 2:
            rect = snap.from_fractions((saved[0], saved[1]), size, area)
        else:
            rect = snap.default_position(size, area)
        self.window.move(rect.x, rect.y)

    def remember_position(self) -> None:
        screen = self.window.current_screen()
        if screen is None:
            return
        fx, fy = snap.to_fractions(
            to_rect(self.window.frameGeometry()), to_rect(screen.availableGeometry())
        )
        self.positions[key_for_screen(screen)] = [fx, fy]
        self._save_positions(dict(self.positions))

    def close(self) -> None:
        self._timer.stop()
        self.window.close()
        self.window.deleteLater()
