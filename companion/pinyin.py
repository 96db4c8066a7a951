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
import math
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
    ``spoken``, filled only when annotate is asked for third-tone sandhi, has the syllables
    (tone numbers) as spoken: 你好 written nǐ hǎo, spoken ní hǎo.
    """

    text: str
    pinyin: list[str] = field(default_factory=list)
    tones: list[int] = field(default_factory=list)
    is_chinese: bool = False
    gloss: str = ""
    numbers: list[str] = field(default_factory=list)
    simplified: str = ""
    spoken: list[str] = field(default_factory=list)  # third-tone sandhi, when asked for

    def joined_pinyin(self, style: str = "marks", spoken: bool = False) -> str:
        """The word's pinyin written as one word ("yínháng", "xī'ān", "yin2hang2", "ㄒㄧ-ㄢ");
        ``spoken``: in its spoken tones where annotate computed them (níhǎo)."""
        if not self.is_chinese:
            return ""
        return join_syllables(self.spoken if spoken and self.spoken else self.numbers, style)

    def to_json(self, style: str = "marks") -> dict[str, object]:
        """``{"hanzi", "pinyin", "tones", "syllables"}``: ``pinyin`` is the word as written in
        the whole-text pinyin ("yínháng", "" for passthrough); ``syllables`` one per character.

        Both are rendered from ``numbers`` in ``style`` so they always agree with each other.
        """
        _check_style(style)
        syllables = [format_syllable(s, style) for s in self.numbers] if self.is_chinese else []
        out: dict[str, object] = {
            "hanzi": self.text,
            "pinyin": self.joined_pinyin(style),
            "tones": list(self.tones),
            "syllables": syllables,
        }
        if self.spoken:
            out["spoken"] = [format_syllable(s, style) for s in self.spoken]
        return out


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
Variants = tuple[tuple[str, ...], ...]  # a word's whole readings (lower case), likeliest first
Slots = list[tuple[int, tuple[str, ...]]]  # (char index, readings it may take)
_WORD_CACHE_SIZE = 20_000
# Polyphones whose other readings live only inside words (的 in 目的, 便 in 便宜, 会 in 会计):
# standing alone they read one way, so the model is not run for them (CPP dev: the default
# is right every time these stand alone, for 都 more often than the model)
_SETTLED_ALONE = frozenset("的和把给都上那会要别区便大看吗吧呢么没发少好挑尽")
# How much likelier (in nats) the model must find a reading no whole reading of the word
# has than the word's best whole reading before it is taken (fitted on CPP dev, 5-fold)
_OFF_WORD_MARGIN = 2.0
# How much the reading a word's dictionary part gives weighs against the model (nats)
PART_PRIOR = 2.0
# ... and the likeliest whole reading of a word with several
FIRST_PRIOR = 4.0


@dataclass(slots=True)
class _Known:
    """What a word reads as, decoded once per word (``Dictionary.word_cache``).

    ``slots``: characters the context decides, with the readings each may take;
    ``neutral``: characters whose lexical neutral tone citation mode may replace;
    ``variants``: two or more whole readings of a common word, else (); ``priors``: for a
    word the dictionary lacks, the readings its dictionary parts give open characters.
    """

    numbers: list[str] = field(default_factory=list)
    slots: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    neutral: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    gloss: str = ""
    variants: Variants = ()
    priors: dict[int, str] = field(default_factory=dict)
    rule_only: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)


@dataclass(slots=True)
class _Context:
    """What annotate hands the rules and the context model besides the open characters."""

    variants: dict[int, Variants] = field(default_factory=dict)  # by id(word)
    priors: dict[tuple[int, int], str] = field(default_factory=dict)  # (id(word), index)
    # characters settled alone (看 kàn) that a rule may still read otherwise (看孩子 kān)
    rule_only: set[tuple[int, int]] = field(default_factory=set)


def _word_readings(
    dictionary: Dictionary,
    word: Word,
    polyphones: dict[str, tuple[str, ...]],
    open_: Open,
    tone_open: Open | None = None,
    context: _Context | None = None,
) -> None:
    """Give ``word`` its tone-number syllables (one per character) and gloss, and list in
    ``open_`` the characters whose reading the word leaves open for the context to decide.

    ``tone_open``, when given, receives the characters whose neutral tone the dictionary
    gives and the model may replace by the full tone (the citation tones of 知识 zhīshí).
    ``context`` receives the whole readings of a word that has several (大夫 dàifu or
    dàfū), so the model picks one of them whole, and the readings a word's parts suggest.
    """
    key = word.simplified
    known = dictionary.word_cache.get(key)
    if not isinstance(known, _Known):  # words recur from text to text: decode each once
        known = _readings_of(dictionary, key, polyphones)
        known.gloss = dictionary.gloss(key)
        if len(dictionary.word_cache) >= _WORD_CACHE_SIZE:
            dictionary.word_cache.clear()
        dictionary.word_cache[key] = known
    word.numbers = list(known.numbers)
    word.gloss = known.gloss
    if known.slots:
        open_.extend((word, i, options) for i, options in known.slots)
    if tone_open is not None and known.neutral:
        tone_open.extend((word, i, options) for i, options in known.neutral)
    if context is None:
        return
    if known.variants and known.slots:
        context.variants[id(word)] = known.variants
    for i, reading in known.priors.items():
        context.priors[(id(word), i)] = reading
    if known.rule_only:
        open_.extend((word, i, options) for i, options in known.rule_only)
        context.rule_only.update((id(word), i) for i, _ in known.rule_only)


def _readings_of(
    dictionary: Dictionary,
    key: str,
    polyphones: dict[str, tuple[str, ...]],
    depth: int = 0,
    inside: bool = False,
) -> _Known:
    """The likeliest syllables of ``key`` and what the context is left to decide (see
    ``_Known``); ``inside``: ``key`` is a part of a longer word the dictionary lacks.

    A word whose dictionary readings agree keeps that reading (银行: yín háng); a word with
    several readings leaves open the characters where they differ (便宜: pián or biàn), and
    so does a word whose reading another standard dictionary gives otherwise (泄露 xièlù
    or xièlòu, ``Dictionary.alternative_reading``). A word with no reading (jieba lists
    words CEDICT lacks: 有分寸, 想不起来) reads as the dictionary words it is made of, its
    polyphones open with their parts' readings as priors (加劲梁: 加劲 says jìn, the model
    may know jìng).
    """
    readings = [
        syllables
        for reading in dictionary.readings(key)
        if len(syllables := reading.split()) == len(key) and all(map(is_syllable, syllables))
    ]
    out = _Known()
    if readings and len(key) > 1:
        out.numbers = list(readings[0])
        if dictionary.extra_reading(key) and len(readings) == 1:
            return out  # our own terms' readings are exact (上头 keeps its two: see readings)
        other = dictionary.alternative_reading(key)
        if other and len(other.split()) == len(key):
            readings.append(other.split())
        variants = tuple(dict.fromkeys(tuple(s.lower() for s in r) for r in readings))
        proper = readings[0][0][:1].isupper()
        for i, ch in enumerate(key):
            options = tuple(dict.fromkeys(v[i] for v in variants))
            known = polyphones.get(ch, ())
            if len(options) > 1 and not _neutral_only(options, known):
                out.slots.append((i, tuple(dict.fromkeys(options + known))))
            elif (
                known
                and (proper or inside)
                and ch not in "一不"
                and not _lexical_neutral(out.numbers[i], known)
            ):
                # CEDICT's readings of transliterated names are where a word is least sure
                # (CPP dev: 95% right, the model 99%); inside a longer word, a part's
                # reading is a prior, not a fact
                out.slots.append((i, tuple(dict.fromkeys(options + known))))
                if inside:
                    out.priors[i] = out.numbers[i].lower()
            elif known and _lexical_neutral(out.numbers[i], known):
                out.neutral.append((i, known))
        out.variants = variants if len(variants) > 1 and not proper else ()
        return out
    if len(key) > 1 and depth < 4:
        parts = dictionary.split_word(key)
        if len(parts) > 1:
            for part in parts:
                sub = _readings_of(dictionary, part, polyphones, depth + 1, inside=True)
                at = len(out.numbers)
                out.slots.extend((at + i, options) for i, options in sub.slots)
                out.neutral.extend((at + i, options) for i, options in sub.neutral)
                out.priors.update({at + i: reading for i, reading in sub.priors.items()})
                out.numbers.extend(sub.numbers)
            return out
    for i, ch in enumerate(key):
        single = readings[0][0] if readings else dictionary.reading(ch)
        first = single.split()[0] if single else ""
        out.numbers.append(first if is_syllable(first) else "")
        alone = len(key) == 1 and not inside
        if ch in polyphones and ch not in "一不":
            (out.rule_only if alone and ch in _SETTLED_ALONE else out.slots).append(
                (i, polyphones[ch])
            )
    return out


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


def _read_in_context(words: list[Word], open_: Open, tone_open: Open, context: _Context) -> None:
    """Let the context model choose the reading of every open character (one batch).

    The model sees the sentence around the character (in simplified form, as it was
    trained), or the character as written when that is itself a polyphone it knows (閤).
    A ``tone_open`` character only takes the model's tone, never another syllable. A word
    with several whole readings takes the one the model finds likeliest over its open
    characters, whole (大夫: dàifu or dàfū, never dàfu), unless the model is far surer
    of a reading none of them has (``_OFF_WORD_MARGIN``).
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
    variants = context.variants
    chosen: dict[int, list[tuple[int, dict[str, float]]]] = {}
    for (word, i, _, tone_only), dist in zip(slots, model.distributions(queries), strict=True):
        if not dist:
            continue
        if not tone_only and id(word) in variants:
            chosen.setdefault(id(word), []).append((i, dist))
            continue
        prior = context.priors.get((id(word), i))
        reading = max(
            dist, key=lambda r: math.log(dist[r] or 1e-30) + (PART_PRIOR if r == prior else 0.0)
        )
        old = word.numbers[i]
        if reading == old.lower():
            continue
        if tone_only and reading[:-1] != old.lower()[:-1]:
            continue  # the dictionary's syllable stands (暖和 nuǎnhuo, not nuǎnhé)
        word.numbers[i] = _cased(reading, old)
    by_id = {id(word): word for word in words}
    for key, picks in chosen.items():
        _choose_whole(by_id[key], variants[key], picks)


