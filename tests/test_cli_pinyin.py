"""``python -m companion pinyin`` and ``define`` run as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One COMPANION_HOME for every command here, so the dictionary cache is built once."""
    return tmp_path_factory.mktemp("cli-home")


def _run(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COMPANION_HOME=str(home), PYTHONPATH=str(REPO))
    env.pop("COMPANION_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "companion", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def test_pinyin_json(shared_home: Path) -> None:
    text = "银行行长 said hi 👋 @小红书 #穿搭#"
    result = _run(shared_home, "pinyin", "--json", text)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == text
    assert "".join(w["hanzi"] for w in data["words"]) == text
    assert data["words"][0] == {
        "hanzi": "银行",
        "pinyin": "yínháng",
        "tones": [2, 2],
        "syllables": ["yín", "háng"],
    }
    assert data["words"][1] == {
        "hanzi": "行长",
        "pinyin": "hángzhǎng",
        "tones": [2, 3],
        "syllables": ["háng", "zhǎng"],
    }
    assert data["words"][2] == {
        "hanzi": " said hi 👋 @",
        "pinyin": "",
        "tones": [],
        "syllables": [],
    }
    assert data["pinyin"] == "yínháng hángzhǎng said hi 👋 @Xiǎohóngshū #chuāndā#"


def test_pinyin_third_tone(shared_home: Path) -> None:
    result = _run(shared_home, "pinyin", "--json", "--third-tone", "你好")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["words"][0]["syllables"] == ["nǐ", "hǎo"]
    assert data["words"][0]["spoken"] == ["ní", "hǎo"]
    assert data["pinyin"] == "níhǎo"
    plain = _run(shared_home, "pinyin", "你好")
    assert plain.stdout.strip() == "nǐhǎo"


@pytest.mark.parametrize(
    ("style", "syllables", "joined"),
    [
        ("marks", ["hái", "méi", "yǒu"], "háiméiyǒu"),
        ("numbers", ["hai2", "mei2", "you3"], "hai2mei2you3"),
        ("zhuyin", ["ㄏㄞˊ", "ㄇㄟˊ", "ㄧㄡˇ"], "ㄏㄞˊ-ㄇㄟˊ-ㄧㄡˇ"),
    ],
)
def test_pinyin_styles(shared_home: Path, style: str, syllables: list[str], joined: str) -> None:
    result = _run(shared_home, "pinyin", "--json", "--style", style, "還沒有還錢 西安")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["words"][0]["syllables"] == syllables
    assert data["words"][0]["pinyin"] == joined
    assert data["words"][1]["tones"] == [2, 2]
    # each Chinese word's pinyin is written exactly as in the whole-text pinyin
    chinese = [w["pinyin"] for w in data["words"] if w["syllables"]]
    assert chinese == data["pinyin"].split()
    assert len(chinese) == 3 and all(isinstance(p, str) for p in chinese)


def test_pinyin_word_apostrophe(shared_home: Path) -> None:
    result = _run(shared_home, "pinyin", "--json", "西安")
    assert result.returncode == 0, result.stderr
    word = json.loads(result.stdout)["words"][0]
    assert word["pinyin"] == "Xī'ān"
    assert word["syllables"] == ["Xī", "ān"]


def test_pinyin_readable_and_stdin(shared_home: Path) -> None:
    result = _run(shared_home, "pinyin", "--sandhi", "--words", stdin="不是一个\n".encode())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "búshì yígè"
    assert any(line.startswith("不是\tbú shì\t") for line in lines)


def test_pinyin_bad_input(shared_home: Path) -> None:
    empty = _run(shared_home, "pinyin", "   ")
    assert empty.returncode == 2 and "empty" in empty.stderr
    binary = _run(shared_home, "pinyin", stdin=bytes(range(0, 32)) * 20)
    assert binary.returncode == 2 and "binary" in binary.stderr
    assert "Traceback" not in binary.stderr


def test_define_json(shared_home: Path) -> None:
    result = _run(shared_home, "define", "--json", "银行", "銀行", "xyzzy")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["query"] for d in data] == ["银行", "銀行", "xyzzy"]
    bank = data[0]["entries"][0]
    assert bank["simplified"] == "银行" and bank["traditional"] == "銀行"
    assert bank["pinyin"] == "yín háng"
    assert "bank" in bank["senses"]
    assert {"simplified": "个", "traditional": "個", "pinyin": "gè"} in bank["measure_words"]
    assert data[1]["entries"] == data[0]["entries"]
    assert data[2]["entries"] == []


def test_define_readable(shared_home: Path) -> None:
    result = _run(shared_home, "define", "行", "研究生命")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "行  xíng" in out and "行  háng" in out
    assert "研究生命: no entry; its words: 研究 生命" in out


def test_pinyin_json_traditional(shared_home: Path) -> None:
    result = _run(shared_home, "pinyin", "--json", "小紅書的評論區")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [w["hanzi"] for w in data["words"]] == ["小紅書", "的", "評論區"]
    assert data["words"][2]["syllables"] == ["píng", "lùn", "qū"]
    assert data["pinyin"] == "Xiǎohóngshū de pínglùnqū"


@pytest.mark.parametrize(
    ("text", "pinyin"),
    [
        ("评论区的姐妹说得对", "pínglùnqū de jiěmèi shuō de duì"),
        ("比我英语还好", "bǐ wǒ Yīngyǔ hái hǎo"),
        ("他把手机", "tā bǎ shǒujī"),
        ("你说的确实", "nǐ shuō de quèshí"),
        ("学生会说中文", "xuésheng huì shuō Zhōngwén"),
    ],
)
def test_pinyin_json_issue_examples(shared_home: Path, text: str, pinyin: str) -> None:
    result = _run(shared_home, "pinyin", "--json", text)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pinyin"] == pinyin


def test_define_json_traditional_phrase(shared_home: Path) -> None:
    result = _run(shared_home, "define", "--json", "小紅書的評論區", "評論", "的姐")
    assert result.returncode == 0, result.stderr
    phrase, comment, taxi = json.loads(result.stdout)
    assert phrase["query"] == "小紅書的評論區" and phrase["entries"] == []
    assert phrase["simplified"] == "小红书的评论区"
    assert [w["word"] for w in phrase["words"]][:2] == ["小紅書", "的"]
    assert phrase["words"][0]["entries"][0]["simplified"] == "小红书"
    assert comment["entries"][0]["simplified"] == "评论" and comment["words"] == []
    assert taxi["entries"][0]["pinyin"] == "dī jiě"  # looked up on its own, it is a word


@pytest.mark.parametrize("query", ["", "   ", "\u3000"])
def test_define_empty_is_an_error(shared_home: Path, query: str) -> None:
    result = _run(shared_home, "define", query)
    assert result.returncode == 2
    assert "empty" in result.stderr and "Traceback" not in result.stderr
    both = _run(shared_home, "define", "--json", "银行", query)
    assert both.returncode == 2 and both.stdout == ""
