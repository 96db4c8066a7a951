"""CSV export and import: an exact round trip (a property test over hostile text), and
hostile files refused whole or skipped row by row with the reason."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.learning.csv_io import (
    MAX_CSV_BYTES,
    CsvError,
    export_csv,
    format_time,
    import_csv,
    parse_time,
    read_csv,
)
from companion.learning.words import (
    KINDS,
    CardState,
    SavedWord,
    WordError,
    WordList,
    WordRecord,
    WordToSave,
    normalised,
)
from companion.storage.db import Database

# Text that breaks naive CSV and spreadsheets: quotes, commas, tabs, newlines, emoji, CJK,
# combining marks, right-to-left, formula starts, BOMs, astral characters.
HOSTILE = st.sampled_from(
    ['"', ",", "\t", "\n", "'", "=", "+", "-", "@", "😀", "👩‍👩‍👧", "银行", "\ufeff", "\u0301",
     "שלום", "𠀀", ";", "\\", " ", "\u3000", "ǚ", "\u200b"]
)  # fmt: skip
TEXT = st.lists(st.one_of(HOSTILE, st.characters(exclude_categories=["Cs"])), max_size=30).map(
    "".join
)
LONG = st.builds(lambda piece, n: piece * n, TEXT, st.integers(1, 300))
SENTENCE = st.one_of(TEXT, LONG.map(lambda s: s[:10_000]))
MS = st.integers(0, 4_102_444_800_000)  # up to 2100
CARD = st.builds(
    lambda kind, due, state, stab, diff, last, reps, lapses: CardState(
        kind, due / 1000, state, None if state == 2 else 0, stab, diff,
        None if last is None else last / 1000, reps, lapses,
    ),
    st.sampled_from(KINDS), MS, st.sampled_from([1, 2, 3]),
    st.one_of(st.none(), st.floats(0.001, 36500, allow_nan=False)),
    st.one_of(st.none(), st.floats(1, 10, allow_nan=False)),
    st.one_of(st.none(), MS), st.integers(0, 1000), st.integers(0, 100),
)  # fmt: skip


@st.composite
def records(draw: st.DrawFn) -> list[WordRecord]:
    out: list[WordRecord] = []
    keys: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(1, 6))):
        created = draw(MS)
        word = SavedWord(
            id=0,
            simplified=draw(st.one_of(TEXT, st.sampled_from(["银行", "種草", "AA制", "=1+1"]))),
            traditional=draw(TEXT),
            pinyin=draw(st.one_of(TEXT, st.sampled_from(["yín háng", "zhong4cao3", ""]))),
            meanings=tuple(draw(st.lists(TEXT, max_size=4))),
            sentence=draw(SENTENCE),
            translation=draw(SENTENCE),
            sentence_pinyin=draw(TEXT),
            tags=tuple(draw(st.lists(TEXT, max_size=4))),
            note=draw(SENTENCE),
            origin=draw(st.sampled_from(["popup", "ocr", "", "cli"])),
            created=created / 1000,
            updated=(created + draw(st.integers(0, 10**9))) / 1000,
        )
        try:
            word = normalised(word)
        except WordError:
            continue
        if (word.simplified, word.pinyin) in keys:
            continue
        keys.add((word.simplified, word.pinyin))
        cards = {c.kind: c for c in draw(st.lists(CARD, max_size=2))}
        out.append(WordRecord(word, tuple(sorted(cards.values(), key=lambda c: c.kind))))
    return out


def _without_ids(items: list[WordRecord]) -> list[tuple[object, ...]]:
    return [
        (r.word.__class__(**{**{f: getattr(r.word, f) for f in r.word.__dataclass_fields__},
                             "id": 0, "due": None}), r.cards)
        for r in items
    ]  # fmt: skip


@pytest.fixture(scope="module")
def two_databases() -> Iterator[tuple[Path, Database, Database]]:
    """Shared by every example (a fresh database per example costs most of the time)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        first, second = Database(folder / "a.db"), Database(folder / "b.db")
        yield folder, first, second
        first.close()
        second.close()


