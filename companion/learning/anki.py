"""My words as an Anki deck (``.apkg``), built with genanki.

The note type and the deck have fixed ids and every note's GUID comes from the word and its
reading, so importing a newer export into Anki updates the cards it made last time (keeping
the user's progress there) instead of adding duplicates. Each note makes a recognition card
(Chinese with its sentence -> pinyin, meaning, translation) and, when it has a meaning, a
recall card (meaning -> Chinese). Pinyin is coloured by tone with the Pleco colours, as
inline styles so every Anki client shows them.

genanki's own ``write_to_file`` leaves its temporary database behind and writes in place;
here the collection is built in a temporary folder and the zip replaces the target only when
it is complete.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import genanki

from companion.learning.audio import Speaker
from companion.learning.cardhtml import pinyin_html, sentence_html, text_html
from companion.learning.textkeys import reading_key
from companion.learning.words import SavedWord

MODEL_ID = 1_718_203_847
DECK_ID = 2_059_400_110
DECK_NAME = "Companion: My words"
GUID_NAMESPACE = "companion-my-words"
FIELDS = (
    "Hanzi", "Traditional", "Pinyin", "Meaning", "Sentence", "SentencePinyin",
    "Translation", "Audio", "Note",
)  # fmt: skip

_CSS = """
.card { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
        font-size: 20px; text-align: center; color: #202020; background: #ffffff; }
.hanzi { font-size: 56px; margin: 12px 0; }
.trad { font-size: 24px; color: #707070; }
.pinyin { font-size: 28px; margin: 8px 0; }
.meaning { font-size: 22px; margin: 8px 0; }
.sentence { font-size: 24px; margin: 14px 0 4px; }
.sentence .hl { background: #fff2a8; border-radius: 3px; padding: 0 2px; }
.spinyin { font-size: 16px; color: #606060; }
.translation { font-size: 18px; color: #404040; font-style: italic; margin-top: 6px; }
.note { font-size: 16px; color: #505050; margin-top: 10px; }
.nightMode .card, .night_mode .card { color: #e8e8e8; background: #2b2b2b; }
.nightMode .sentence .hl, .night_mode .sentence .hl { background: #6b5d00; }
"""

_RECOGNITION_FRONT = (
    '<div class="hanzi">{{Hanzi}}</div>'
    '{{#Traditional}}<div class="trad">{{Traditional}}</div>{{/Traditional}}'
    '{{#Sentence}}<div class="sentence">{{Sentence}}</div>{{/Sentence}}'
)
_RECOGNITION_BACK = (
    '{{FrontSide}}<hr id="answer">'
    '<div class="pinyin">{{Pinyin}}</div>'
    '<div class="meaning">{{Meaning}}</div>'
    '{{#SentencePinyin}}<div class="spinyin">{{SentencePinyin}}</div>{{/SentencePinyin}}'
    '{{#Translation}}<div class="translation">{{Translation}}</div>{{/Translation}}'
    "{{Audio}}"
    '{{#Note}}<div class="note">{{Note}}</div>{{/Note}}'
)
_RECALL_FRONT = (
    '{{#Meaning}}<div class="meaning">{{Meaning}}</div>'
    '{{#Translation}}<div class="translation">{{Translation}}</div>{{/Translation}}'
    "{{/Meaning}}"
)
_RECALL_BACK = (
    '{{FrontSide}}<hr id="answer">'
    '<div class="hanzi">{{Hanzi}}</div>'
    '{{#Traditional}}<div class="trad">{{Traditional}}</div>{{/Traditional}}'
    '<div class="pinyin">{{Pinyin}}</div>'
    '{{#Sentence}}<div class="sentence">{{Sentence}}</div>{{/Sentence}}'
    "{{Audio}}"
    '{{#Note}}<div class="note">{{Note}}</div>{{/Note}}'
)

MODEL = genanki.Model(
    MODEL_ID,
    "Companion word",
    fields=[{"name": name} for name in FIELDS],
    templates=[
        {"name": "Recognition", "qfmt": _RECOGNITION_FRONT, "afmt": _RECOGNITION_BACK},
        {"name": "Recall", "qfmt": _RECALL_FRONT, "afmt": _RECALL_BACK},
    ],
    css=_CSS,
)


class AnkiError(ValueError):
    """The deck could not be written, in words to show the user."""


@dataclass(frozen=True, slots=True)
class AnkiReport:
    notes: int
    cards: int
    audio: int  # media files written


def note_guid(word: SavedWord) -> str:
    """Stable across exports: the word and its reading (tone numbers), nothing else."""
    return str(genanki.guid_for(GUID_NAMESPACE, word.simplified, reading_key(word.pinyin)))


def _media_name(text: str, extension: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return f"companion-{digest}.{extension}"


def _anki_tag(tag: str) -> str:
    return "_".join(tag.split())


def build_note(word: SavedWord, audio_file: str = "") -> genanki.Note:
    fields = [
        html.escape(word.simplified),
        html.escape(word.traditional),
        pinyin_html(word.pinyin),
        text_html("; ".join(word.meanings)),
        sentence_html(word.sentence, word.simplified, word.traditional),
        text_html(word.sentence_pinyin),
        text_html(word.translation),
        f"[sound:{audio_file}]" if audio_file else "",
        text_html(word.note),
    ]
    return genanki.Note(
        model=MODEL,
        fields=fields,
        guid=note_guid(word),
        tags=[_anki_tag(t) for t in word.tags],
    )


def export_apkg(
    words: Sequence[SavedWord],
    path: Path,
    speaker: Speaker | None = None,
    progress: Callable[[int, int], None] | None = None,
    deck_name: str = DECK_NAME,
) -> AnkiReport:
    """Write ``words`` as an Anki package to ``path``; audio for each word when ``speaker``
    can read it. ``progress(done, total)`` is called after each word."""
    if path.is_dir():
        raise AnkiError(f"{path.name} is a folder: give a file name ending in .apkg")
    deck = genanki.Deck(DECK_ID, deck_name)
    with tempfile.TemporaryDirectory(prefix="companion-apkg-") as scratch:
        folder = Path(scratch)
        media: list[Path] = []
        cards = 0
        for done, word in enumerate(words, start=1):
            audio_file = ""
            if speaker is not None:
                audio_file = _media_name(word.simplified, speaker.extension)
                target = folder / audio_file
                if not target.exists():
                    data = speaker.synthesize(word.simplified)
                    if data:
                        target.write_bytes(data)
                        media.append(target)
                    else:
                        audio_file = ""
            note = build_note(word, audio_file)
            cards += len(note.cards)
            deck.add_note(note)
            if progress is not None:
                progress(done, len(words))
        _write_package(genanki.Package(deck, media_files=[str(m) for m in media]), media, path,
                       folder)  # fmt: skip
    return AnkiReport(len(deck.notes), cards, len(media))


def _write_package(package: genanki.Package, media: list[Path], path: Path, folder: Path) -> None:
    collection = folder / "collection.anki2"
    timestamp = time.time()
    conn = sqlite3.connect(collection)
    try:
        package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        conn.commit()
    finally:
        conn.close()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", json.dumps({str(k): m.name for k, m in enumerate(media)}))
            for k, file in enumerate(media):
                archive.write(file, str(k))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AnkiError(f"cannot write {path.name}: {exc.strerror or exc}") from exc
