"""``python -m companion lookup``: JSON shape, several queries, no match, user entries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from companion.__main__ import main

REPO = Path(__file__).resolve().parent.parent


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    assert main(["lookup", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_shape_and_order(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "种草", "zhongcao", "verification code", "qqqqxxxzzz")
    assert [d["query"] for d in data] == ["种草", "zhongcao", "verification code", "qqqqxxxzzz"]
    top = data[0]["results"][0]
    assert list(top)[:5] == ["simplified", "traditional", "pinyin", "english", "category"]
    assert (top["simplified"], top["traditional"], top["pinyin"]) == ("种草", "種草", "zhòng cǎo")
    assert isinstance(top["english"], list) and top["category"] == "slang"
    assert data[1]["results"][0]["simplified"] == "种草"
    assert data[2]["results"][0]["simplified"] == "验证码"
    assert data[3]["results"] == []


def test_limit_and_category(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--limit", "2", "--category", "interface", "like")
    assert len(data[0]["results"]) <= 2
    assert all(r["category"] == "interface" for r in data[0]["results"])


def test_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "--category", "nope", "x"]) == 2
    assert "unknown category" in capsys.readouterr().err
    assert main(["lookup", "--limit", "0", "x"]) == 2


def test_readable_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "yyds", "qqqqxxxzzz"]) == 0
    out = capsys.readouterr().out
    assert "yyds" in out and "GOAT" in out and "永远的神" in out
    assert "qqqqxxxzzz: not in the phrasebook" in out


def test_user_entries_are_included(capsys: pytest.CaptureFixture[str]) -> None:
    from companion import paths
    from companion.phrasebook.user_entries import UserPhrases
    from companion.storage.db import Database

    store = UserPhrases(Database(paths.database_path()))
    store.add("猫猫", "kitty")
    store.db.close()
    data = run_json(capsys, "kitty")
    assert data[0]["results"][0]["simplified"] == "猫猫"
    assert data[0]["results"][0]["category"] == "mine"
    from companion.phrasebook import get_book

    get_book().set_user_entries([])  # the book is process-wide: leave it as found


def test_no_qt_or_pypinyin_at_start() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from companion.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['lookup', '--json', '种草', 'zc'])\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pypinyin', 'ctranslate2'))]\n"
        "print(bad)\n"
    )
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("queries", [[""], ["   "], ["\t\n"], ["种草", ""], ["\x00\x01"]])
def test_an_empty_query_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], queries: list[str]
) -> None:
    assert main(["lookup", *queries]) == 2
    captured = capsys.readouterr()
    assert "empty" in captured.err and captured.out == ""
    assert main(["lookup", "--json", *queries]) == 2


def test_a_chinese_query_is_read_in_context(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "被老板硬控了两个小时，花了一万二", "yyds")
    reading = {hit["term"]: hit for hit in data[0]["in_text"]}
    assert reading["硬控"]["value"] == "kept stuck" and reading["硬控"]["cue"] == "老板"
    assert reading["硬控"]["other_senses"] == ["captivated"]
    assert reading["一万二"]["kind"] == "number" and reading["一万二"]["value"] == "12,000"
    assert data[0]["results"][0]["simplified"] == "硬控"
    assert "in_text" not in data[1]  # not Chinese: nothing to read in context
    hard = next(r for r in data[0]["results"] if r["simplified"] == "硬控")
    assert [s["english"][0] for s in hard["senses"]] == ["captivated", "kept stuck"]


def test_readable_output_shows_senses_and_readings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "这款是油皮亲妈，3块5"]) == 0
    out = capsys.readouterr().out
    assert "油皮亲妈 = made for oily skin" in out and "3块5 = 3.50 yuan" in out
    assert main(["lookup", "硬控"]) == 0
    out = capsys.readouterr().out
    assert "1. captivated" in out and "2. kept stuck" in out and "when:" in out


def test_verbose_before_the_command_still_runs_the_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``companion --verbose lookup 种草`` is the command line, not the desktop app."""
    assert main(["--verbose", "lookup", "--json", "种草"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["results"][0]["simplified"] == "种草"
