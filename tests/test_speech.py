"""Reading aloud with QtTextToSpeech's built-in ``mock`` engine (no audio device needed).

The mock engine has English and Nordic voices but no Chinese one, which is exactly the
"no Chinese voice installed" case users hit on many Linux desktops.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from companion.ui.desktop.speech import Speaker, install_hint, text_language

tts = pytest.importorskip("PySide6.QtTextToSpeech", reason="PySide6-Addons not installed")
pytestmark = pytest.mark.qt_log_ignore("pipewire", "text-to-speech plug-in")


def test_chinese_without_a_chinese_voice_says_so_plainly(qtbot: QtBot) -> None:
    speaker = Speaker(engine="mock")
    with qtbot.waitSignal(speaker.unavailable) as blocker:
        assert speaker.speak("你好，我是新来的") is False
    message = blocker.args[0]
    assert message.startswith("No Chinese voice is installed.")
    assert "voice" in message.split(".", 1)[1]  # and where to get one
    assert speaker.can_speak("你好") is False


def test_english_is_spoken_by_an_english_voice(qtbot: QtBot) -> None:
    speaker = Speaker(engine="mock")
    assert speaker.can_speak("Hello, I'm new here")
    with qtbot.waitSignal(speaker.stateChanged, timeout=5000) as blocker:
        assert speaker.speak("Hello, I'm new here") is True
    assert blocker.args == ["speaking"]
    found = speaker.find_voice(QLocale.Language.English)
    assert found is not None and found[1].language() == QLocale.Language.English
    speaker.stop()


def test_empty_text_is_refused(qtbot: QtBot) -> None:
    speaker = Speaker(engine="mock")
    with qtbot.waitSignal(speaker.unavailable) as blocker:
        assert speaker.speak("   ") is False
    assert blocker.args == ["Nothing to read aloud."]


def test_language_choice_and_hints() -> None:
    assert text_language("小红书真好玩") == QLocale.Language.Chinese
    assert text_language("RedNote is fun 哈") == QLocale.Language.English
    assert "Chinese" in install_hint("Chinese")
