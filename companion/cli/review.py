"""``python -m companion review due``: what is due for review in your saved words.

JSON: ``{"due": N, "new": N, "learning": N, "review": N, "next_due": seconds or null,
"cards": [{"word_id", "simplified", "pinyin", "kind", "due"}]}`` -- the cards a session would
show first (one per word), up to ``--limit``. Reviewing itself happens in the app (Review tab).
"""

from __future__ import annotations

import argparse
from datetime import datetime

from companion.cli import CliError, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    due = sub.add_parser("due", help="how many cards are due now, and which")
    due.add_argument("--json", action="store_true", help="print JSON")
    due.add_argument(
        "--limit", type=int, default=10, metavar="N", help="cards to list (default 10)"
    )


def run(args: argparse.Namespace) -> int:
    from companion.cli.history import open_database
    from companion.learning.review import DueCounts, Reviewer
    from companion.untrusted import printable

    if args.limit < 0:
        raise CliError("--limit cannot be negative", 2)
    db = open_database(create=False)
    reviewer = Reviewer(db) if db is not None else None
    counts = reviewer.counts() if reviewer else DueCounts()
    cards = reviewer.due_cards(args.limit) if reviewer and args.limit else []
    next_due = reviewer.next_due() if reviewer else None
    if args.json:
        print_json(
            {
                "due": counts.total, "new": counts.new, "learning": counts.learning,
                "review": counts.review, "next_due": next_due,
                "cards": [
                    {"word_id": c.word.id, "simplified": c.word.simplified,
                     "pinyin": c.word.pinyin, "kind": c.kind, "due": c.card.due}
                    for c in cards
                ],
            }
        )  # fmt: skip
        return 0
    if not counts.total:
        later = ""
        if next_due is not None:
            later = f"; the next is due {datetime.fromtimestamp(next_due):%Y-%m-%d %H:%M}"
        print(f"Nothing is due for review{later}.")
        return 0
    parts = [f"{n} {label}" for n, label in ((counts.new, "new"), (counts.learning, "learning"),
             (counts.review, "to review")) if n]  # fmt: skip
    print(f"{counts.total} card{'s' if counts.total != 1 else ''} due ({', '.join(parts)}).")
    for card in cards:
        way = "Chinese → meaning" if card.kind == "recognition" else "meaning → Chinese"
        print(printable(f"  {card.word.simplified}  {card.word.pinyin}  ({way})", 120))
    return 0
