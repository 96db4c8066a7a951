"""``python -m companion lookup``: search the phrasebook by Chinese, English or pinyin.

JSON: one ``{"query", "results": [{"simplified", "traditional", "pinyin", "english",
"category", "key", ...}]}`` per query, best match first (an entry with several senses adds
``"senses": [{"english", "when", ...}]``); a query with no match has an empty ``results``
list and the exit status stays 0. A Chinese query also gets ``"in_text"``: the terms and
numbers read in it, each with the sense its context picks (油皮亲妈 -> made for oily skin;
一万二 -> 12,000). An empty or blank query is a usage error (exit 2), like elsewhere.
The book is loaded once for all queries, and nothing heavier than the phrasebook is imported
(no Qt, no pypinyin).
"""

from __future__ import annotations

import argparse
from typing import Any

from companion.cli import CliError, print_json

MAX_QUERY = 200


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.add_argument(
        "--limit", type=int, default=5, metavar="N", help="results per query (default 5)"
    )
    parser.add_argument(
        "--category",
        metavar="NAME",
        help="only this category (interface, slang, initialisms, numbers, stickers, platform, "
        "newcomers, phrases, mine)",
    )
    parser.add_argument("queries", nargs="+", metavar="QUERY")


def run(args: argparse.Namespace) -> int:
    from companion.phrasebook import get_book
    from companion.phrasebook.book import CATEGORIES, USER_CATEGORY, BookError
    from companion.text import clean_input

    if args.limit < 1:
        raise CliError("--limit must be at least 1", 2)
    if args.category and args.category not in CATEGORIES and args.category != USER_CATEGORY:
        raise CliError(
            f"unknown category {args.category!r}: use one of {', '.join(CATEGORIES)}, mine", 2
        )
    queries = [clean_input(raw).strip()[:MAX_QUERY] for raw in args.queries]
    for number, query in enumerate(queries, start=1):
        if not query:
            which = "the query" if len(queries) == 1 else f"query {number}"
            raise CliError(
                f"{which} is empty: give a word in Chinese, English or pinyin (e.g. 种草, "
                "like, zhongcao)",
                2,
            )
    try:
        book = get_book()
    except BookError as exc:
        raise CliError(f"the phrasebook data is damaged: {exc}") from None
    _add_user_entries(book)
    from companion.phrasebook.glossary import PhrasebookGlossary
    from companion.text import has_han

    glossary = PhrasebookGlossary(book)
    results = []
    for query in queries:
        found = book.search(query, limit=args.limit, category=args.category)
        result: dict[str, Any] = {"query": query, "results": [e.to_json() for e in found]}
        if has_han(query):
            result["in_text"] = [_hit_json(hit) for hit in glossary.find_terms(query)]
        results.append(result)
    if args.json:
        print_json(results)
        return 0
    for number, result in enumerate(results):
        if number:
            print()
        _print_readable(result)
    return 0


def _hit_json(hit: Any) -> dict[str, Any]:
    out = {"term": hit.term, "start": hit.start, "end": hit.end, "meaning": hit.meaning}
    out["kind"] = hit.kind
    if hit.value:
        out["value"] = hit.value
    if hit.entry_key:
        out["key"] = hit.entry_key
    if hit.cue:
        out["cue"] = hit.cue
    if hit.senses:
        out["other_senses"] = list(hit.senses)
    return out


def _add_user_entries(book: Any) -> None:
    """The user's own entries take part when their database already exists."""
    import contextlib
    import sqlite3

    from companion.phrasebook.user_entries import load_user_entries_if_any

    # on a database problem the built-in book still answers; the GUI reports it
    with contextlib.suppress(sqlite3.Error, OSError):
        book.set_user_entries(load_user_entries_if_any())


def _print_readable(result: dict[str, Any]) -> None:
    from companion.untrusted import printable

    query = printable(result["query"])
    reading = [h for h in result.get("in_text", []) if h["kind"] == "number" or h.get("cue")]
    if reading or len(result.get("in_text", [])) > 1:
        print(f"{query} reads:")
        for hit in result["in_text"]:
            print(f"  {printable(hit['term'])} = {hit['meaning']}")
        if result["results"]:
            print()
    if not result["results"]:
        if not reading:
            print(f"{query}: not in the phrasebook")
        return
    print(f"{query}:")
    for entry in result["results"]:
        forms = entry["simplified"]
        if entry["traditional"] != entry["simplified"]:
            forms += f" ({entry['traditional']})"
        pinyin = f"  {entry['pinyin']}" if entry["pinyin"] else ""
        mark = "  [not fully verified]" if entry.get("uncertain") else ""
        print(f"  {forms}{pinyin}  [{entry['category']}]{mark}")
        senses = entry.get("senses")
        if senses:
            for number, sense in enumerate(senses, start=1):
                when = f"  (when: {sense['when']})" if sense.get("when") else ""
                print(f"    {number}. {'; '.join(sense['english'])}{when}")
        else:
            print(f"    {'; '.join(entry['english'])}")
        if entry.get("full"):
            print(f"    stands for: {entry['full']}")
        if entry.get("literal"):
            print(f"    literally: {entry['literal']}")
        if entry.get("note"):
            print(f"    {entry['note']}")
        if entry.get("example"):
            print(f"    e.g. {entry['example']} — {entry.get('example_en', '')}")
