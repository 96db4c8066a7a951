"""``python -m companion lookup``: search the phrasebook by Chinese, English or pinyin.

JSON: one ``{"query", "results": [{"simplified", "traditional", "pinyin", "english",
"category", "key", ...}]}`` per query, best match first; a query with no match has an empty
``results`` list and the exit status stays 0. The book is loaded once for all queries, and
nothing heavier than the phrasebook is imported (no Qt, no pypinyin).
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
    try:
        book = get_book()
    except BookError as exc:
        raise CliError(f"the phrasebook data is damaged: {exc}") from None
    _add_user_entries(book)
    results = []
    for raw in args.queries:
        query = clean_input(raw).strip()[:MAX_QUERY]
        found = book.search(query, limit=args.limit, category=args.category) if query else []
        results.append({"query": query, "results": [e.to_json() for e in found]})
    if args.json:
        print_json(results)
        return 0
    for number, result in enumerate(results):
        if number:
            print()
        _print_readable(result)
    return 0


def _add_user_entries(book: Any) -> None:
    """The user's own entries take part when their database already exists."""
    import contextlib
    import sqlite3

    from companion.phrasebook.user_entries import load_user_entries_if_any

    # on a database problem the built-in book still answers; the GUI reports it
    with contextlib.suppress(sqlite3.Error, OSError):
        book.set_user_entries(load_user_entries_if_any())


def _print_readable(result: dict[str, Any]) -> None:
    query = result["query"] or "(empty)"
    if not result["results"]:
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
        print(f"    {'; '.join(entry['english'])}")
        if entry.get("full"):
            print(f"    stands for: {entry['full']}")
        if entry.get("literal"):
            print(f"    literally: {entry['literal']}")
        if entry.get("note"):
            print(f"    {entry['note']}")
        if entry.get("example"):
            print(f"    e.g. {entry['example']} — {entry.get('example_en', '')}")
