"""Speech for flashcards: a pluggable speaker that turns Chinese text into an audio file.

Anki plays what is in the deck, so audio must be rendered at export time. A speaker is any
object with ``extension`` and ``synthesize(text) -> bytes | None`` (None: no voice for that
text). The one shipped uses espeak-ng's Mandarin voice when it is installed; Qt's speech
engines only speak aloud and cannot write a file from Python, and no other offline Chinese
voice is available to every user, so without espeak-ng a deck simply has no audio.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from typing import Protocol

_log = logging.getLogger(__name__)


class Speaker(Protocol):
    extension: str  # the audio files' extension, e.g. "wav" or "mp3"

    def synthesize(self, text: str) -> bytes | None:
        """The audio of ``text`` read aloud, or None when it cannot be read."""
        ...


class EspeakSpeaker:
    """espeak-ng (GPL-3, a separate program run per word) with its Mandarin voice."""

    extension = "wav"

    def __init__(self, program: str, voice: str = "cmn", timeout: float = 20.0) -> None:
        self.program = program
        self.voice = voice
        self.timeout = timeout

    @classmethod
    def find(cls, voice: str = "cmn") -> EspeakSpeaker | None:
        """The installed espeak-ng when it has ``voice``; None otherwise."""
        program = shutil.which("espeak-ng")
        if program is None:
            return None
        try:
            listed = subprocess.run(
                [program, f"--voices={voice}"], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if voice.encode() not in listed.stdout:
            return None
        return cls(program, voice)

    def synthesize(self, text: str) -> bytes | None:
        if not text.strip():
            return None
        try:
            done = subprocess.run(
                [self.program, "-v", self.voice, "--stdout", "--stdin"],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            _log.warning("espeak-ng failed: %s", exc)
            return None
        if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
            _log.warning("espeak-ng gave no audio (exit %s)", done.returncode)
            return None
        return done.stdout


def default_speaker() -> Speaker | None:
    """The speaker a deck is exported with when the user asks for audio, if any."""
    return EspeakSpeaker.find()
