"""Filling in a word to save from the dictionary: reading, meanings, the sentence's pinyin.

The popup already knows a word's entry; a word typed on the command line, selected in the
pane or read by OCR does not. These helpers load CC-CEDICT (blocking the first time: call
them off the GUI thread) and leave anything the caller gave untouched.
"""

from __future__ import annotations

from dataclasses import replace

from companion.learning.textkeys import canonical_pinyin
from companion.learning.words import WordToSave
from companion.text import split_segments, split_sentences


def sentence_containing(text: str, word: str, position: int | None = None) -> str:
    """The sentence of ``text`` holding ``word`` (at ``position`` when given, else the first
    occurrence); the whole text trimmed when the word is not in it."""
    start = text.find(word) if position is None else position
    if start < 0 or not word:
        return text.strip()
    pos = 0
    for segment in split_segments(text, max_chars=10_000):
        end = pos + len(segment.text)
        if segment.translatable and pos <= start < end:
            return segment.text.strip()
        pos = end
    return text.strip()


def sentence_translation(source: str, result: str, sentence: str) -> str:
    """The part of ``result`` (the translation of ``source``) that translates ``sentence``.

    The translator works sentence by sentence, so when both texts have as many sentences the
    one at the same place is it; a one-sentence source is translated by the whole result.
    "" when it cannot be told.
    """
    wanted = sentence.strip()
    if not wanted or not result.strip():
        return ""
    sources = [s.strip() for s in split_sentences(source)]
    if len(sources) <= 1:
        return result.strip() if wanted in source else ""
    results = [s.strip() for s in split_sentences(result)]
    if wanted not in sources or len(results) != len(sources):
        return ""
    return results[sources.index(wanted)]


def sentence_pinyin(sentence: str) -> str:
    """Tone-marked pinyin of a sentence ("我去银行。" -> "wǒ qù yínháng."), "" without data."""
    from companion.dictionary import DictionaryError
    from companion.pinyin import annotate, pinyin_text

    if not sentence.strip():
        return ""
    try:
        return pinyin_text(annotate(sentence), "marks")
    except DictionaryError:
        return ""


def complete(item: WordToSave) -> WordToSave:
    """``item`` with its reading, traditional form and meanings from CC-CEDICT when missing,
    and its sentence's pinyin; unchanged where the dictionary has nothing."""
    from companion.dictionary import DictionaryError, get_dictionary

    word = item.simplified.strip()
    try:
        entries = get_dictionary().lookup(word) if word else []
    except DictionaryError:
        entries = []
    if item.pinyin:
        wanted = canonical_pinyin(item.pinyin).lower()
        entries = [e for e in entries if canonical_pinyin(e.pinyin_marks).lower() == wanted]
    if entries:
        entry = entries[0]
        same = [e for e in entries if e.pinyin.lower() == entry.pinyin.lower()]
        item = replace(
            item,
            simplified=entry.simplified if word == entry.traditional else item.simplified,
            traditional=item.traditional or entry.traditional,
            pinyin=item.pinyin or entry.pinyin_marks,
            senses=item.senses or tuple(s for e in same for s in e.senses),
        )
    if item.context and not item.sentence_pinyin:
        item = replace(item, sentence_pinyin=sentence_pinyin(item.context))
    return item
