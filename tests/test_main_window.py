"""The real window offscreen, with the real offline engine on the fixture packs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from companion.session import SessionResult
from companion.settings import Settings
from companion.ui.main_window import MainWindow

WAIT = 60_000  # generous: two cores shared with the rest of the suite


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    settings = Settings()
    settings.set("first_run_done", True)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.warmedUp, timeout=WAIT):
        win.show()
    yield win
    win.controller.cancel()
    win.runner.wait_idle(WAIT)
    QApplication.processEvents()


def _type(win: MainWindow, qtbot, text: str) -> SessionResult:
    with qtbot.waitSignal(win.controller.resultShown, timeout=WAIT) as blocker:
        win.pane.set_text(text)
    return blocker.args[0]


def test_chinese_is_translated_offline_with_pinyin(
    window: MainWindow, installed_packs, qtbot
) -> None:
    with qtbot.waitSignal(window.controller.pinyinShown, timeout=WAIT):
        result = _type(window, qtbot, "小红书上的家人们好。")
    assert (result.source, result.target) == ("zh", "en")
    assert window.pane.result_text() == result.text != ""
    assert "stays on this computer" in window.pane.engine_badge.text()
    assert window.pane.detected_label.text() == "Detected: Chinese → English"
    assert window.pane.ruby_scroll.isVisible()
    assert not window.pane.back_output.isVisible()


def test_english_gets_chinese_with_back_translation(
    window: MainWindow, installed_packs, qtbot
) -> None:
    with qtbot.waitSignal(window.controller.backTranslationShown, timeout=WAIT):
        result = _type(window, qtbot, "Hello, I'm new here. I'm an American from TikTok.")
    assert (result.source, result.target) == ("en", "zh")
    assert window.pane.back_output.isVisible()
    assert window.pane.back_translation_text() != ""


def test_no_pack_shows_actions_not_a_traceback(window: MainWindow, qtbot) -> None:
    with qtbot.waitSignal(window.controller.noPack, timeout=WAIT) as blocker:
        window.pane.set_text("姐妹们被种草了")
    assert "language pack" in blocker.args[0]
    banner = window.pane.banner
    assert banner.isVisible()
    assert banner.download_button.isVisible() and banner.file_button.isVisible()
    assert "Traceback" not in window.pane.output.toPlainText()
    # Pinyin and the phrasebook still help without a pack.
    qtbot.waitUntil(lambda: window.pane.ruby_scroll.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.pane.terms_view.isVisible(), timeout=WAIT)
    assert "种草" in window.pane.terms_view.toPlainText()
    assert len(window.pane.input.extraSelections()) >= 2  # 姐妹们 and 种草 highlighted


def test_newer_input_wins_over_stale_results(window: MainWindow, installed_packs, qtbot) -> None:
    long_text = "".join(f"这是第{i}句话，家人们。" for i in range(40))
    window.pane.set_text(long_text)
    result = _type(window, qtbot, "好的。")
    assert result.source_text == "好的。"
    window.runner.wait_idle(WAIT)
    QApplication.processEvents()
    assert window.controller.last_result is not None
    assert window.controller.last_result.source_text == "好的。"


def test_long_post_streams_in_with_progress(
    window: MainWindow, installed_packs, qtbot, monkeypatch
) -> None:
    shown: list[tuple[int, int, bool]] = []
    original = window.pane.show_result

    def spy(result: SessionResult) -> None:
        shown.append((result.done, result.total, result.complete))
        original(result)

    monkeypatch.setattr(window.pane, "show_result", spy)
    text = "\n".join(f"今天第{i}次去打卡，真的绝绝子！" for i in range(30))
    result = _type(window, qtbot, text)
    assert result.complete and result.total == 30
    partial = [s for s in shown if not s[2]]
    assert partial, "a long post should appear part by part"
    assert partial[0][0] < 30
    assert result.text.count("\n") == 29  # the user's lines are kept


def test_same_text_is_served_from_the_cache(window: MainWindow, installed_packs, qtbot) -> None:
    _type(window, qtbot, "谢谢分享。")
    _type(window, qtbot, "好看。")
    cache = window.session.cache
    hits_before = cache.hits
    _type(window, qtbot, "谢谢分享。")
    assert cache.hits == hits_before + 1


def test_copy_puts_the_translation_on_the_clipboard(
    window: MainWindow, installed_packs, qtbot
) -> None:
    result = _type(window, qtbot, "谢谢。")
    window.action_copy.trigger()
    assert QApplication.clipboard().text() == result.text


def test_window_geometry_is_remembered(qtbot, tmp_path: Path) -> None:
    settings = Settings()
    settings.set("first_run_done", True)
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.resize(611, 707)
    first.save_geometry()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (611, 707)


def test_the_same_text_pasted_again_after_clearing_is_shown_again(
    window: MainWindow, installed_packs, qtbot
) -> None:
    first = _type(window, qtbot, "你好，家人们。")
    window.pane.set_text("")
    assert window.pane.result_text() == ""
    again = _type(window, qtbot, "你好，家人们。")
    assert again.text == first.text
    assert window.pane.result_text() == first.text


def test_a_new_request_hides_the_old_back_translation(
    window: MainWindow, installed_packs, qtbot
) -> None:
    with qtbot.waitSignal(window.controller.backTranslationShown, timeout=WAIT):
        _type(window, qtbot, "Thanks for the recommendation!")
    window.pane.set_text("Where did you buy this lipstick?")
    window.controller.translate_now()
    assert not window.pane.back_output.isVisible()  # until the new Chinese is checked


def test_without_the_chinese_english_pack_the_chinese_is_still_shown(
    window: MainWindow, en_zh_pack_file: Path, qtbot
) -> None:
    from companion import changes
    from companion.packs import install_pack

    install_pack(en_zh_pack_file)
    changes.notify("packs", "en-zh")
    result = _type(window, qtbot, "I'm new here, hello everyone!")
    assert result.target == "zh" and window.pane.result_text() == result.text != ""
    assert not window.pane.banner.isVisible()
    assert window.pane.back_output.isVisible()
    assert window.pane.back_translation_text().startswith("Cannot check it:")


def test_swap_flips_direction_for_the_session_only(
    window: MainWindow, installed_packs, qtbot
) -> None:
    result = _type(window, qtbot, "谢谢你的推荐。")
    with qtbot.waitSignal(window.controller.resultShown, timeout=WAIT) as blocker:
        window.action_swap.trigger()
    swapped = blocker.args[0]
    assert (swapped.source, swapped.target) == ("en", "zh")
    assert swapped.source_text == result.text
    assert window.pane.direction() == "en-zh"
    assert window.settings.get("direction") == "auto"  # not saved as the user's choice


def test_errors_are_not_copied_as_translations(window: MainWindow, qtbot) -> None:
    QApplication.clipboard().setText("before")
    window.pane.show_error("Translation failed: something")
    window.action_copy.trigger()
    assert QApplication.clipboard().text() == "before"
