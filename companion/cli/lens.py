"""``python -m companion lens IMAGE [--json] [--out annotated.png]``: an app screenshot's
interface in English, in place.

Prints each Chinese line with its English and where that came from (phrasebook, dictionary,
machine translation); ``--json`` gives every line in reading order; ``--out`` writes the image
with the English drawn over the Chinese by the same renderer the GUI uses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from companion.cli import CliError, print_json
from companion.cli.ocr import image_argument, terminal_progress


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "image", metavar="IMAGE", help="screenshot (PNG, JPEG, BMP, WebP), or - for stdin"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"lines": [{"text", "box", "english", "source", "pinyin", "score"}]}',
    )
    parser.add_argument(
        "--out", metavar="PNG", help="write the image with the English drawn in place"
    )


def run(args: argparse.Namespace) -> int:
    from companion.lens.meaning import Matcher
    from companion.lens.reader import read_screen
    from companion.ocr import OcrError, load_rgb
    from companion.untrusted import printable

    source = image_argument(args.image)
    out_path = Path(args.out) if args.out else None
    if out_path is not None and out_path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".bmp"):
        raise CliError(f"--out {args.out}: use a .png, .jpg or .bmp file name", 2)
    progress = terminal_progress()
    try:
        rgb = load_rgb(source)
        screen = read_screen(rgb, Matcher(), progress)
    except OcrError as exc:
        raise CliError(str(exc)) from exc
    finally:
        if progress is not None:
            progress.clear()
    if out_path is not None:
        from companion.ui.lens.export import write_annotated

        try:
            write_annotated(rgb, screen, out_path)
        except OSError as exc:
            raise CliError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    if args.json:
        print_json(screen.to_json())
        return 0
    for note in screen.notes:
        print(f"companion lens: {printable(note)}", file=sys.stderr)
    shown = [line for line in screen.lines if line.meaning.source != "original"]
    if not shown:
        print("companion lens: no Chinese text found in the image", file=sys.stderr)
        return 1
    for line in shown:
        english = printable(line.meaning.english) or "(no meaning found)"
        sys.stdout.write(f"{printable(line.text)}\t{english}\t[{line.meaning.source}]\n")
    return 0
