"""Text -> words with pinyin, tones and a short gloss, for the ruby view and the CLI.

Words come from the dictionary's segmentation by frequency. A word whose dictionary reading
is fixed keeps it (银行行长 yín háng háng zhǎng); a polyphonic character the words leave open
is settled by grammar rules (``companion.reading_rules``: 太重 zhòng, 一只 zhī, 还你钱 huán)
or else read in context by g2pM's model (``companion.polyphones``, loaded on first need, in
the caller's thread: annotate runs on a worker). On request, the tone sandhi of 不 and 一.
Non-Chinese runs (English, digits, emoji, URLs, punctuation) are returned untouched as their
own words, so ``"".join(w.text for w in words) == text``; traditional text is read in
simplified form and shown as written.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from companion.dictionary import HAN_RUN, Dictionary, get_dictionary
from companion.dictionary.syllables import is_syllable, to_marks, to_numbers, to_zhuyin, tone_of
from companion.reading_rules import apply_rules, apply_tone_rules

STYLES = ("marks", "numbers", "zhuyin")

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef<>\"]+", re.IGNORECASE)
_NUMERALS = set("零〇一二两三四五六七八九十百千万亿")
_UNITS = set("十百千万亿")
# Full-width punctuation in ASCII form; the marks that close a clause carry the space
# Chinese does not write (人均100块，yyds -> "kuài, yyds")
_WIDE_PUNCT = str.maketrans(
    {"，": ", ", "。": ". ", "！": "! ", "？": "? ", "：": ": ", "；": "; ", "、": ", ", "（": " (",
     "）": ") ", "「": '"', "」": '" ', "『": '"', "』": '" ', "“": '"', "”": '" ', "‘": "'",
     "’": "' ", "《": '"', "》": '" ', "【": " [", "】": "] ", "～": "~", "…": "... ", "—": "-",
     "　": " "}
)  # fmt: skip


@dataclass(slots=True)
class Word:
    """One word of annotated text.

    ``pinyin`` and ``tones`` have one item per character for Chinese words and are empty for
    passthrough text. ``numbers`` keeps the tone-number syllables so a view can switch style
    without annotating again. Tones: 1-4, 0 for neutral or unknown. ``text`` is what was
    written (traditional stays traditional); ``simplified`` is its simplified form, the one
    the dictionary looks up (the same string for simplified and non-Chinese text).
    """

    text: str
    pinyin: list[str] = field(default_factory=list)
    tones: list[int] = field(default_factory=list)
    is_chinese: bool = False
    gloss: str = ""
    numbers: list[str] = field(default_factory=list)
    simplified: str = ""

    def joined_pinyin(self, style: str = "marks") -> str:
        """The word's pinyin written as one word ("yínháng", "xī'ān", "yin2hang2", "ㄒㄧ-ㄢ")."""
        return join_syllables(self.numbers, style) if self.is_chinese else ""

    def to_json(self, style: str = "marks") -> dict[str, object]:
        """``{"hanzi", "pinyin", "tones", "syllables"}``: ``pinyin`` is the word as written in
        the whole-text pinyin ("yínháng", "" for passthrough); ``syllables`` one per character.

        Both are rendered from ``numbers`` in ``style`` so they always agree with each other.
        """
        _check_style(style)
        syllables = [format_syllable(s, style) for s in self.numbers] if self.is_chinese else []
        return {
            "hanzi": self.text,
            "pinyin": self.joined_pinyin(style),
            "tones": list(self.tones),
            "syllables": syllables,
        }


def format_syllable(numbers: str, style: str = "marks") -> str:
    """One tone-number syllable ("hao3") in ``style``: "hǎo", "hao3" or "ㄏㄠˇ"."""
    if not numbers:
        return ""
    if style == "numbers":
        return to_numbers(numbers)
    if style == "zhuyin":
        return to_zhuyin(numbers)
    return to_marks(numbers)


def join_syllables(numbers: list[str], style: str = "marks") -> str:
    """Syllables written as one word; marks style adds the apostrophe before a/o/e (xī'ān)."""
    if style == "zhuyin":
        return "-".join(format_syllable(s, style) or "?" for s in numbers)
    out = []
    for k, syllable in enumerate(numbers):
        text = format_syllable(syllable, style) or "?"
        if style == "marks" and k and text[:1].lower() in "aoeāáǎàōóǒòēéěè":
            text = "'" + text
        out.append(text)
    return "".join(out)


