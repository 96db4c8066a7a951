"""Line layout of the ruby view as plain numbers, built progressively.

Two stages, both resumable so a 100,000-character text never blocks the GUI thread for long:

- ``RubyContent`` turns words into boxes that do not depend on the width: a Chinese word is
  one box with one column per character (as wide as the character or its syllable, whichever
  is wider), other text is split into tokens, spaces and line breaks. Widths come from
  caller-supplied measuring functions (cached glyph advances), so this is dict lookups.
- ``RubyLayout`` breaks those boxes into rows for one width: an x and a row per box. Every row
  has the same height, so the row at a y coordinate is one division and the boxes of a row are
  a slice (``row_start``): painting and hit testing touch only what is on screen.

No Qt here: a layout is numbers once the glyph widths are known.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

CHINESE, TEXT, SPACE, NEWLINE = 0, 1, 2, 3
MARGIN = 4
NO_LINE_START = frozenset("，。！？、：；）」』】》〉”’…～,.!?:;)]}%")
_TOKEN_RE = re.compile(r"\n|[^\S\n]+|[^\s]+")
_CONTENT_CHUNK = 64  # words measured per step (a cold step measures new glyphs: ~1 ms)


class WordLike(Protocol):
    text: str
    is_chinese: bool
    numbers: list[str]
    pinyin: list[str]


ColumnCache = dict[str, tuple[list[int], int]]


@dataclass(frozen=True, slots=True)
class Spacing:
    """Vertical and horizontal spacing of one font setting, in pixels."""

    pinyin_h: int  # the pinyin line
    hanzi_h: int  # the character line
    word_gap: int  # between two Chinese words
    space_w: int  # one space of passthrough text

    @property
    def line_h(self) -> int:
        return self.pinyin_h + self.hanzi_h + 3

    @property
    def line_gap(self) -> int:
        return max(4, self.hanzi_h // 4)

    @property
    def pitch(self) -> int:
        """Distance from one row's top to the next row's top."""
        return self.line_h + self.line_gap


class RubyContent:
    """Width-independent boxes for ``words``, measured on demand in chunks.

    ``texts[i]`` is what word ``i`` shows when it is not the word as written (the other
    script; None: every word as written, so nothing is copied for a long text);
    ``syllables(i)`` the syllables drawn above it. Box ``b`` belongs to word ``word[b]``;
    word ``i``'s boxes are ``first_box[i]`` up to ``first_box[i + 1]``.
    """

    def __init__(
        self,
        words: Sequence[WordLike],
        texts: Sequence[str] | None,
        syllables: Callable[[int], list[str]],
        hanzi_advance: Callable[[str], int],
        pinyin_advance: Callable[[str], int],
        text_advance: Callable[[str], int],
        spacing: Spacing,
        column_cache: ColumnCache | None = None,
    ) -> None:
        """``column_cache`` (shared by contents with the same fonts and pinyin style) maps a
        word and its reading to its column widths, so repeated words cost one lookup."""
        self.words = words
        self._column_cache: ColumnCache = {} if column_cache is None else column_cache
        self.texts = texts
        self._syllables = syllables
        self._hanzi = hanzi_advance
        self._pinyin = pinyin_advance
        self.text_advance = text_advance
        self.spacing = spacing
        self.kind: list[int] = []
        self.width: list[int] = []
        self.word: list[int] = []
        self.token: list[str] = []  # the text of TEXT boxes ("" for the others)
        self.first_box: list[int] = []  # per measured word
        self.char_start: list[int] = []  # per measured word: characters before it
        self.columns: dict[int, list[int]] = {}  # Chinese word -> column widths
        self.chars_done = 0

    @property
    def words_done(self) -> int:
        return len(self.first_box)

    @property
    def complete(self) -> bool:
        return len(self.first_box) >= len(self.words)

    def boxes_of(self, index: int) -> range:
        """The boxes of word ``index`` (empty when it is not measured yet)."""
        if index >= len(self.first_box) or index < 0:
            return range(0)
        end = self.first_box[index + 1] if index + 1 < len(self.first_box) else len(self.kind)
        return range(self.first_box[index], end)

    def extend(self, count: int = _CONTENT_CHUNK) -> None:
        """Measure the next ``count`` words."""
        kind, width, owner, token = self.kind, self.width, self.word, self.token
        first_box, columns = self.first_box, self.columns
        hanzi, pinyin, text_advance = self._hanzi, self._pinyin, self.text_advance
        space_w = self.spacing.space_w
        cache = self._column_cache
        if len(cache) > 200_000:
            cache.clear()
        start = len(first_box)
        stop = min(len(self.words), start + count)
        char_start = self.char_start
        texts = self.texts
        chars = self.chars_done
        for index in range(start, stop):
            word = self.words[index]
            text = word.text if texts is None else texts[index]
            char_start.append(chars)
            chars += len(text)
            first_box.append(len(kind))
            if word.is_chinese:
                # a string key: tuples would be garbage-collector work for every word
                key = f"{text}|{' '.join(word.numbers) or '|' + ' '.join(word.pinyin)}"
                cached = cache.get(key)
                if cached is None:
                    syllables = self._syllables(index)
                    cols = []
                    for k, ch in enumerate(text):
                        syllable = syllables[k] if k < len(syllables) else ""
                        cols.append(max(hanzi(ch), pinyin(syllable) + 4 if syllable else 0))
                    cached = cache[key] = (cols, sum(cols))
                columns[index] = cached[0]
                kind.append(CHINESE)
                width.append(cached[1])
                owner.append(index)
                token.append("")
                continue
            for piece in _TOKEN_RE.findall(text):
                if piece == "\n":
                    kind.append(NEWLINE)
                    width.append(0)
                elif piece.isspace():
                    kind.append(SPACE)
                    width.append(space_w * len(piece.replace("\u3000", "  ")))
                else:
                    kind.append(TEXT)
                    width.append(text_advance(piece))
                owner.append(index)
                token.append(piece if kind[-1] == TEXT else "")
        self.chars_done = chars


@dataclass(slots=True)
class Piece:
    """A part of a token wider than a whole line, placed on its own."""

    text: str
    x: int
    row: int
    width: int


class RubyLayout:
    """Rows for one width, advanced on demand over a ``RubyContent``.

    Box ``b`` is drawn at ``(x[b], row_top(row[b]))`` with width ``content.width[b]`` (a TEXT
    box wider than a line is split into ``pieces[b]``). Row ``r``'s boxes start at
    ``row_start[r]``.
    """

    def __init__(self, content: RubyContent, width: int) -> None:
        self.content = content
        self.width = width
        self.avail = max(40, width - 2 * MARGIN)
        self.x: list[int] = []
        self.row: list[int] = []
        self.row_start: list[int] = [0]
        self.pieces: dict[int, list[Piece]] = {}
        self.row_pieces: dict[int, list[tuple[int, int]]] = {}  # row -> (box, piece index)
        self._cx = 0  # the pen: x within the current row
        self._has_items = False
        self.done = False

    # --- progress -----------------------------------------------------------------------------

    @property
    def rows(self) -> int:
        """Rows laid out so far (the last one may still grow)."""
        return len(self.row_start)

    @property
    def boxes_done(self) -> int:
        return len(self.x)

    def advance(
        self,
        until_row: int | None = None,
        deadline: float | None = None,
        until_box: int | None = None,
    ) -> None:
        """Lay out more boxes: until row ``until_row`` is complete, box ``until_box`` is
        placed, the clock passes ``deadline`` (``time.perf_counter``; a new layout places
        one chunk first, so a short text is laid out at once), or all is laid out.

        Past the deadline a started layout does nothing: its estimated height stays the
        same for the rest of the event-loop turn, so the size queries of the surrounding
        layouts settle instead of chasing a height that moves with every query."""
        content = self.content
        placed = bool(self.x)  # a new layout places one chunk whatever the clock says
        while not self.done:
            if len(self.x) >= len(content.kind) and content.complete:
                self.done = True
                return
            if until_row is not None and len(self.row_start) > until_row + 1:
                return
            if until_box is not None and len(self.x) > until_box:
                return
            if deadline is not None and placed and time.perf_counter() >= deadline:
                return
            if len(self.x) >= len(content.kind):
                content.extend()
                continue
            self._place(min(len(content.kind), len(self.x) + 512))
            placed = True

    def _place(self, stop: int) -> None:
        content = self.content
        kind, widths, tokens = content.kind, content.width, content.token
        xs, rows, row_start = self.x, self.row, self.row_start
        avail = self.avail
        word_gap = content.spacing.word_gap
        x = self._cx
        row = len(row_start) - 1
        for b in range(len(xs), stop):
            k = kind[b]
            w = widths[b]
            if k <= TEXT:  # CHINESE or TEXT: a box that is drawn
                if k == TEXT and w > avail:
                    x, row = self._split(b, x, row)
                    continue
                gap = word_gap if k == CHINESE else 1
                # closing punctuation never starts a line: it may overhang the margin instead
                sticky = k == TEXT and tokens[b][:1] in NO_LINE_START and w * 4 <= avail
                if x and x + gap + w > avail and not sticky:
                    x = 0
                    row += 1
                    row_start.append(b)
                elif x:
                    x += gap
                xs.append(MARGIN + x)
                rows.append(row)
                x += w
                self._has_items = True
            elif k == NEWLINE:
                xs.append(MARGIN + x)
                rows.append(row)
                x = 0
                row += 1
                row_start.append(b + 1)
            else:
                xs.append(MARGIN + x)
                rows.append(row)
                if x:
                    x += w
        self._cx = x

    def _split(self, b: int, x: int, row: int) -> tuple[int, int]:
        """Place a token wider than a line (a long URL) as pieces that fit, one per row."""
        content = self.content
        pieces: list[Piece] = []
        for text in _fit(content.token[b], content.text_advance, self.avail):
            w = content.text_advance(text)
            if x and x + 1 + w > self.avail:
                x = 0
                row += 1
                # a row holding only later pieces of this box starts with the next box
                self.row_start.append(b if not pieces else b + 1)
            elif x:
                x += 1
            pieces.append(Piece(text, MARGIN + x, row, w))
            if len(pieces) > 1:
                self.row_pieces.setdefault(row, []).append((b, len(pieces) - 1))
            x += w
        self.pieces[b] = pieces
        self.x.append(pieces[0].x)
        self.row.append(pieces[0].row)
        self._has_items = True
        return x, row

    # --- geometry -----------------------------------------------------------------------------

    def row_top(self, row: int) -> int:
        return MARGIN + row * self.content.spacing.pitch

    def height(self) -> int:
        """The height of what is laid out so far (the whole text once ``done``)."""
        if not self._has_items:
            return 0
        return (len(self.row_start) - 1) * self.content.spacing.pitch + (
            self.content.spacing.line_h + 2 * MARGIN
        )

    def estimated_height(self) -> int:
        """The final height: exact when done, else extrapolated from the part laid out."""
        if self.done:
            return self.height()
        content = self.content
        spacing = content.spacing
        laid = content.word[self.boxes_done - 1] + 1 if self.boxes_done else 0  # words
        if laid >= 100:
            rows_per_word = self.rows / laid
        else:  # too little to go by: rows of full-width characters, 1.5 to a word
            rows_per_word = 1.5 / max(1, self.avail // max(1, spacing.hanzi_h))
        rows = max(self.rows, round(len(content.words) * rows_per_word))
        return (rows - 1) * spacing.pitch + spacing.line_h + 2 * MARGIN

    def rows_between(self, top: int, bottom: int) -> range:
        """Rows that a band of y coordinates ``top..bottom`` touches (laid-out rows only)."""
        pitch = self.content.spacing.pitch
        first = max(0, (top - MARGIN) // pitch)
        last = min(len(self.row_start) - 1, max(0, bottom - MARGIN) // pitch)
        return range(first, last + 1)

    def boxes_in_row(self, row: int) -> range:
        if not 0 <= row < len(self.row_start):
            return range(0)
        end = self.row_start[row + 1] if row + 1 < len(self.row_start) else len(self.x)
        return range(self.row_start[row], end)

    def row_at(self, y: int) -> int:
        """The row whose line (not the gap below it) contains ``y``; -1 for none."""
        spacing = self.content.spacing
        if y < MARGIN:
            return -1
        row, offset = divmod(y - MARGIN, spacing.pitch)
        if offset >= spacing.line_h or row >= len(self.row_start):
            return -1
        return row


def _fit(token: str, advance: Callable[[str], int], avail: int) -> list[str]:
    """A token wider than a whole line cut into pieces that fit (summing cached advances)."""
    pieces: list[str] = []
    start, used = 0, 0
    for k, ch in enumerate(token):
        w = advance(ch)
        if k > start and used + w > avail:
            pieces.append(token[start:k])
            start, used = k, 0
        used += w
    pieces.append(token[start:])
    return pieces
