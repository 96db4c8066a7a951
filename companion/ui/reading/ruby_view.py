"""The ruby view: Chinese words with their pinyin above, coloured by tone, wrapping like text.

Drawn by hand rather than with rich-text ruby (Qt has none) or one QLabel per word (thousands
of widgets for a long post): ``set_words`` only stores the list, layout is computed lazily for
the current width and cached, so setting text stays cheap. Hovering a word shows its meaning
as a tooltip; clicking opens the word popup (all senses, traditional form, measure words, save).
The dictionary is never imported here at start-up: words arrive already annotated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from companion.ui.reading.tone_colors import tone_color

if TYPE_CHECKING:
    from companion.pinyin import Word
    from companion.ui.reading.word_popup import WordPopup

_NO_LINE_START = set("，。！？、：；）」』】》〉”’…～,.!?:;)]}%")
_TOKEN_RE = re.compile(r"\n|[^\S\n]+|[^\s]+")
MARGIN = 4


@dataclass(slots=True)
class _Item:
    """One laid-out box: a Chinese word (with per-character columns) or a run of other text."""

    word: int  # index into the words list
    text: str
    chinese: bool
    rect: QRect = field(default_factory=QRect)
    columns: list[tuple[int, int]] = field(default_factory=list)  # (x offset, width) per char


class RubyView(QWidget):
    """Words with pinyin above. Signals carry ``companion.pinyin.Word`` objects.

    - ``wordHovered(object)``: the word under the mouse (None when leaving words)
    - ``wordClicked(object)``: a Chinese word was clicked (the popup opens too, unless
      ``popup_enabled`` is False)
    - ``saveRequested(object)``: the popup's "Save word" (a ``companion.wordlist.WordToSave``)
    """

    wordHovered = Signal(object)
    wordClicked = Signal(object)
    saveRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[Word] = []
        self._syllables: list[list[str]] = []
        self._palette_name = "pleco"
        self._pinyin_style = "marks"
        self._items: list[_Item] = []
        self._layout_width = -1
        self._layout_height = 0
        self._hovered = -1
        self._current = -1  # keyboard selection
        self._popup: WordPopup | None = None
        self.popup_enabled = True
        self._hanzi_font = QFont()
        self._pinyin_font = QFont()
        self._update_fonts()
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Pinyin")

    # --- public API -------------------------------------------------------------------------

    def set_words(self, words: list[Word]) -> None:
        """Show ``words`` (from ``companion.pinyin.annotate``). Cheap: layout happens lazily."""
        self._words = list(words)
        self._syllables = [self._render(w) for w in self._words]
        self._hovered = self._current = -1
        self._invalidate()
        self.setAccessibleDescription(
            " ".join(
                " ".join(s) if s else w.text
                for w, s in zip(self._words, self._syllables, strict=True)
            )
        )

    def words(self) -> list[Word]:
        return list(self._words)

    def set_style(self, tone_palette: str, pinyin_style: str) -> None:
        """Palette ("pleco", "colorblind", "none") and pinyin ("marks", "numbers", "zhuyin")."""
        self._palette_name = tone_palette
        if pinyin_style != self._pinyin_style:
            self._pinyin_style = pinyin_style
            self._syllables = [self._render(w) for w in self._words]
        self._update_fonts()
        self._invalidate()

    def style_names(self) -> tuple[str, str]:
        return self._palette_name, self._pinyin_style

    def displayed_pinyin(self, index: int) -> list[str]:
        """The syllables drawn above word ``index`` (empty for non-Chinese words)."""
        return list(self._syllables[index])

    def word_color(self, index: int, char: int = 0) -> QColor:
        """The colour character ``char`` of word ``index`` and its syllable are drawn in."""
        word = self._words[index]
        if not word.is_chinese or not word.tones:
            return self.palette().color(QPalette.ColorRole.WindowText)
        return tone_color(word.tones[char], self._palette_name, self.palette())

    def word_rect(self, index: int) -> QRect:
        """Where word ``index`` is drawn (united over wrapped pieces); empty if not shown."""
        self._ensure_layout()
        rect = QRect()
        for item in self._items:
            if item.word == index:
                rect = rect.united(item.rect)
        return rect

    def char_rect(self, index: int, char: int) -> QRect:
        self._ensure_layout()
        for item in self._items:
            if item.word == index and item.chinese:
                x, width = item.columns[char]
                return QRect(item.rect.x() + x, item.rect.y(), width, item.rect.height())
        return QRect()

    def word_at(self, pos: QPoint) -> tuple[int, int]:
        """(word index, character index) under ``pos``; (-1, -1) when none."""
        self._ensure_layout()
        for item in self._items:
            if item.rect.contains(pos):
                if not item.chinese:
                    return item.word, -1
                for k, (x, width) in enumerate(item.columns):
                    if item.rect.x() + x <= pos.x() < item.rect.x() + x + width:
                        return item.word, k
                return item.word, 0
        return -1, -1

    def open_popup(self, index: int, char: int = -1) -> WordPopup | None:
        """Open the word popup for word ``index`` (character ``char`` alone when >= 0)."""
        if not (0 <= index < len(self._words)) or not self._words[index].is_chinese:
            return None
        from companion.ui.reading.word_popup import WordPopup

        if self._popup is None:
            self._popup = WordPopup(self)
            self._popup.saveRequested.connect(self.saveRequested)
        word = self._words[index]
        self._popup.set_style(self._palette_name, self._pinyin_style)
        self._popup.show_word(word.text, context=self._context(index), char=char)
        rect = self.word_rect(index)
        self._popup.show_near(self.mapToGlobal(rect.bottomLeft()), rect.height())
        return self._popup

    def popup(self) -> WordPopup | None:
        return self._popup

    # --- layout -----------------------------------------------------------------------------

    def _render(self, word: Word) -> list[str]:
        if not word.is_chinese:
            return []
        from companion.pinyin import format_syllable

        return [format_syllable(s, self._pinyin_style) for s in word.numbers] or list(word.pinyin)

    def _update_fonts(self) -> None:
        base = QFont(self.font())
        size = base.pointSizeF() if base.pointSizeF() > 0 else 11.0
        self._hanzi_font = QFont(base)
        self._hanzi_font.setPointSizeF(size * 1.6)
        self._pinyin_font = QFont(base)
        self._pinyin_font.setPointSizeF(size * (0.85 if self._pinyin_style == "zhuyin" else 0.95))

    def _invalidate(self) -> None:
        self._layout_width = -1
        self.updateGeometry()
        self.update()

    def _metrics(self) -> tuple[QFontMetrics, QFontMetrics]:
        return QFontMetrics(self._hanzi_font), QFontMetrics(self._pinyin_font)

    def _row_heights(self) -> tuple[int, int]:
        hanzi, pinyin = self._metrics()
        return pinyin.height() + 2, hanzi.height() + 2

    def _compute(self, width: int) -> tuple[list[_Item], int]:
        hanzi, pinyin = self._metrics()
        pinyin_h, hanzi_h = self._row_heights()
        line_h = pinyin_h + hanzi_h + 3
        line_gap = max(4, hanzi_h // 4)
        word_gap = max(4, hanzi.horizontalAdvance("中") * 2 // 5)
        space_w = hanzi.horizontalAdvance(" ")
        avail = max(40, width - 2 * MARGIN)
        items: list[_Item] = []
        x, y = 0, 0

        def place(item: _Item, w: int, gap: int) -> None:
            nonlocal x, y
            # closing punctuation never starts a line: it may overhang the margin instead
            sticky = not item.chinese and item.text[:1] in _NO_LINE_START and w * 4 <= avail
            if x and x + gap + w > avail and not sticky:
                x, y = 0, y + line_h + line_gap
            elif x:
                x += gap
            item.rect = QRect(MARGIN + x, MARGIN + y, w, line_h)
            items.append(item)
            x += w

        for index, word in enumerate(self._words):
            if word.is_chinese:
                syllables = self._syllables[index]
                columns = []
                offset = 0
                for k, ch in enumerate(word.text):
                    syl = syllables[k] if k < len(syllables) else ""
                    col = max(hanzi.horizontalAdvance(ch), pinyin.horizontalAdvance(syl) + 4)
                    columns.append((offset, col))
                    offset += col
                place(_Item(index, word.text, True, columns=columns), offset, word_gap)
                continue
            for token in _TOKEN_RE.findall(word.text):
                if token == "\n":
                    x, y = 0, y + line_h + line_gap
                elif token.isspace():
                    if x:
                        x += space_w * len(token.replace("\u3000", "  "))
                else:
                    for piece in self._fit(token, hanzi, avail):
                        place(_Item(index, piece, False), hanzi.horizontalAdvance(piece), 1)
        height = (y + line_h + 2 * MARGIN) if items else 0
        return items, height

    @staticmethod
    def _fit(token: str, metrics: QFontMetrics, avail: int) -> list[str]:
        """A token wider than a whole line (a long URL) cut into pieces that fit."""
        if metrics.horizontalAdvance(token) <= avail:
            return [token]
        pieces, current = [], ""
        for ch in token:
            if current and metrics.horizontalAdvance(current + ch) > avail:
                pieces.append(current)
                current = ""
            current += ch
        return [*pieces, current] if current else pieces

    def _ensure_layout(self) -> None:
        width = self.width()
        if width != self._layout_width:
            self._items, self._layout_height = self._compute(width)
            self._layout_width = width

    # --- QWidget ----------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if width == self._layout_width:
            return self._layout_height
        return self._compute(width)[1]

    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 100 else 400
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(60, sum(self._row_heights()) + 2 * MARGIN if self._words else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout_width = -1

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._update_fonts()
            self._invalidate()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure_layout()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = event.rect()
        pinyin_h, hanzi_h = self._row_heights()
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        marked = {self._hovered, self._current} - {-1}
        if marked:
            fill = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            fill.setAlpha(45)
            for index in marked:
                rect = self.word_rect(index)
                if not rect.isEmpty():
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(fill)
                    painter.drawRoundedRect(rect.adjusted(-3, -1, 3, 1), 4, 4)
        for item in self._items:
            if not item.rect.intersects(clip):
                continue
            top = item.rect.y()
            hanzi_rect = QRect(item.rect.x(), top + pinyin_h, item.rect.width(), hanzi_h)
            if not item.chinese:
                painter.setFont(self._hanzi_font)
                painter.setPen(text_color)
                painter.drawText(hanzi_rect, Qt.AlignmentFlag.AlignCenter, item.text)
                continue
            # a thin line under each word shows where words begin and end
            underline = QColor(self.palette().color(QPalette.ColorRole.Mid))
            underline.setAlpha(140)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(underline)
            painter.drawRoundedRect(
                QRect(item.rect.x() + 2, item.rect.bottom() - 1, item.rect.width() - 4, 2), 1, 1
            )
            syllables = self._syllables[item.word]
            for k, (x, width) in enumerate(item.columns):
                color = self.word_color(item.word, k)
                painter.setPen(color)
                if k < len(syllables) and syllables[k]:
                    painter.setFont(self._pinyin_font)
                    painter.drawText(
                        QRect(item.rect.x() + x, top, width, pinyin_h),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        syllables[k],
                    )
                painter.setFont(self._hanzi_font)
                painter.drawText(
                    QRect(item.rect.x() + x, hanzi_rect.y(), width, hanzi_h),
                    Qt.AlignmentFlag.AlignCenter,
                    item.text[k],
                )
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index, _char = self.word_at(event.position().toPoint())
        if index >= 0 and not self._words[index].is_chinese:
            index = -1
        if index != self._hovered:
            self._hovered = index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if index >= 0 else Qt.CursorShape.ArrowCursor
            )
            self.wordHovered.emit(self._words[index] if index >= 0 else None)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovered != -1:
            self._hovered = -1
            self.wordHovered.emit(None)
            self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index, char = self.word_at(event.position().toPoint())
            if index >= 0 and self._words[index].is_chinese:
                self._activate(index, char if char >= 0 and self._single_char(event) else -1)
                return
        super().mouseReleaseEvent(event)

    @staticmethod
    def _single_char(event: QMouseEvent) -> bool:
        """Alt/Shift-click (or a click on a one-character word) shows the character alone."""
        mods = event.modifiers()
        return bool(mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier))

    def _activate(self, index: int, char: int = -1) -> None:
        self._current = index
        self.update()
        self.wordClicked.emit(self._words[index])
        if self.popup_enabled:
            self.open_popup(index, char)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        chinese = [i for i, w in enumerate(self._words) if w.is_chinese]
        key = event.key()
        if chinese and key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            if self._current not in chinese:
                self._current = chinese[0] if key == Qt.Key.Key_Right else chinese[-1]
            else:
                pos = chinese.index(self._current) + (1 if key == Qt.Key.Key_Right else -1)
                self._current = chinese[max(0, min(len(chinese) - 1, pos))]
            self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self._current >= 0:
            self._activate(self._current)
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index, _char = self.word_at(event.pos())
            if index >= 0 and self._words[index].is_chinese:
                word = self._words[index]
                text = " ".join(self._syllables[index])
                if word.gloss:
                    text += f" — {word.gloss}"
                QToolTip.showText(event.globalPos(), text, self, self.word_rect(index))
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def _context(self, index: int) -> str:
        """The sentence around word ``index``, saved with the word as an example."""
        text = "".join(w.text for w in self._words)
        start = sum(len(w.text) for w in self._words[:index])
        left = max((text.rfind(p, 0, start) for p in "。！？!?\n"), default=-1) + 1
        ends = [e for e in (text.find(p, start) for p in "。！？!?\n") if e >= 0]
        right = min(ends) + 1 if ends else len(text)
        return text[left:right].strip()[:200]
