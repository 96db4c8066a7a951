"""The translation service's own behaviour: splitting, cache, streaming, fallback, glossary.

These use small engines written here that follow the Engine protocol exactly, because what is
under test is the service's logic; the real offline engine and the real online engines are
tested against real models and local servers in their own test files.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from companion.engines.base import (
    Cancelled,
    CancelToken,
    EngineError,
    EngineInfo,
    ErrorKind,
)
from companion.glossary_api import Protected, TermHit
from companion.translator import InputError, TranslationResult, Translator


class BracketEngine:
    """Marks each sentence so tests can see exactly what was sent and in which order."""

    def __init__(self, name: str = "offline", online: bool = False) -> None:
        self.info = EngineInfo(name, name.title(), online)
        self.calls: list[list[str]] = []

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None = None,
    ) -> list[str]:
        if cancel is not None:
            cancel.raise_if_cancelled()
        self.calls.append(list(sentences))
        return [f"<{self.info.name}:{s}>" for s in sentences]


class FailingEngine(BracketEngine):
    def __init__(self, kind: ErrorKind, message: str = "HTTP 403") -> None:
        super().__init__("deepl", online=True)
        self.kind = kind
        self.message = message

    def translate_batch(self, sentences, source, target, cancel=None):
        self.calls.append(list(sentences))
        raise EngineError("deepl", self.kind, self.message)


class NoPackEngine(BracketEngine):
    def translate_batch(self, sentences, source, target, cancel=None):
        raise EngineError("offline", ErrorKind.NO_PACK, "No Chinese→English language pack")


def test_auto_direction_and_sentence_order() -> None:
    engine = BracketEngine()
    result = Translator(engine).translate("你好。我是新来的！")
    assert (result.source, result.target) == ("zh", "en")
    assert result.text == "<offline:你好。> <offline:我是新来的！>"
    assert result.complete and result.done == result.total == 2
    assert result.engine == "offline" and not result.online


def test_forced_direction_is_respected() -> None:
    engine = BracketEngine()
    result = Translator(engine).translate("OK 你好", source="en", target="zh")
    assert (result.source, result.target) == ("en", "zh")
    with pytest.raises(InputError):
        Translator(engine).translate("hi", source="en", target="en")


def test_line_breaks_of_the_input_are_kept() -> None:
    result = Translator(BracketEngine()).translate("第一段。\n\n第二段。")
    assert result.text == "<offline:第一段。>\n\n<offline:第二段。>"


def test_same_text_is_never_translated_twice() -> None:
    engine = BracketEngine()
    translator = Translator(engine)
    translator.translate("绝绝子。好看！")
    translator.translate("好看！绝绝子。")
    assert engine.calls == [["绝绝子。", "好看！"]]
    assert translator.cache.hits == 2


def test_long_text_streams_in_chunks_with_progress() -> None:
    engine = BracketEngine()
    text = "".join(f"第{i}句。" for i in range(20))
    partials: list[TranslationResult] = []
    result = Translator(engine).translate(text, on_progress=partials.append, chunk_sentences=6)
    assert [len(c) for c in engine.calls] == [6, 12, 2]  # the top early, then larger calls
    assert [p.done for p in partials] == [6, 18]
    assert all(not p.complete for p in partials)
    assert partials[0].text.startswith("<offline:第0句。>")
    assert result.done == 20 and result.complete
    # A partial is a snapshot: what the translation did next never changes what it showed.
    assert [len(p.sentences) for p in partials] == [6, 18]
    assert len(result.sentences) == 20


def test_a_post_goes_to_the_engine_in_one_call_and_a_longer_text_streams() -> None:
    engine = BracketEngine()
    post = "".join(f"第{i}句。" for i in range(8))
    partials: list[TranslationResult] = []
    result = Translator(engine).translate(post, on_progress=partials.append)
    assert [len(c) for c in engine.calls] == [8]  # one decoding pass, nothing to stream
    assert partials == [] and result.done == 8 and result.complete

    engine.calls.clear()
    longer = "".join(f"第{i}段。" for i in range(9))
    Translator(engine).translate(longer, on_progress=partials.append)
    assert [len(c) for c in engine.calls] == [6, 3]  # streams: the first chunk shows early
    assert [p.done for p in partials] == [6]


def test_cancel_stops_the_stream_and_starts_no_more_engine_calls() -> None:
    engine = BracketEngine()
    cancel = CancelToken()
    partials: list[TranslationResult] = []

    def on_progress(partial: TranslationResult) -> None:
        partials.append(partial)
        cancel.cancel()

    text = "".join(f"第{i}句。" for i in range(100))  # chunks of 6, 12, 24, 24, 24, 10
    with pytest.raises(Cancelled):
        Translator(engine).translate(text, cancel=cancel, on_progress=on_progress)
    # The next chunk may already be with the engine while the first is shown (at most that
    # one); nothing is sent once the cancel is seen, and nothing more is shown.
    assert 1 <= len(engine.calls) <= 2 and len(partials) == 1


def test_the_next_chunk_is_with_the_engine_while_this_one_is_shown() -> None:
    import threading

    second_call = threading.Event()

    class NotingEngine(BracketEngine):
        def translate_batch(self, sentences, source, target, cancel=None):
            out = super().translate_batch(sentences, source, target, cancel)
            if len(self.calls) == 2:
                second_call.set()
            return out

    seen: list[bool] = []

    def on_progress(partial: TranslationResult) -> None:
        if not seen:  # the first chunk is shown: the second goes to the engine meanwhile
            seen.append(second_call.wait(10))

    engine = NotingEngine()
    text = "".join(f"第{i}句。" for i in range(40))
    result = Translator(engine).translate(text, on_progress=on_progress)
    assert seen == [True]
    assert [len(call) for call in engine.calls] == [6, 12, 22] and result.done == 40


def test_a_long_text_falls_back_once_and_keeps_the_note_from_that_chunk_on() -> None:
    offline, online = BracketEngine(), FailingEngine(ErrorKind.NETWORK)
    partials: list[TranslationResult] = []
    text = "".join(f"第{i}句。" for i in range(40))
    result = Translator(offline, online=online).translate(text, on_progress=partials.append)
    assert len(online.calls) == 1  # the later chunks start with the offline engine
    assert [len(call) for call in offline.calls] == [6, 12, 22]
    assert [len(p.notes) for p in partials] == [1, 1] and len(result.notes) == 1
    assert result.engine == "offline" and not result.online and result.done == 40


def test_a_failure_while_preparing_a_later_chunk_is_raised_and_no_thread_is_left() -> None:
    import threading

    class BrokenGlossary(OneTermGlossary):
        def protect(self, sentence: str, source: str, target: str) -> Protected:
            if sentence == "第30句。":
                raise ValueError("damaged phrasebook")
            return super().protect(sentence, source, target)

    engine = BracketEngine()
    partials: list[TranslationResult] = []
    text = "".join(f"第{i}句。" for i in range(40))
    with pytest.raises(ValueError, match="damaged phrasebook"):
        Translator(engine, glossary=BrokenGlossary()).translate(text, on_progress=partials.append)
    assert [p.done for p in partials] == [6, 18]  # what came before it was shown, in order
    assert [len(call) for call in engine.calls] == [6, 12]
    names = [t.name for t in threading.enumerate()]
    assert not [n for n in names if n.startswith(("companion-prepare", "companion-engine"))]


@pytest.mark.parametrize("kind", [ErrorKind.AUTH, ErrorKind.NETWORK, ErrorKind.RATE_LIMIT])
def test_online_failure_falls_back_offline_with_a_plain_note(kind: ErrorKind) -> None:
    offline, online = BracketEngine(), FailingEngine(kind)
    result = Translator(offline, online=online).translate("你好。")
    assert result.text == "<offline:你好。>"
    assert result.engine == "offline" and not result.online
    assert len(result.notes) == 1 and result.notes[0].endswith("translated offline")
    assert result.notes[0].startswith("Deepl: ")
    assert "HTTP 403" not in result.notes[0]  # plain words, not the provider's status


def test_online_success_is_marked_as_sent_online() -> None:
    result = Translator(BracketEngine(), online=BracketEngine("deepl", True)).translate("你好。")
    assert result.online and result.engine == "deepl"


def test_no_pack_is_reported_not_hidden() -> None:
    with pytest.raises(EngineError) as info:
        Translator(NoPackEngine()).translate("你好")
    assert info.value.kind is ErrorKind.NO_PACK


def test_bad_input_is_refused_with_a_message() -> None:
    translator = Translator(BracketEngine())
    with pytest.raises(InputError, match="binary"):
        translator.translate("\x00\x01\x02\x03\x04\x05\x06")
    with pytest.raises(InputError, match="characters"):
        translator.translate("好" * 100_001)
    assert translator.translate("   ").text == ""


def test_emoji_and_digits_only_are_kept_not_sent_to_a_model() -> None:
    engine = BracketEngine()
    for text in ("😂😂", "666！！", " 520 "):
        result = Translator(engine).translate(text)
        assert result.text == text.strip() and result.complete
    assert engine.calls == []


def test_repeated_sentences_in_one_text_are_translated_once() -> None:
    engine = BracketEngine()
    result = Translator(engine).translate("好的。好的。谢谢。好的。")
    assert engine.calls == [["好的。", "谢谢。"]]
    assert result.text == "<offline:好的。> <offline:好的。> <offline:谢谢。> <offline:好的。>"
    assert result.total == 2 and result.done == 2


def test_a_shared_cache_survives_a_new_translator() -> None:
    from companion.translator import SentenceCache

    cache = SentenceCache()
    engine = BracketEngine()
    Translator(engine, cache=cache).translate("你好。")
    Translator(engine, cache=cache).translate("你好。")
    assert engine.calls == [["你好。"]]


def test_cached_online_sentences_still_say_they_went_online() -> None:
    translator = Translator(BracketEngine(), online=BracketEngine("deepl", True))
    translator.translate("你好。")
    again = translator.translate("你好。")
    assert again.online and again.engine == "deepl" and again.engine_label == "Deepl"


def test_cached_sentences_keep_their_phrasebook_attribution() -> None:
    translator = Translator(BracketEngine(), glossary=OneTermGlossary())
    translator.translate("被种草了。")
    again = translator.translate("被种草了。")
    assert [h.term for h in again.glossary_terms] == ["种草"]


def test_a_failed_online_engine_rests_instead_of_being_retried_on_every_edit() -> None:
    offline, online = BracketEngine(), FailingEngine(ErrorKind.NETWORK)
    translator = Translator(offline, online=online)
    translator.translate("第一句。")
    second = translator.translate("第二句。")
    assert len(online.calls) == 1  # not asked again right away
    assert second.notes and second.notes[0].endswith("translated offline")
    assert second.text == "<offline:第二句。>"


def test_the_engines_own_advice_is_kept_for_other_failures() -> None:
    online = FailingEngine(ErrorKind.INTERNAL, "not found (check the server URL)")
    result = Translator(BracketEngine(), online=online).translate("你好。")
    assert result.notes == ["Deepl: not found (check the server URL) - translated offline"]


class OneTermGlossary:
    """Protects 种草 the way the phrasebook does: a placeholder, then the curated meaning."""

    def find_terms(self, text: str) -> list[TermHit]:
        start = text.find("种草")
        return [] if start < 0 else [TermHit("种草", start, start + 2, "tempted to buy")]

    def protect(self, sentence: str, source: str, target: str) -> Protected:
        hits = self.find_terms(sentence)
        if not hits:
            return Protected(sentence)
        return Protected(
            sentence.replace("种草", "[T1]"),
            hits,
            lambda out: out.replace("[T1]", "tempted to buy"),
        )


def test_glossary_terms_are_protected_and_reported() -> None:
    engine = BracketEngine()
    result = Translator(engine, glossary=OneTermGlossary()).translate("被种草了。")
    assert engine.calls == [["被[T1]了。"]]
    assert result.text == "<offline:被tempted to buy了。>"
    assert [h.term for h in result.terms] == ["种草"]
    assert [h.term for h in result.glossary_terms] == ["种草"]
    assert result.as_json()["glossary"] == [
        {"term": "种草", "meaning": "tempted to buy", "pinyin": ""}
    ]


def test_when_the_fallback_fails_too_both_reasons_are_given() -> None:
    online = FailingEngine(ErrorKind.NO_KEY, "no API key stored: add one in Settings")
    with pytest.raises(EngineError) as info:
        Translator(NoPackEngine(), online=online).translate("你好")
    assert info.value.kind is ErrorKind.NO_PACK
    assert "language pack" in info.value.message
    assert "no API key stored: add one in Settings" in info.value.message


def test_a_missing_key_is_not_called_rejected() -> None:
    online = FailingEngine(ErrorKind.NO_KEY, "no API key stored: add one in Settings")
    result = Translator(BracketEngine(), online=online).translate("你好。")
    assert result.notes == ["Deepl: no API key stored: add one in Settings - translated offline"]


def test_terms_are_listed_only_when_asked() -> None:
    translator = Translator(BracketEngine(), glossary=OneTermGlossary())
    assert [h.term for h in translator.translate("种草了。").terms] == ["种草"]
    quiet = translator.translate("种草了。", find_terms=False)
    assert quiet.terms == [] and [h.term for h in quiet.glossary_terms] == ["种草"]


def test_latin_words_of_a_chinese_sentence_come_back_as_written() -> None:
    from companion.translator import keep_latin

    kept = keep_latin("这个look真的很chill，DM我 https://xhslink.com/a/B1c")
    assert kept.text == "这个 ZX1 真的很 ZX2，ZX3 我 ZX4"
    # A model may change the case, split or drop a code: every word still comes back.
    assert kept.restore("This zx 1 is really Z X2, ZX3 me ZX4") == (
        "This look is really chill, DM me https://xhslink.com/a/B1c"
    )
    assert kept.restore("This is really nice ZX9") == (
        "This is really nice look chill DM https://xhslink.com/a/B1c"
    )
    assert keep_latin("only English here").text == "only English here"


def test_a_sentence_with_nothing_left_to_translate_never_goes_online() -> None:
    offline, online = BracketEngine(), BracketEngine("deepl", True)
    result = Translator(offline, online=online).translate("好看！\nI love it!", source="zh")
    assert online.calls == [["好看！"]]  # the English line was not sent anywhere
    assert result.text == "<deepl:好看！>\nI love it!"
    assert [s.online for s in result.sentences] == [True, False]


class PrefetchingEngine(BracketEngine):
    """An offline engine that can load its model ahead; notes each event in ``events``."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    def prefetch(self, source: str, target: str) -> None:
        self.events.append(f"prefetch {source}->{target}")

    def translate_batch(self, sentences, source, target, cancel=None):
        self.events.append("translate")
        return super().translate_batch(sentences, source, target, cancel)


