"""``python -m companion history list|search|clear``: your translation history.

JSON: ``list`` and ``search`` print a list of ``{"id", "source", "result", "source_lang",
"target_lang", "engine", "origin", "created"}`` (newest first, ``created`` in seconds since
the epoch); ``clear`` prints ``{"cleared": N}``. Nothing is created when there is no history
yet.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from companion.cli import CliError, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="the newest translations")
    search = sub.add_parser("search", help="translations matching Chinese, English or pinyin")
    search.add_argument("query", nargs="+", metavar="QUERY")
    clear = sub.add_parser("clear", help="delete the whole history")
    for action in (listing, search, clear):
        action.add_argument("--json", action="store_true", help="print JSON")
    for action in (listing, search):
        action.add_argument(
            "--limit", type=int, default=20, metavar="N", help="entries to show (default 20)"
        )


def open_database(create: bool) -> Any:
    """The user's database; None when it does not exist and ``create`` is False."""
    from companion import paths
    from companion.storage.db import default_database

    if not create and not paths.database_path().exists():
        return None
    return default_database()


def run(args: argparse.Namespace) -> int:
    from companion.learning.history import History
    from companion.text import clean_input

    db = open_database(create=args.action == "clear")
    if args.action == "clear":
        cleared = History(db).clear()
        if args.json:
            print_json({"cleared": cleared})
        else:
            print(f"Cleared {cleared:,} translation{'s' if cleared != 1 else ''} from history.")
        return 0
    if args.limit < 1:
        raise CliError("--limit must be at least 1", 2)
    if args.action == "search":
        query = clean_input(" ".join(args.query)).strip()
        if not query:
            raise CliError("the search is empty: give Chinese, English or pinyin", 2)
        entries = History(db).search(query, args.limit) if db is not None else []
    else:
        entries = History(db).recent(args.limit) if db is not None else []
    if args.json:
        print_json([e.to_json() for e in entries])
        return 0
    if not entries:
        print("No translations match." if args.action == "search" else "History is empty.")
        return 0
    for entry in entries:
        _print_entry(entry)
    return 0


def _print_entry(entry: Any) -> None:
    from companion.untrusted import printable

    when = datetime.fromtimestamp(entry.created).strftime("%Y-%m-%d %H:%M")
    origin = f"  {entry.origin}" if entry.origin else ""
    engine = f"  {entry.engine}" if entry.engine else ""
    print(f"#{entry.id}  {when}  {entry.source_lang}→{entry.target_lang}{engine}{origin}")
    print(f"  {printable(entry.source, 120)}")
    print(f"  → {printable(entry.result, 120)}")
