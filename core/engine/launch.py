"""How to start the engine child: the app's own executable, frozen or not."""

from __future__ import annotations

import sys

ENGINE_SUBCOMMAND = "__engine__"


def engine_command() -> list[str]:
    """argv that starts an engine host process with this same Python / frozen executable."""
    if getattr(sys, "frozen", False):
        return [sys.executable, ENGINE_SUBCOMMAND]
    return [sys.executable, "-m", "modelnest.core.engine.host"]
