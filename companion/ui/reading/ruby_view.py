"""The ruby view: Chinese words with their pinyin above, coloured by tone, wrapping like text.

Drawn by hand rather than with rich-text ruby (Qt has none) or one QLabel per word (thousands
of widgets for a long post). Instant at any size:

- ``set_words`` only stores the list. The layout (``ruby_layout``: plain numbers from cached
  glyph advances) is built progressively, a few milliseconds at a time on the GUI thread: the
  rows on screen first, the rest from an idle timer, so even 100,000 characters never block
  input. One layout is kept per width (and per content), so ``heightForWidth``/``sizeHint``
  calls from the surrounding layouts cost a dict lookup.
- Painting touches only the rows in the exposed rectangle (one division finds them) and
  draws cached glyphs batched into one run per font and colour.

Hovering a word shows its meaning as a tooltip; clicking opens the word popup (all senses,
traditional form, measure words, save); dragging selects words, and Ctrl+C or the context
menu copies their pinyin (the whole text's without a selection). The context menu also shows
the text in the other script (traditional <-> simplified); by default it is shown as written.
The dictionary is never imported here at start-up: words arrive already annotated.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QGuiApplication,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QScrollArea, QSizePolicy, QToolTip, QWidget

from companion.ui.reading.glyphs import glyph_cache
from companion.ui.reading.ruby_layout import (
    CHINESE,
    MARGIN,
    NEWLINE,
    SPACE,
    TEXT,
    ColumnCache,
    RubyContent,
    RubyLayout,
    Spacing,
)
from companion.ui.reading.ruby_menu import build_menu, sentence_around
from companion.ui.reading.ruby_paint import Row, build_row, draw_row
from companion.ui.reading.tone_colors import tone_color

if TYPE_CHECKING:
    from companion.pinyin import Word
    from companion.ui.reading.word_popup import WordPopup

__all__ = ["MARGIN", "PaintInfo", "RubyView"]

_SLICE_SECONDS = 0.008  # longest layout step on the GUI thread
_KEPT_WIDTHS = 4  # layouts kept: the scroll area asks with and without its scroll bar
_PAINT_BUDGET_SECONDS = 0.012  # rows built per paint: the rest follow in the next frame
_PAINT_AFTER_LAYOUT_SECONDS = 0.004  # ... when a layout slice ran in the same turn
_KEPT_ROWS = 600  # prepared rows kept for repainting (a few screens)
_OWN_KEYS = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.SelectAll)
_formatted: dict[tuple[str, str], str] = {}
_column_caches: dict[tuple[str, str, str], ColumnCache] = {}  # by fonts and pinyin style


@dataclass(frozen=True, slots=True)
class PaintInfo:
    """What the last paint did: the rows it covered, boxes drawn, rows laid out at that
    time, and rows left for the next frame (glyphs never drawn before take long)."""

    rows: range
    boxes: int
    rows_laid_out: int
    pending: int = 0


class _WrittenTexts:
    """The words' own texts, read one by one (no copy of a 100,000-character list)."""

    def __init__(self, words: list[Word]) -> None:
        self._words = words

    def __getitem__(self, index: int) -> str:
        return self._words[index].text

    def __len__(self) -> int:
        return len(self._words)


def _format(numbers: str, style: str) -> str:
    """``format_syllable`` cached: a 100,000-character text has a few hundred syllables."""
    key = (numbers, style)
    text = _formatted.get(key)
    if text is None:
        from companion.pinyin import format_syllable

        text = _formatted[key] = format_syllable(numbers, style)
    return text


