"""Entry point of the frozen bundle: the same ``araz`` command as the installed script."""

import sys

from araz.cli import main

if __name__ == "__main__":
    sys.exit(main())
