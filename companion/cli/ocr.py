"""``python -m companion ocr IMAGE [--json]``: read Chinese text from a screenshot, offline."""

from __future__ import annotations

import argparse
import sys

from companion.cli import CliError, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "image", metavar="IMAGE", help="image file (PNG, JPEG, BMP, WebP), or - for stdin"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"text", "lines": [{"text", "box", "score", "row"}]} in reading order',
    )


class TerminalProgress:
    """Progress on stderr as one line rewritten in place: a first run spends seconds
    loading models and reading, and should not look stuck."""

    def __call__(self, update: str) -> None:
        sys.stderr.write(f"\r\033[K{update}")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def terminal_progress() -> TerminalProgress | None:
    """A progress line when stderr is a terminal; None when it is a file or a pipe."""
    if sys.stderr is None or not sys.stderr.isatty():
        return None
    return TerminalProgress()


def image_argument(image: str) -> str | bytes:
    """The IMAGE argument: a path, or the bytes piped on stdin for "-"."""
    if image != "-":
        return image
    if sys.stdin is None or sys.stdin.isatty():
        raise CliError("IMAGE is - but nothing is piped on stdin", 2)
    return sys.stdin.buffer.read()


def run(args: argparse.Namespace) -> int:
    from companion.ocr import OcrError, recognize

    source = image_argument(args.image)
    progress = terminal_progress()
    try:
        result = recognize(source, progress)
    except OcrError as exc:
        raise CliError(str(exc)) from exc
    finally:
        if progress is not None:
            progress.clear()
    if args.json:
        print_json(result.to_json())
        return 0
    if not result.text:
        print("companion ocr: no text found in the image", file=sys.stderr)
        return 1
    sys.stdout.write(result.text + "\n")
    return 0
