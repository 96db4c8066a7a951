"""``python -m companion history|words|review``: JSON shapes, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from companion import paths
from companion.__main__ import main
from companion.learning.history import History
from companion.storage.db import default_database
from tests.conftest import REPO


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_reading_commands_do_not_create_a_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "history", "list") == []
    assert run_json(capsys, "history", "search", "银行") == []
    assert run_json(capsys, "words", "list") == []
    due = run_json(capsys, "review", "due")
    assert due == {"due": 0, "new": 0, "learning": 0, "review": 0, "next_due": None, "cards": []}
    assert not paths.database_path().exists()
    code, out, _err = run(capsys, "history", "list")
    assert code == 0 and "History is empty" in out


def test_history_list_search_clear(capsys: pytest.CaptureFixture[str]) -> None:
    history = History(default_database(), pinyin_of=lambda _t: "yin hang")
    history.record("我去银行", "I went to the bank", "zh", "en", "offline", "pasted", created=100)
    history.record("谢谢", "Thanks", "zh", "en", "deepl", "typed", created=200)
    listed = run_json(capsys, "history", "list", "--limit", "1")
    assert isinstance(listed, list) and len(listed) == 1
    assert set(listed[0]) == {"id", "source", "result", "source_lang", "target_lang", "engine",
                              "origin", "created"}  # fmt: skip
    assert listed[0]["source"] == "谢谢"
    found = run_json(capsys, "history", "search", "bank")
    assert [e["source"] for e in found] == ["我去银行"]
    code, out, _err = run(capsys, "history", "search", "bank")
    assert code == 0 and "我去银行" in out and "→ I went to the bank" in out
    code, _out, err = run(capsys, "history", "search", "  ")
    assert code == 2 and err.startswith("companion history: the search is empty")
    code, _out, err = run(capsys, "history", "list", "--limit", "0")
    assert code == 2
    assert run_json(capsys, "history", "clear") == {"cleared": 2}
    assert run_json(capsys, "history", "list") == []


def test_words_add_list_remove(capsys: pytest.CaptureFixture[str]) -> None:
    added = run_json(capsys, "words", "add", "银行", "--sentence", "我去银行取钱。",
                     "--tag", "money", "--translation", "I went to the bank.")  # fmt: skip
    assert isinstance(added, dict) and added["added"] is True
    word = added["word"]
    assert (word["simplified"], word["traditional"], word["pinyin"]) == ("银行", "銀行", "yín háng")
    assert any("bank" in m for m in word["meanings"])  # from CC-CEDICT
    assert word["sentence"] == "我去银行取钱。" and word["tags"] == ["money"]
    assert "yínháng" in word["sentence_pinyin"] and word["origin"] == "cli"
    again = run_json(capsys, "words", "add", "銀行", "--tag", "hsk3")
    assert isinstance(again, dict) and again["added"] is False  # traditional finds it
    run_json(capsys, "words", "add", "种草", "--meaning", "to recommend", "--pinyin", "zhong4cao3")
    listed = run_json(capsys, "words", "list", "--sort", "pinyin")
    assert [w["simplified"] for w in listed] == ["银行", "种草"]
    assert run_json(capsys, "words", "list", "--tag", "hsk3")[0]["tags"] == ["money", "hsk3"]
    assert len(run_json(capsys, "words", "list", "--search", "zhongcao")) == 1
    code, out, _err = run(capsys, "words", "list")
    assert code == 0 and "#2 种草 (種草) zhòng cǎo — to recommend" in out
    code, _out, err = run(capsys, "words", "add", " ")
    assert code == 2 and "empty" in err
    code, _out, err = run(capsys, "words", "remove", "不在")
    assert code == 3 and err == "companion words: 不在 is not in your saved words\n"
    removed = run_json(capsys, "words", "remove", "种草")
    assert [w["simplified"] for w in removed["removed"]] == ["种草"]
    first_id = listed[0]["id"]
    assert run_json(capsys, "words", "remove", f"#{first_id}")["removed"][0]["simplified"] == "银行"
    assert run_json(capsys, "words", "list") == []


def test_words_export_import_and_review_due(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for word in ("银行", "种草", "阿姨"):
        run_json(capsys, "words", "add", word)
    due = run_json(capsys, "review", "due", "--limit", "2")
    assert isinstance(due, dict)
    assert (due["due"], due["new"], len(due["cards"])) == (3, 3, 2)  # one card per word
    assert set(due["cards"][0]) == {"word_id", "simplified", "pinyin", "kind", "due"}
    code, out, _err = run(capsys, "review", "due")
    assert code == 0 and out.startswith("3 cards due (3 new).")
    csv_file, deck = tmp_path / "w.csv", tmp_path / "w.apkg"
    assert run_json(capsys, "words", "export", str(csv_file))["words"] == 3
    exported = run_json(capsys, "words", "export", str(deck))
    assert exported == {"file": str(deck), "format": "apkg", "words": 3, "cards": 6, "audio": 0}
    assert zipfile.is_zipfile(deck)
    report = run_json(capsys, "words", "import", str(csv_file))
    assert report == {"added": 0, "updated": 0, "unchanged": 3, "skipped": []}
    code, _out, err = run(capsys, "words", "export", str(tmp_path / "w.txt"))
    assert code == 2 and ".apkg" in err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02binary")
    code, _out, err = run(capsys, "words", "import", str(bad))
    assert code == 2 and "binary" in err and err.count("\n") == 1
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("simplified,meanings\n新词,new word\n,empty\n", encoding="utf-8")
    code, out, _err = run(capsys, "words", "import", str(mixed))
    assert code == 0 and "1 added" in out and "line 3: skipped, the word is empty" in out


def test_errors_are_one_line_in_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "companion", "words", "import", str(tmp_path / "none.csv")],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "companion words: none.csv: no such file\n" and done.stdout == ""