class AskedWords(frozenset[str]):
    """Known Latin words that note when direction detection first asks about one."""

    events: list[str]

    def __contains__(self, word: object) -> bool:
        self.events.append("known words asked")
        return super().__contains__(word)

    def __len__(self) -> int:
        self.events.append("known words asked")
        return super().__len__()


def _prefetch_events(
    text: str, online: BracketEngine | None = None, source: str = "auto", target: str | None = None
) -> list[str]:
    events: list[str] = []
    known = AskedWords({"yyds"})
    known.events = events
    Translator(PrefetchingEngine(events), online=online, known_latin=known).translate(
        text, source, target
    )
    return list(dict.fromkeys(events))  # each kind of event once, in first-seen order


def test_the_offline_model_is_prefetched_before_the_phrasebook_is_read() -> None:
    # Chinese without the phrasebook's words is Chinese with them: no need to wait for them.
    assert _prefetch_events("新人报到，我是从TikTok来的美国人，yyds！") == [
        "prefetch zh->en",
        "known words asked",
        "translate",
    ]
    # English might turn out Chinese once its Latin words are known: prefetched after.
    assert _prefetch_events("yyds yyds 好") == ["known words asked", "prefetch zh->en", "translate"]
    assert _prefetch_events("Hello there, friends.") == [
        "known words asked",
        "prefetch en->zh",
        "translate",
    ]
    assert _prefetch_events("Hello there.", source="en", target="zh")[0] == "prefetch en->zh"


