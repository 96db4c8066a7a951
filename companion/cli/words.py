"""``python -m companion words``: My words -- list, add, remove, export, import.

- ``list [--search Q] [--tag T] [--sort newest|due|pinyin]``
- ``add WORD [--sentence S] [--translation T] [--pinyin P] [--meaning M]... [--tag T]...
  [--note N]``: the reading and meanings come from CC-CEDICT when not given
- ``remove WORD|#ID [--pinyin P]``
- ``export FILE`` (``.apkg`` for Anki, ``.csv`` for spreadsheets; ``--audio`` adds speech
  to an Anki deck where espeak-ng's Mandarin voice is installed)
- ``import FILE`` (``.csv``): prints what was added, updated and skipped (with why)

JSON: ``list`` prints a list of words (``id``, ``simplified``, ``traditional``, ``pinyin``,
``meanings``, ``sentence``, ``translation``, ``sentence_pinyin``, ``tags``, ``note``,
``origin``, ``created``, ``updated``, ``due``); ``add`` ``{"added": bool, "word": {...}}``;
``remove`` ``{"removed": [words]}``; ``export`` ``{"file", "format", "words", ...}``;
``import`` ``{"added", "updated", "unchanged", "skipped": [{"line", "reason"}]}``.
Exit status: 2 for bad input (an empty word, a file that cannot be imported: missing,
binary, too big, no word column), 3 when a word to remove is not saved, 1 when an export
cannot be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from companion.cli import CliError, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="your saved words")
    listing.add_argument("--search", default="", metavar="Q", help="Chinese, English or pinyin")
    listing.add_argument("--tag", default=None, metavar="T", help="only words with this tag")
    listing.add_argument("--sort", choices=("newest", "due", "pinyin"), default="newest")
    add = sub.add_parser("add", help="save a word or phrase")
    add.add_argument("word", metavar="WORD")
    add.add_argument("--sentence", default="", metavar="S", help="the sentence it came from")
    add.add_argument("--translation", default="", metavar="T", help="that sentence in English")
    add.add_argument("--pinyin", default="", metavar="P", help="its reading (default: dictionary)")
    add.add_argument("--meaning", action="append", default=[], metavar="M", help="a meaning")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="a tag")
    add.add_argument("--note", default="", metavar="N")
    remove = sub.add_parser("remove", help="remove a saved word (by the word or #ID)")
    remove.add_argument("word", metavar="WORD")
    remove.add_argument("--pinyin", default=None, metavar="P", help="only this reading")
    export = sub.add_parser("export", help="write an Anki deck (.apkg) or a CSV file")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--audio", action="store_true", help="add speech to an Anki deck")
    imported = sub.add_parser("import", help="add the words of a CSV file")
    imported.add_argument("file", metavar="FILE")
    for action in (listing, add, remove, export, imported):
        action.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from companion.learning.words import WordError

    handlers = {"list": _list, "add": _add, "remove": _remove, "export": _export,
                "import": _import}  # fmt: skip
    try:
        return handlers[args.action](args)
    except WordError as exc:
        raise CliError(str(exc), 2) from None


def _word_list(create: bool) -> Any:
    from companion.cli.history import open_database
    from companion.learning.words import WordList

    db = open_database(create)
    return None if db is None else WordList(db)


def _list(args: argparse.Namespace) -> int:
    from companion.learning.words import WordIndex
    from companion.untrusted import printable

    words = _word_list(create=False)
    chosen = WordIndex(words.all() if words else []).select(args.search, args.tag, args.sort)
    if args.json:
        print_json([w.to_json() for w in chosen])
        return 0
    if not chosen:
        print("No saved words match." if args.search or args.tag else "No saved words yet.")
        return 0
    for word in chosen:
        pinyin = f"  {word.pinyin}" if word.pinyin else ""
        meaning = f" — {word.meaning}" if word.meanings else ""
        tags = f"  [{', '.join(word.tags)}]" if word.tags else ""
        print(printable(f"#{word.id}  {word.forms}{pinyin}{meaning}{tags}", 160))
        if word.sentence:
            print(f"    {printable(word.sentence, 120)}")
    return 0


def _add(args: argparse.Namespace) -> int:
    from companion.learning.enrich import complete
    from companion.learning.words import WordToSave
    from companion.text import clean_input
    from companion.untrusted import printable

    text = clean_input(args.word).strip()
    if not text:
        raise CliError("the word is empty: give the Chinese to save", 2)
    item = WordToSave(
        text,
        pinyin=args.pinyin,
        senses=tuple(args.meaning),
        context=clean_input(args.sentence),
        translation=clean_input(args.translation),
        tags=tuple(args.tag),
        note=clean_input(args.note),
        origin="cli",
    )
    result = _word_list(create=True).save(complete(item))
    if args.json:
        print_json({"added": result.added, "word": result.word.to_json()})
        return 0
    word = result.word
    status = "Saved" if result.added else "Already saved"
    pinyin = f" {word.pinyin}" if word.pinyin else ""
    print(printable(f"{status}: {word.forms}{pinyin}" + (f" — {word.meaning}" if word.meanings
                                                         else ""), 200))  # fmt: skip
    return 0


def _remove(args: argparse.Namespace) -> int:
    from companion.learning.words import WordError
    from companion.untrusted import printable

    words = _word_list(create=False)
    target = args.word.strip()
    if not target:
        raise CliError("the word is empty: give the word or #ID to remove", 2)
    found = []
    if words is not None:
        if target.startswith("#") and target[1:].isdigit():
            try:
                found = [words.get(int(target[1:]))]
            except WordError:
                found = []
        else:
            found = words.find(target, args.pinyin)
    if not found:
        raise CliError(f"{printable(target, 60)} is not in your saved words", 3)
    removed = [words.remove(w.id).word for w in found]
    if args.json:
        print_json({"removed": [w.to_json() for w in removed]})
        return 0
    for word in removed:
        print(printable(f"Removed: {word.forms} {word.pinyin}".rstrip(), 200))
    return 0


def _export(args: argparse.Namespace) -> int:
    from companion.learning.anki import AnkiError, export_apkg
    from companion.learning.audio import default_speaker
    from companion.learning.csv_io import CsvError, write_csv

    path = Path(args.file).expanduser()
    kind = path.suffix.lower()
    if kind not in (".apkg", ".csv"):
        raise CliError(f"FILE must end in .apkg (Anki) or .csv, not {path.name!r}", 2)
    words = _word_list(create=False)
    result: dict[str, object] = {"file": str(path), "format": kind[1:]}
    try:
        if kind == ".csv":
            records = words.records() if words else []
            result["words"] = write_csv(records, path)
        else:
            speaker = default_speaker() if args.audio else None
            if args.audio and speaker is None:
                raise CliError(
                    "no Chinese speech voice: install espeak-ng (its Mandarin voice) for audio",
                    2,
                )
            report = export_apkg(words.all() if words else [], path, speaker=speaker)
            result.update(words=report.notes, cards=report.cards, audio=report.audio)
    except (CsvError, AnkiError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(result)
    else:
        extra = f", {result['cards']} cards, {result['audio']} audio" if kind == ".apkg" else ""
        print(f"Wrote {result['words']} words{extra} to {path}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from companion.learning.csv_io import CsvError, import_csv

    path = Path(args.file).expanduser()
    if path.suffix.lower() == ".apkg":
        raise CliError("importing Anki decks is not supported: export them as CSV first", 2)
    try:
        report = import_csv(_word_list(create=True), path)
    except CsvError as exc:
        raise CliError(str(exc), 2) from None
    if args.json:
        print_json(report.to_json())
        return 0
    print(f"{path.name}: {report.summary()}.")
    for line, why in report.skipped[:50]:
        print(f"  line {line}: skipped, {why}")
    if len(report.skipped) > 50:
        print(f"  … and {len(report.skipped) - 50} more skipped rows (see --json)")
    return 0
