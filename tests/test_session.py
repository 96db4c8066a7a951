"""The translation session in the core: one result object, built the same for pane and CLI.

The engines here are small classes following the Engine protocol exactly (what is under test is
the session's rules); the real offline engine on the fixture packs is used at the end, and the
pane/CLI comparison is in test_main_window.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from companion import changes
from companion.engines.base import CancelToken, EngineError, EngineInfo, ErrorKind
from companion.session import MAX_PINYIN_CHARS, Session, SessionResult, known_latin_terms
from companion.settings import Settings
from companion.translator import InputError

MIXED = "今天的OOTD是vintage风，这个look真的很chill，yyds！DM我要link"


class ScriptEngine:
    """zh->en gives "EN[...]", en->zh gives "中文[...]"; records what it was sent."""

    def __init__(self, fail_zh_en: bool = False) -> None:
        self.info = EngineInfo("offline", "Offline (test)", False)
        self.calls: list[tuple[str, str, list[str]]] = []
        self.fail_zh_en = fail_zh_en
        self.forgotten = 0

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None = None,
    ) -> list[str]:
        self.calls.append((source, target, list(sentences)))
        if source == "zh" and self.fail_zh_en:
            raise EngineError("offline", ErrorKind.NO_PACK, "No Chinese→English language pack")
        mark = "EN" if target == "en" else "中文"
        return [f"{mark}[{s}]" for s in sentences]

    def forget(self) -> None:
        self.forgotten += 1


@pytest.fixture
def engine() -> ScriptEngine:
    return ScriptEngine()


@pytest.fixture
def session(engine: ScriptEngine) -> Session:
    return Session(Settings(), offline=engine)


def test_a_mixed_post_is_chinese_and_keeps_its_english_words(
    session: Session, engine: ScriptEngine
) -> None:
    result = session.translate(MIXED)
    assert (result.source, result.target, result.detected) == ("zh", "en", True)
    for word in ("OOTD", "vintage", "look", "chill", "DM", "link"):
        assert word in result.text
    sent = " ".join(" ".join(call[2]) for call in engine.calls)
    assert "vintage" not in sent and "look" not in sent  # kept away from the model
    assert "GOAT" in result.text  # yyds: the phrasebook's curated meaning
    assert "yyds" in [h.term for h in result.glossary]
    assert {"OOTD", "yyds"} <= {h.term for h in result.terms}
    assert result.pinyin_of == "source"
    assert "".join(w.text for w in result.pinyin) == MIXED


def test_an_english_line_in_a_chinese_post_is_not_sent_to_the_model(
    session: Session, engine: ScriptEngine
) -> None:
    result = session.translate("好看！\nI love this place!\n推荐。")
    assert result.source == "zh"
    assert result.text.splitlines()[1] == "I love this place!"
    assert all("love" not in " ".join(call[2]) for call in engine.calls)


def test_english_gets_chinese_its_back_translation_and_its_pinyin(
    session: Session, engine: ScriptEngine
) -> None:
    partials: list[SessionResult] = []
    result = session.translate("Hello, I'm new here.", origin="paste", on_progress=partials.append)
    assert (result.source, result.target) == ("en", "zh")
    assert result.text == "中文[Hello, I'm new here.]"
    assert result.back_translation == "EN[中文[Hello, I'm new here.]]"
    assert result.pinyin_of == "target" and result.pinyin[0].text == "中文"
    assert result.origin == "paste" and result.complete
    # The Chinese was shown while it was being checked.
    assert partials and partials[-1].checking and partials[-1].text == result.text
    data = result.as_json()
    assert data["back_translation"] == result.back_translation
    assert data["from"] == "en" and data["to"] == "zh" and data["origin"] == "paste"
    assert data["pinyin"]["of"] == "target"
    assert data["pinyin"]["words"][0]["hanzi"] == "中文"
    assert set(data["timing_ms"]) == {"translate", "back_translation", "reading_aids", "total"}


def test_without_reading_aids_only_the_translation_is_gathered(session: Session) -> None:
    """The CLI's text form prints only the translation: it skips the pinyin and terms."""
    full = session.translate(MIXED)
    bare = session.translate(MIXED, with_reading_aids=False)
    assert bare.text == full.text and bare.glossary == full.glossary  # the translation is whole
    assert full.pinyin and full.terms
    assert (bare.pinyin, bare.terms, bare.pinyin_of) == ((), (), "")


