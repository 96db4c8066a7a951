"""``python -m companion``: the desktop app, or a command-line tool when a command is given."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from companion.cli import COMMANDS, dispatch

    if args and (args[0] in COMMANDS or args[0] in ("-h", "--help")):
        return dispatch(args)
    from companion.ui.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