def _empty(db: Database) -> None:
    with db.transaction() as conn:
        for table in ("review_log", "review_cards", "words"):
            conn.execute(f"DELETE FROM {table}")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(items=records())
def test_export_import_round_trips_exactly(
    two_databases: tuple[Path, Database, Database], items: list[WordRecord]
) -> None:
    folder, first, second = two_databases
    _empty(first)
    _empty(second)
    WordList(first).merge(items, now=1.0)
    original = WordList(first).records()
    export_csv(WordList(first), folder / "words.csv")
    report = import_csv(WordList(second), folder / "words.csv", now=2.0)
    assert report.skipped == () and report.added == len(items)
    back = WordList(second).records()
    assert _without_ids(back) == _without_ids(original)
    assert [sorted(c.kind for c in r.cards) for r in back] == [list(KINDS)[::-1]] * len(items)
    export_csv(WordList(second), folder / "again.csv")
    assert (folder / "again.csv").read_bytes() == (folder / "words.csv").read_bytes()
    again = import_csv(WordList(second), folder / "again.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(items))


@pytest.fixture
def words(tmp_path: Path) -> Iterator[WordList]:
    db = Database(tmp_path / "c.db")
    yield WordList(db)
    db.close()


def test_file_is_utf8_with_bom_and_protects_formulas(words: WordList, tmp_path: Path) -> None:
    words.save(WordToSave("银行", pinyin="yín háng", senses=("bank", "=SUM(A1)"),
                          context="@小红书 +1", tags=("a", "b")))  # fmt: skip
    path = tmp_path / "w.csv"
    assert export_csv(words, path) == 1
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["simplified", "traditional", "pinyin", "meanings"]
    assert rows[1][3] == "bank\n=SUM(A1)" and rows[1][4] == "'@小红书 +1"  # cell starts only
    assert rows[1][7] == "a, b"
    records, skipped = read_csv(path)
    assert skipped == [] and records[0].word.sentence == "@小红书 +1"
    assert records[0].word.meanings == ("bank", "=SUM(A1)")


def test_time_cells_round_trip() -> None:
    for ms in (0, 1, 999, 1_700_000_000_123, 4_102_444_799_999):
        assert parse_time(format_time(ms / 1000)) == ms / 1000
    assert parse_time("2025-01-15") == 1_736_899_200.0
    with pytest.raises(ValueError):
        parse_time("yesterday")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, "binary"),
        ("simplified,pinyin\n银行,yin2hang2\n".encode("gb18030"), "not UTF-8"),
        (b"name,price\nlipstick,10\n", "'simplified'"),
        (b"simplified,simplified\n\xe4\xbd\xa0,x\n", "twice"),
        (b'simplified,note\n"unclosed,x\n' + b"y" * 200_000 + b"\n", "CSV"),
    ],
)
def test_hostile_files_import_nothing_and_say_why(
    words: WordList, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CsvError, match=reason):
        import_csv(words, path)
    assert words.count() == 0