def _choose_whole(
    word: Word, variants: Variants, picks: list[tuple[int, dict[str, float]]]
) -> None:
    """Give ``word`` the whole reading the model's ``picks`` (char index, distribution)
    favour most, or each character the model's own choice when that is far likelier."""

    def log(p: float) -> float:
        return math.log(p) if p > 0 else -50.0

    current = [s.lower() for s in word.numbers]
    asked = {i for i, _ in picks}
    best: tuple[str, ...] | None = None
    best_score = -math.inf
    for variant in variants:
        if any(
            variant[j] != current[j] and variant[j][:-1] != current[j][:-1]
            for j in range(len(current))
            if j not in asked
        ):
            continue  # a rule settled that character otherwise (一觉 jiào)
        score = sum(log(dist.get(variant[i], 0.0)) for i, dist in picks)
        if variant == variants[0]:
            score += FIRST_PRIOR
        if score > best_score:
            best, best_score = variant, score
    free = {i: max(dist, key=dist.__getitem__) for i, dist in picks}
    free_score = sum(log(dist[free[i]]) for i, dist in picks)
    if best is None or free_score > best_score + _OFF_WORD_MARGIN:
        for i, reading in free.items():
            word.numbers[i] = _cased(reading, word.numbers[i])
        return
    word.numbers = [_cased(s, old) for s, old in zip(best, word.numbers, strict=True)]


