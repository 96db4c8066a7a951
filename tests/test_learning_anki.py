"""The Anki export: a valid .apkg (zip with collection.anki2 and a media map), our fields and
cards in its SQLite collection, stable GUIDs across exports, audio from a pluggable speaker."""

from __future__ import annotations

import io
import json
import math
import shutil
import sqlite3
import struct
import wave
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.learning.anki import (
    DECK_ID,
    FIELDS,
    MODEL_ID,
    AnkiError,
    export_apkg,
    note_guid,
)
from companion.learning.audio import EspeakSpeaker
from companion.learning.cardhtml import pinyin_html, sentence_html
from companion.learning.words import SavedWord, WordList, WordToSave
from companion.storage.db import Database


class ToneSpeaker:
    """A real speaker plug-in: a WAV tone whose pitch depends on the text (no voice needed)."""

    extension = "wav"

    def __init__(self, silent_for: str = "") -> None:
        self.spoken: list[str] = []
        self.silent_for = silent_for

    def synthesize(self, text: str) -> bytes | None:
        if text == self.silent_for:
            return None
        self.spoken.append(text)
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(8000)
            pitch = 200 + 20 * (sum(map(ord, text)) % 20)
            frames = b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * pitch * k / 8000)))
                for k in range(800)
            )
            out.writeframes(frames)
        return buffer.getvalue()


@pytest.fixture
def words(tmp_path: Path) -> Iterator[WordList]:
    db = Database(tmp_path / "c.db")
    store = WordList(db)
    store.save(WordToSave("银行", "銀行", "yín háng", ("bank",), "我去银行<取>钱 & 回来",
                          translation="I went to the bank", tags=("money", "hsk 3")))  # fmt: skip
    store.save(WordToSave("哈哈", pinyin="hā ha", context="哈哈哈"))  # no meaning: no recall card
    store.save(WordToSave("种草", "種草", "zhòng cǎo", ("to recommend",), note="slang"))
    yield store
    db.close()


def _open(path: Path, scratch: Path) -> tuple[sqlite3.Connection, dict[str, str], list[str]]:
    assert zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert "collection.anki2" in names and "media" in names
        media = json.loads(archive.read("media"))
        for key in media:
            assert key in names  # every media entry is in the zip under its number
        archive.extract("collection.anki2", scratch)
    conn = sqlite3.connect(scratch / "collection.anki2")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return conn, media, names


def test_apkg_is_a_valid_anki_package(words: WordList, tmp_path: Path) -> None:
    path = tmp_path / "deck.apkg"
    report = export_apkg(words.all(), path)
    assert (report.notes, report.cards, report.audio) == (3, 5, 0)
    conn, media, _names = _open(path, tmp_path / "x")
    try:
        models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
        model = models[str(MODEL_ID)]
        assert [f["name"] for f in model["flds"]] == list(FIELDS)
        assert [t["name"] for t in model["tmpls"]] == ["Recognition", "Recall"]
        decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
        assert str(DECK_ID) in decks
        notes = {
            row[1].split("\x1f")[0]: (row[0], row[1].split("\x1f"), row[2])
            for row in conn.execute("SELECT guid, flds, tags FROM notes")
        }
        assert set(notes) == {"银行", "哈哈", "种草"}
        _guid, fields, tags = notes["银行"]
        by_name = dict(zip(FIELDS, fields, strict=True))
        assert by_name["Traditional"] == "銀行"
        assert 'style="color:#d97a00">yín</span>' in by_name["Pinyin"]  # tone 2: orange
        assert by_name["Meaning"] == "bank"
        assert by_name["Sentence"] == ('我去<span class="hl">银行</span>&lt;取&gt;钱 &amp; 回来')
        assert by_name["Translation"] == "I went to the bank" and by_name["Audio"] == ""
        assert tags.split() == ["money", "hsk_3"]
        cards = dict(conn.execute(
            "SELECT n.sfld, count(*) FROM cards c JOIN notes n ON n.id = c.nid GROUP BY n.id"
        ).fetchall())  # fmt: skip
        assert cards == {"银行": 2, "哈哈": 1, "种草": 2}
        assert {r[0] for r in conn.execute("SELECT did FROM cards")} == {DECK_ID}
        assert media == {}
    finally:
        conn.close()


def test_a_second_export_keeps_guids(words: WordList, tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_apkg(words.all(), first)
    bank = words.find("银行")[0]
    words.update(bank.id, meanings=("bank", "banking"), note="edited")
    words.save(WordToSave("新词", pinyin="xīn cí", senses=("new word",)))
    export_apkg(words.all(), second)
    guids = []
    for path in (first, second):
        conn, _m, _n = _open(path, tmp_path / path.stem)
        try:
            guids.append(dict(conn.execute("SELECT sfld, guid FROM notes").fetchall()))
        finally:
            conn.close()
    assert {k: v for k, v in guids[1].items() if k != "新词"} == guids[0]
    assert len(set(guids[1].values())) == 4
    # the GUID follows the word and its reading, however the reading is spelt
    assert note_guid(SavedWord(1, "银行", pinyin="yín háng")) == note_guid(
        SavedWord(9, "银行", pinyin="yin2hang2", meanings=("other",))
    )
    assert note_guid(SavedWord(1, "行", pinyin="xíng")) != note_guid(
        SavedWord(1, "行", pinyin="háng")
    )


def test_audio_from_a_pluggable_speaker(words: WordList, tmp_path: Path) -> None:
    speaker = ToneSpeaker(silent_for="哈哈")
    path = tmp_path / "audio.apkg"
    report = export_apkg(words.all(), path, speaker=speaker)
    assert report.audio == 2 and sorted(speaker.spoken) == ["种草", "银行"]
    conn, media, _names = _open(path, tmp_path / "x")
    try:
        audio = {r[0].split("\x1f")[0]: r[0].split("\x1f")[FIELDS.index("Audio")]
                 for r in conn.execute("SELECT flds FROM notes")}  # fmt: skip
    finally:
        conn.close()
    assert audio["哈哈"] == ""  # no voice for it: no sound tag
    with zipfile.ZipFile(path) as archive:
        for key, name in media.items():
            assert f"[sound:{name}]" in audio.values()
            with wave.open(io.BytesIO(archive.read(key))) as clip:
                assert clip.getnframes() == 800


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_speaker_reads_mandarin(tmp_path: Path) -> None:
    speaker = EspeakSpeaker.find()
    if speaker is None:
        pytest.skip("espeak-ng has no Mandarin voice here")
    data = speaker.synthesize("银行")
    assert data is not None and data.startswith(b"RIFF")
    with wave.open(io.BytesIO(data)) as clip:
        assert clip.getnframes() > 1000
    assert speaker.synthesize("   ") is None


def test_export_to_a_folder_or_unwritable_place(words: WordList, tmp_path: Path) -> None:
    with pytest.raises(AnkiError, match="folder"):
        export_apkg(words.all(), tmp_path)
    with pytest.raises(AnkiError, match="cannot write"):
        export_apkg(words.all(), tmp_path / "no such folder" / "deck.apkg")


def test_html_helpers_escape_and_colour() -> None:
    assert pinyin_html("ma") == '<span class="tone0" style="color:#808080">ma</span>'
    assert "color:#1f5fd6" in pinyin_html("kàn")
    assert sentence_html("<b>银行</b>", "银行") == '&lt;b&gt;<span class="hl">银行</span>&lt;/b&gt;'
    assert sentence_html("a\nb", "") == "a<br>b"
