"""Clipboard watch in one process (offscreen): what it reports and what it must ignore.

Copies made by other programs are covered under Xvfb in test_desktop_xvfb.py.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from companion.ui.desktop.clipboard_watch import (
    KDE_PASSWORD_HINT,
    OWN_COPY_MIME,
    ClipboardWatcher,
    copy_to_clipboard,
    is_chinese_worth_translating,
    is_concealed,
)


def set_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def set_mime(text: str, extra: dict[str, bytes]) -> None:
    mime = QMimeData()
    mime.setText(text)
    for name, value in extra.items():
        mime.setData(name, value)
    QGuiApplication.clipboard().setMimeData(mime)


@pytest.fixture
def watcher(qtbot: QtBot) -> ClipboardWatcher:
    set_text("")
    w = ClipboardWatcher(debounce_ms=30)
    w.set_enabled(True)
    return w


def test_off_by_default_and_state_is_observable(qtbot: QtBot) -> None:
    w = ClipboardWatcher()
    assert w.is_enabled() is False and w.property("enabled") is False
    with qtbot.waitSignal(w.enabledChanged) as blocker:
        w.setProperty("enabled", True)
    assert blocker.args == [True] and w.is_enabled()
    w.set_enabled(False)


def test_chinese_copy_is_reported(qtbot: QtBot, watcher: ClipboardWatcher) -> None:
    with qtbot.waitSignal(watcher.chineseCopied, timeout=3000) as blocker:
        set_text("  这个平替真的绝绝子  ")
    assert blocker.args == ["这个平替真的绝绝子"]


def test_burst_is_debounced_to_the_last_copy(qtbot: QtBot, watcher: ClipboardWatcher) -> None:
    seen: list[str] = []
    watcher.chineseCopied.connect(seen.append)
    with qtbot.waitSignal(watcher.chineseCopied, timeout=3000):
        for text in ("种草", "避雷", "平替好物"):
            set_text(text)
    qtbot.wait(100)
    assert seen == ["平替好物"]


def test_own_copy_is_ignored(qtbot: QtBot, watcher: ClipboardWatcher) -> None:
    with qtbot.waitSignal(watcher.ignored, timeout=3000) as blocker:
        copy_to_clipboard("我们的翻译结果")
    assert blocker.args == ["own"]
    assert OWN_COPY_MIME in QGuiApplication.clipboard().mimeData().formats()


def test_concealed_copies_are_ignored(qtbot: QtBot, watcher: ClipboardWatcher) -> None:
    seen: list[str] = []
    watcher.chineseCopied.connect(seen.append)
    for extra in (
        {KDE_PASSWORD_HINT: b"secret"},
        {"ExcludeClipboardContentFromMonitorProcessing": b"\x00"},
        {"org.nspasteboard.ConcealedType": b""},
    ):
        with qtbot.waitSignal(watcher.ignored, timeout=3000) as blocker:
            set_mime("密码是小红书123", extra)
        assert blocker.args == ["concealed"]
    assert seen == []


def test_non_chinese_and_repeats_are_ignored(qtbot: QtBot, watcher: ClipboardWatcher) -> None:
    with qtbot.waitSignal(watcher.ignored, timeout=3000) as blocker:
        set_text("hunter2 plain English")
    assert blocker.args == ["not chinese"]
    with qtbot.waitSignal(watcher.chineseCopied, timeout=3000):
        set_text("集美们好")
    with qtbot.waitSignal(watcher.ignored, timeout=3000) as blocker:
        set_text("集美们好")
    assert blocker.args == ["repeat"]


def test_disabled_watcher_reports_nothing(qtbot: QtBot, watcher: ClipboardWatcher) -> None:
    watcher.set_enabled(False)
    seen: list[str] = []
    watcher.chineseCopied.connect(seen.append)
    watcher.ignored.connect(seen.append)
    set_text("关注我")
    qtbot.wait(120)
    assert seen == []


def test_rules() -> None:
    assert is_concealed([KDE_PASSWORD_HINT, "text/plain"], b"secret")
    assert not is_concealed([KDE_PASSWORD_HINT, "text/plain"], b"")
    assert is_concealed(
        ['application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"']
    )
    assert not is_concealed(["text/plain", "text/html"])
    assert is_chinese_worth_translating("小红书 app 真好用")
    assert not is_chinese_worth_translating("")
    assert not is_chinese_worth_translating("666！！😀")
    assert not is_chinese_worth_translating("中" * 6000)