def _cased(reading: str, old: str) -> str:
    """``reading`` with the capital of a proper noun's syllable kept (Chóngqìng)."""
    return reading[0].upper() + reading[1:] if old[:1].isupper() else reading


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
    text: str,
    style: str = "marks",
    sandhi: bool = False,
    neutral_tones: bool = True,
    third_tone: bool = False,
) -> list[Word]:
    """Segment ``text`` and give each Chinese word its pinyin, tones and gloss.

    ``sandhi``: the spoken tones of 不 and 一 replace the written ones; ``neutral_tones``
    False: citation tones instead of the dictionary's neutral ones; ``third_tone``: each
    word's ``spoken`` syllables after third-tone sandhi (``companion.third_tone``).

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
    context = _Context()
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
                    dictionary,
                    word,
                    polyphones,
                    open_,
                    None if neutral_tones else tone_open,
                    context,
                )
                words.append(word)
            elif token:
                words.append(Word(token, simplified=simple))
    apply_rules(words, open_, dictionary)
    if context.rule_only:  # what no rule settled keeps its reading standing alone
        open_ = [slot for slot in open_ if (id(slot[0]), slot[1]) not in context.rule_only]
    _read_in_context(words, open_, tone_open, context)
    apply_tone_rules(words, dictionary)
    if sandhi:
        _apply_sandhi(words)
    if third_tone:
        from companion.third_tone import apply_third_tone

        apply_third_tone(words, dictionary.split_word)
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


def pinyin_text(words: list[Word], style: str = "marks", spoken: bool = False) -> str:
    """The whole text's pinyin, words separated by spaces, punctuation kept in ASCII form.

    "银行行长，你好！" -> "yínháng hángzhǎng, nǐhǎo!". Passthrough text is kept as is apart
    from full-width punctuation and runs of white space; "@小红书" -> "@Xiǎohóngshū",
    "#日常#" -> "#rìcháng#". In zhuyin a word's syllables are joined with "-" (first-tone
    syllables carry no mark, so run together they would be ambiguous). ``spoken``: words in
    their third-tone sandhi where annotate computed it ("níhǎo").
    """
    out: list[str] = []
    hash_open = False

    def glue_next() -> bool:
        last = out[-1][-1:] if out else ""
        return not out or last in "@([\"'" or (last == "#" and hash_open)

    for word in words:
        if word.is_chinese:
            text = word.joined_pinyin(style, spoken)
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
