"""The glossary pass: finding terms (longest, non-overlapping) and protecting them."""

from __future__ import annotations

import itertools

import pytest

from companion.glossary_api import GlossaryPass
from companion.phrasebook.glossary import PhrasebookGlossary


@pytest.fixture(scope="module")
def glossary() -> PhrasebookGlossary:
    return PhrasebookGlossary()


def terms(glossary: PhrasebookGlossary, text: str) -> list[str]:
    return [hit.term for hit in glossary.find_terms(text)]


def test_implements_the_protocol(glossary: PhrasebookGlossary) -> None:
    checked: GlossaryPass = glossary
    assert checked.find_terms("") == []


def test_longest_match_wins(glossary: PhrasebookGlossary) -> None:
    assert terms(glossary, "她是个种草机") == ["种草机"]
    assert terms(glossary, "我被种草了") == ["种草"]
    assert terms(glossary, "绝绝子！这家店绝了") == ["绝绝子", "绝了"]
    assert terms(glossary, "家人们谁懂啊") == ["家人们谁懂啊"]


def test_hits_do_not_overlap_and_have_offsets(glossary: PhrasebookGlossary) -> None:
    text = "这个种草机太厉害了，我被种草了，yyds"
    hits = glossary.find_terms(text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.term
        assert hit.meaning and hit.entry_key and hit.category
    spans = [(h.start, h.end) for h in hits]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert [h.term for h in hits] == ["种草机", "厉害", "种草", "yyds"]


def test_traditional_and_case(glossary: PhrasebookGlossary) -> None:
    assert terms(glossary, "被這支口紅種草了") == ["口紅", "種草"]
    assert terms(glossary, "真的YYDS") == ["YYDS"]


def test_latin_and_number_terms_stand_alone(glossary: PhrasebookGlossary) -> None:
    assert terms(glossary, "yydsss好") == []
    assert terms(glossary, "今天520快乐") == ["520"]
    assert terms(glossary, "买了520元的东西") == []
    assert terms(glossary, "价格5201块") == []
    assert terms(glossary, "这波操作666！") == ["666"]


def test_single_characters_are_not_highlighted(glossary: PhrasebookGlossary) -> None:
    assert terms(glossary, "我") == []


def test_protect_and_restore(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect("被这支口红种草了", "zh", "en")
    assert "种草" not in prepared.text and "ZQ1" in prepared.text
    assert [h.term for h in prepared.hits] == ["种草"]
    assert prepared.restore("I was ZQ1 by this lipstick.") == (
        "I was make someone want to buy by this lipstick."
    )


@pytest.mark.parametrize(
    "engine_output", ["I was zq1 by it.", "I was ZQ 1 by it.", "I was Zq-1 by it."]
)
def test_restore_copes_with_mangled_placeholders(
    glossary: PhrasebookGlossary, engine_output: str
) -> None:
    prepared = glossary.protect("被这支口红种草了", "zh", "en")
    out = prepared.restore(engine_output)
    assert "make someone want to buy" in out and "ZQ" not in out.upper()


def test_restore_appends_dropped_meanings(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect("绝绝子！这家店绝了", "zh", "en")
    assert len(prepared.hits) == 2
    out = prepared.restore("ZQ2 this shop.")
    assert out.startswith("amazing this shop.")
    assert "绝绝子: absolutely amazing" in out
    stray = prepared.restore("ZQ1 ZQ7 shop ZQ2")
    assert "ZQ" not in stray


def test_plain_interface_words_are_only_highlighted(glossary: PhrasebookGlossary) -> None:
    text = "点击获取验证码"
    assert "获取验证码" in terms(glossary, text)
    prepared = glossary.protect(text, "zh", "en")
    assert prepared.text == text and prepared.hits == []
    assert prepared.restore("Click to get code") == "Click to get code"


def test_english_to_chinese(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect("Here is my cat tax, from a TikTok refugee.", "en", "zh")
    assert [h.meaning for h in prepared.hits] == ["猫税", "TikTok难民"]
    out = prepared.restore("这是我的 ZQ1，来自一个 ZQ2。")
    assert out == "这是我的猫税，来自一个TikTok难民。"
    assert prepared.restore("这是我的猫。").endswith("（猫税，TikTok难民）")
    assert terms(glossary, "the cat taxi") == []


def test_nothing_to_protect(glossary: PhrasebookGlossary) -> None:
    for sentence in ["", "今天天气很好", "😀😀", "hello world"]:
        prepared = glossary.protect(sentence, "zh", "en")
        assert prepared.text == sentence and not prepared.hits


def test_through_the_translator_with_the_fixture_pack(installed_packs: list) -> None:
    from companion.engines.offline import OfflineEngine
    from companion.translator import Translator

    translator = Translator(OfflineEngine(threads=1), glossary=PhrasebookGlossary())
    result = translator.translate("被这支口红种草了。这家店绝绝子！", source="zh", target="en")
    assert {h.term for h in result.glossary_terms} == {"种草", "绝绝子"}
    assert "make someone want to buy" in result.text and "absolutely amazing" in result.text
    assert [h.term for h in result.terms] == ["口红", "种草", "绝绝子"]


def test_inline_meaning_leaves_remarks_to_the_pane(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect("我的猫税来了", "zh", "en")
    assert prepared.hits[0].meaning.startswith("cat tax (")  # the pane shows the full meaning
    assert prepared.restore("My ZQ1 is here.") == "My cat tax is here."