def test_without_the_back_pack_the_chinese_is_kept_and_the_reason_given() -> None:
    session = Session(Settings(), offline=ScriptEngine(fail_zh_en=True))
    result = session.translate("Thanks for the recommendation!")
    assert result.text.startswith("中文[") and result.back_translation is None
    assert result.back_translation_problem == "No Chinese→English language pack"
    assert result.as_json()["back_translation_problem"] == result.back_translation_problem


def test_bad_input_is_refused_and_broken_text_is_cleaned_once(session: Session) -> None:
    with pytest.raises(InputError, match="binary"):
        session.translate("\x00\x01\x02\x03\x04\x05\x06")
    with pytest.raises(InputError, match="characters"):
        session.translate("好" * 100_001)
    # A lone surrogate (an undecodable byte in argv) does not break anything downstream.
    result = session.translate("你好\udc80世界")
    assert result.source_text == "你好\ufffd世界" and result.text


def test_reading_aids_fit_the_text_as_given(session: Session) -> None:
    text = "😂姐妹们被种草了\ud800"
    aids = session.reading_aids(text)
    for hit in aids.terms:
        assert text[hit.start : hit.end] == hit.term
    assert {"姐妹们", "种草"} <= {hit.term for hit in aids.terms}
    long = "好" * (MAX_PINYIN_CHARS + 10)
    long_aids = session.reading_aids(long)
    assert long_aids.truncated and sum(len(w.text) for w in long_aids.words) == MAX_PINYIN_CHARS
    assert session.reading_aids("hello there").words == ()


def test_the_phrasebook_latin_words_do_not_count_as_english() -> None:
    known = known_latin_terms()
    assert {"yyds", "ootd", "emo"} <= known
    assert all(term == term.lower() for term in known)


def test_it_follows_pack_and_engine_changes_until_closed(engine: ScriptEngine) -> None:
    settings = Settings()
    session = Session(settings, offline=engine, follow_changes=True)
    first = session.translator()
    session.translate("你好。")
    settings.set("pinyin_style", "numbers")  # not an engine setting: nothing rebuilt
    assert session.translator() is first
    settings.set("offline_only", True)
    second = session.translator()
    assert second is not first
    changes.notify("packs", "zh-en")
    assert engine.forgotten == 1 and session.translator() is not second
    session.translate("你好。")  # the pack changed: its sentences are translated again
    assert [call[2] for call in engine.calls].count(["你好。"]) == 2
    session.close()
    changes.notify("packs", "zh-en")
    assert engine.forgotten == 1


def test_an_online_engine_is_used_unless_offline_only() -> None:
    settings = Settings()
    settings.set("preferred_engine", "deepl")
    session = Session(settings, offline=ScriptEngine())
    assert session.uses_network() and session.translator().online is not None
    settings.set("offline_only", True)
    session.invalidate()
    assert not session.uses_network() and session.translator().online is None
    forced = Session(settings, offline=ScriptEngine(), engine_name="deepl")
    assert forced.uses_network() and forced.translator().online is not None


def test_with_no_key_the_translation_stays_clean_and_the_reason_is_one_note() -> None:
    settings = Settings()
    settings.set("preferred_engine", "deepl")  # no key in the (memory) keychain
    result = Session(settings, offline=ScriptEngine()).translate("你好。")
    assert result.text == "EN[你好。]" and result.engine == "offline"
    assert len(result.notes) == 1 and "translated offline" in result.notes[0]
    assert "\n" not in result.text


def test_the_real_offline_engine_gives_the_same_kind_of_result(
    installed_packs: list[Path],
) -> None:
    result = Session(Settings()).translate(MIXED, origin="cli")
    assert result.source == "zh" and result.engine == "offline" and result.text
    for word in ("vintage", "look", "link"):
        assert word in result.text


def test_the_cli_prints_the_chinese_and_says_what_it_says(
    installed_packs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from companion.cli import dispatch

    assert dispatch(["translate", "Thanks for the recommendation!"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() and "\n" not in captured.out.strip()  # the Chinese only
    assert "back-translation: " in captured.err
    assert dispatch(["translate", "--no-check", "Thanks!"]) == 0
    assert "back-translation" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        dispatch(["translate", "--engine", "bogus", "你好"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err
