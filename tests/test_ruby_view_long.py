"""The ruby view with a 100,000-character text, embedded in a QScrollArea as the pane does:
only what is on screen is prepared and drawn, hit testing holds after scrolling, and size
queries reuse the layout of their width."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QFrame, QScrollArea
from pytestqt.qtbot import QtBot

from companion.pinyin import Word, annotate
from companion.ui.reading import ruby_layout
from companion.ui.reading.ruby_view import RubyView

PARAGRAPH = (
    "姐妹们！今天终于去了重庆那家超火的网红火锅店🔥，排队排了快两个小时，但是真的值得！"
    "锅底是牛油的，麻辣鲜香，毛肚和鸭肠都特别新鲜。服务员小姐姐超级热情，还送了我们一份冰粉。"
    "人均一百五左右，不算便宜但也不贵。#重庆美食# @小红书 https://xhslink.com/a/Bx7\n"
)
WAIT = 20_000


@pytest.fixture(scope="module")
def long_words() -> list[Word]:
    """Real annotate() output, repeated to 100,000 characters."""
    words = annotate(PARAGRAPH)
    repeat = 100_000 // len(PARAGRAPH) + 1
    return words * repeat


@pytest.fixture
def scrolled(qtbot: QtBot, long_words: list[Word]) -> Iterator[tuple[QScrollArea, RubyView]]:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    view = RubyView()
    area.setWidget(view)
    qtbot.addWidget(area)
    area.resize(640, 400)
    area.show()
    qtbot.waitExposed(area)
    view.set_words(long_words)
    yield area, view
    area.close()


def _visible_rows(area: QScrollArea, view: RubyView) -> range:
    """Rows of the view that the viewport shows (from the geometry alone)."""
    top = area.verticalScrollBar().value()
    bottom = top + area.viewport().height()
    pitch = view.word_rect(0).height() + view._layout().content.spacing.line_gap
    return range(max(0, (top - 4) // pitch - 1), (bottom - 4) // pitch + 2)


def test_only_visible_rows_are_prepared_and_drawn(
    scrolled: tuple[QScrollArea, RubyView], qtbot: QtBot
) -> None:
    area, view = scrolled
    assert sum(len(w.text) for w in view.words()) >= 100_000
    view.repaint()
    first = view.last_paint()
    assert first.boxes > 0 and first.rows.start == 0
    assert set(first.rows) <= set(_visible_rows(area, view))
    qtbot.waitUntil(lambda: view.layout_progress()[1], timeout=WAIT)  # the rest when idle
    rows, _done = view.layout_progress()
    assert rows > 1000
    qtbot.waitUntil(lambda: view.height() == view.heightForWidth(view.width()), timeout=WAIT)
    built = view.rows_built
    assert built <= len(_visible_rows(area, view)) + 2  # laying out the rest drew nothing
    bar = area.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    view.repaint()
    middle = view.last_paint()
    assert set(middle.rows) <= set(_visible_rows(area, view))
    assert middle.rows.start > rows // 3
    for _ in range(5):  # a few wheel notches: only the rows scrolling in are prepared
        before = view.rows_built
        bar.setValue(bar.value() + 60)
        view.repaint()
        assert view.rows_built - before <= len(_visible_rows(area, view))
    assert view.rows_built < built + 4 * len(_visible_rows(area, view))


def test_hit_testing_and_clicks_after_scrolling(
    scrolled: tuple[QScrollArea, RubyView], qtbot: QtBot, long_words: list[Word]
) -> None:
    area, view = scrolled
    view.popup_enabled = False
    qtbot.waitUntil(lambda: view.layout_progress()[1], timeout=WAIT)
    bar = area.verticalScrollBar()
    bar.setValue(bar.maximum() * 3 // 4)
    top = bar.value()
    index = view.word_at(QPoint(60, top + area.viewport().height() // 2))[0]
    # the nearest Chinese word from there on that is fully on screen
    index = next(i for i in range(max(index, 0), len(long_words)) if long_words[i].is_chinese)
    rect = view.word_rect(index)
    assert top <= rect.top() < top + area.viewport().height()
    for char in range(len(long_words[index].text)):
        assert view.word_at(view.char_rect(index, char).center()) == (index, char)
    with qtbot.waitSignal(view.wordClicked, timeout=WAIT) as clicked:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked.args[0] is long_words[index]
    assert view.word_at(QPoint(rect.center().x(), view.height() + 50)) == (-1, -1)


def test_keyboard_navigation_scrolls_to_the_current_word(
    scrolled: tuple[QScrollArea, RubyView], qtbot: QtBot, long_words: list[Word]
) -> None:
    area, view = scrolled
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Left)  # from nothing, Left goes to the last word
    last = max(i for i, w in enumerate(long_words) if w.is_chinese)
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=WAIT)
    seen = QRect(0, bar.value(), area.viewport().width(), area.viewport().height())
    assert seen.contains(view.word_rect(last).center())


def test_size_queries_reuse_the_layout_of_their_width(
    qtbot: QtBot, long_words: list[Word], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = RubyView()
    qtbot.addWidget(view)
    view.set_words(long_words[:400])
    height = view.heightForWidth(500)
    assert height > 0 and height == view.heightForWidth(500)
    placed: list[int] = []
    original = ruby_layout.RubyLayout._place

    def counting_place(self: ruby_layout.RubyLayout, stop: int) -> None:
        placed.append(stop)
        original(self, stop)

    monkeypatch.setattr(ruby_layout.RubyLayout, "_place", counting_place)
    for _ in range(20):  # what the pane's partial results set off
        assert view.heightForWidth(500) == height
        view.sizeHint()
        view.resize(500, height)
        view.word_rect(10)
    assert view.heightForWidth(700) < height  # a new width is laid out once...
    count = len(placed)
    assert view.heightForWidth(700) < height and len(placed) == count  # ...and kept
    view.set_style("pleco", "zhuyin")  # a new style is new content: laid out again
    view.heightForWidth(500)
    assert len(placed) > count


def test_empty_and_blank_texts(qtbot: QtBot) -> None:
    view = RubyView()
    qtbot.addWidget(view)
    view.resize(300, 200)
    view.show()
    for words in ([], [Word("\n\n \n")], [Word("")]):
        view.set_words(words)
        assert view.heightForWidth(300) == 0
        view.repaint()
        assert view.word_at(QPoint(10, 10)) == (-1, -1)
        assert view.pinyin_for_copy() == ""
