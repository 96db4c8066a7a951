"""Several senses per entry: the context column, the choice, and the data checking itself."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from companion.phrasebook import get_book
from companion.phrasebook.book import COLUMNS, BookError, Entry, read_file
from companion.phrasebook.senses import ContextError, Cues, Sense, choose, parse_context
from companion.phrasebook.terms import fold


@pytest.fixture(scope="module")
def entries() -> Sequence[Entry]:
    return get_book().entries


def test_parse_context() -> None:
    cues = parse_context(" before=老板, 领导 ;prev=被; after=CP ; takes=before")
    assert cues == Cues(prev=("被",), before=("老板", "领导"), after=("cp",), takes="before")
    assert not parse_context("") and parse_context("next=了")
    for bad in ["before", "near=x", "before=", "takes=after", "before=,"]:
        with pytest.raises(ContextError):
            parse_context(bad)


def test_choose_scores_adjacent_cues_above_clause_cues() -> None:
    senses = (
        Sense(("usual",)),
        Sense(("boss",), cues=Cues(before=("老板",))),
        Sense(("passive",), cues=Cues(prev=("被",))),
    )
    text = "被老板硬控了"
    assert choose(senses, text, 3, 5) == (1, "老板")  # 老板 right before beats nothing
    assert choose(senses, "老板说我被硬控了", 5, 7) == (2, "被")  # adjacent 被 beats 老板
    assert choose(senses, "硬控", 0, 2) == (0, "")
    # a cue in another clause does not count
    assert choose(senses, "老板来了。硬控", 5, 7) == (0, "")
    assert choose(senses[:1], text, 3, 5) == (0, "")


def test_every_sense_example_picks_its_own_sense(entries: list[Entry]) -> None:
    """The data checks itself: the example written for a sense must select that sense."""
    checked = 0
    for entry in entries:
        if not entry.extra_senses:
            continue
        senses = entry.senses
        for index, sense in enumerate(senses):
            if not sense.example:
                continue
            text = fold(sense.example)
            at = text.find(fold(entry.simplified))
            assert at >= 0, f"{entry.simplified}: example {sense.example!r} lacks the term"
            chosen, _cue = choose(senses, text, at, at + len(entry.simplified))
            assert chosen == index, f"{entry.simplified}: {sense.example!r} picks sense {chosen}"
            checked += 1
    assert checked >= 25


def test_extra_senses_have_cues_and_slots_are_declared(entries: list[Entry]) -> None:
    multi = [e for e in entries if e.extra_senses]
    assert len(multi) >= 15
    names = {e.simplified for e in multi}
    assert {"硬控", "亲妈", "种草", "拔草", "打卡", "滴滴", "吧唧", "自来水"} <= names
    for entry in multi:
        for sense in entry.extra_senses:
            assert sense.cues, entry.simplified
        for sense in entry.senses:
            if "{}" in sense.meaning:
                assert sense.cues.takes == "before", entry.simplified


def test_second_senses_are_searchable_in_english() -> None:
    book = get_book()
    assert book.search("kept stuck")[0].simplified == "硬控"
    assert book.search("clock in")[0].simplified == "打卡"
    assert book.search("tap water")[0].simplified == "自来水"


def test_json_lists_the_senses() -> None:
    entry = get_book().entry("slang:硬控")
    assert entry is not None
    data = entry.to_json()
    assert data["english"] == list(entry.english)
    senses = data["senses"]
    assert isinstance(senses, list) and len(senses) == 2
    assert senses[1]["english"][0] == "kept stuck" and "老板" in senses[1]["when"]


def _write(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "slang.tsv"
    lines = ["\t".join(COLUMNS)] + [
        "\t".join(row + [""] * (len(COLUMNS) - len(row))) for row in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _row(
    simplified: str, english: str, flags: str = "", context: str = "", **cells: str
) -> list[str]:
    values = dict.fromkeys(COLUMNS, "")
    values.update(simplified=simplified, english=english, flags=flags, context=context, **cells)
    return [values[c] for c in COLUMNS]


def test_sense_rows_attach_to_their_entry(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            _row("硬控", "captivated", pinyin="yìng kòng"),
            _row("硬控", "kept stuck", "sense", "before=老板"),
            _row("绝了", "amazing", pinyin="jué le"),
        ],
    )
    first, second = read_file(path, "slang")
    assert first.english == ("captivated",) and len(first.senses) == 2
    assert first.senses[1].cues.before == ("老板",)
    assert second.simplified == "绝了" and not second.extra_senses


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row("硬控", "kept stuck", "sense", "before=老板")], "must follow the entry"),
        (
            [_row("绝了", "amazing"), _row("硬控", "kept stuck", "sense", "before=老板")],
            "must follow the entry",
        ),
        ([_row("硬控", "a"), _row("硬控", "b", "sense")], "needs context cues"),
        ([_row("硬控", "a"), _row("硬控", "b", "sense", "before=x", pinyin="y")], "gives only"),
        ([_row("硬控", "a"), _row("硬控", "b", "sense, protect", "before=x")], "gives only"),
        ([_row("硬控", "a", "", "nearby=x")], "unknown cue kind"),
    ],
)
def test_malformed_sense_rows_name_the_line(
    tmp_path: Path, rows: list[list[str]], message: str
) -> None:
    path = _write(tmp_path, rows)
    with pytest.raises(BookError, match=message) as caught:
        list(read_file(path, "slang"))
    assert "slang.tsv:" in str(caught.value)
