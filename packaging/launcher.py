"""The frozen app's entry point: the same ``main`` as ``python -m companion``."""

import sys

from companion.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
