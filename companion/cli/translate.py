"""``python -m companion translate``: the pane's translation on the command line."""

from __future__ import annotations

import argparse
import sys

from companion.cli import CliError, print_json, read_text_argument


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", choices=["auto", "zh", "en"], default="auto")
    parser.add_argument("--to", dest="target", choices=["en", "zh"], default=None)
    parser.add_argument(
        "--engine",
        default=None,
        help="offline, or an online engine with a stored key (deepl, google, microsoft, "
        "libretranslate, openai); default: the engine chosen in Settings",
    )
    parser.add_argument(
        "--no-glossary", action="store_true", help="do not protect phrasebook terms"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument("text", nargs="*", metavar="TEXT")


def run(args: argparse.Namespace) -> int:
    from companion.engines.base import EngineError, ErrorKind
    from companion.service import build_translator
    from companion.settings import Settings
    from companion.translator import InputError

    text = read_text_argument(args.text)
    if not text.strip():
        raise CliError("the text is empty: nothing to translate", 2)
    settings = Settings()
    translator = build_translator(
        settings, engine_name=args.engine, use_glossary=not args.no_glossary
    )
    try:
        result = translator.translate(text, source=args.source, target=args.target)
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
        print(note, file=sys.stderr)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.text)
    return 0
