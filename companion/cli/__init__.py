"""Command line over the same core as the GUI: ``python -m companion COMMAND ...``.

Each command is a module with ``configure(parser)`` and ``run(args) -> int``. Only the module
of the command being run is imported, so ``lookup`` does not pay for Qt or CTranslate2.
Errors are one plain line on stderr and a non-zero exit; set ``COMPANION_DEBUG=1`` for the
traceback. ``--verbose`` (before or after the command) logs DEBUG lines to stderr; every run
logs to the rotating log file (:mod:`companion.logs`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from typing import Any

COMMANDS: dict[str, tuple[str, str]] = {
    "translate": ("companion.cli.translate", "translate text (reads stdin when no TEXT is given)"),
    "packs": ("companion.cli.packs", "list, install or download offline language packs"),
    "pinyin": ("companion.cli.pinyin", "show the pinyin of Chinese text, word by word"),
    "define": ("companion.cli.define", "look words up in the CC-CEDICT dictionary"),
    "lookup": ("companion.cli.lookup", "search the phrasebook (English, Chinese or pinyin)"),
    "keys": ("companion.cli.keys", "store, delete or check online engine keys (OS keychain)"),
    "ocr": ("companion.cli.ocr", "read Chinese text from an image"),
    "lens": ("companion.cli.lens", "read an app screenshot's interface in English, in place"),
    "history": ("companion.cli.history", "list, search or clear your translation history"),
    "words": ("companion.cli.words", "your saved words: list, add, remove, export, import"),
    "review": ("companion.cli.review", "what is due for review in your saved words"),
}


class CliError(Exception):
    """An error to print as one line, with its exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def print_json(value: Any) -> None:
    """JSON on stdout, Chinese kept readable (not \\u escapes)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def read_text_argument(words: list[str]) -> str:
    """The TEXT words joined, or stdin when there are none (decoded leniently)."""
    if words:
        return " ".join(words)
    if sys.stdin is None or sys.stdin.isatty():
        raise CliError("no text given: pass TEXT or pipe it on stdin", 2)
    data = sys.stdin.buffer.read()
    return data.decode("utf-8", errors="replace")


VERBOSE_HELP = "log what happens (DEBUG) to stderr; never keys or your text"


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m companion",
        description="Companion: translation, pinyin and phrasebook for Chinese apps. "
        "With no command, starts the desktop app.",
    )
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text)
    return parser


def dispatch(argv: list[str]) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    verbose = False
    while argv and argv[0] == "--verbose":
        verbose, argv = True, argv[1:]
    if not argv or argv[0] not in COMMANDS:
        _top_parser().parse_args(argv)  # prints help/usage and exits
        return 2
    name = argv[0]
    module_name, help_text = COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            print(f"companion {name}: this command is not available in this build", file=sys.stderr)
            return 2
        raise
    parser = argparse.ArgumentParser(prog=f"python -m companion {name}", description=help_text)
    module.configure(parser)
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    args, rest = parser.parse_known_args(argv[1:])  # --verbose may follow a sub-command too
    unknown = [word for word in rest if word != "--verbose"]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    from companion import logs

    logs.setup(verbose=verbose or args.verbose or bool(rest))
    logging.getLogger(__name__).debug("command: %s", name)
    try:
        return int(module.run(args) or 0)
    except CliError as exc:
        print(f"companion {name}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"companion {name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one line for the user, never a traceback
        logging.getLogger(__name__).error("%s failed", name, exc_info=True)
        if os.environ.get("COMPANION_DEBUG"):
            raise
        from companion.scrubber import clean

        print(f"companion {name}: error: {clean(exc)}", file=sys.stderr)
        return 1
    finally:
        _print_notices()


def _print_notices() -> None:
    """Storage problems found while the command ran (a damaged file set aside...), once."""
    notices = sys.modules.get("companion.storage.notices")  # loaded only if storage was used
    for notice in notices.take() if notices is not None else ():
        print(f"companion: {notice.message}", file=sys.stderr)
