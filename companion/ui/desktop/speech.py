"""Read text aloud with QtTextToSpeech, only in a voice that speaks its language.

QtTextToSpeech ships in PySide6-Addons (and needs libpulse on Linux); it is imported on first
use so Companion runs without it. Chinese read by an English voice is gibberish, so when no
Chinese voice exists we say so and how to get one, instead of speaking.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QLocale, QObject, Signal

NO_ADDONS = (
    "Reading aloud needs the PySide6-Addons package (QtTextToSpeech), which is not installed."
)


def install_hint(language: str) -> str:
    """Where the user gets a voice for ``language`` ("Chinese" or "English") on this OS."""
    if sys.platform == "win32":
        return f"Add a {language} voice in Settings > Time & language > Speech > Add voices."
    if sys.platform == "darwin":
        return (
            f"Download a {language} voice in System Settings > Accessibility > "
            "Spoken Content > System voice > Manage Voices."
        )
    return (
        "Install speech-dispatcher with a voice that speaks "
        f"{language} (e.g. espeak-ng: apt install speech-dispatcher espeak-ng)."
    )


def text_language(text: str) -> QLocale.Language:
    from companion.text import looks_chinese  # not imported before the first paint

    return QLocale.Language.Chinese if looks_chinese(text) else QLocale.Language.English


class Speaker(QObject):
    """Speaks through the first engine that has a voice for the text's language.

    ``engine`` picks one QtTextToSpeech plugin by name (tests use Qt's ``mock`` engine); by
    default the platform engines are tried and ``mock`` is never used. The
    ``COMPANION_TTS_ENGINE`` environment variable overrides the choice.
    """

    unavailable = Signal(str)  # a plain sentence for the status bar
    stateChanged = Signal(str)  # "speaking" | "ready" | "error"

    def __init__(self, parent: QObject | None = None, engine: str | None = None) -> None:
        super().__init__(parent)
        self._engine_name = engine or os.environ.get("COMPANION_TTS_ENGINE") or None
        self._engines: dict[str, Any] = {}
        self._current: Any = None

    def _module(self) -> Any:
        try:
            from PySide6 import QtTextToSpeech
        except ImportError:
            return None
        return QtTextToSpeech

    def _engine_names(self, module: Any) -> list[str]:
        if self._engine_name:
            return [self._engine_name]
        return [name for name in module.QTextToSpeech.availableEngines() if name != "mock"]

    def _engine(self, module: Any, name: str) -> Any:
        if name not in self._engines:
            tts = module.QTextToSpeech(name, self)
            tts.stateChanged.connect(self._state_changed)
            self._engines[name] = tts
        return self._engines[name]

    def find_voice(self, language: QLocale.Language) -> tuple[Any, Any] | None:
        """(engine, locale) of the first engine with a voice for ``language``."""
        module = self._module()
        if module is None:
            return None
        for name in self._engine_names(module):
            tts = self._engine(module, name)
            if tts.state() == module.QTextToSpeech.State.Error:
                continue
            for locale in tts.availableLocales():
                if locale.language() == language:
                    return tts, locale
        return None

    def can_speak(self, text: str) -> bool:
        return bool(text.strip()) and self.find_voice(text_language(text)) is not None

    def speak(self, text: str) -> bool:
        """Start reading; False (and ``unavailable`` emitted) when it cannot."""
        if not text.strip():
            self.unavailable.emit("Nothing to read aloud.")
            return False
        if self._module() is None:
            self.unavailable.emit(NO_ADDONS)
            return False
        language = text_language(text)
        label = "Chinese" if language == QLocale.Language.Chinese else "English"
        found = self.find_voice(language)
        if found is None:
            self.unavailable.emit(f"No {label} voice is installed. {install_hint(label)}")
            return False
        tts, locale = found
        self.stop()
        tts.setLocale(locale)
        self._current = tts
        tts.say(text)
        return True

    def stop(self) -> None:
        if self._current is not None:
            self._current.stop()

    def _state_changed(self, state: Any) -> None:
        name = getattr(state, "name", str(state)).lower()
        self.stateChanged.emit(
            "speaking" if name == "speaking" else "error" if name == "error" else "ready"
        )
