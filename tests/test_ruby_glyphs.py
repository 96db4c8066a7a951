"""Cached glyph widths agree with QFontMetrics, including the one-em shortcut for ideographs."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from pytestqt.qtbot import QtBot

from companion.ui.reading.glyphs import GlyphCache

SAMPLE = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生"
    "銀行長說這個開會時間龍龜鬱豈𠀀㐀鿿〇，。！？a1%😂"  # traditional, ext-A/B, unassigned, others
)


def test_cached_advances_match_the_font_metrics(qtbot: QtBot) -> None:
    font = QFont()
    font.setPointSizeF(17.6)
    cache = GlyphCache(font)
    metrics = QFontMetrics(font)
    for ch in SAMPLE:
        assert cache.advance(ch) == metrics.horizontalAdvance(ch), ch
    assert cache.advance("hǎo") == metrics.horizontalAdvance("hǎo")
    shaped = cache.shaped("中")
    assert round(shaped.advance) == metrics.horizontalAdvance("中")
    assert shaped.runs and shaped.height > 0
