"""The ruby widget, its popup, saving a word, and a real screenshot under Xvfb."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from companion.pinyin import annotate
from companion.ui.reading.ruby_view import RubyView
from companion.ui.reading.tone_colors import PALETTES
from companion.ui.reading.word_popup import WordPopup
from companion.wordlist import WordToSave, save_word, saved_words
from tests.ruby_helpers import colors_in, shown_view, word_index

REPO = Path(__file__).resolve().parent.parent
POST = (
    "姐妹们！重庆的银行行长也在排队😂 还没有还钱 #重庆美食# @小红书 https://xhslink.com/a 人均100元"
)


@pytest.fixture
def view(qtbot: QtBot) -> RubyView:
    return shown_view(qtbot, POST)


def test_words_text_and_tone_colours(view: RubyView) -> None:
    bank = word_index(view, "银行")
    chief = word_index(view, "行长")
    assert view.displayed_pinyin(bank) == ["yín", "háng"]
    assert view.displayed_pinyin(chief) == ["háng", "zhǎng"]
    pleco = PALETTES["pleco"]
    assert view.word_color(chief, 0).name() == pleco[2]
    assert view.word_color(chief, 1).name() == pleco[3]
    image = view.grab().toImage()
    zhang = colors_in(image, view.char_rect(chief, 1))
    hang = colors_in(image, view.char_rect(chief, 0))
    assert pleco[3] in zhang and pleco[2] not in zhang  # 长 zhǎng drawn green
    assert pleco[2] in hang and pleco[3] not in hang  # 行 háng drawn orange
    # passthrough text is laid out too, and every word has a place
    shown = [i for i, w in enumerate(view.words()) if w.text.strip()]
    assert all(not view.word_rect(i).isEmpty() for i in shown)


def test_style_switch_numbers_zhuyin_and_no_colours(view: RubyView) -> None:
    chief = word_index(view, "行长")
    view.set_style("colorblind", "numbers")
    assert view.displayed_pinyin(chief) == ["hang2", "zhang3"]
    assert view.word_color(chief, 1).name() == PALETTES["colorblind"][3]
    view.set_style("none", "zhuyin")
    assert view.displayed_pinyin(chief) == ["ㄏㄤˊ", "ㄓㄤˇ"]
    text_color = view.palette().color(view.palette().ColorRole.WindowText)
    assert view.word_color(chief, 1) == text_color
    image = view.grab().toImage()
    assert PALETTES["pleco"][3] not in colors_in(image, view.char_rect(chief, 1))


def test_wraps_to_width(view: RubyView) -> None:
    wide = view.heightForWidth(2000)
    narrow = view.heightForWidth(200)
    assert narrow > wide > 0
    view.set_words([])
    assert view.heightForWidth(400) == 0


def test_hover_and_click_open_popup_and_save(view: RubyView, qtbot: QtBot) -> None:
    bank = word_index(view, "银行")
    center = view.word_rect(bank).center()
    with qtbot.waitSignal(view.wordHovered, timeout=2000) as hovered:
        qtbot.mouseMove(view, center)
    assert hovered.args[0].text == "银行"
    with qtbot.waitSignal(view.wordClicked, timeout=2000) as clicked:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=center)
    assert clicked.args[0].text == "银行"
    popup = view.popup()
    assert isinstance(popup, WordPopup) and popup.isVisible()
    assert popup.shown() == "银行"
    assert re.sub(r"<[^>]+>", "", popup.title.text()).startswith("银行 銀行")  # both forms
    body = popup.body.text()
    assert "bank" in body and "Measure words" in body
    with qtbot.waitSignal(view.saveRequested, timeout=2000) as saved:
        qtbot.mouseClick(popup.save_button, Qt.MouseButton.LeftButton)
    word = saved.args[0]
    assert isinstance(word, WordToSave)
    assert (word.simplified, word.traditional, word.pinyin) == ("银行", "銀行", "yín háng")
    assert "bank" in word.senses and "银行行长" in word.context
    assert save_word(word) is True
    assert save_word(word) is False  # the same word twice is stored once
    assert [w.simplified for w in saved_words()] == ["银行"]
    popup.close()


def test_popup_shows_one_character_alone(view: RubyView, qtbot: QtBot) -> None:
    chief = word_index(view, "行长")
    popup = view.open_popup(chief)
    assert popup is not None and popup.shown() == "行长"
    button = popup.findChild(QPushButton, "charButton1")
    assert button is not None and button.text() == "长"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert popup.shown() == "长"
    pinyins = {e.pinyin for e in popup.entries()}
    assert {"chang2", "zhang3"} <= pinyins
    whole = popup.findChild(QPushButton, "wholeWordButton")
    assert whole is not None
    qtbot.mouseClick(whole, Qt.MouseButton.LeftButton)
    assert popup.shown() == "行长"
    popup.close()


def test_traditional_word_popup_shows_simplified(qtbot: QtBot) -> None:
    widget = RubyView()
    qtbot.addWidget(widget)
    widget.resize(400, 200)
    widget.set_words(annotate("小紅書"))
    widget.show()
    popup = widget.open_popup(0)
    assert popup is not None
    title = re.sub(r"<[^>]+>", "", popup.title.text())
    assert title.startswith("小紅書 小红书")
    popup.close()


def test_keyboard_selection_opens_popup(view: RubyView, qtbot: QtBot) -> None:
    view.setFocus()
    with qtbot.waitSignal(view.wordClicked, timeout=2000) as clicked:
        qtbot.keyClick(view, Qt.Key.Key_Right)
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert clicked.args[0].is_chinese
    popup = view.popup()
    assert popup is not None
    popup.close()


def test_clicking_passthrough_text_does_nothing(view: RubyView, qtbot: QtBot) -> None:
    url = next(i for i, w in enumerate(view.words()) if "https" in w.text)
    rect = view.word_rect(url)
    with qtbot.assertNotEmitted(view.wordClicked):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.word_at(QPoint(-5, -5)) == (-1, -1)


def test_importing_the_view_does_not_load_the_dictionary() -> None:
    code = (
        "import sys, companion.ui.reading.ruby_view;"
        "print(any(m.startswith('companion.dictionary') or m == 'pypinyin' for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


SCREENSHOT_SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QScrollArea
    from companion.pinyin import annotate
    from companion.ui.reading.ruby_view import RubyView

    app = QApplication(sys.argv)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    view = RubyView()
    scroll.setWidget(view)
    view.set_words(annotate(sys.argv[2], sandhi=True))
    scroll.resize(640, 300)
    scroll.show()

    def snap():
        ok = scroll.grab().save(sys.argv[1])
        app.exit(0 if ok else 3)

    QTimer.singleShot(300, snap)
    sys.exit(app.exec())
    """
)


@pytest.mark.xvfb
def test_screenshot_under_xvfb(xvfb_display: str, tmp_path: Path) -> None:
    script = tmp_path / "shot.py"
    script.write_text(SCREENSHOT_SCRIPT, encoding="utf-8")
    png = tmp_path / "ruby.png"
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, str(script), str(png), POST + "，不是很贵，一起冲！"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert image.width() >= 600 and image.height() >= 200
    colors = {QColor(image.pixel(x, y)).name() for x in range(0, 600, 2) for y in range(0, 200, 2)}
    assert len(colors) > 20  # real glyphs, not a blank window
    assert {PALETTES["pleco"][t] for t in (1, 2, 3, 4)} <= colors  # all four tones drawn
    with contextlib.suppress(OSError):
        Path("/tmp/ruby_screenshot.png").write_bytes(png.read_bytes())
