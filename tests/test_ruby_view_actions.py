"""The reading view's actions: selecting words, copying pinyin (Ctrl+C and the context menu),
showing the other script, the sandhi flag, dark mode and the accessible description."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QMouseEvent, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from companion.pinyin import Word, annotate, pinyin_text
from companion.ui.reading.ruby_view import RubyView
from companion.ui.reading.tone_colors import DARK_PALETTES, PALETTES, tone_color
from tests.ruby_helpers import colors_in, shown_view, word_index

POST = "姐妹们！重庆的银行行长也在排队😂 还没有还钱 #重庆美食# @小红书 人均100元"
TRADITIONAL = "小紅書上的銀行行長說：這個開會時間太早了！"


def _view(qtbot: QtBot, text: str) -> RubyView:
    return shown_view(qtbot, text, width=480)


def _clipboard() -> str:
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    return clipboard.text()


def _action(view: RubyView, name: str, pos: QPoint | None = None) -> QAction:
    menu = view.context_menu(pos)
    action = menu.findChild(QAction, name)
    assert action is not None, [a.text() for a in menu.actions()]
    return action


def test_ctrl_c_copies_the_whole_texts_pinyin_without_a_selection(qtbot: QtBot) -> None:
    view = _view(qtbot, POST)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    expected = pinyin_text(view.words())
    assert _clipboard() == expected
    assert "yínháng hángzhǎng" in expected and "@Xiǎohóngshū" in expected


def test_drag_selects_words_and_copies_their_pinyin(qtbot: QtBot) -> None:
    view = _view(qtbot, POST)
    bank, chief = word_index(view, "银行"), word_index(view, "行长")
    start = view.word_rect(bank).center()
    end = view.word_rect(chief).center()
    with qtbot.assertNotEmitted(view.wordClicked):  # a drag is not a click
        qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(end),
            view.mapToGlobal(QPointF(end)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view, move)
        qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)
    assert view.selection() == (bank, chief)
    assert [w.text for w in view.selected_words()] == ["银行", "行长"]
    image = view.grab().toImage()
    gap = view.word_rect(bank).bottomRight() + QPoint(1, -8)  # between the two words
    assert QColor(image.pixel(gap)) != QColor(image.pixel(QPoint(2, 2)))  # shaded
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert _clipboard() == "yínháng hángzhǎng"
    _action(view, "copyAllPinyinAction").trigger()
    assert _clipboard() == pinyin_text(view.words())
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.selection() is None


def test_context_menu_copies_pinyin_characters_and_looks_up(qtbot: QtBot) -> None:
    view = _view(qtbot, POST)
    view.set_style("pleco", "numbers")
    bank = word_index(view, "银行")
    view.select_words(bank, bank + 1)
    _action(view, "copyPinyinAction").trigger()
    assert _clipboard() == "yin2hang2 hang2zhang3"
    _action(view, "copyTextAction").trigger()
    assert _clipboard() == "银行行长"
    view.clear_selection()
    menu = view.context_menu(view.word_rect(bank).center())
    look_up = menu.actions()[0]
    assert look_up.text() == "Look up 银行"
    look_up.trigger()
    popup = view.popup()
    assert popup is not None and popup.shown() == "银行"
    popup.close()
    view.select_all()
    assert view.selection() == (0, len(view.words()) - 1)
    _action(view, "copyPinyinAction").trigger()
    assert _clipboard() == pinyin_text(view.words(), "numbers")


def test_shift_arrows_extend_the_selection(qtbot: QtBot) -> None:
    view = _view(qtbot, POST)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    first = view.selection()
    assert first is None
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    selection = view.selection()
    assert selection is not None
    chosen = [w for w in view.words()[selection[0] : selection[1] + 1] if w.is_chinese]
    assert chosen == [w for w in view.words() if w.is_chinese][:3]


def test_other_script_toggle_traditional_to_simplified(qtbot: QtBot) -> None:
    view = _view(qtbot, TRADITIONAL)
    bank = word_index(view, "銀行")
    pinyin_before = [view.displayed_pinyin(i) for i in range(len(view.words()))]
    width_before = view.word_rect(bank).width()
    assert view.script() == "" and view.displayed_text(bank) == "銀行"  # as written
    assert view.other_script() == "simplified"
    action = _action(view, "otherScriptAction")
    assert action.text() == "Show simplified characters" and not action.isChecked()
    with qtbot.waitSignal(view.scriptChanged, timeout=2000) as changed:
        action.trigger()
    assert changed.args == ["simplified"]
    assert view.displayed_text(bank) == "银行"
    assert "".join(view.displayed_text(i) for i in range(len(view.words()))) == (
        "小红书上的银行行长说：这个开会时间太早了！"
    )
    assert [view.displayed_pinyin(i) for i in range(len(view.words()))] == pinyin_before
    assert view.word_rect(bank).width() == width_before
    assert view.copy_text().startswith("小红书上的银行")
    popup = view.open_popup(bank)  # the popup looks up the word as written
    assert popup is not None and popup.shown() == "銀行"
    popup.close()
    again = _action(view, "otherScriptAction")
    assert again.isChecked()
    again.trigger()
    assert view.script() == "" and view.displayed_text(bank) == "銀行"


def test_other_script_of_simplified_text_is_traditional(qtbot: QtBot) -> None:
    view = _view(qtbot, POST)
    assert view.other_script() == "traditional"
    view.toggle_other_script()
    assert view.displayed_text(word_index(view, "银行")) == "銀行"
    assert view.displayed_text(word_index(view, "重庆")) == "重慶"
    view.set_words(annotate("今天天气很好"))  # the choice stays for the next text
    shown = "".join(view.displayed_text(i) for i in range(len(view.words())))
    assert view.script() == "traditional" and shown == "今天天氣很好"
    with pytest.raises(ValueError):
        view.set_script("cantonese")


@dataclass(slots=True)
class SpokenWord(Word):
    """A Word carrying a third-tone sandhi flag (what the reading helper may add)."""

    sandhi: list[bool] = field(default_factory=list)


def test_room_for_a_sandhi_flag_in_the_styles(qtbot: QtBot) -> None:
    plain = annotate("你好")[0]
    spoken = SpokenWord(
        plain.text, ["ní", "hǎo"], [2, 3], True, plain.gloss, ["ni2", "hao3"], sandhi=[True, False]
    )
    view = RubyView()
    qtbot.addWidget(view)
    view.resize(300, 120)
    view.set_words([spoken])
    view.show()
    qtbot.waitExposed(view)
    assert "tone changed in speech: ní" in view._tooltip(0)
    image = view.grab().toImage()
    column = view.char_rect(0, 0)
    under_syllable = colors_in(image, column.adjusted(0, 10, 0, 20 - column.height()))
    assert PALETTES["pleco"][2] in under_syllable  # the syllable and its dotted mark


def test_dark_mode_uses_readable_tone_colours(qtbot: QtBot) -> None:
    view = _view(qtbot, POST)
    chief = word_index(view, "行长")
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#2d2d2d"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    view.setPalette(dark)
    assert view.word_color(chief, 1).name() == DARK_PALETTES["pleco"][3]

    def luminance(color: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.redF())
            + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF())
        )

    background = luminance(QColor("#2d2d2d"))
    for name in ("pleco", "colorblind"):
        for tone in range(5):
            color = tone_color(tone, name, dark)
            assert (luminance(color) + 0.05) / (background + 0.05) >= 4.5, (name, tone)
    image = view.grab().toImage()
    zhang = colors_in(image, view.char_rect(chief, 1))
    assert DARK_PALETTES["pleco"][3] in zhang


def test_accessible_description_is_the_pinyin(qtbot: QtBot) -> None:
    view = _view(qtbot, POST)
    qtbot.waitUntil(lambda: bool(view.accessibleDescription()), timeout=5000)
    assert "yín háng háng zhǎng" in view.accessibleDescription()
    assert view.accessibleName() == "Pinyin"
