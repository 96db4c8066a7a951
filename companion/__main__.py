"""``python -m companion``: the desktop app, or a command-line tool when a command is given.

``--self-test [--json]`` checks the installation instead (see :mod:`companion.selftest`).
"""

from __future__ import annotations

import sys
import time

_STARTED = time.time()  # as early as we can see: the self-test reports times from here


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # ``--verbose`` may come first (``companion --verbose lookup 好``): the word after it decides.
    first = next((arg for arg in args if arg != "--verbose"), "")
    if getattr(sys, "frozen", False):  # an installed build (companion.bundle.is_frozen)
        from companion import bundle

        bundle.install_bundled_packs()  # once per build; nothing to do from source
    if first == "--self-test":
        from companion.selftest import main as self_test

        return self_test([arg for arg in args if arg != "--self-test"], started=_STARTED)
    # A command is a word; the app's own arguments are flags (--show, --ocr IMAGE): those go
    # straight to the app without importing the command line (argparse and all).
    if first in ("-h", "--help") or (first and not first.startswith("-")):
        from companion.cli import COMMANDS, dispatch

        if first in COMMANDS or first in ("-h", "--help"):
            return dispatch(args)
    from companion.ui.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
