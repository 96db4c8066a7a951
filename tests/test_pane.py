"""The translation pane alone, offscreen: what it shows for any size of post."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from companion.pinyin import Word
from companion.session import SessionResult
from companion.ui.translate.controller import HIGHLIGHT_LINE_CHARS, qt_highlights
from companion.ui.translate.pane import (
    DISPLAY_LINE_CHARS,
    TranslationPane,
    display_lines,
)


@pytest.fixture
def pane(qtbot: QtBot) -> TranslationPane:
    widget = TranslationPane()
    qtbot.addWidget(widget)
    widget.resize(520, 700)
    widget.show()
    return widget


def _words(count: int) -> list[Word]:
    sentence = [Word("今天", is_chinese=True, numbers=["jin1", "tian1"]), Word("。")]
    return [word for _ in range(count) for word in sentence]


def test_long_pinyin_is_shown_whole_and_says_where_it_stops(pane: TranslationPane) -> None:
    words = _words(1000)  # 3,000 characters
    pane.show_pinyin(words, truncated=False, problem="")
    assert pane.ruby.words() == words
    assert pane.pinyin_label.text() == "Pinyin and word meanings"
    pane.show_pinyin(words, truncated=True, problem="")
    assert pane.pinyin_label.text().endswith("(the first 5,000 characters)")
    pane.show_pinyin([], truncated=False, problem="the dictionary is missing")
    assert pane.pinyin_label.text() == "Pinyin unavailable: the dictionary is missing"
    assert pane.pinyin_panel.isVisibleTo(pane) and not pane.ruby_scroll.isVisibleTo(pane)
    pane.show_pinyin([], truncated=False, problem="")
    assert not pane.pinyin_panel.isVisibleTo(pane)


def test_a_huge_translation_line_is_shown_in_lines_and_copied_whole(
    pane: TranslationPane,
) -> None:
    text = "word " * 20_000
    shown = display_lines(text.strip())
    assert max(len(line) for line in shown.split("\n")) <= DISPLAY_LINE_CHARS
    assert shown.replace("\n", " ") == text.strip()
    assert display_lines("short\ntext") == "short\ntext"
    result = SessionResult(
        source_text="好" * 100, text=text.strip(), source="zh", target="en", detected=True,
        engine="offline", engine_label="Offline (Argos)", done=1, total=1,
    )  # fmt: skip
    pane.show_result(result)
    assert pane.result_text() == text.strip()  # what Copy copies: the real text
    assert pane.output.document().blockCount() > 1


def test_no_highlights_on_a_line_qt_would_lay_out_whole() -> None:
    from companion.glossary_api import TermHit

    hit = TermHit("种草", 0, 2, "tempted to buy")
    assert qt_highlights("种草了", (hit,)) == [(0, 2)]
    assert qt_highlights("😂种草", (TermHit("种草", 1, 3, ""),)) == [(2, 4)]  # UTF-16 units
    huge = "种草" + "好" * HIGHLIGHT_LINE_CHARS
    assert qt_highlights(huge, (hit,)) == []
    assert qt_highlights(huge.replace("好" * 100, "好" * 99 + "\n"), (hit,)) == [(0, 2)]


def test_notes_are_one_line_with_the_details_on_hover(pane: TranslationPane) -> None:
    note = (
        "DeepL: no API key stored: add one in Settings > Engines or with "
        "`python -m companion keys set deepl` - translated offline"
    )
    result = SessionResult(
        source_text="你好", text="Hello", source="zh", target="en", detected=True,
        engine="offline", engine_label="Offline (Argos)", notes=(note,), done=1, total=1,
    )  # fmt: skip
    pane.show_result(result)
    assert pane.notes_label.text() == "⚠ DeepL: no API key stored - translated offline"
    assert pane.notes_label.toolTip() == note
    assert pane.notes_label.minimumSizeHint().width() == 0  # it never widens the window
    assert pane.engine_badge.minimumSizeHint().width() == 0


def test_the_back_translation_says_it_is_being_checked(pane: TranslationPane) -> None:
    from dataclasses import replace

    checking = SessionResult(
        source_text="Hi", text="你好", source="en", target="zh", detected=True,
        done=1, total=1, complete=False,
    )  # fmt: skip
    pane.show_result(checking)
    assert pane.back_translation_text() == "Checking what your Chinese says…"
    pane.show_result(replace(checking, complete=True, back_translation="Hello"))
    assert pane.back_translation_text() == "Hello"
    pane.show_result(replace(checking, complete=True, back_translation_problem="No pack"))
    assert pane.back_translation_text() == "Cannot check it: No pack"
