"""Phrasebook search: every kind of query, ranking, typos, user entries, CSV round trip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from companion.phrasebook import get_book, segmentation_terms
from companion.phrasebook.book import Book, Entry
from companion.phrasebook.user_entries import UserEntriesError, UserPhrases
from companion.storage.db import Database
from companion.text import has_han


@pytest.fixture(scope="module")
def book() -> Book:
    return get_book()


def first(book: Book, query: str) -> str:
    found = book.search(query, limit=5)
    assert found, f"nothing for {query!r}"
    return found[0].simplified


@pytest.mark.parametrize(
    "query",
    ["种草", "種草", "zhongcao", "zhong cao", "zhòngcǎo", "zhòng cǎo", "zhong4cao3", "ZhongCao",
     "zhongcoa", "zhongca"],
)  # fmt: skip
def test_every_spelling_of_zhongcao_finds_it_first(book: Book, query: str) -> None:
    assert first(book, query) == "种草"


def test_initials(book: Book) -> None:
    assert "种草" in [e.simplified for e in book.search("zc", limit=5)]
    assert first(book, "jjz") == "绝绝子"
    assert first(book, "hqyzm") == "获取验证码"


def test_exact_beats_longer_terms(book: Book) -> None:
    names = [e.simplified for e in book.search("种草", limit=10)]
    assert names[0] == "种草" and "种草机" in names[1:]
    assert first(book, "绝了") == "绝了"
    assert first(book, "绝绝子") == "绝绝子"


def test_english(book: Book) -> None:
    assert first(book, "verification code") == "验证码"
    assert first(book, "Refund") == "退款"
    assert first(book, "cat tax") == "猫税"
    assert first(book, "dupe") == "平替"
    assert first(book, "teen mode") == "青少年模式"
    assert first(book, "privacy policy") == "隐私政策"
    assert first(book, "refnud") == "退款"  # a typo


def test_abbreviations_numbers_stickers(book: Book) -> None:
    assert first(book, "YYDS") == "yyds"
    assert first(book, "u1s1") == "u1s1"
    assert first(book, "666") == "666"
    assert first(book, "[笑哭R]") == "[笑哭R]"
    assert first(book, "笑哭r") == "[笑哭R]"
    assert first(book, "栓q") == "栓Q"
    assert first(book, "tiktok难民") == "TikTok难民"


def test_a_pasted_sentence_finds_its_terms(book: Book) -> None:
    names = [e.simplified for e in book.search("家人们谁懂啊这家店真的绝了", limit=10)]
    assert "家人们谁懂啊" in names and "绝了" in names


def test_chinese_typo_and_substring(book: Book) -> None:
    assert first(book, "绝绝紫") == "绝绝子"  # alternative spelling
    assert first(book, "蚌埠往了") == "蚌埠住了"  # one wrong character
    assert "草稿箱" in [e.simplified for e in book.search("草", limit=20)]


def test_nothing_found_and_odd_input(book: Book) -> None:
    assert book.search("") == []
    assert book.search("   ") == []
    assert book.search("qqqqxxxzzzz") == []
    assert book.search("😀😀") == []
    assert isinstance(book.search("\x00\x01"), list)
    assert isinstance(book.search("种" * 10_000), list)


def test_category_filter_and_entry(book: Book) -> None:
    assert all(e.category == "interface" for e in book.search("like", category="interface"))
    entry = book.entry("slang:种草")
    assert entry is not None and entry.pinyin == "zhòng cǎo"
    assert book.entry("nope:x") is None


def test_segmentation_terms_are_words(book: Book) -> None:
    terms = list(segmentation_terms())
    assert ("种草", "種草", "zhòng cǎo") in [t[:3] for t in terms]
    assert all(len(t) == 4 and t[0] and t[3] for t in terms)
    assert not any(t[0].isascii() for t in terms)


def test_user_entries_join_the_search(tmp_path: Path) -> None:
    base = get_book()
    local = Book(base.entries)
    store = UserPhrases(Database(tmp_path / "u.db"))
    mine = store.add("猫猫", "kitty", pinyin="māo māo")
    local.set_user_entries(store.entries())
    assert local.search("kitty")[0].key == mine.key == f"mine:{mine.user_id}"
    assert local.search("maomao")[0].key == mine.key
    assert local.entry(mine.key) is not None
    store.db.close()


def test_user_entry_validation(tmp_path: Path) -> None:
    store = UserPhrases(Database(tmp_path / "u.db"))
    with pytest.raises(UserEntriesError):
        store.add("", "x")
    with pytest.raises(UserEntriesError):
        store.add("你好", " | ")
    with pytest.raises(UserEntriesError):
        store.add("你好", "hi\x00")
    with pytest.raises(UserEntriesError):
        store.update(999, "你好", "hi")
    store.db.close()


def test_csv_round_trip(tmp_path: Path) -> None:
    store = UserPhrases(Database(tmp_path / "a.db"))
    store.add("猫猫", ["kitty", "cat, cute"], pinyin="māo māo", note='says "meow"')
    store.add("干饭", "eat heartily", traditional="乾飯")
    out = tmp_path / "mine.csv"
    assert store.export_csv(out) == 2
    other = UserPhrases(Database(tmp_path / "b.db"))
    result = other.import_csv(out)
    assert (result.added, result.skipped) == (2, 0)
    assert [(e.simplified, e.english, e.pinyin, e.note, e.traditional_or_simplified)
            for e in other.entries()] == [
        (e.simplified, e.english, e.pinyin, e.note, e.traditional_or_simplified)
        for e in store.entries()
    ]  # fmt: skip
    again = other.import_csv(out)
    assert (again.added, again.skipped) == (0, 2)
    store.db.close()
    other.db.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01binary\x00", "binary"),
        ("simplified,english\n你好,hi\n".encode("utf-16"), "binary"),
        (b"simplified,english\n\xff\xfe\xfa,hi\n", "UTF-8"),
        (b"chinese,meaning\n\xe4\xbd\xa0\xe5\xa5\xbd,hi\n", "missing"),
        ("simplified,english\n你好,hi\n再见,\n".encode(), "line 3"),
        ("simplified,english\n你好,hi,extra,more\n".encode(), "line 2"),
        (b"simplified,english\n", "no entries"),
    ],
)
def test_bad_csv_imports_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    store = UserPhrases(Database(tmp_path / "c.db"))
    store.add("猫猫", "kitty")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(UserEntriesError) as info:
        store.import_csv(bad)
    assert message in str(info.value)
    assert [e.simplified for e in store.entries()] == ["猫猫"]
    store.db.close()


def test_missing_csv_file(tmp_path: Path) -> None:
    store = UserPhrases(Database(tmp_path / "c.db"))
    with pytest.raises(UserEntriesError, match="cannot read"):
        store.import_csv(tmp_path / "nope.csv")
    store.db.close()


def test_entry_json_has_the_cli_fields() -> None:
    entry = Entry("种草", "種草", "zhòng cǎo", ("recommend",), "slang")
    data = entry.to_json()
    assert list(data)[:5] == ["simplified", "traditional", "pinyin", "english", "category"]


def test_get_book_is_loaded_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import companion.phrasebook as phrasebook

    monkeypatch.setattr(phrasebook, "_book", None)
    books: list[Book] = []
    threads = [threading.Thread(target=lambda: books.append(get_book())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(books) == 4 and all(b is books[0] for b in books)


def test_damaged_index_cache_is_rebuilt(
    monkeypatch: pytest.MonkeyPatch, no_prebuilt_caches: None
) -> None:
    import companion.phrasebook as phrasebook
    from companion import paths

    monkeypatch.setattr(phrasebook, "_book", None)
    fresh = get_book()  # writes the cache in this test's own cache directory
    caches = list(paths.cache_dir().glob("phrasebook-*.pickle"))
    assert len(caches) == 1
    caches[0].write_bytes(b"not a pickle")
    monkeypatch.setattr(phrasebook, "_book", None)
    rebuilt = get_book()
    assert len(rebuilt.entries) == len(fresh.entries)
    assert rebuilt.search("种草")[0].simplified == "种草"
    monkeypatch.setattr(phrasebook, "_book", None)
    assert get_book().search("yyds")[0].simplified == "yyds"  # from the rewritten cache


def test_traditional_queries_are_converted(book: Book) -> None:
    # forms the data has no traditional column for are still found through the conversion
    assert book.search("好傢伙")[0].simplified == "好家伙"
    assert book.search("羣聊")[0].simplified == "群聊"
    assert book.search("評論區")[0].simplified == "评论区"
    assert book.search("小紅書")[0].simplified == "小红书"
    assert book.may_be_traditional("評論區") and not book.may_be_traditional("评论区 yyds 😀")


def test_simplified_text_never_loads_opencc() -> None:
    """Checking for traditional characters is a set lookup: OpenCC loads only when needed
    (once the book is cached; building the cache computes that set with OpenCC)."""
    code = (
        "import sys\n"
        "from companion.phrasebook import get_book\n"
        "from companion.phrasebook.glossary import PhrasebookGlossary\n"
        "book = get_book()\n"
        "g = PhrasebookGlossary(book)\n"
        "g.find_terms('被这支口红种草了，一万二'); book.search('评论区')\n"
        "print('opencc' in sys.modules)\n"
        "g.find_terms('被這支口紅種草了')\n"
        "print('opencc' in sys.modules)\n"
    )
    for _build_then_load in range(2):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
        )
    assert out.stdout.split() == ["False", "True"]


def test_latin_terms() -> None:
    from companion.phrasebook import latin_terms

    terms = latin_terms()
    assert isinstance(terms, frozenset)
    assert {"yyds", "ootd", "dm", "xswl", "u1s1", "kol", "emo", "grwm", "3q"} <= terms
    assert all(t == t.lower() and t.strip() == t for t in terms)
    assert not any(has_han(t) for t in terms) and "666" not in terms
    assert latin_terms() is terms  # computed once


def test_the_pickled_book_searches_like_the_built_one(book: Book) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(book))
    for query in ["zhongcao", "yyds", "評論區", "kept stuck", "zc", "refnud"]:
        assert [e.key for e in copy.search(query)] == [e.key for e in book.search(query)]
    assert copy.term_forms == book.term_forms and copy.surface == book.surface
