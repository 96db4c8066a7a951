"""The pinyin view at start-up: empty, it measures no font (the CJK font is not loaded before
the window's first paint); given words, its minimum height fits one row of pinyin over hanzi."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from companion.pinyin import annotate
from companion.ui.reading import glyphs
from companion.ui.reading.ruby_view import MARGIN, RubyView


def test_an_empty_view_asks_for_no_height_and_measures_no_font(qtbot, monkeypatch) -> None:
    measured: list[object] = []
    real = glyphs.glyph_cache

    def counted(font: QFont) -> glyphs.GlyphCache:
        measured.append(font)
        return real(font)

    monkeypatch.setattr("companion.ui.reading.ruby_view.glyph_cache", counted)
    view = RubyView()
    qtbot.addWidget(view)
    assert (view.minimumSizeHint().width(), view.minimumSizeHint().height()) == (60, 0)
    assert view.heightForWidth(400) == 0
    assert measured == []

    view.set_words(annotate("今天天气很好"))
    hanzi = QFontMetrics(view._hanzi_font).height() + 2
    pinyin = QFontMetrics(view._pinyin_font).height() + 2
    assert view.minimumSizeHint().height() == hanzi + pinyin + 2 * MARGIN
    assert measured  # the first words measure the fonts
