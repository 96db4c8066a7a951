"""Translation history: recording, folding repeats, the cap, switches, search, clearing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import changes
from companion.learning.history import History, NewEntry
from companion.learning.textkeys import fts_query, syllable_splits, toneless_pinyin
from companion.settings import Settings
from companion.storage.db import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "c.db")
    yield database
    database.close()


def _history(db: Database) -> History:
    return History(db, pinyin_of=toneless_pinyin)


def test_record_keeps_every_field_and_lists_newest_first(db: Database) -> None:
    history = _history(db)
    first = history.record("我去银行了", "I went to the bank", "zh", "en", "offline", "pasted",
                           created=1_700_000_000.123)  # fmt: skip
    second = history.record(
        "Thanks!", "谢谢！", "en", "zh", "deepl", "typed", created=1_700_000_100
    )
    assert first is not None and second is not None
    assert (first.source, first.result, first.direction, first.engine, first.origin) == (
        "我去银行了", "I went to the bank", "zh-en", "offline", "pasted",
    )  # fmt: skip
    assert first.created == 1_700_000_000.123
    assert [e.id for e in history.recent()] == [second.id, first.id]
    assert history.get(first.id) == first
    assert history.count() == 2


def test_identical_consecutive_translations_are_one_entry(db: Database) -> None:
    history = _history(db)
    a = history.record("你好", "Hello", "zh", "en", "offline", "pasted", created=100)
    b = history.record("你好", "Hello", "zh", "en", "offline", "clipboard", created=200)
    assert a is not None and b is not None and a.id == b.id
    assert history.count() == 1 and b.created == 200 and b.origin == "clipboard"
    history.record("谢谢", "Thanks", "zh", "en", created=300)
    history.record("你好", "Hello", "zh", "en", created=400)  # not consecutive: kept again
    assert [e.source for e in history.recent()] == ["你好", "谢谢", "你好"]


def test_typing_that_grows_within_a_minute_is_one_entry(db: Database) -> None:
    history = _history(db)
    history.record("你", "you", "zh", "en", origin="typed", created=1000)
    history.record("你好", "hello", "zh", "en", origin="typed", created=1002)
    history.record("你好吗", "how are you", "zh", "en", origin="typed", created=1004)
    assert [(e.source, e.result) for e in history.recent()] == [("你好吗", "how are you")]
    assert [e.source for e in history.search("你")] == ["你好吗"]  # the index follows
    assert history.search("hello") == []  # the folded-away translation is not findable
    history.record("你好吗朋友", "how are you friend", "zh", "en", origin="typed",
                   created=1004 + 61)  # fmt: skip
    assert history.count() == 2  # more than a minute later: a new entry


def test_empty_text_is_not_kept(db: Database) -> None:
    history = _history(db)
    assert history.record("   ", "x", "zh", "en") is None
    assert history.record("你好", "", "zh", "en") is None
    assert history.count() == 0


def test_cap_drops_the_oldest(db: Database) -> None:
    settings = Settings(db)
    settings.set("history_limit", 5)
    history = History(db, settings, pinyin_of=lambda _t: "")
    for k in range(12):
        history.record(f"第{k}句", f"sentence {k}", "zh", "en", created=1000 + k)
    kept = history.recent()
    assert [e.source for e in kept] == [f"第{k}句" for k in range(11, 6, -1)]
    assert history.search("sentence 3") == []
    rows = db.execute("SELECT count(*) FROM history_search")[0][0]
    assert rows == 5  # the index dropped them too
    assert history.trim(2) == 3 and history.count() == 2


def test_switches_keep_none_or_leave_out_the_clipboard(db: Database) -> None:
    settings = Settings(db)
    history = History(db, settings, pinyin_of=lambda _t: "")
    settings.set("history_clipboard", False)
    assert history.record("复制的", "copied", "zh", "en", origin="clipboard") is None
    assert history.record("打的", "typed", "zh", "en", origin="typed") is not None
    settings.set("history_enabled", False)
    assert not history.keeps("typed")
    assert history.record("不要", "do not keep", "zh", "en", origin="typed") is None
    assert [e.source for e in history.recent()] == ["打的"]


def test_search_by_chinese_english_and_pinyin(db: Database) -> None:
    history = _history(db)
    history.record("我去银行取钱", "I went to the bank to get money", "zh", "en", created=1)
    history.record("银色的行李箱", "a silver suitcase", "zh", "en", created=2)
    history.record("这个平替绝绝子", "This dupe is amazing", "zh", "en", created=3)
    history.record("See you tomorrow", "明天见", "en", "zh", created=4)

    def found(query: str) -> list[str]:
        return [e.source for e in history.search(query)]

    assert found("银行") == ["我去银行取钱"]  # adjacent hanzi only, not 银色的行李
    assert found("银") == ["银色的行李箱", "我去银行取钱"]
    assert found("bank") == ["我去银行取钱"]
    assert found("BANK money") == ["我去银行取钱"]
    assert found("yinhang") == ["我去银行取钱"]
    assert found("yín háng") == ["我去银行取钱"]
    assert found("yin2hang2") == ["我去银行取钱"]
    assert found("pingti") == ["这个平替绝绝子"]
    assert found("jue jue zi") == ["这个平替绝绝子"]
    assert found("mingtian") == ["See you tomorrow"]  # the Chinese side may be the result
    assert found("tomor") == ["See you tomorrow"]  # prefixes match while typing
    assert found("qqqzzz") == []
    assert found("") == found("   ") == [e.source for e in history.recent()]


@pytest.mark.parametrize(
    "hostile", ['"', '" OR 1', "NEAR(a b)", "a AND", "*", "(((", "-x", "col:val", "\x00", "😂"]
)
def test_search_never_breaks_on_fts_syntax(db: Database, hostile: str) -> None:
    history = _history(db)
    history.record("测试 NEAR col:val", "test", "zh", "en")
    history.search(hostile)  # no sqlite3.OperationalError


def test_query_building() -> None:
    assert fts_query("小红书") == '"小 红 书"'
    assert fts_query("") is None and fts_query("！？") is None
    assert ["ni", "hao"] in syllable_splits("nihao")
    assert syllable_splits("bank") == []  # English words rarely read as pinyin
    assert syllable_splits("hello") == []


def test_remove_and_clear(db: Database) -> None:
    history = _history(db)
    heard: list[tuple[str, str]] = []
    unsubscribe = changes.subscribe(lambda topic, detail: heard.append((topic, detail)))
    try:
        a = history.record("一", "one", "zh", "en", created=1)
        history.record("二", "two", "zh", "en", created=2)
        assert a is not None and history.remove(a.id)
        assert [e.source for e in history.recent()] == ["二"]
        assert history.clear() == 1
        assert history.count() == 0 and history.search("two") == []
    finally:
        unsubscribe()
    assert ("history", "record") in heard and ("history", "clear") in heard


def test_record_many_is_one_transaction(db: Database) -> None:
    history = _history(db)
    entries = [NewEntry(f"句子{k}", f"s{k}", "zh", "en", created=k, pinyin="ju zi")
               for k in range(1, 501)]  # fmt: skip
    assert history.record_many(entries) == 500
    assert history.count() == 500
    assert len(history.search("juzi", limit=1000)) == 500
