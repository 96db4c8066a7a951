"""The phrasebook data: required fields, readings that match the characters, no duplicates."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache

import pytest

from companion.phrasebook.book import CATEGORIES, DATA_DIR, Entry, load_entries
from companion.phrasebook.search import norm, pinyin_syllables
from companion.text import has_han, is_han

_DIGITS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
_PUNCT = ".,!?…/:;'\"()，。！？、：；（）@#~-"


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return load_entries()


@cache
def _readings(ch: str) -> frozenset[tuple[str, int]]:
    from pypinyin import Style, pinyin

    found = pinyin(ch, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]
    out = set()
    for item in found:
        out.update(pinyin_syllables(item))
    return frozenset(out)


def _reading_text(entry: Entry) -> str:
    text = entry.full if entry.full and not has_han(entry.simplified) else entry.simplified
    if not has_han(text) and text.isdigit():
        text = "".join(_DIGITS[d] for d in text)
    elif not has_han(text):
        text = re.sub(r"\d", lambda m: _DIGITS[m.group(0)], text)
    return text


def pinyin_problems(entry: Entry) -> list[str]:
    """Why ``entry.pinyin`` does not fit the characters (empty when it does)."""
    text = _reading_text(entry)
    hans = [ch for ch in text if is_han(ch)]
    if not hans:
        return []
    latin = {w.lower() for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9-]*", text)}
    tokens = []
    for raw in entry.pinyin.split():
        token = raw.strip(_PUNCT)
        if not token or token.lower() in latin or token.isdigit():
            continue
        tokens.append(token)
    if len(tokens) != len(hans):
        return [f"{len(tokens)} syllables for {len(hans)} characters"]
    problems = []
    for ch, token in zip(hans, tokens, strict=True):
        parsed = pinyin_syllables(token)
        if len(parsed) != 1:
            problems.append(f"{token!r} is not one syllable")
            continue
        base, tone = parsed[0]
        allowed = _readings(ch)
        bases = {b for b, _t in allowed}
        if base not in bases:
            problems.append(f"{ch} read {token}, dictionary: {sorted(allowed)}")
        elif tone and (base, tone) not in allowed and ch not in "一不":
            problems.append(f"{ch} tone {token}, dictionary: {sorted(allowed)}")
    return problems


def test_every_category_has_a_file_and_there_are_enough_entries(entries: list[Entry]) -> None:
    for category in CATEGORIES:
        assert (DATA_DIR / f"{category}.tsv").exists(), category
    assert len(entries) >= 600
    counts: defaultdict[str, int] = defaultdict(int)
    for entry in entries:
        counts[entry.category] += 1
    assert counts["interface"] >= 200 and counts["slang"] >= 150 and counts["phrases"] >= 50


def test_required_fields(entries: list[Entry]) -> None:
    for entry in entries:
        where = f"{entry.category}.tsv:{entry.line}"
        assert entry.simplified and entry.english, where
        assert all(m.strip() for m in entry.english), where
        assert entry.simplified == unicodedata.normalize("NFC", entry.simplified), where
        if has_han(_reading_text(entry)):
            assert entry.pinyin, f"{where}: Chinese needs pinyin"
            assert not re.search(r"[a-zü][1-5]\b", entry.pinyin), f"{where}: use tone marks"
        assert entry.traditional != entry.simplified, f"{where}: traditional only when it differs"
        if entry.traditional:
            assert len(entry.traditional) == len(entry.simplified), where
        if entry.example:
            assert entry.example_en, f"{where}: an example needs its translation"


def test_pinyin_matches_the_characters(entries: list[Entry]) -> None:
    bad = []
    for entry in entries:
        problems = pinyin_problems(entry)
        if problems and not entry.pinyin_exception:
            bad.append(
                f"{entry.category}.tsv:{entry.line} {entry.simplified} [{entry.pinyin}]: {problems}"
            )
    assert not bad, "\n".join(bad)


def test_pinyin_exceptions_are_real_exceptions(entries: list[Entry]) -> None:
    """An entry marked as an exception must actually differ, or the mark hides nothing."""
    stale = [e.simplified for e in entries if e.pinyin_exception and not pinyin_problems(e)]
    assert not stale


def test_no_duplicates(entries: list[Entry]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    keys = set()
    for entry in entries:
        assert entry.key not in keys, entry.key
        keys.add(entry.key)
        for form in {entry.simplified, entry.traditional, *entry.also}:
            if form:
                owners[norm(form)].add(entry.key)
    clashes = {form: keys for form, keys in owners.items() if len(keys) > 1}
    assert not clashes


def test_protected_terms_have_an_inline_meaning(entries: list[Entry]) -> None:
    """The first meaning goes into translated sentences: it must be short."""
    for entry in entries:
        if entry.protect:
            assert len(entry.meaning) <= 60, entry.simplified


def test_checker_catches_wrong_readings() -> None:
    wrong = Entry("种草", "種草", "zhòng cáo", ("x",), "slang")
    assert pinyin_problems(wrong)
    short = Entry("种草", "種草", "zhòng", ("x",), "slang")
    assert pinyin_problems(short)
    right = Entry("种草", "種草", "zhòng cǎo", ("x",), "slang")
    assert not pinyin_problems(right)


def test_key_terms_from_the_issue_are_present(entries: list[Entry]) -> None:
    forms = {norm(f) for e in entries for f in (e.simplified, *e.also)}
    wanted = [
        "获赞与收藏",
        "关注",
        "粉丝",
        "发现",
        "附近",
        "消息",
        "我",
        "首页",
        "购物",
        "发布笔记",
        "草稿箱",
        "验证码",
        "获取验证码",
        "同意并继续",
        "隐私政策",
        "用户协议",
        "举报",
        "拉黑",
        "私信",
        "群聊",
        "直播间",
        "退款",
        "订单",
        "青少年模式",
        "种草",
        "拔草",
        "绝绝子",
        "yyds",
        "避雷",
        "平替",
        "集美",
        "宝子",
        "家人们",
        "姐妹们",
        "破防",
        "内卷",
        "躺平",
        "打卡",
        "安利",
        "踩雷",
        "翻车",
        "真香",
        "上头",
        "下头",
        "社死",
        "凡尔赛",
        "摆烂",
        "绝了",
        "无语",
        "离谱",
        "栓Q",
        "emo",
        "蚌埠住了",
        "泰裤辣",
        "哈哈哈",
        "笑死",
        "xswl",
        "nsdd",
        "dddd",
        "u1s1",
        "zqsg",
        "bdjw",
        "awsl",
        "nbcs",
        "srds",
        "plmm",
        "xjj",
        "bhys",
        "yygq",
        "zfb",
        "bd",
        "kdl",
        "ssfd",
        "dbq",
        "666",
        "520",
        "521",
        "88",
        "233",
        "996",
        "1314",
        "7456",
        "484",
        "[笑哭R]",
        "[赞R]",
        "[派对R]",
        "[哭惹R]",
        "[害羞R]",
        "[doge]",
        "薯条",
        "小红薯",
        "笔记",
        "博主",
        "薯队长",
        "种草机",
        "点赞",
        "收藏",
        "蒲公英",
        "TikTok难民",
        "猫税",
        "对账",
        "洋人",
        "外国友人",
        "小红书难民",
    ]
    missing = [w for w in wanted if norm(w) not in forms]
    assert not missing
