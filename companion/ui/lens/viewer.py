"""The Lens over an image: drop, paste or open a screenshot and read it in English, in place.

Phone screenshots are tall (1170x2532): the image is scaled to fit the window by default,
Ctrl+wheel or +/- zooms, and the English is drawn by the same renderer at the shown scale, so
it stays readable at any zoom. Hover a label for its card, click to keep the card open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.lens.layout import fit_scale
from companion.lens.reader import LensScreen
from companion.ui.lens.bar import ProgressLine, legend_html
from companion.ui.lens.renderer import LensRenderer, Placed, hit

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.webp);;All files (*)"
ZOOMS = (0.25, 0.33, 0.5, 0.67, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


READABLE_PX = 13.0  # the Chinese shown at least this big, so its English can be too


def readable_zoom(
    screen: LensScreen, fit: float, view_width: int, image_width: int
) -> float | None:
    """None (fit the window) unless that makes the text too small to read: a tall phone
    screenshot in a short window is then shown at a readable size, up to the window's width,
    and scrolls."""
    heights = sorted(line.box[3] - line.box[1] for line in screen.lines if line.drawn)
    if not heights or image_width <= 0:
        return None
    typical = heights[len(heights) // 2] * 0.75  # the padded box -> the characters' size
    if typical * fit >= READABLE_PX:
        return None
    width_fit = max(fit, (view_width - 24) / image_width)
    return min(width_fit, READABLE_PX / typical, 1.0)


class LensCanvas(QWidget):
    """The image and its English at the current zoom (None = fit the view)."""

    hovered = Signal(object)  # Placed | None
    clicked = Signal(object)  # Placed

    def __init__(self, renderer: LensRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self._renderer = renderer
        self._image = QImage()
        self._shown = QPixmap()
        self._screen: LensScreen | None = None
        self._placed: list[Placed] = []
        self._english = True
        self._hover: int | None = None
        self.zoom: float | None = None
        self.fit_size = QSize(800, 600)
        self.scale = 1.0
        self.offset = QPoint(0, 0)

    @property
    def placed(self) -> list[Placed]:
        return list(self._placed)

    @property
    def image(self) -> QImage:
        return self._image

    def set_image(self, image: QImage) -> None:
        self._image = image
        self._screen = None
        self.zoom = None  # a new image starts fitted to the window
        self._placed = []
        self.relayout()

    def set_screen(self, screen: LensScreen | None) -> None:
        self._screen = screen
        if screen is not None and self.zoom is None:
            width = self.fit_size.width()
            self.zoom = readable_zoom(screen, self.scale, width, self._image.width())
        self.relayout()

    def set_english(self, on: bool) -> None:
        self._english = on
        self.update()

    def set_fit_size(self, size: QSize) -> None:
        self.fit_size = size
        if self.zoom is None:
            self.relayout()

    def relayout(self) -> None:
        if self._image.isNull():
            self.scale, self.offset = 1.0, QPoint(0, 0)
            self.setFixedSize(self.fit_size)
        elif self.zoom is None:
            size = (self._image.width(), self._image.height())
            view = (self.fit_size.width(), self.fit_size.height())
            scale, dx, dy = fit_scale(size, view)
            self.scale, self.offset = scale, QPoint(round(dx), round(dy))
            self.setFixedSize(self.fit_size)
        else:
            self.scale, self.offset = self.zoom, QPoint(0, 0)
            self.setFixedSize(
                max(1, round(self._image.width() * self.zoom)),
                max(1, round(self._image.height() * self.zoom)),
            )
        self._placed = (
            self._renderer.place(self._screen, self.scale, self.offset.x(), self.offset.y())
            if self._screen is not None
            else []
        )
        self._shown = QPixmap()  # scaled again on the next paint, once
        self.update()

    def image_rect(self) -> QRect:
        return QRect(
            self.offset,
            QSize(
                round(self._image.width() * self.scale), round(self._image.height() * self.scale)
            ),
        )

    def global_rect(self, item: Placed) -> QRect:
        rect = item.patch.toAlignedRect()
        return QRect(self.mapToGlobal(rect.topLeft()), rect.size())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        if not self._image.isNull():
            target = self.image_rect()
            if self._shown.size() != target.size():  # a hover repaints: scale once per zoom
                self._shown = QPixmap.fromImage(
                    self._image.scaled(
                        target.size(),
                        Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
            painter.drawPixmap(target.topLeft(), self._shown)
            if self._english:
                self._renderer.paint(painter, self._placed, self._hover)
        else:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.rect(),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                "Drop a screenshot here, paste one (Ctrl+V) or open one (Ctrl+O).\n"
                "Phone screenshots work too: send them to this computer first.",
            )
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = (
            hit(self._placed, event.position().x(), event.position().y()) if self._english else None
        )
        index = None if item is None else item.index
        if index != self._hover:
            self._hover = index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if item else Qt.CursorShape.ArrowCursor
            )
            self.update()
            self.hovered.emit(item)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._english:
            item = hit(self._placed, event.position().x(), event.position().y())
            if item is not None:
                self.clicked.emit(item)
                return
        super().mousePressEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
            self.hovered.emit(None)


class LensViewer(QWidget):
    """A window around the canvas: open/paste/drop, original/English, zoom, progress."""

    image_chosen = Signal(object)  # QImage or a file path (str)
    closed = Signal()

    def __init__(self, renderer: LensRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Companion Lens — screenshot")
        self.setAcceptDrops(True)
        self.resize(900, 760)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QWidget(self)
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 4, 6, 4)
        self.open_button = self._button(
            bar, "Open…", "Open a screenshot (Ctrl+O)", self.choose_file
        )
        self.paste_button = self._button(bar, "Paste", "Paste a screenshot (Ctrl+V)", self.paste)
        self.original = self._button(bar, "Original", "Show the image as it is (Space)", None)
        self.original.setCheckable(True)
        self.fit_button = self._button(
            bar, "Fit", "Fit the window / actual size (Ctrl+0)", self.toggle_fit
        )
        for widget in (self.open_button, self.paste_button, self.original, self.fit_button):
            row.addWidget(widget)
        self.line = ProgressLine(bar, bar_width=90)
        self.status = self.line.status
        row.addWidget(self.line, 1)
        row.addWidget(QLabel(legend_html(), bar))
        layout.addWidget(bar)
        self.scroller = QScrollArea(self)
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.canvas = LensCanvas(renderer, self.scroller)
        self.scroller.setWidget(self.canvas)
        self.original.toggled.connect(lambda on: self.canvas.set_english(not on))
        layout.addWidget(self.scroller, 1)
        for keys, slot in (
            (QKeySequence.StandardKey.Paste, self.paste),
            (QKeySequence.StandardKey.Open, self.choose_file),
            (QKeySequence.StandardKey.ZoomIn, lambda: self.zoom_by(1)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.zoom_by(-1)),
        ):
            QShortcut(QKeySequence(keys), self, slot)
        QShortcut(QKeySequence("Ctrl+0"), self, self.toggle_fit)
        QTimer.singleShot(0, self._fit_to_view)

    def _button(self, parent: QWidget, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(parent)
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if slot is not None:
            button.clicked.connect(slot)
        return button

    # --- input -------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Open a screenshot", "", IMAGE_FILTER)
        if path:
            self.image_chosen.emit(path)

    def paste(self) -> None:
        data = QGuiApplication.clipboard().mimeData()
        if data is None:
            return
        if data.hasImage():
            image = QImage(data.imageData())
            if not image.isNull():
                self.image_chosen.emit(image)
                return
        for url in data.urls() if data.hasUrls() else []:
            if url.isLocalFile():
                self.image_chosen.emit(url.toLocalFile())
                return
        self.set_progress("The clipboard holds no image: copy a screenshot first", None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        data = event.mimeData()
        if data.hasImage() or any(u.isLocalFile() for u in data.urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        if data.hasImage():
            image = QImage(data.imageData())
            if not image.isNull():
                self.image_chosen.emit(image)
                event.acceptProposedAction()
                return
        for url in data.urls():
            if url.isLocalFile():
                self.image_chosen.emit(url.toLocalFile())
                event.acceptProposedAction()
                return

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        elif event.key() == Qt.Key.Key_Space:
            self.original.toggle()
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
        else:
            super().wheelEvent(event)

    # --- display -------------------------------------------------------------------------------
    def show_image(self, image: QImage, name: str = "") -> None:
        self.canvas.set_image(image)
        self.setWindowTitle(f"Companion Lens — {Path(name).name}" if name else "Companion Lens")

    def set_screen(self, screen: LensScreen | None) -> None:
        self.canvas.set_screen(screen)

    def set_progress(self, message: str, fraction: float | None) -> None:
        self.line.set_progress(message, fraction)

    def zoom_by(self, steps: int) -> None:
        current = self.canvas.zoom if self.canvas.zoom is not None else self.canvas.scale
        index = min(range(len(ZOOMS)), key=lambda k: abs(ZOOMS[k] - current))
        index = max(0, min(len(ZOOMS) - 1, index + steps))
        self.canvas.zoom = ZOOMS[index]
        self.canvas.set_fit_size(self.canvas.fit_size)
        self.canvas.relayout()
        self.fit_button.setText("Fit")

    def toggle_fit(self) -> None:
        self.canvas.zoom = 1.0 if self.canvas.zoom is None else None
        self.fit_button.setText("Fit" if self.canvas.zoom is not None else "100%")
        self.canvas.relayout()

    def _fit_to_view(self) -> None:
        self.canvas.set_fit_size(self.scroller.viewport().size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_to_view()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
