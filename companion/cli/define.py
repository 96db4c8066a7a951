"""``python -m companion define``: CC-CEDICT entries for words, by simplified or traditional form.

JSON: a list with one ``{"query", "simplified", "entries": [{"simplified", "traditional",
"pinyin", "senses", "measure_words"}], "words"}`` per query (pinyin with tone marks).
Traditional queries are looked up in simplified form when CEDICT has no traditional entry
(``simplified`` says what was looked up). A query with no entry of its own has empty
``entries`` and, in ``words``, the dictionary words it is made of, each ``{"word",
"simplified", "entries"}`` (``[]`` otherwise); the exit status stays 0. An empty query is an
error (exit 2).
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


def _result(query: str, dictionary: Any) -> dict[str, Any]:
    entries = [_entry_json(e) for e in dictionary.lookup(query)]
    words: list[dict[str, Any]] = []
    if not entries:
        pieces = [
            (word, simple) for word, simple in dictionary.segment_pairs(query) if word.strip()
        ]
        if len(pieces) > 1:
            words = [
                {"word": word, "simplified": simple,
                 "entries": [_entry_json(e) for e in dictionary.lookup(word)]}
                for word, simple in pieces
            ]  # fmt: skip
    return {
        "query": query,
        "simplified": dictionary.simplified(query),
        "entries": entries,
        "words": words,
    }


def run(args: argparse.Namespace) -> int:
    from companion.dictionary import DictionaryError, get_dictionary
    from companion.text import clean_input

    queries = [clean_input(raw).strip() for raw in args.words]
    if not all(queries):
        raise CliError("a word to define is empty: give Chinese characters, e.g. define 银行", 2)
    dictionary = get_dictionary()
    try:
        results = [_result(query, dictionary) for query in queries]
    except DictionaryError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(results)
        return 0
    for number, result in enumerate(results):
        if number:
            print()
        _print_readable(result)
    return 0


def _print_entries(entries: list[dict[str, Any]], indent: str = "") -> None:
    for entry in entries:
        forms = entry["simplified"]
        if entry["traditional"] != entry["simplified"]:
            forms += f" ({entry['traditional']})"
        print(f"{indent}{forms}  {entry['pinyin']}")
        for k, sense in enumerate(entry["senses"], start=1):
            print(f"{indent}  {k}. {sense}")
        if entry["measure_words"]:
            words = ", ".join(f"{m['simplified']} {m['pinyin']}" for m in entry["measure_words"])
            print(f"{indent}  measure words: {words}")


def _print_readable(result: dict[str, Any]) -> None:
    from companion.untrusted import printable

    query = printable(result["query"])
    if result["entries"]:
        _print_entries(result["entries"])
        return
    if not result["words"]:
        print(f"{query}: no entry")
        return
    parts = " ".join(printable(w["word"]) for w in result["words"])
    print(f"{query}: no entry; its words: {parts}")
    for word in result["words"]:
        if word["entries"]:
            _print_entries(word["entries"][:2], indent="  ")
