"""The glossary pass: finding terms (longest, non-overlapping) and numbers, protecting them,
senses chosen by context, traditional text, and what the first translation loads."""

from __future__ import annotations

import itertools
from pathlib import Path

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
    assert terms(glossary, "这波操作666！") == ["这波", "666"]
    # before a unit the digits are an amount, not number slang: read as money instead
    hits = glossary.find_terms("买了520元的东西")
    assert [(h.term, h.kind, h.value) for h in hits] == [("520元", "number", "520 yuan")]
    assert [h.value for h in glossary.find_terms("价格5201块")] == ["5,201 yuan"]


def test_single_characters_are_not_highlighted(glossary: PhrasebookGlossary) -> None:
    assert terms(glossary, "我") == []


def test_protect_and_restore(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect("被这支口红种草了", "zh", "en")
    assert "种草" not in prepared.text and "ZQ1" in prepared.text
    assert [h.term for h in prepared.hits] == ["种草"]
    # 被 ... 种草: the sense for being on the receiving end goes into the sentence
    assert prepared.restore("I was ZQ1 by this lipstick.") == "I was won over by this lipstick."


@pytest.mark.parametrize(
    "engine_output", ["I was zq1 by it.", "I was ZQ 1 by it.", "I was Zq-1 by it."]
)
def test_restore_copes_with_mangled_placeholders(
    glossary: PhrasebookGlossary, engine_output: str
) -> None:
    prepared = glossary.protect("被这支口红种草了", "zh", "en")
    out = prepared.restore(engine_output)
    assert "won over" in out and "ZQ" not in out.upper()


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
    assert "won over" in result.text and "absolutely amazing" in result.text
    assert [h.term for h in result.terms] == ["口红", "种草", "绝绝子"]


def test_inline_meaning_leaves_remarks_to_the_pane(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect("我的猫税来了", "zh", "en")
    assert prepared.hits[0].meaning.startswith("cat tax (")  # the pane shows the full meaning
    assert prepared.restore("My ZQ1 is here.") == "My cat tax is here."


def test_numbers_are_found_and_explained(glossary: PhrasebookGlossary) -> None:
    hits = glossary.find_terms("月薪一万二，房租四千五")
    numbers = [(h.term, h.value) for h in hits if h.kind == "number"]
    assert numbers == [("一万二", "12,000"), ("四千五", "4,500")]
    first = next(h for h in hits if h.term == "一万二")
    assert first.meaning == "12,000 (一万二 = 12 thousand; 万 = 10,000)"
    assert first.entry_key == "" and first.category == "number"
    assert first.inline == "12,000"


def test_numbers_are_protected_with_their_exact_value(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect("这件衣服3块5，周五晚上8点见", "zh", "en")
    assert [h.term for h in prepared.hits] == ["3块5", "周五晚上8点"]
    assert "3块5" not in prepared.text and "ZQ1" in prepared.text and "ZQ2" in prepared.text
    assert prepared.restore("This dress is ZQ1, see you ZQ2.") == (
        "This dress is 3.50 yuan, see you Friday 8 p.m."
    )
    # a dropped placeholder is appended, never lost
    assert prepared.restore("See you.").endswith("(3块5: 3.50 yuan; 周五晚上8点: Friday 8 p.m.)")


def test_english_numbers_stay_intact_into_chinese(glossary: PhrasebookGlossary) -> None:
    prepared = glossary.protect(
        "My rent is $1,200 and I pay 50% of it, 3.5 hours away.", "en", "zh"
    )
    assert [h.term for h in prepared.hits] == ["$1,200", "50%", "3.5"]
    assert all(h.kind == "number" for h in prepared.hits)
    assert prepared.restore("我的房租是ZQ1，我付ZQ2，ZQ3小时远。") == (
        "我的房租是$1,200，我付50%，3.5小时远。"
    )
    mixed = glossary.protect("Here is my cat tax: 2 cats.", "en", "zh")
    assert [(h.term, h.value) for h in mixed.hits] == [("cat tax", "猫税"), ("2", "2")]


def test_a_sense_chosen_by_context_goes_into_the_translation(glossary: PhrasebookGlossary) -> None:
    boss = glossary.protect("被老板硬控了两个小时", "zh", "en")
    hit = next(h for h in boss.hits if h.term == "硬控")
    assert hit.value == "kept stuck" and hit.cue == "老板" and hit.senses == ("captivated",)
    assert hit.meaning == "kept stuck (with 老板 here; other sense: captivated)"
    assert "kept stuck" in boss.restore("My boss ZQ1 me for ZQ2 hours.")
    video = glossary.protect("被这个视频硬控了", "zh", "en")
    assert [h.value for h in video.hits if h.term == "硬控"] == ["captivated"]
    plain = glossary.find_terms("硬控")[0]  # no context: the usual sense first
    assert plain.value == "captivated" and plain.cue == "" and plain.senses == ("kept stuck",)


def test_a_sense_can_take_the_term_before_it(glossary: PhrasebookGlossary) -> None:
    hits = glossary.find_terms("这款粉底液是油皮亲妈")
    merged = next(h for h in hits if "亲妈" in h.term)
    assert (merged.term, merged.start, merged.value) == ("油皮亲妈", 6, "made for oily skin")
    assert "biological mother" in merged.meaning  # the other sense stays available
    assert "油皮" not in [h.term for h in hits]  # folded into 油皮亲妈
    prepared = glossary.protect("这款粉底液是油皮亲妈", "zh", "en")
    assert prepared.restore("This foundation is ZQ1.") == "This foundation is made for oily skin."
    mother = next(h for h in glossary.find_terms("她是我亲妈") if h.term == "亲妈")
    assert mother.value == "biological mother"
    # no phrasebook term before it: the meaning names the characters, nothing is protected
    round_face = next(h for h in glossary.find_terms("这款是圆脸亲妈") if h.term == "亲妈")
    assert "圆脸" in round_face.meaning and round_face.value == "made for {}"
    assert "亲妈" not in [h.term for h in glossary.protect("这款是圆脸亲妈", "zh", "en").hits]


def test_traditional_text_is_matched_with_offsets_into_it(glossary: PhrasebookGlossary) -> None:
    text = "小紅書評論區的姐妹說被種草了，一萬二"
    hits = glossary.find_terms(text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.term
    found = {h.term: h for h in hits}
    assert {"小紅書", "評論區", "種草", "一萬二"} <= set(found)
    assert found["種草"].value == "won over"  # the cue 被 was read in the converted text
    assert found["一萬二"].value == "12,000"
    # a form the data has no traditional column for is found through the conversion
    assert "塌房" in terms(glossary, "他塌房了") and "塌房" in terms(glossary, "他塌房了，無語")
    assert "打工人" in terms(glossary, "打工人的一週")


def test_false_numbers_are_not_marked(glossary: PhrasebookGlossary) -> None:
    for text in ["一个人", "等一下", "第一次", "十分好看", "万一下雨", "千万别买", "好一点"]:
        assert [h for h in glossary.find_terms(text) if h.kind == "number"] == [], text


def test_the_first_translation_does_not_unpack_the_search_index() -> None:
    """The glossary uses the book's table of forms: a pickled book keeps its search index
    packed until someone searches."""
    import pickle

    from companion.phrasebook import get_book
    from companion.phrasebook.book import LazyEntries

    book = pickle.loads(pickle.dumps(get_book()))
    assert book._index is None and book._index_blob is not None
    glossary = PhrasebookGlossary(book)
    assert [h.term for h in glossary.find_terms("被这支口红种草了")] == ["口红", "种草"]
    glossary.protect("被这支口红种草了", "zh", "en")
    assert book._index is None  # still packed
    entries = book.entries
    assert isinstance(entries, LazyEntries)
    decoded = sum(1 for k in range(len(entries)) if entries._decoded[k] is not None)
    assert decoded < len(entries) // 10  # the entries it found (and those with senses)
    assert book.search("zhongcao")[0].simplified == "种草"
    assert book._index is not None


def test_user_entries_are_found(tmp_path: Path) -> None:
    from companion.phrasebook import get_book
    from companion.phrasebook.book import Book
    from companion.phrasebook.user_entries import UserPhrases
    from companion.storage.db import Database

    book = Book(get_book().entries)
    store = UserPhrases(Database(tmp_path / "u.db"))
    store.add("猫猫虫", "caterpillar cat (a meme)")
    store.add("[我的R]", "my sticker")
    book.set_user_entries(store.entries())
    store.db.close()
    glossary = PhrasebookGlossary(book)
    assert terms(glossary, "好可爱的猫猫虫[我的R]") == ["猫猫虫", "[我的R]"]
    book.set_user_entries([])
    assert terms(glossary, "好可爱的猫猫虫") == ["猫猫"]  # the built-in entry only


def test_full_width_and_case(glossary: PhrasebookGlossary) -> None:
    text = "真的ＹＹＤＳ，Ootd分享"
    hits = glossary.find_terms(text)
    assert [(h.term, h.meaning) for h in hits][:2] == [
        ("ＹＹＤＳ", "GOAT"),
        ("Ootd", "outfit of the day"),
    ]
    assert all(text[h.start : h.end] == h.term for h in hits)
