"""My words: saving with context, merging repeats, editing, removing with undo, the
migration of the old ``saved_words`` table, and the popup's old entry points."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.learning.enrich import complete, sentence_containing, sentence_translation
from companion.learning.textkeys import canonical_pinyin
from companion.learning.words import (
    SavedWord,
    WordError,
    WordIndex,
    WordList,
    WordToSave,
    sort_words,
)
from companion.storage.db import MIGRATIONS, Database
from companion.wordlist import save_word, saved_words


@pytest.fixture
def words(tmp_path: Path) -> Iterator[WordList]:
    db = Database(tmp_path / "c.db")
    yield WordList(db)
    db.close()


BANK = WordToSave(
    "银行", "銀行", "yín háng", ("bank",), "我去银行取钱。",
    translation="I went to the bank to get money.", tags=("money",), origin="popup",
)  # fmt: skip


def test_save_keeps_the_word_with_its_sentence(words: WordList) -> None:
    result = words.save(BANK, now=1_700_000_000.5)
    assert result.added
    word = result.word
    assert (word.simplified, word.traditional, word.pinyin, word.meanings) == (
        "银行", "銀行", "yín háng", ("bank",),
    )  # fmt: skip
    assert word.sentence == "我去银行取钱。"
    assert word.translation == "I went to the bank to get money."
    assert word.tags == ("money",) and word.origin == "popup"
    assert word.created == word.updated == 1_700_000_000.5
    assert word.due == 1_700_000_000.5  # its cards are new: due at once
    cards = words.db.execute("SELECT kind FROM review_cards WHERE word_id = ? ORDER BY kind",
                             (word.id,))  # fmt: skip
    assert [r[0] for r in cards] == ["recall", "recognition"]


def test_saving_again_fills_gaps_and_keeps_the_first_sentence(words: WordList) -> None:
    first = words.save(WordToSave("银行", pinyin="yin2hang2", context="第一句。"), now=10).word
    again = words.save(
        WordToSave("银行", "銀行", "yínháng", ("bank",), "第二句。", tags=("hsk3", "Money")),
        now=20,
    )
    assert not again.added and again.word.id == first.id
    word = again.word
    assert word.pinyin == "yín háng"  # the same reading, spelt three ways
    assert word.sentence == "第一句。" and word.meanings == ("bank",)
    assert word.traditional == "銀行" and word.tags == ("hsk3", "Money")
    assert word.updated == 20 and word.created == 10
    assert words.count() == 1
    other = words.save(WordToSave("行", pinyin="xíng"), now=30)
    assert other.added and words.save(WordToSave("行", pinyin="háng"), now=31).added
    assert [w.pinyin for w in words.find("行")] == ["xíng", "háng"]


def test_bad_words_are_refused_with_a_reason(words: WordList) -> None:
    with pytest.raises(WordError, match="empty"):
        words.save(WordToSave("  \x00 "))
    with pytest.raises(WordError, match="longer"):
        words.save(WordToSave("长" * 101))
    with pytest.raises(WordError, match="sentence"):
        words.save(WordToSave("长", context="句" * 10_001))
    assert words.count() == 0


def test_text_is_normalised_once(words: WordList) -> None:
    word = words.save(
        WordToSave(" 种\u200b草 ", "种\u200b草", "zhòng  cǎo",
                   (" to  recommend ", "", "to recommend"), "第一行\r\n第二行\x07",
                   tags=("a, b", " b ", "C"), note="  note \n"),
    ).word  # fmt: skip
    assert word.simplified == "种\u200b草" and word.traditional == ""
    assert word.pinyin == "zhòng cǎo" and word.meanings == ("to recommend",)
    assert word.sentence == "第一行\n第二行" and word.tags == ("a", "b", "C")
    assert word.note == "note"


def test_edit_keeps_review_state_and_refuses_a_clash(words: WordList) -> None:
    bank = words.save(BANK, now=1).word
    words.db.execute("UPDATE review_cards SET reps = 3, state = 2 WHERE word_id = ?", (bank.id,))
    edited = words.update(bank.id, meanings=("bank", "banking"), note="at the corner", now=5)
    assert edited.meanings == ("bank", "banking") and edited.note == "at the corner"
    assert edited.updated == 5 and edited.created == 1
    reps = words.db.execute("SELECT reps FROM review_cards WHERE word_id = ?", (bank.id,))
    assert [r[0] for r in reps] == [3, 3]
    other = words.save(WordToSave("银子", pinyin="yín zi")).word
    with pytest.raises(WordError, match="already"):
        words.update(other.id, {"simplified": "银行", "pinyin": "yin2 hang2"})
    with pytest.raises(WordError, match="cannot change"):
        words.update(other.id, id=5)


def test_remove_and_undo_restore_everything(words: WordList) -> None:
    bank = words.save(BANK, now=1).word
    words.db.execute(
        "INSERT INTO review_log (word_id, kind, rating, reviewed) VALUES (?, 'recall', 3, 7)",
        (bank.id,),
    )
    words.db.execute("UPDATE review_cards SET reps = 2, due = 99000 WHERE word_id = ?", (bank.id,))
    before = words.records()
    removed = words.remove(bank.id)
    assert words.count() == 0
    assert words.db.execute("SELECT count(*) FROM review_cards")[0][0] == 0
    assert words.db.execute("SELECT count(*) FROM review_log")[0][0] == 0
    restored = words.restore(removed)
    assert restored.id == bank.id
    assert words.records() == before
    assert words.db.execute("SELECT rating, reviewed FROM review_log")[0][:] == (3, 7)
    words.remove(bank.id)
    words.save(BANK)
    with pytest.raises(WordError, match="again"):
        words.restore(removed)


def test_index_search_tags_and_orders(words: WordList) -> None:
    words.save(WordToSave("银行", pinyin="yín háng", senses=("bank",), tags=("money",)), now=3)
    words.save(WordToSave("阿姨", pinyin="ā yí", senses=("auntie",), context="阿姨好"), now=2)
    words.save(WordToSave("种草", pinyin="zhòng cǎo", senses=("to recommend",),
                          tags=("slang", "money")), now=1)  # fmt: skip
    words.db.execute("UPDATE review_cards SET due = 0 WHERE word_id = 2")
    index = WordIndex(words.all())

    def chosen(query: str = "", tag: str | None = None, order: str = "newest") -> list[str]:
        return [w.simplified for w in index.select(query, tag, order)]

    assert chosen() == ["银行", "阿姨", "种草"]
    assert chosen(order="pinyin") == ["阿姨", "银行", "种草"]
    assert chosen(order="due") == ["阿姨", "种草", "银行"]  # due when saved, 阿姨 overdue
    assert chosen(tag="money") == ["银行", "种草"]
    assert chosen("yinhang") == chosen("yín") == chosen("银") == chosen("BANK") == ["银行"]
    assert chosen("zhong cao") == chosen("zhong4cao3") == ["种草"]
    assert chosen("阿姨好") == ["阿姨"]  # the sentence is searched too
    assert chosen("nothing like it") == []
    assert index.tags() == ["money", "slang"] == words.tags()
    with pytest.raises(ValueError):
        sort_words([], "sideways")


def test_pinyin_order_puts_tones_after_letters() -> None:
    made = [SavedWord(k, w, pinyin=p) for k, (w, p) in
            enumerate([("骂", "mà"), ("妈", "mā"), ("吗", "ma"), ("马", "mǎ"), ("麻", "má"),
                       ("x", "")])]  # fmt: skip
    assert [w.simplified for w in sort_words(made, "pinyin")] == ["妈", "麻", "马", "骂", "吗", "x"]


def test_canonical_pinyin_spellings() -> None:
    assert canonical_pinyin("yin2hang2") == "yín háng"
    assert canonical_pinyin("Běijīng") == "Běi jīng"
    assert canonical_pinyin("xī'ān") == "xī ān"
    assert canonical_pinyin("lu:4") == "lǜ"
    assert canonical_pinyin("AA zhi4") == "AA zhì"  # not pinyin: kept as typed


def test_old_saved_words_migrate_without_loss(tmp_path: Path) -> None:
    """A database made by the version before learning, with the popup's saved words."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version=2")
    rows = [
        ("银行", "銀行", "yín háng", json.dumps(["bank"], ensure_ascii=False), "我去银行。", 1.5),
        ("种草", "種草", "zhòng cǎo", json.dumps(["to recommend", "(slang)"]), "", 2.25),
        ("你好", "你好", "nǐ hǎo", "[]", "你好，世界😀\n第二行", 3.0),
        ("AA制", "AA制", "", "[]", 'quotes " and, commas', 4.0),
    ]
    conn.executemany(
        "INSERT INTO saved_words (simplified, traditional, pinyin, english, context, created)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    db = Database(path)
    try:
        assert db.schema_version == len(MIGRATIONS)
        migrated = sorted(WordList(db).all(), key=lambda w: w.created)
        assert len(migrated) == len(rows)
        for word, (simp, trad, pinyin, english, context, created) in zip(migrated, rows,
                                                                        strict=True):  # fmt: skip
            assert word.simplified == simp
            assert word.traditional == ("" if trad == simp else trad)
            assert word.pinyin == pinyin
            assert list(word.meanings) == json.loads(english)
            assert word.sentence == context
            assert word.created == created and word.due == created
        cards = db.execute("SELECT count(*) FROM review_cards WHERE reps = 0")[0][0]
        assert cards == 2 * len(rows)
        # the popup's save of a migrated word finds it
        assert save_word(WordToSave("银行", "銀行", "yín háng", ("bank",)), db) is False
    finally:
        db.close()


def test_popup_entry_points_still_work(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    try:
        word = WordToSave("银行", "銀行", "yín háng", ("bank",), "我去银行。")
        assert save_word(word, db) is True
        assert save_word(word, db) is False
        assert [w.simplified for w in saved_words(db)] == ["银行"]
        words = WordList(db)
        assert words.is_saved("银行") and words.is_saved("銀行") and not words.is_saved("钱")
        with pytest.raises(ValueError):
            save_word(WordToSave(""), db)
    finally:
        db.close()


def test_complete_fills_from_the_dictionary() -> None:
    item = complete(WordToSave("银行", context="我去银行取钱。"))
    assert item.pinyin == "yín háng" and item.traditional == "銀行"
    assert any("bank" in s for s in item.senses)
    assert "yínháng" in item.sentence_pinyin and item.sentence_pinyin.endswith(".")
    given = complete(WordToSave("行", pinyin="xíng", senses=("ok",)))
    assert given.pinyin == "xíng" and given.senses == ("ok",)
    assert complete(WordToSave("Zzqx")).senses == ()


def test_sentence_containing() -> None:
    text = "第一句话。我去银行取钱！最后一句"
    assert sentence_containing(text, "银行") == "我去银行取钱！"
    assert sentence_containing(text, "最后") == "最后一句"
    assert sentence_containing(text, "没有") == text


def test_sentence_translation_follows_the_sentences() -> None:
    source = "第一句话。我去银行取钱！最后一句"
    result = "The first sentence. I went to the bank for money! The last one"
    assert sentence_translation(source, result, "我去银行取钱！") == "I went to the bank for money!"
    assert sentence_translation("我去银行。", "I went to the bank.", "我去银行。") == (
        "I went to the bank."
    )
    assert sentence_translation(source, "One sentence only", "我去银行取钱！") == ""
    assert sentence_translation(source, result, "不在里面") == ""
