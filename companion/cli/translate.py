"""``python -m companion translate``: the pane's translation on the command line.

The same :class:`companion.session.Session` as the pane, so ``--json`` prints the same result
object: translation, back-translation (English -> Chinese), pinyin of the Chinese side,
phrasebook terms, engine, notes, direction and timing.
"""

from __future__ import annotations

import argparse
import sys

from companion.cli import CliError, print_json, read_text_argument


def configure(parser: argparse.ArgumentParser) -> None:
    from companion.engines.registry import available_engine_names

    names = available_engine_names()
    parser.add_argument("--from", dest="source", choices=["auto", "zh", "en"], default="auto")
    parser.add_argument("--to", dest="target", choices=["en", "zh"], default=None)
    parser.add_argument(
        "--engine",
        default=None,
        choices=names,
        metavar="ENGINE",
        help=f"{', '.join(names)} (online engines need a stored key); "
        "default: the engine chosen in Settings",
    )
    parser.add_argument(
        "--no-glossary", action="store_true", help="do not protect phrasebook terms"
    )
    parser.add_argument(
        "--no-check",
        action="store_true",
        help="English -> Chinese: do not translate the Chinese back to check it",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument("text", nargs="*", metavar="TEXT")


def run(args: argparse.Namespace) -> int:
    from companion.engines.base import EngineError, ErrorKind
    from companion.session import Session
    from companion.settings import Settings
    from companion.translator import InputError
    from companion.untrusted import printable

    text = read_text_argument(args.text)
    if not text.strip():
        raise CliError("the text is empty: nothing to translate", 2)
    session = Session(Settings(), engine_name=args.engine, use_glossary=not args.no_glossary)
    try:
        result = session.translate(
            text,
            source=args.source,
            target=args.target,
            origin="cli",
            back_translate=not args.no_check,
            with_reading_aids=args.json,  # the text form prints only the translation
        )
    except InputError as exc:
        raise CliError(str(exc), 2) from None
    except EngineError as exc:
        if exc.kind is ErrorKind.NO_PACK:
            raise CliError(
                f"{exc.message}. Install one with `python -m companion packs download` "
                "or `python -m companion packs install FILE`",
                3,
            ) from None
        raise CliError(exc.message) from None
    for note in result.notes:
        print(printable(note), file=sys.stderr)
    if args.json:
        print_json(result.as_json())
        return 0
    print(result.text)
    if result.back_translation is not None:
        print(f"back-translation: {result.back_translation}", file=sys.stderr)
    elif result.back_translation_problem:
        print(f"cannot check the Chinese: {result.back_translation_problem}", file=sys.stderr)
    return 0
