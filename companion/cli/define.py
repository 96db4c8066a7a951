"""``python -m companion define``: CC-CEDICT entries for words, by simplified or traditional form.

JSON: a list with one ``{"query", "entries": [{"simplified", "traditional", "pinyin",
"senses", "measure_words"}]}`` per word (pinyin with tone marks). A word with no entry has
empty ``entries`` and the exit status stays 0; the readable output then suggests the
dictionary words it is made of.
"""

from __future__ import annotations

import argparse
from typing import Any

from companion.cli import CliError, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.add_argument("words", nargs="+", metavar="WORD")


def _entry_json(entry: Any) -> dict[str, Any]:
    from companion.dictionary.cedict import parse_measure_word
    from companion.dictionary.syllables import to_marks

    measure = []
    for raw in entry.measure_words:
        simp, trad, pinyin = parse_measure_word(raw)
        measure.append(
            {"simplified": simp, "traditional": trad,
             "pinyin": " ".join(to_marks(s) for s in pinyin.split())}
        )  # fmt: skip
    return {
        "simplified": entry.simplified,
        "traditional": entry.traditional,
        "pinyin": entry.pinyin_marks,
        "senses": list(entry.senses),
        "measure_words": measure,
    }


def run(args: argparse.Namespace) -> int:
    from companion.dictionary import DictionaryError, get_dictionary
    from companion.text import clean_input

    dictionary = get_dictionary()
    results = []
    try:
        for raw in args.words:
            query = clean_input(raw).strip()
            entries = [_entry_json(e) for e in dictionary.lookup(query)] if query else []
            results.append({"query": query, "entries": entries})
        if args.json:
            print_json(results)
            return 0
        for number, result in enumerate(results):
            if number:
                print()
            _print_readable(result, dictionary)
    except DictionaryError as exc:
        raise CliError(str(exc)) from None
    return 0


def _print_readable(result: dict[str, Any], dictionary: Any) -> None:
    query = result["query"]
    if not result["entries"]:
        parts = [p for p in dictionary.segment(query) if p.strip()] if query else []
        hint = f"; its words: {' '.join(parts)}" if len(parts) > 1 else ""
        print(f"{query or '(empty)'}: no entry{hint}")
        return
    for entry in result["entries"]:
        forms = entry["simplified"]
        if entry["traditional"] != entry["simplified"]:
            forms += f" ({entry['traditional']})"
        print(f"{forms}  {entry['pinyin']}")
        for k, sense in enumerate(entry["senses"], start=1):
            print(f"  {k}. {sense}")
        if entry["measure_words"]:
            words = ", ".join(f"{m['simplified']} {m['pinyin']}" for m in entry["measure_words"])
            print(f"  measure words: {words}")
