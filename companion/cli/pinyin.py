"""``python -m companion pinyin``: the pinyin of Chinese text, word by word.

JSON: ``{"text", "words": [{"hanzi", "pinyin", "tones", "syllables"}], "pinyin"}``. A word's
``pinyin`` is one string written as in the whole-text ``pinyin`` ("yínháng", "yin2hang2",
"ㄧㄣˊ-ㄏㄤˊ"); ``syllables`` keeps one reading per character. Non-Chinese runs (English,
digits, emoji, URLs, punctuation, the ``@``/``#`` of handles and topics) are words of their own
with empty ``pinyin``, ``tones`` and ``syllables``, so joining every ``hanzi`` gives back the
input; the Chinese inside ``@小红书`` or ``#日常穿搭#`` is annotated like any other text.
With ``--third-tone`` each Chinese word also has ``spoken`` (its syllables after third-tone
sandhi) and the whole-text ``pinyin`` is written as spoken.
"""

from __future__ import annotations

import argparse

from companion.cli import CliError, print_json, read_text_argument


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--style",
        choices=["marks", "numbers", "zhuyin"],
        default="marks",
        help="tone marks (hǎo, default), tone numbers (hao3) or zhuyin (ㄏㄠˇ)",
    )
    parser.add_argument(
        "--sandhi", action="store_true", help="show the spoken tones of 不 and 一 (bú shì, yí gè)"
    )
    parser.add_argument(
        "--third-tone",
        action="store_true",
        help="write third tones as spoken before another third tone (ní hǎo); JSON adds "
        "each word's spoken syllables",
    )
    parser.add_argument(
        "--words", action="store_true", help="also list each Chinese word with its meaning"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument("text", nargs="*", metavar="TEXT")


def run(args: argparse.Namespace) -> int:
    from companion.dictionary import DictionaryError, prepare_dictionary
    from companion.pinyin import annotate, pinyin_text
    from companion.text import clean_input, is_probably_binary

    raw = read_text_argument(args.text)
    if is_probably_binary(raw):
        raise CliError("the input looks like binary data, not text", 2)
    text = clean_input(raw)
    if not text.strip():
        raise CliError("the text is empty: nothing to show", 2)
    try:
        prepare_dictionary()  # phrasebook slang (绝绝子) reads as one word
        words = annotate(text, style=args.style, sandhi=args.sandhi, third_tone=args.third_tone)
    except DictionaryError as exc:
        raise CliError(str(exc)) from None
    whole = pinyin_text(words, args.style, spoken=args.third_tone)
    if args.json:
        print_json({"text": text, "words": [w.to_json(args.style) for w in words], "pinyin": whole})
        return 0
    print(whole)
    if args.words:
        print()
        seen: set[str] = set()
        for word in words:
            if word.is_chinese and word.text not in seen:
                seen.add(word.text)
                print(f"{word.text}\t{' '.join(word.pinyin)}\t{word.gloss}")
    return 0
