"""Frozen entry point: the same launcher as the `modelnest` console script (GUI, CLI, engine child, self-test)."""

import multiprocessing
import sys

from modelnest.gui.launcher import main

if __name__ == "__main__":
    # We start the engine with our own `__engine__` subcommand, not multiprocessing; this only keeps a library
    # that does use multiprocessing from re-running the GUI in its children.
    multiprocessing.freeze_support()
    sys.exit(main())