def _check_style(style: str) -> None:
    if style not in STYLES:
        raise ValueError(f"unknown pinyin style {style!r}: use one of {', '.join(STYLES)}")


Open = list[tuple["Word", int, tuple[str, ...]]]  # (word, char index, readings it may take)


Slots = list[tuple[int, tuple[str, ...]]]  # (char index, readings it may take)
_WORD_CACHE_SIZE = 20_000
# Polyphones whose other readings live only inside words (的 in 目的, 便 in 便宜, 会 in 会计):
# standing alone they read one way, so the model is not run for them (CPP dev: the default
# is right every time these stand alone, for 都 more often than the model)
_SETTLED_ALONE = frozenset("的和把给都上那会要别区便大看吗吧呢么没发少")


def _word_readings(
    dictionary: Dictionary,
    word: Word,
    polyphones: dict[str, tuple[str, ...]],
    open_: Open,
    tone_open: Open | None = None,
) -> None:
    """Give ``word`` its tone-number syllables (one per character) and gloss, and list in
    ``open_`` the characters whose reading the word leaves open for the context to decide.

    ``tone_open``, when given, receives the characters whose neutral tone the dictionary
    gives and the model may replace by the full tone (the citation tones of 知识 zhīshí).
    """
    key = word.simplified
    known = dictionary.word_cache.get(key)
    if known is None:  # words recur from text to text: decode each one once
        numbers, slots, neutral = _readings_of(dictionary, key, polyphones)
        known = (tuple(numbers), tuple(slots), tuple(neutral), dictionary.gloss(key))
        if len(dictionary.word_cache) >= _WORD_CACHE_SIZE:
            dictionary.word_cache.clear()
        dictionary.word_cache[key] = known
    word.numbers = list(known[0])
    word.gloss = known[3]
    open_.extend((word, i, options) for i, options in known[1])
    if tone_open is not None:
        tone_open.extend((word, i, options) for i, options in known[2])


def _readings_of(
    dictionary: Dictionary, key: str, polyphones: dict[str, tuple[str, ...]], depth: int = 0
) -> tuple[list[str], Slots, Slots]:
    """The likeliest syllables of ``key``, the characters left open, and the characters
    with a lexical neutral tone (see ``_word_readings``).

    A word whose dictionary readings agree keeps that reading (银行: yín háng); a word with
    several readings leaves open the characters where they differ (便宜: pián or biàn). A
    word with no reading (jieba lists words CEDICT lacks: 国家银行) reads as the dictionary
    words it is made of when it is made of such words; a polyphone left over, or standing
    alone, is open among its readings.
    """
    readings = [
        syllables
        for reading in dictionary.readings(key)
        if len(syllables := reading.split()) == len(key) and all(map(is_syllable, syllables))
    ]
    slots: Slots = []
    neutral: Slots = []
    if readings and len(key) > 1:
        numbers = list(readings[0])
        if dictionary.extra_reading(key):
            return numbers, slots, neutral  # our own terms' readings are exact
        variants = {tuple(s.lower() for s in r) for r in readings}
        proper = readings[0][0][:1].isupper()
        for i, ch in enumerate(key):
            options = tuple(dict.fromkeys(v[i] for v in variants))
            known = polyphones.get(ch, ())
            if len(options) > 1 and not _neutral_only(options, known):
                slots.append((i, tuple(dict.fromkeys(options + known))))
            elif known and proper:
                # CEDICT's readings of transliterated names are where a word is least sure
                # (CPP dev: 95% right, the model 99%)
                slots.append((i, tuple(dict.fromkeys(options + known))))
            elif known and _lexical_neutral(numbers[i], known):
                neutral.append((i, known))
        return numbers, slots, neutral
    if len(key) > 1 and depth < 4:
        parts = dictionary.split_word(key)
        if len(parts) > 1 and all(len(part) > 1 for part in parts):
            numbers = []
            for part in parts:
                part_numbers, part_slots, part_neutral = _readings_of(
                    dictionary, part, polyphones, depth + 1
                )
                slots.extend((len(numbers) + i, options) for i, options in part_slots)
                neutral.extend((len(numbers) + i, options) for i, options in part_neutral)
                numbers.extend(part_numbers)
            return numbers, slots, neutral
    numbers = []
    for i, ch in enumerate(key):
        single = readings[0][0] if readings else dictionary.reading(ch)
        first = single.split()[0] if single else ""
        numbers.append(first if is_syllable(first) else "")
        if ch in polyphones and ch not in "一不" and not (len(key) == 1 and ch in _SETTLED_ALONE):
            slots.append((i, polyphones[ch]))
    return numbers, slots, neutral


