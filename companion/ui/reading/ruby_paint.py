"""One laid-out row of the ruby view, prepared once for painting and kept.

Building a row costs Python work per character (positions, colours); drawing a prepared row
is a handful of ``drawGlyphRun`` calls. Rows are built when they first become visible and
cached by the view, so scrolling builds only the rows that scroll in and hover repaints build
nothing. Coordinates inside a row are relative to its top; colours are slots (0-4 the tones,
5 untoned text) resolved when drawing, so a palette change needs no rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QLine, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QGlyphRun, QPainter, QPen

from companion.ui.reading.glyphs import GlyphBatch, GlyphCache
from companion.ui.reading.ruby_layout import CHINESE, SPACE, TEXT, RubyLayout

TEXT_SLOT = 5  # colour slot of untoned text (slots 0-4 are the tones)


class ToneWord(Protocol):
    tones: list[int]


class Texts(Protocol):
    """What each word shows, by index (a list, or the words' own texts read one by one)."""

    def __getitem__(self, index: int, /) -> str: ...


@dataclass(slots=True)
class Row:
    """A prepared row: glyph runs by colour slot, word underlines, passthrough text."""

    runs: list[tuple[int, QGlyphRun]] = field(default_factory=list)
    underlines: list[QRect] = field(default_factory=list)
    texts: list[tuple[QRect, str]] = field(default_factory=list)
    sandhi: list[tuple[QLine, int]] = field(default_factory=list)  # tone changed in speech
    boxes: int = 0


def build_row(
    layout: RubyLayout,
    row: int,
    words: Sequence[ToneWord],
    texts: Texts,
    syllables_of: Callable[[int], list[str]],
    hanzi: GlyphCache,
    pinyin: GlyphCache,
) -> Row:
    """Prepare row ``row`` of ``layout``: everything it draws, relative to the row's top."""
    content = layout.content
    spacing = content.spacing
    pinyin_h, hanzi_h, line_h = spacing.pinyin_h, spacing.hanzi_h, spacing.line_h
    out = Row()
    hanzi_batch, pinyin_batch = GlyphBatch(hanzi), GlyphBatch(pinyin)
    for b, k in layout.row_pieces.get(row, ()):  # later pieces of a token wider than a line
        piece = layout.pieces[b][k]
        out.texts.append((QRect(piece.x, pinyin_h, piece.width, hanzi_h), piece.text))
        out.boxes += 1
    for b in layout.boxes_in_row(row):
        kind = content.kind[b]
        if kind >= SPACE:  # SPACE or NEWLINE: nothing to draw
            continue
        out.boxes += 1
        x = layout.x[b]
        if kind == TEXT:
            if b in layout.pieces:
                piece = layout.pieces[b][0]
                out.texts.append((QRect(piece.x, pinyin_h, piece.width, hanzi_h), piece.text))
            else:
                out.texts.append((QRect(x, pinyin_h, content.width[b], hanzi_h), content.token[b]))
            continue
        assert kind == CHINESE
        index = content.word[b]
        word = words[index]
        tones = word.tones
        syllables = syllables_of(index)
        sandhi = getattr(word, "sandhi", None)
        out.underlines.append(QRect(x + 2, line_h - 2, content.width[b] - 4, 2))
        columns = content.columns[index]
        for k, ch in enumerate(texts[index]):
            col = columns[k]
            tone = tones[k] if k < len(tones) else 0
            slot = (tone if 1 <= tone <= 4 else 0) if tones else TEXT_SLOT
            shaped = hanzi.shaped(ch)
            hanzi_batch.add(
                shaped,
                x + (col - shaped.advance) / 2,
                pinyin_h + (hanzi_h - shaped.height) / 2,
                slot,
            )
            if k < len(syllables) and syllables[k]:
                shaped = pinyin.shaped(syllables[k])
                left = x + (col - shaped.advance) / 2
                pinyin_batch.add(shaped, left, pinyin_h - shaped.height, slot)
                if sandhi is not None and k < len(sandhi) and sandhi[k]:
                    right = int(left + shaped.advance)
                    out.sandhi.append((QLine(int(left), pinyin_h - 1, right, pinyin_h - 1), slot))
            x += col
    out.runs = hanzi_batch.runs() + pinyin_batch.runs()
    return out


def draw_row(
    painter: QPainter, row: Row, top: int, pens: list[QColor], underline: QColor, font: QFont
) -> None:
    """Draw a prepared row with its top at ``top``; ``pens[slot]`` colours each slot."""
    painter.save()
    painter.translate(0, top)
    if row.underlines:  # a thin line under each word shows where words begin and end
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(underline)
        for rect in row.underlines:
            painter.drawRoundedRect(rect, 1, 1)
    origin = QPointF(0, 0)
    for slot, run in row.runs:
        painter.setPen(pens[slot])
        painter.drawGlyphRun(origin, run)
    for line, slot in row.sandhi:  # dotted: this syllable's tone changes in speech
        pen = QPen(pens[slot])
        pen.setStyle(Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.drawLine(line)
    if row.texts:
        painter.setFont(font)
        painter.setPen(pens[TEXT_SLOT])
        for rect, text in row.texts:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
