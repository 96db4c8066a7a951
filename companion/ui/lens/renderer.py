"""The one renderer that draws English in place of the Chinese, with QPainter.

Used by the live overlay, the image viewer and ``python -m companion lens --out``, so what a
file shows is what the screen shows. Each label is a patch of the box's own background
(sampled from the pixels) with the English in the box's text colour and alignment, and a thin
line under it in the colour of where its meaning came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QRegion

from companion.lens.layout import (
    CENTER,
    RIGHT,
    Fit,
    fit_best,
    harmonize,
    natural_px,
    placed_rect,
    scale_rect,
)
from companion.lens.meaning import DICTIONARY, MACHINE, NONE, NUMBER, PHRASEBOOK
from companion.lens.reader import LensLine, LensScreen

SOURCE_COLORS = {
    PHRASEBOOK: "#2e9d5b",
    DICTIONARY: "#3b7dd8",
    MACHINE: "#d9822b",
    NUMBER: "#8c8c8c",
    NONE: "#8c8c8c",
}
SOURCE_NAMES = {
    PHRASEBOOK: "Phrasebook",
    DICTIONARY: "Dictionary (CC-CEDICT)",
    MACHINE: "Machine translation",
    NUMBER: "Number",
    NONE: "No meaning found",
}
FAMILIES = ["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial", "Noto Sans CJK SC"]
MARK_WIDTH = 2.0


@dataclass(frozen=True)
class Placed:
    """One label laid out in target coordinates (overlay, viewer or image pixels)."""

    index: int  # into the screen's lines
    line: LensLine
    patch: QRectF
    text_rect: QRectF
    fit: Fit


class LensRenderer:
    """Lays out and paints a :class:`LensScreen`; font metrics are cached per pixel size."""

    def __init__(self) -> None:
        self._metrics: dict[float, QFontMetricsF] = {}
        self._fonts: dict[float, QFont] = {}

    def font(self, px: float) -> QFont:
        key = round(px * 2) / 2
        font = self._fonts.get(key)
        if font is None:
            font = QFont()
            font.setFamilies(FAMILIES)
            font.setPixelSize(max(1, round(key)))
            font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
            self._fonts[key] = font
        return font

    def measure(self, text: str, px: float) -> float:
        key = round(px * 2) / 2
        metrics = self._metrics.get(key)
        if metrics is None:
            metrics = QFontMetricsF(self.font(key))
            self._metrics[key] = metrics
        return metrics.horizontalAdvance(text)

    def place(
        self, screen: LensScreen, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0
    ) -> list[Placed]:
        """Where each drawable label goes when the image is shown at ``scale`` + (dx, dy)."""
        lines = [(index, line) for index, line in enumerate(screen.lines) if line.drawn]
        boxes = [scale_rect(line.box, scale, dx, dy) for _index, line in lines]
        naturals = harmonize(
            [
                natural_px(box[3] - box[1], (line.colors.ink_bottom - line.colors.ink_top) * scale)
                for box, (_index, line) in zip(boxes, lines, strict=True)
            ]
        )
        out: list[Placed] = []
        for (index, line), box, natural in zip(lines, boxes, naturals, strict=True):
            room = scale_rect(line.room, scale, dx, dy)
            pad = max(1.0, natural * 0.2)
            forms = (line.meaning.english, *line.meaning.shorter)
            fit = fit_best(forms, room[2] - room[0] - 2 * pad, natural, self.measure)
            box_int = (round(box[0]), round(box[1]), round(box[2]), round(box[3]))
            patch = placed_rect(room, box_int, fit.width, line.align, pad)
            # Whole pixels: the overlay's window shape is these rectangles, and a shape edge
            # between pixels would show a line of unpainted (black, without a compositor) pixels.
            corners = [round(v) for v in patch]
            rect = QRectF(QPointF(corners[0], corners[1]), QPointF(corners[2], corners[3]))
            out.append(Placed(index, line, rect, rect.adjusted(pad, 0, -pad, 0), fit))
        return out

    def mask(self, placed: Sequence[Placed]) -> QRegion:
        """The union of the patches (a window shape: the rest shows the app below)."""
        region = QRegion()
        for item in placed:
            region = region.united(QRegion(item.patch.toAlignedRect()))
        return region

    def paint(
        self, painter: QPainter, placed: Sequence[Placed], hovered: int | None = None
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for item in placed:
            self._paint_one(painter, item, item.index == hovered)
        painter.restore()

    def _paint_one(self, painter: QPainter, item: Placed, hovered: bool) -> None:
        colors = item.line.colors
        patch = item.patch
        if colors.busy:
            background = QColor(*colors.background, 226)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(patch, 3, 3)
        else:
            painter.fillRect(patch, QColor(*colors.background))
        painter.setFont(self.font(item.fit.px))
        painter.setPen(QColor(*colors.text))
        align = Qt.AlignmentFlag.AlignVCenter | {
            CENTER: Qt.AlignmentFlag.AlignHCenter,
            RIGHT: Qt.AlignmentFlag.AlignRight,
        }.get(item.line.align, Qt.AlignmentFlag.AlignLeft)
        painter.drawText(item.text_rect, int(align | Qt.TextFlag.TextSingleLine), item.fit.text)
        mark = QColor(SOURCE_COLORS.get(item.line.meaning.source, SOURCE_COLORS[NONE]))
        text_width = min(item.fit.width, item.text_rect.width())
        if item.line.align == CENTER:
            start = item.text_rect.center().x() - text_width / 2
        elif item.line.align == RIGHT:
            start = item.text_rect.right() - text_width
        else:
            start = item.text_rect.left()
        y = patch.bottom() - MARK_WIDTH / 2
        painter.setPen(QPen(mark, MARK_WIDTH))
        painter.drawLine(QPointF(start, y), QPointF(start + text_width, y))
        if hovered:
            painter.setPen(QPen(mark, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(patch.adjusted(0.5, 0.5, -0.5, -0.5))

    def render(self, image: QImage, screen: LensScreen) -> QImage:
        """A copy of ``image`` with the English drawn in place (``lens --out``)."""
        out = image.convertToFormat(QImage.Format.Format_RGB32)
        painter = QPainter(out)
        self.paint(painter, self.place(screen))
        painter.end()
        return out


def hit(placed: Sequence[Placed], x: float, y: float) -> Placed | None:
    """The label under a point (the smallest one when patches overlap)."""
    under = [item for item in placed if item.patch.contains(QPointF(x, y))]
    return min(under, key=lambda item: item.patch.width() * item.patch.height(), default=None)
