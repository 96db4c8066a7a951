"""Cached glyph advances and shaped glyphs for the ruby view, one cache per font.

Measuring a character with ``QFontMetrics.horizontalAdvance`` costs ~5 us and drawing one
with ``QPainter.drawText`` ~40 us (most of it shaping the same string again). Chinese text
repeats a few thousand characters and a few hundred syllables, so both are cached per string:
an advance is a dict lookup, and a row's cached glyphs are batched into one ``QGlyphRun``
per font and colour (``ruby_paint``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetrics, QGlyphRun, QRawFont, QTextLayout

_MAX_STRINGS = 50_000  # passthrough tokens (URLs, English words) are not a closed set


@dataclass(frozen=True, slots=True)
class Shaped:
    """A short string shaped once: per font used, its glyphs and their offsets."""

    runs: tuple[tuple[int, tuple[int, ...], tuple[tuple[float, float], ...]], ...]
    advance: float  # natural width of the string
    height: float  # line height from QTextLayout
    ascent: float


class GlyphCache:
    """Advances (ints, as ``QFontMetrics`` gives them) and shaped glyphs of strings in one
    font. Shared between views through ``glyph_cache``."""

    def __init__(self, font: QFont) -> None:
        self.font = QFont(font)
        self.metrics = QFontMetrics(self.font)
        self._advances: dict[str, int] = {}
        self._shaped: dict[str, Shaped] = {}
        self.raw_fonts: list[QRawFont] = []
        self._ideographs: tuple[QRawFont, int] | tuple[()] | None = None

    def advance(self, text: str) -> int:
        width = self._advances.get(text)
        if width is None:
            if len(self._advances) > _MAX_STRINGS:
                self._advances.clear()
            width = self._ideograph_advance(text)
            if width is None:
                width = self.metrics.horizontalAdvance(text)
            self._advances[text] = width
        return width

    def _ideograph_advance(self, text: str) -> int | None:
        """Every ideograph in a CJK font is one em wide: measuring each one costs 20-90 us
        the first time (its glyph is loaded), looking it up in the font's cmap 0.3 us."""
        if len(text) != 1 or not _is_ideograph(ord(text)):
            return None
        if self._ideographs is None:
            self._ideographs = self._uniform_ideographs()
        if not self._ideographs:
            return None
        raw, width = self._ideographs
        return width if raw.supportsCharacter(ord(text)) else None

    def _uniform_ideographs(self) -> tuple[QRawFont, int] | tuple[()]:
        """The font drawing 中 and its ideograph width, if 一, 中 and 龍 share that width."""
        samples = [self.metrics.horizontalAdvance(ch) for ch in "一中龍"]
        runs = self._shape("中").runs
        if len(set(samples)) != 1 or len(runs) != 1:
            return ()
        return self.raw_fonts[runs[0][0]], samples[0]

    def shaped(self, text: str) -> Shaped:
        shaped = self._shaped.get(text)
        if shaped is None:
            if len(self._shaped) > _MAX_STRINGS:
                self._shaped.clear()
            shaped = self._shaped[text] = self._shape(text)
        return shaped

    def _shape(self, text: str) -> Shaped:
        layout = QTextLayout(text, self.font)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1e6)
        layout.endLayout()
        runs = []
        for run in layout.glyphRuns():
            index = self._font_index(run.rawFont())
            points = tuple((p.x(), p.y()) for p in run.positions())
            runs.append((index, tuple(run.glyphIndexes()), points))
        return Shaped(tuple(runs), line.naturalTextWidth(), line.height(), line.ascent())

    def _font_index(self, raw: QRawFont) -> int:
        for index, known in enumerate(self.raw_fonts):
            if known == raw:
                return index
        self.raw_fonts.append(raw)
        return len(self.raw_fonts) - 1


class GlyphBatch:
    """Glyphs collected for one row, turned into one ``QGlyphRun`` per (font, colour)."""

    def __init__(self, cache: GlyphCache) -> None:
        self._cache = cache
        self._runs: dict[tuple[int, int], tuple[list[int], list[QPointF]]] = {}

    def add(self, shaped: Shaped, x: float, y: float, color: int) -> None:
        """Queue ``shaped`` with its line's top-left at (x, y), in colour slot ``color``."""
        for font, glyphs, points in shaped.runs:
            key = (font, color)
            batch = self._runs.get(key)
            if batch is None:
                batch = self._runs[key] = ([], [])
            batch[0].extend(glyphs)
            batch[1].extend([QPointF(x + px, y + py) for px, py in points])

    def runs(self) -> list[tuple[int, QGlyphRun]]:
        """(colour slot, run) for everything queued."""
        out = []
        for (font, color), (glyphs, points) in self._runs.items():
            run = QGlyphRun()
            run.setRawFont(self._cache.raw_fonts[font])
            run.setGlyphIndexes(glyphs)
            run.setPositions(points)
            out.append((color, run))
        return out


def _is_ideograph(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x323AF
    )


_caches: dict[str, GlyphCache] = {}


def glyph_cache(font: QFont) -> GlyphCache:
    """The shared cache for ``font`` (by ``QFont.key()``: family, size, weight, style)."""
    key = font.key()
    cache = _caches.get(key)
    if cache is None:
        if len(_caches) > 16:
            _caches.clear()
        cache = _caches[key] = GlyphCache(font)
    return cache