def _neutral_only(options: tuple[str, ...], readings: tuple[str, ...]) -> bool:
    """Readings of a word that differ only in a neutral tone the model cannot give (多少:
    duōshao or duōshǎo): the dictionary's order decides, not the model."""
    return len({o[:-1] for o in options}) == 1 and any(
        _lexical_neutral(o, readings) for o in options
    )


def _lexical_neutral(syllable: str, readings: tuple[str, ...]) -> bool:
    """A word's neutral tone on a character whose readings have none (识 in 知识 zhīshi)."""
    return syllable.endswith("5") and syllable.lower() not in readings


_SENTENCE_END = re.compile(r"[。！？!?；;…\n]+")


def _read_in_context(words: list[Word], open_: Open, tone_open: Open) -> None:
    """Let the context model choose the reading of every open character (one batch).

    The model sees the sentence around the character (in simplified form, as it was
    trained), or the character as written when that is itself a polyphone it knows (閤).
    A ``tone_open`` character only takes the model's tone, never another syllable.
    """
    slots = [(*slot, False) for slot in open_] + [(*slot, True) for slot in tone_open]
    if not slots:
        return
    from companion.polyphones import Query, get_model

    model = get_model()
    if model is None:
        return  # no model installed: the dictionary's likeliest readings stand
    from companion.polyphones import polyphone_readings

    polyphones = polyphone_readings()
    starts: dict[int, int] = {}
    parts = []
    at = 0
    for word in words:
        starts[id(word)] = at
        parts.append(word.simplified or word.text)
        at += len(parts[-1])
    text = "".join(parts)
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
    queries = []
    for word, i, options, _tone_only in slots:
        pos = starts[id(word)] + i
        k = bisect.bisect_right(bounds, pos)
        lo, hi = bounds[k - 1], bounds[k]
        sentence = text[lo:hi]
        written = word.text[i]
        if written != word.simplified[i] and written in polyphones:
            sentence = sentence[: pos - lo] + written + sentence[pos - lo + 1 :]
            options = polyphones[written]
        queries.append(Query(sentence, pos - lo, options))
    for (word, i, _, tone_only), (reading, _confidence) in zip(
        slots, model.predict(queries), strict=True
    ):
        old = word.numbers[i]
        if not reading or reading == old.lower():
            continue
        if tone_only and reading[:-1] != old.lower()[:-1]:
            continue  # the dictionary's syllable stands (暖和 nuǎnhuo, not nuǎnhé)
        # keep a proper noun's capital (Chóngqìng) when the model changes a syllable
        word.numbers[i] = reading[0].upper() + reading[1:] if old[:1].isupper() else reading


def _apply_sandhi(words: list[Word]) -> None:
    """Spoken tones of 不 and 一 (bú shì, yí gè, yìqǐ), across word boundaries."""
    # flatten consecutive Chinese words into one run of (word, position) slots
    runs: list[list[tuple[Word, int]]] = [[]]
    for word in words:
        if word.is_chinese:
            runs[-1].extend((word, i) for i in range(len(word.simplified)))
        elif runs[-1]:
            runs.append([])
    for run in runs:
        for k, (word, i) in enumerate(run):
            ch = word.simplified[i]
            if ch not in "不一":
                continue
            current = word.numbers[i]
            prev_ch = run[k - 1][0].simplified[run[k - 1][1]] if k else ""
            if k + 1 >= len(run):
                continue  # sentence-final 一/不 keep their tone
            nxt_word, nxt_i = run[k + 1]
            next_ch = nxt_word.simplified[nxt_i]
            next_tone = tone_of(nxt_word.numbers[nxt_i])
            if prev_ch and prev_ch == next_ch and prev_ch not in "不一":
                new = "bu5" if ch == "不" else "yi5"  # 好不好, 看一看
            elif ch == "不":
                if current != "bu4":
                    continue
                new = "bu2" if next_tone == 4 else current
            else:
                if current != "yi1":
                    continue
                if next_ch in _UNITS:
                    pass  # 一百 yìbǎi, 一万二 yíwàn'èr, 一万一千 yíwàn yìqiān
                elif prev_ch == "第" or prev_ch in _NUMERALS or next_ch in _NUMERALS:
                    continue  # 第一, 十一个, 一九九八: the digit keeps yī
                if next_tone == 4:
                    new = "yi2"
                elif next_tone in (1, 2, 3):
                    new = "yi4"
                else:
                    continue
            word.numbers[i] = new