def test_no_model_is_prefetched_when_none_will_translate() -> None:
    assert _prefetch_events("😀😀 123 !!") == []  # kept as written
    assert _prefetch_events("今天很好。", online=BracketEngine("deepl", online=True)) == []


class FailsOnSecondCall(BracketEngine):
    def translate_batch(self, sentences, source, target, cancel=None):
        if self.calls:
            raise EngineError("offline", ErrorKind.INTERNAL, "offline translation failed")
        return super().translate_batch(sentences, source, target, cancel)


def test_a_long_text_prepares_ahead_and_leaves_no_thread_behind() -> None:
    import threading

    text = "".join(f"第{i}句。" for i in range(30))
    engine = BracketEngine()
    result = Translator(engine).translate(text, chunk_sentences=6)
    assert [len(call) for call in engine.calls] == [6, 12, 12]  # in order, each once
    assert result.text.startswith("<offline:第0句。>") and result.done == 30
    with pytest.raises(EngineError):
        Translator(FailsOnSecondCall()).translate(text, chunk_sentences=6)
    names = [t.name for t in threading.enumerate()]
    assert not [n for n in names if n.startswith(("companion-prepare", "companion-engine"))]


def test_a_long_text_is_cut_into_chunks_that_grow_and_a_post_into_one() -> None:
    from companion.translator import CHUNK_GROWTH, _chunks

    sentences = [f"s{i}" for i in range(200)]
    chunks = _chunks(sentences, 8, 6)
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[:3] == [6, 12, 24] and max(sizes) == 6 * CHUNK_GROWTH
    assert [s for chunk in chunks for s in chunk] == sentences  # all, in order, once
    assert _chunks(sentences[:8], 8, 6) == [sentences[:8]]  # a post: one engine call
    assert _chunks([], 8, 6) == []
    assert [len(c) for c in _chunks(sentences[:9], 0, 1)] == [1, 2, 4, 2]


def test_the_cache_asked_for_many_keys_answers_as_asked_for_each() -> None:
    from companion.translator import CachedSentence, SentenceCache

    def entry(n: int) -> CachedSentence:
        return CachedSentence(f"t{n}", "offline", "Offline", False)

    def key(n: int) -> tuple[str, str, str, bool, str]:
        return ("offline", "zh", "en", True, f"s{n}")

    cache = SentenceCache(capacity=3)
    cache.put_many([(key(n), entry(n)) for n in range(5)])  # the oldest two are dropped
    assert cache.get_many([key(n) for n in range(5)]) == [None, None, entry(2), entry(3), entry(4)]
    assert (cache.hits, cache.misses) == (3, 2)
    assert cache.get_many([key(2)]) == [entry(2)]  # now the most recent: 3 goes next
    cache.put(key(5), entry(5))
    assert [cache.get(key(n)) for n in (2, 3, 4, 5)] == [entry(2), None, entry(4), entry(5)]
