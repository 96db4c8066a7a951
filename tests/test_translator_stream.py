"""Streaming a long text: the incremental assembly gives exactly what assembling the whole
text again would, at every partial result and at the end, and the engines, the online flag
and the glossary terms gathered along the way match the sentences shown."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from companion.engines.base import CancelToken, EngineInfo
from companion.glossary_api import Protected, TermHit
from companion.text import split_segments
from companion.translator import SentenceCache, SentenceResult, TranslationResult, Translator


class ShapeEngine:
    """Answers with text whose edges vary (spaces, line breaks), as real engines' do."""

    def __init__(self, name: str = "offline", online: bool = False) -> None:
        self.info = EngineInfo(name, name.title(), online)

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None = None,
    ) -> list[str]:
        shapes = ("{} ", " {}", "{} \n", "{}", "  {}  ", "{} \n x")
        return [shapes[len(s) % len(shapes)].format(s.strip()[:3]) for s in sentences]


class MarkGlossary:
    """Protects 种草 (and reports it) so sentences carry glossary hits."""

    def find_terms(self, text: str) -> list[TermHit]:
        return []

    def protect(self, sentence: str, source: str, target: str) -> Protected:
        if "种草" not in sentence:
            return Protected(sentence)
        start = sentence.index("种草")
        hit = TermHit("种草", start, start + 2, "recommend")
        return Protected(sentence.replace("种草", "ZQ1"), [hit], lambda out: out)


def reference_text(source_text: str, shown: Sequence[SentenceResult], target: str) -> str:
    """The whole text assembled at once from the sentences shown (the former algorithm)."""
    segments = split_segments(source_text)
    done = {s.source: s for s in shown}
    parts: list[str] = []
    for segment in segments:
        if not segment.translatable:
            parts.append("\n" * segment.text.count("\n") if "\n" in segment.text else " ")
            continue
        item = done.get(segment.text)
        if item is None:
            break
        if parts and target == "en" and not parts[-1].endswith((" ", "\n")):
            parts.append(" ")
        parts.append(item.target.strip())
    text = "".join(parts)
    if target == "zh":
        text = text.replace(" \n", "\n")
    return text.strip(" ")


def reference_terms(shown: Sequence[SentenceResult]) -> list[str]:
    seen: dict[str, None] = {}
    for sentence in shown:
        for hit in sentence.hits:
            seen.setdefault(hit.term, None)
    return list(seen)


PIECES = [
    "你好。",
    "种草！",
    "我是新来的，",
    "好",
    "\n",
    "\n\n",
    " ",
    "  ",
    "yyds ",
    "OK.",
    "谢谢？",
]


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=40),
    chunk=st.integers(min_value=1, max_value=4),
    cached=st.lists(st.sampled_from(PIECES), max_size=6),
    target=st.sampled_from(["en", "zh"]),
)
def test_streamed_text_equals_the_whole_text_assembled_again(
    pieces: list[str], chunk: int, cached: list[str], target: str
) -> None:
    text = "".join(pieces)
    source = "zh" if target == "en" else "en"
    cache = SentenceCache()
    translator = Translator(ShapeEngine(), glossary=MarkGlossary(), cache=cache)
    if "".join(cached).strip():  # some sentences known already: served first, then the rest
        translator.translate("".join(cached), source, target)
    partials: list[TranslationResult] = []
    result = translator.translate(
        text, source, target, on_progress=partials.append, chunk_sentences=chunk, whole_post=0
    )
    if not result.total:
        return  # nothing to translate (emoji, punctuation): kept as written, not assembled
    for value in [*partials, result]:
        assert value.text == reference_text(value.source_text, value.sentences, target)
        assert [h.term for h in value.glossary_terms] == reference_terms(value.sentences)
        engines = list(dict.fromkeys(s.engine for s in value.sentences))
        assert value.engine == ("+".join(engines) if engines else value.engine)
        assert value.online == any(s.online for s in value.sentences)
    assert [len(p.sentences) for p in partials] == sorted(len(p.sentences) for p in partials)
    assert len(result.sentences) == sum(
        1 for s in split_segments(result.source_text) if s.translatable
    )


def test_a_long_text_streams_every_sentence_once_in_order() -> None:
    text = "".join(f"第{day}天去打卡了一家火锅店，种草了！环境很出片。\n" for day in range(400))
    partials: list[TranslationResult] = []
    result = Translator(ShapeEngine(), glossary=MarkGlossary()).translate(
        text, on_progress=partials.append, chunk_sentences=1
    )
    assert result.text == reference_text(result.source_text, result.sentences, "en")
    assert [h.term for h in result.glossary_terms] == ["种草"]
    assert len(result.sentences) == 800 and result.complete
    # One per chunk but the last (not partial); chunks of 1, 2, then 4 sentences.
    assert [p.done for p in partials][:4] == [1, 3, 7, 11]
    assert len(partials) == 2 + (result.total - 3 + 3) // 4 - 1
    # Each partial is a snapshot: later chunks did not change what an earlier one holds.
    assert partials and all(p.text == reference_text(text, p.sentences, "en") for p in partials)
    assert all(result.text.startswith(p.text.rstrip()) for p in partials)