def annotate(
    text: str, style: str = "marks", sandhi: bool = False, neutral_tones: bool = True
) -> list[Word]:
    """Segment ``text`` and give each Chinese word its pinyin, tones and gloss.

    Loads the dictionary on first use (blocking: call it off the GUI thread, or after
    ``companion.dictionary.ensure_loaded`` has finished). Raises ``DictionaryError`` when the
    CC-CEDICT data is missing, ``ValueError`` for an unknown style.
    """
    _check_style(style)
    if not text:
        return []
    dictionary = get_dictionary()
    from companion.polyphones import polyphone_readings

    polyphones = polyphone_readings()
    words: list[Word] = []
    open_: Open = []
    tone_open: Open = []
    pos = 0
    pieces: list[tuple[str, bool]] = []
    for match in _URL_RE.finditer(text):
        if match.start() > pos:
            pieces.append((text[pos : match.start()], False))
        pieces.append((match.group(0), True))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    for piece, is_url in pieces:
        if is_url:
            words.append(Word(piece, simplified=piece))
            continue
        for token, simple in dictionary.segment_pairs(piece):
            if token and HAN_RUN.match(simple):
                word = Word(token, is_chinese=True, simplified=simple)
                _word_readings(
                    dictionary, word, polyphones, open_, None if neutral_tones else tone_open
                )
                words.append(word)
            elif token:
                words.append(Word(token, simplified=simple))
    apply_rules(words, open_, dictionary)
    _read_in_context(words, open_, tone_open)
    apply_tone_rules(words, dictionary)
    if sandhi:
        _apply_sandhi(words)
    for word in words:
        if word.is_chinese:
            word.pinyin = [format_syllable(s, style) for s in word.numbers]
            word.tones = [tone_of(s) for s in word.numbers]
    return words


def restyle(words: list[Word], style: str) -> None:
    """Re-render every word's ``pinyin`` in another style, in place (cheap: no lookup)."""
    _check_style(style)
    for word in words:
        if word.is_chinese:
            word.pinyin = [format_syllable(s, style) for s in word.numbers]


def pinyin_text(words: list[Word], style: str = "marks") -> str:
    """The whole text's pinyin, words separated by spaces, punctuation kept in ASCII form.

    "银行行长，你好！" -> "yínháng hángzhǎng, nǐhǎo!". Passthrough text is kept as is apart
    from full-width punctuation and runs of white space; "@小红书" -> "@Xiǎohóngshū",
    "#日常#" -> "#rìcháng#". In zhuyin a word's syllables are joined with "-" (first-tone
    syllables carry no mark, so run together they would be ambiguous).
    """
    out: list[str] = []
    hash_open = False

    def glue_next() -> bool:
        last = out[-1][-1:] if out else ""
        return not out or last in "@([\"'" or (last == "#" and hash_open)

    for word in words:
        if word.is_chinese:
            text = word.joined_pinyin(style)
            out.append(text if glue_next() else " " + text)
            continue
        text = word.text.translate(_WIDE_PUNCT)
        if not text.strip():
            continue
        lead_space = text[:1].isspace()
        parts = text.split()
        for n, part in enumerate(parts):
            closing = part[:1] in ",.!?:;)]}%" or (part[:1] == "#" and hash_open)
            if n == 0 and not lead_space and (closing or glue_next()):
                out.append(part)
            else:
                out.append(part if not out else " " + part)
            hash_open ^= part.count("#") % 2 == 1
    return "".join(out).strip()