class RubyView(QWidget):
    """Words with pinyin above. Signals carry ``companion.pinyin.Word`` objects.

    - ``wordHovered(object)``: the word under the mouse (None when leaving words)
    - ``wordClicked(object)``: a Chinese word was clicked (the popup opens too, unless
      ``popup_enabled`` is False)
    - ``saveRequested(object)``: the popup's "Save word" (a ``companion.wordlist.WordToSave``)
    - ``scriptChanged(str)``: the script the text is shown in ("simplified", "traditional",
      or "" for as written), chosen from the context menu
    - ``layoutFinished()``: the whole text is laid out for the current width
    """

    wordHovered = Signal(object)
    wordClicked = Signal(object)
    saveRequested = Signal(object)
    scriptChanged = Signal(str)
    layoutFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[Word] = []
        self._converted: list[str] | None = None  # each word in the other script, if shown
        self._syllables: list[list[str] | None] = []  # rendered on demand
        self._palette_name = "pleco"
        self._pinyin_style = "marks"
        self._script = ""  # "" as written, else "simplified" / "traditional"
        self._written_traditional: bool | None = None
        self._content: RubyContent | None = None
        self._layouts: dict[int, RubyLayout] = {}
        self._rows: OrderedDict[tuple[int, int], Row] = OrderedDict()
        self.rows_built = 0  # rows prepared for painting so far (tests count them)
        self._announced: set[int] = set()  # widths whose finished layout was announced
        self._description: Iterator[None] | None = None
        self._described = False
        self._turn_end: float | None = None
        self._hovered = -1
        self._current = -1  # keyboard selection
        self._anchor = -1  # where a selection started
        self._selection: tuple[int, int] | None = None  # first and last word, inclusive
        self._press_pos: QPoint | None = None
        self._dragging = False
        self._popup: WordPopup | None = None
        self.popup_enabled = True
        self._last_paint = PaintInfo(range(0), 0, 0)
        self._hanzi_font = QFont()
        self._pinyin_font = QFont()
        self._update_fonts()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._background_step)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.setAccessibleName("Pinyin")

    # --- public API -------------------------------------------------------------------------

    def set_words(self, words: list[Word]) -> None:
        """Show ``words`` (from ``companion.pinyin.annotate``). Cheap: layout happens lazily."""
        self._words = list(words)
        self._syllables = [None] * len(self._words)
        self._written_traditional = None
        self._hovered = self._current = self._anchor = -1
        self._selection = None
        self._converted = self._convert()
        self.setAccessibleDescription("")
        self._invalidate()

    def words(self) -> list[Word]:
        return list(self._words)

    def set_style(self, tone_palette: str, pinyin_style: str) -> None:
        """Palette ("pleco", "colorblind", "none") and pinyin ("marks", "numbers", "zhuyin")."""
        if tone_palette != self._palette_name:
            self._palette_name = tone_palette
            self.update()
        if pinyin_style != self._pinyin_style:
            self._pinyin_style = pinyin_style
            self._syllables = [None] * len(self._words)
            self._update_fonts()
            self._invalidate()

    def displayed_pinyin(self, index: int) -> list[str]:
        """The syllables drawn above word ``index`` (empty for non-Chinese words)."""
        return list(self._syllables_of(index))

    def displayed_text(self, index: int) -> str:
        """The characters drawn for word ``index`` (in the other script when that is shown)."""
        return self._words[index].text if self._converted is None else self._converted[index]

    def word_color(self, index: int, char: int = 0) -> QColor:
        """The colour character ``char`` of word ``index`` and its syllable are drawn in."""
        word = self._words[index]
        if not word.is_chinese or not word.tones:
            return self.palette().color(QPalette.ColorRole.WindowText)
        return tone_color(word.tones[char], self._palette_name, self.palette())

    def word_rect(self, index: int) -> QRect:
        """Where word ``index`` is drawn (united over wrapped pieces); empty if not shown."""
        if not 0 <= index < len(self._words):
            return QRect()
        layout = self._layout()
        content = layout.content
        while content.words_done <= index and not content.complete:
            content.extend()
        boxes = content.boxes_of(index)
        if not boxes:
            return QRect()
        layout.advance(until_box=boxes[-1])
        rect = QRect()
        for b in boxes:
            for box_rect in self._box_rects(layout, b):
                rect = rect.united(box_rect)
        return rect

    def char_rect(self, index: int, char: int) -> QRect:
        rect = self.word_rect(index)
        if rect.isEmpty() or not self._words[index].is_chinese:
            return QRect()
        columns = self._layout().content.columns[index]
        left = sum(columns[:char])
        return QRect(rect.x() + left, rect.y(), columns[char], rect.height())

    def word_at(self, pos: QPoint) -> tuple[int, int]:
        """(word index, character index) under ``pos``; (-1, -1) when none."""
        layout = self._layout()
        row = layout.row_at(pos.y())
        if row < 0:
            return -1, -1
        layout.advance(until_row=row)
        if row >= layout.rows:
            return -1, -1
        content = layout.content
        x = pos.x()
        for b, k in layout.row_pieces.get(row, ()):
            piece = layout.pieces[b][k]
            if piece.x <= x < piece.x + piece.width:
                return content.word[b], -1
        boxes = layout.boxes_in_row(row)
        b = bisect_right(layout.x, x, boxes.start, boxes.stop) - 1
        if b < boxes.start or content.kind[b] in (SPACE, NEWLINE):
            return -1, -1
        width = layout.pieces[b][0].width if b in layout.pieces else content.width[b]
        if x >= layout.x[b] + width:
            return -1, -1
        index = content.word[b]
        if content.kind[b] != CHINESE:
            return index, -1
        left = layout.x[b]
        for k, col in enumerate(content.columns[index]):
            if left <= x < left + col:
                return index, k
            left += col
        return index, 0

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

    # selection and copying

    def select_words(self, first: int, last: int) -> None:
        """Select words ``first`` to ``last`` (inclusive, either order)."""
        if not self._words:
            return
        first = max(0, min(first, len(self._words) - 1))
        last = max(0, min(last, len(self._words) - 1))
        self._set_selection((min(first, last), max(first, last)))

    def select_all(self) -> None:
        self.select_words(0, len(self._words) - 1)

    def clear_selection(self) -> None:
        self._set_selection(None)

    def selection(self) -> tuple[int, int] | None:
        """(first, last) word of the selection, inclusive; None without one."""
        return self._selection

    def selected_words(self) -> list[Word]:
        """The selected words, or every word when nothing is selected."""
        if self._selection is None:
            return list(self._words)
        first, last = self._selection
        return self._words[first : last + 1]

    def pinyin_for_copy(self, whole: bool = False) -> str:
        """The pinyin of the selection (or of the whole text) as one line of text."""
        from companion.pinyin import pinyin_text

        words = self._words if whole or self._selection is None else self.selected_words()
        return pinyin_text(words, self._pinyin_style)

    def copy_pinyin(self, whole: bool = False) -> str:
        """Put the selection's pinyin (the whole text's without one) on the clipboard."""
        text = self.pinyin_for_copy(whole)
        clipboard = QGuiApplication.clipboard()
        if text and clipboard is not None:
            clipboard.setText(text)
        return text

    def copy_text(self) -> str:
        """Put the selection's characters, as shown, on the clipboard."""
        first, last = self._selection or (0, len(self._words) - 1)
        text = "".join(self.displayed_text(i) for i in range(first, last + 1))
        clipboard = QGuiApplication.clipboard()
        if text and clipboard is not None:
            clipboard.setText(text)
        return text

    # script

    def set_script(self, script: str) -> None:
        """Show the text as written (""), or converted to "simplified" or "traditional"."""
        if script not in ("", "simplified", "traditional"):
            raise ValueError(f"unknown script {script!r}: use '', 'simplified' or 'traditional'")
        if script == self._script:
            return
        self._script = script
        self._converted = self._convert()
        self._invalidate()
        self.scriptChanged.emit(script)

    def script(self) -> str:
        return self._script

    def other_script(self) -> str:
        """The script the text is *not* written in: what the toggle offers to show."""
        if self._written_traditional is None:
            from companion.script import is_traditional

            self._written_traditional = is_traditional(self._chinese_text())
        return "simplified" if self._written_traditional else "traditional"

    def toggle_other_script(self) -> None:
        """Show the other script, or back to the text as written."""
        self.set_script("" if self._script else self.other_script())

    def context_menu(self, pos: QPoint | None = None) -> QMenu:
        """The menu shown on a right click at ``pos`` (built here so tests can trigger it)."""
        index = self.word_at(pos)[0] if pos is not None else -1
        return build_menu(self, index if index >= 0 and self._words[index].is_chinese else -1)

    # progress (for tests and the bench)

    def layout_progress(self) -> tuple[int, bool]:
        """(rows laid out, finished) for the current width."""
        layout = self._layouts.get(self.width())
        return (layout.rows, layout.done) if layout is not None else (0, False)

    def busy(self) -> bool:
        """True while idle-time work (laying out, the accessible description) remains."""
        return self._timer.isActive()

    def last_paint(self) -> PaintInfo:
        return self._last_paint

    # --- content and layout -----------------------------------------------------------------

    def _syllables_of(self, index: int) -> list[str]:
        syllables = self._syllables[index]
        if syllables is None:
            word = self._words[index]
            if not word.is_chinese:
                syllables = []
            else:
                style = self._pinyin_style
                syllables = [_format(s, style) for s in word.numbers] or list(word.pinyin)
            self._syllables[index] = syllables
        return syllables

    def _chinese_text(self) -> str:
        return "".join(w.text for w in self._words if w.is_chinese)

    def _convert(self) -> list[str] | None:
        """Every word in the script chosen, or None to show them as written."""
        if not self._script:
            return None
        if self._script == "simplified":  # annotate gives each word's simplified form
            return [getattr(w, "simplified", "") or w.text for w in self._words]
        from companion.script import to_traditional

        converted = to_traditional(self._chinese_text())  # same length, char for char
        texts = [w.text for w in self._words]
        pos = 0
        for index, word in enumerate(self._words):
            if word.is_chinese:
                texts[index] = converted[pos : pos + len(word.text)]
                pos += len(word.text)
        return texts

    def _update_fonts(self) -> None:
        base = QFont(self.font())
        size = base.pointSizeF() if base.pointSizeF() > 0 else 11.0
        self._hanzi_font = QFont(base)
        self._hanzi_font.setPointSizeF(size * 1.6)
        self._pinyin_font = QFont(base)
        self._pinyin_font.setPointSizeF(size * (0.85 if self._pinyin_style == "zhuyin" else 0.95))

    def _spacing(self) -> Spacing:
        hanzi = glyph_cache(self._hanzi_font)
        pinyin = glyph_cache(self._pinyin_font)
        return Spacing(
            pinyin_h=pinyin.metrics.height() + 2,
            hanzi_h=hanzi.metrics.height() + 2,
            word_gap=max(4, hanzi.advance("中") * 2 // 5),
            space_w=hanzi.advance(" "),
        )

    def _invalidate(self) -> None:
        """The content changed (words, style, font or script): lay out again, lazily."""
        self._content = None
        self._layouts.clear()
        self._rows.clear()
        self._announced.clear()
        self._description = None
        self._described = False
        self.updateGeometry()
        self.update()
        if self._words:
            self._timer.start()

    def _content_now(self) -> RubyContent:
        if self._content is None:
            hanzi = glyph_cache(self._hanzi_font)
            pinyin = glyph_cache(self._pinyin_font)
            self._content = RubyContent(
                self._words,
                self._converted,
                self._syllables_of,
                hanzi.advance,
                pinyin.advance,
                hanzi.advance,
                self._spacing(),
                _column_caches.setdefault(
                    (self._hanzi_font.key(), self._pinyin_font.key(), self._pinyin_style), {}
                ),
            )
        return self._content

    def _layout(self, width: int | None = None) -> RubyLayout:
        """The (possibly partial) layout for ``width`` (the current width by default)."""
        width = self.width() if width is None else width
        layout = self._layouts.pop(width, None)
        if layout is None:
            layout = RubyLayout(self._content_now(), width)
            while len(self._layouts) >= _KEPT_WIDTHS:
                self._layouts.pop(next(iter(self._layouts)))
        self._layouts[width] = layout  # most recently used last
        return layout

    def _background_step(self) -> None:
        """One slice of idle-time work: the current width's layout, then the description."""
        deadline = time.perf_counter() + _SLICE_SECONDS
        if not self._words or not self.isVisible():
            self._timer.stop()
            return
        layout = self._layout()
        if not layout.done:
            layout.advance(deadline=deadline)
            if not layout.done:
                return
        if layout.width not in self._announced:
            self._announced.add(layout.width)
            if self.height() != layout.height():
                self.updateGeometry()  # the exact height replaces the estimate
            self.layoutFinished.emit()
        if self._description is None:
            self._description = self._describe()
        while time.perf_counter() < deadline:
            if next(self._description, StopIteration) is StopIteration:
                self._timer.stop()
                return

    def _describe(self) -> Iterator[None]:
        """Build the accessible description (the pinyin, word by word) in slices."""
        parts: list[str] = []
        style = self._pinyin_style
        for start in range(0, len(self._words), 2000):
            for word in self._words[start : start + 2000]:
                # rendered here, not kept: the syllable lists of every word would be
                # long-lived objects for the garbage collector to walk
                if word.is_chinese and word.numbers:
                    parts.append(" ".join([_format(s, style) for s in word.numbers]))
                else:
                    parts.append(" ".join(word.pinyin) if word.is_chinese else word.text)
            yield None
        self.setAccessibleDescription(" ".join(parts))
        self._described = True

    def _box_rects(self, layout: RubyLayout, b: int) -> list[QRect]:
        content = layout.content
        kind = content.kind[b]
        if kind not in (CHINESE, TEXT):
            return []
        line_h = content.spacing.line_h
        if b in layout.pieces:
            return [QRect(p.x, layout.row_top(p.row), p.width, line_h) for p in layout.pieces[b]]
        return [QRect(layout.x[b], layout.row_top(layout.row[b]), content.width[b], line_h)]

    # --- QWidget ----------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if not self._words:
            return 0
        layout = self._layout(width)
        if not layout.done:
            # a short text is laid out at once; a long one gets one slice per turn of the
            # event loop, shared by every size query in it, and the rest when idle
            layout.advance(deadline=self._turn_deadline())
        if not layout.done:
            self._timer.start()
        return layout.estimated_height()

    def _turn_deadline(self) -> float:
        """The end of this event-loop turn's layout budget (one slice, shared)."""
        if self._turn_end is None:
            self._turn_end = time.perf_counter() + _SLICE_SECONDS
            QTimer.singleShot(0, self, self._end_turn)
        return self._turn_end

    def _end_turn(self) -> None:
        self._turn_end = None

    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 100 else 400
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        if not self._words:
            return QSize(60, 0)  # no font measured for an empty view (none at start-up)
        spacing = self._spacing()
        return QSize(60, spacing.pinyin_h + spacing.hanzi_h + 2 * MARGIN)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._words and not self._layout().done:
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._words:
            self._timer.start()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._update_fonts()
            self._invalidate()
        elif event.type() == QEvent.Type.PaletteChange:
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._words:
            return
        clip = event.rect()
        layout = self._layout()
        spacing = layout.content.spacing
        layout.advance(until_row=max(0, (clip.bottom() - MARGIN) // spacing.pitch))
        rows = layout.rows_between(clip.top(), clip.bottom())
        if not rows:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        pens = [tone_color(t, self._palette_name, palette) for t in range(5)]
        pens.append(palette.color(QPalette.ColorRole.WindowText))
        self._paint_marks(painter, layout, self._visible_boxes(layout, rows), clip)
        underline = QColor(palette.color(QPalette.ColorRole.Mid))
        underline.setAlpha(140)
        drawn = 0
        pending: list[int] = []
        now = time.perf_counter()
        deadline = now + _PAINT_BUDGET_SECONDS
        if self._turn_end is not None:  # layout already had a slice in this turn: share it
            deadline = min(deadline, max(self._turn_end, now) + _PAINT_AFTER_LAYOUT_SECONDS)
        for row in rows:
            if (layout.width, row) not in self._rows and drawn and time.perf_counter() > deadline:
                pending.append(row)  # glyphs never drawn before are slow: finish next frame
                continue
            prepared = self._row(layout, row)
            draw_row(painter, prepared, layout.row_top(row), pens, underline, self._hanzi_font)
            drawn += prepared.boxes
        painter.end()
        self._last_paint = PaintInfo(rows, drawn, layout.rows, len(pending))
        if pending:  # the rows on screen come before any idle-time work
            self._timer.stop()
            top = layout.row_top(pending[0])
            bottom = layout.row_top(pending[-1]) + spacing.line_h
            rest = QRect(0, top, self.width(), bottom - top + 1).intersected(clip)
            QTimer.singleShot(0, self, lambda: self.update(rest))
        elif not layout.done or not self._described:
            self._timer.start()

    def _row(self, layout: RubyLayout, row: int) -> Row:
        """Row ``row`` prepared for painting, from the cache when it was drawn before."""
        key = (layout.width, row)
        prepared = self._rows.get(key)
        if prepared is not None:
            self._rows.move_to_end(key)
            return prepared
        prepared = build_row(
            layout,
            row,
            self._words,
            self._converted or _WrittenTexts(self._words),
            self._syllables_of,
            glyph_cache(self._hanzi_font),
            glyph_cache(self._pinyin_font),
        )
        self.rows_built += 1
        if layout.done or row < layout.rows - 1:  # the last row may still grow
            self._rows[key] = prepared
            while len(self._rows) > _KEPT_ROWS:
                self._rows.popitem(last=False)
        return prepared

    @staticmethod
    def _visible_boxes(layout: RubyLayout, rows: range) -> list[int]:
        """The boxes of ``rows``, plus boxes from above whose wrapped pieces reach them."""
        first = layout.boxes_in_row(rows.start).start
        boxes = range(first, layout.boxes_in_row(rows[-1]).stop)
        earlier = {b for r in rows for b, _k in layout.row_pieces.get(r, ()) if b < first}
        return [*sorted(earlier), *boxes] if earlier else list(boxes)

    def _paint_marks(
        self, painter: QPainter, layout: RubyLayout, visible: list[int], clip: QRect
    ) -> None:
        """The selection, and the hovered and keyboard-current words, behind the text."""
        palette = self.palette()
        highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(Qt.PenStyle.NoPen)
        if self._selection is not None:
            first, last = self._selection
            fill = QColor(highlight)
            fill.setAlpha(90)
            painter.setBrush(fill)
            words = layout.content.word
            band: QRect | None = None  # selected boxes side by side shade as one band
            for b in visible:
                if not first <= words[b] <= last:
                    continue
                for rect in self._box_rects(layout, b):
                    if band is not None and band.top() == rect.top():
                        band = band.united(rect)
                        continue
                    if band is not None and band.intersects(clip):
                        painter.drawRect(band.adjusted(-3, -1, 3, 1))
                    band = rect
            if band is not None and band.intersects(clip):
                painter.drawRect(band.adjusted(-3, -1, 3, 1))
        marked = {self._hovered, self._current} - {-1}
        if marked:
            fill = QColor(highlight)
            fill.setAlpha(45)
            painter.setBrush(fill)
            for index in marked:
                rect = self.word_rect(index)
                if not rect.isEmpty() and rect.intersects(clip):
                    painter.drawRoundedRect(rect.adjusted(-3, -1, 3, 1), 4, 4)

    def _update_word(self, index: int) -> None:
        if 0 <= index < len(self._words):
            rect = self.word_rect(index)
            if not rect.isEmpty():
                self.update(rect.adjusted(-4, -2, 4, 2))

    def _set_selection(self, selection: tuple[int, int] | None) -> None:
        if selection == self._selection:
            return
        old, self._selection = self._selection, selection
        changed = [s for s in (old, selection) if s is not None]
        first = min(s[0] for s in changed)
        last = max(s[1] for s in changed)
        top, bottom = self.word_rect(first), self.word_rect(last)
        if top.isEmpty() or bottom.isEmpty():
            self.update()
        else:
            self.update(QRect(0, top.top() - 2, self.width(), bottom.bottom() - top.top() + 5))

    # mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position().toPoint()
            self._dragging = False
            self._anchor = self._word_near(self._press_pos)
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press_pos is not None and event.buttons() & Qt.MouseButton.LeftButton:
            moved = (pos - self._press_pos).manhattanLength()
            if self._dragging or moved >= QApplication.startDragDistance():
                self._dragging = True
                here = self._word_near(pos)
                if self._anchor >= 0 and here >= 0:
                    self.select_words(self._anchor, here)
                area = self._scroll_area()
                if area is not None:
                    area.ensureVisible(pos.x(), pos.y(), 0, 20)
        index, _char = self.word_at(pos)
        if index >= 0 and not self._words[index].is_chinese:
            index = -1
        if index != self._hovered:
            old, self._hovered = self._hovered, index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if index >= 0 else Qt.CursorShape.ArrowCursor
            )
            self.wordHovered.emit(self._words[index] if index >= 0 else None)
            self._update_word(old)
            self._update_word(index)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovered != -1:
            old, self._hovered = self._hovered, -1
            self.wordHovered.emit(None)
            self._update_word(old)
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            dragged, self._dragging = self._dragging, False
            self._press_pos = None
            if dragged:
                return
            index, char = self.word_at(event.position().toPoint())
            if index >= 0 and self._words[index].is_chinese:
                self.clear_selection()
                self._activate(index, char if char >= 0 and self._single_char(event) else -1)
                return
        super().mouseReleaseEvent(event)

    def _word_near(self, pos: QPoint) -> int:
        """The word under ``pos``, else the nearest one in its row (for selecting)."""
        index = self.word_at(pos)[0]
        if index >= 0:
            return index
        layout = self._layout()
        if not layout.rows:
            return -1
        pitch = layout.content.spacing.pitch
        row = max(0, min(layout.rows - 1, (pos.y() - MARGIN) // pitch))
        boxes = layout.boxes_in_row(row)
        if not boxes:
            return -1
        b = max(boxes.start, bisect_right(layout.x, pos.x(), boxes.start, boxes.stop) - 1)
        return layout.content.word[b]

    @staticmethod
    def _single_char(event: QMouseEvent) -> bool:
        """Alt/Shift-click (or a click on a one-character word) shows the character alone."""
        mods = event.modifiers()
        return bool(mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier))

    def _activate(self, index: int, char: int = -1) -> None:
        old, self._current = self._current, index
        self._update_word(old)
        self._update_word(index)
        self.wordClicked.emit(self._words[index])
        if self.popup_enabled:
            self.open_popup(index, char)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.context_menu(event.pos()).exec(event.globalPos())

    # keyboard

    def _next_chinese(self, start: int, step: int) -> int:
        index = start + step
        while 0 <= index < len(self._words):
            if self._words[index].is_chinese:
                return index
            index += step
        return -1

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_pinyin()
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
            return
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left) and self._words:
            step = 1 if key == Qt.Key.Key_Right else -1
            if 0 <= self._current < len(self._words) and self._words[self._current].is_chinese:
                target = self._next_chinese(self._current, step)
                target = self._current if target < 0 else target
            else:
                target = self._next_chinese(-1 if step > 0 else len(self._words), step)
            if target >= 0:
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    if self._selection is None or self._anchor < 0:
                        self._anchor = self._current if self._current >= 0 else target
                    self.select_words(self._anchor, target)
                else:
                    self._anchor = -1
                old, self._current = self._current, target
                self._update_word(old)
                self._update_word(target)
                self._scroll_to(target)
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self._current >= 0:
            self._activate(self._current)
            return
        if key == Qt.Key.Key_Escape and self._selection is not None:
            self.clear_selection()
            return
        super().keyPressEvent(event)

    def _scroll_area(self) -> QScrollArea | None:
        viewport = self.parentWidget()
        area = viewport.parentWidget() if viewport is not None else None
        return area if isinstance(area, QScrollArea) and area.widget() is self else None

    def _scroll_to(self, index: int) -> None:
        area = self._scroll_area()
        rect = self.word_rect(index)
        if area is not None and self.height() != self._layout().estimated_height():
            # the height is still an estimate: let the scroll area take the real one first
            self.updateGeometry()
            QApplication.sendPostedEvents(area, QEvent.Type.LayoutRequest)
        if area is not None and not rect.isEmpty():
            center = rect.center()
            area.ensureVisible(
                center.x(), center.y(), rect.width() // 2 + 8, rect.height() // 2 + 8
            )

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and any(event.matches(key) for key in _OWN_KEYS)
        ):
            event.accept()  # Ctrl+C / Ctrl+A are the view's, even if a window action has them
            return True
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index, _char = self.word_at(event.pos())
            if index >= 0 and self._words[index].is_chinese:
                QToolTip.showText(
                    event.globalPos(), self._tooltip(index), self, self.word_rect(index)
                )
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def _tooltip(self, index: int) -> str:
        word = self._words[index]
        syllables = self._syllables_of(index)
        text = " ".join(syllables)
        if word.gloss:
            text += f" — {word.gloss}"
        sandhi = getattr(word, "sandhi", None)
        if sandhi:
            changed = [s for s, flag in zip(syllables, sandhi, strict=False) if flag]
            if changed:
                text += f"\n(tone changed in speech: {', '.join(changed)})"
        if self.displayed_text(index) != word.text:
            text += f"\nwritten {word.text}"
        return text

    def _context(self, index: int) -> str:
        """The sentence around word ``index``, saved with the word as an example."""
        first = max(0, index - 400)  # a sentence is never that long: look no further
        return sentence_around([w.text for w in self._words[first : index + 400]], index - first)