def test_a_50_mb_file_is_refused_before_reading(words: WordList, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.write(b"simplified,note\n")
        handle.truncate(50 * 1024 * 1024)
    assert path.stat().st_size > MAX_CSV_BYTES
    with pytest.raises(CsvError, match=r"50\.0 MB"):
        import_csv(words, path)
    assert words.count() == 0


def test_folder_and_missing_file(words: WordList, tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="folder"):
        import_csv(words, tmp_path)
    with pytest.raises(CsvError, match="no such file"):
        import_csv(words, tmp_path / "nope.csv")


def test_bad_rows_are_skipped_by_line_with_the_reason(words: WordList, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "mixed.csv",
        "simplified,pinyin,meanings,review,created\n"
        "银行,yín háng,bank,,\n"
        ",nothing,here,,\n"
        '种草,zhòng cǎo,"to recommend\nto seed",,\n'
        "种草,zhong4cao3,again,,\n"
        "长,cháng,long,not json,\n"
        "错,cuò,wrong,,yesterday\n"
        "多,duō,many,,,,,extra\n"
        + "太长" * 60 + ",x,y,,\n"
        '好,hǎo,good,"{""recall"": {""due"": ""soon""}}",\n'
        "\n"
        "完,wán,done,,2024-05-01T08:00:00.000Z\n",
    )  # fmt: skip
    report = import_csv(words, path, now=5.0)
    assert report.added == 3
    reasons = dict(report.skipped)
    assert set(reasons) == {3, 6, 7, 8, 9, 10, 11}
    assert "empty" in reasons[3]
    assert "line 4" in reasons[6]  # the same word and reading as the multi-line row
    assert "review" in reasons[7] and "Invalid isoformat" in reasons[8]
    assert "cells" in reasons[9] and "longer" in reasons[10] and "due" in reasons[11]
    by_word = {w.simplified: w for w in words.all()}
    assert by_word["种草"].meanings == ("to recommend", "to seed")
    assert by_word["银行"].created == 5.0 and by_word["完"].created == 1_714_550_400.0
    assert by_word["银行"].origin == "import"


def test_simple_spreadsheet_columns_are_understood(words: WordList, tmp_path: Path) -> None:
    path = _write(tmp_path / "simple.csv", "Word,Meaning,Tag\n你好,hello,greetings\n")
    assert import_csv(words, path).added == 1
    word = words.all()[0]
    assert (word.simplified, word.meanings, word.tags) == ("你好", ("hello",), ("greetings",))
    tabbed = _write(tmp_path / "tabbed.tsv", "hanzi\tpinyin\n谢谢\txie4xie5\n")
    assert import_csv(words, tabbed).added == 1
    assert words.find("谢谢")[0].pinyin == "xiè xie"


def test_import_keeps_newer_progress(words: WordList, tmp_path: Path) -> None:
    """Importing an old export never rolls review progress or edits back."""
    words.save(WordToSave("银行", pinyin="yín háng", senses=("bank",)), now=10)
    path = tmp_path / "old.csv"
    export_csv(words, path)
    word_id = words.all()[0].id
    words.db.execute(
        "UPDATE review_cards SET reps = 5, last_review = 50000, due = 90000 WHERE word_id = ?",
        (word_id,),
    )
    words.update(word_id, note="mine, newer", now=60)
    report = import_csv(words, path)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    assert words.all()[0].note == "mine, newer"
    reps = words.db.execute("SELECT reps FROM review_cards WHERE word_id = ?", (word_id,))
    assert [r[0] for r in reps] == [5, 5]
    newer = tmp_path / "newer.csv"
    export_csv(words, newer)
    other = WordList(Database(tmp_path / "other.db"))
    try:
        other.save(WordToSave("银行", pinyin="yín háng"), now=1)
        assert import_csv(other, newer).updated == 1
        assert other.all()[0].note == "mine, newer"
        assert [r[0] for r in other.db.execute("SELECT reps FROM review_cards")] == [5, 5]
    finally:
        other.db.close()


def test_an_import_that_fails_midway_writes_nothing(
    words: WordList, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "w.csv", "simplified\n" + "".join(f"词{k}\n" for k in range(10)))
    calls = {"n": 0}
    real = WordList._insert_cards

    def failing(conn: sqlite3.Connection, word_id: int, cards: Iterable[CardState]) -> None:
        calls["n"] += 1
        if calls["n"] == 6:
            raise OSError(28, "No space left on device")
        real(conn, word_id, cards)

    monkeypatch.setattr(WordList, "_insert_cards", staticmethod(failing))
    with pytest.raises(OSError):
        import_csv(words, path)
    assert words.count() == 0


def test_export_never_leaves_a_half_file(
    words: WordList, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words.save(WordToSave("银行"))
    with pytest.raises(CsvError, match="cannot write"):
        export_csv(words, tmp_path / "missing folder" / "w.csv")
    target = tmp_path / "w.csv"
    target.write_text("previous good file")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(CsvError, match="No space left"):
        export_csv(words, target)
    assert target.read_text() == "previous good file"
    assert [p.name for p in tmp_path.iterdir() if ".csv" in p.name] == ["w.csv"]
