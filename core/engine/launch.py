"""How to start the engine child: the app's own executable, frozen or not."""

from __future__ import annotations

import sys

ENGINE_SUBCOMMAND = "__engine__"
TEMPLATE_SUBCOMMAND = "__template__"  # the chat-template render process (template_worker.py)


def engine_command() -> list[str]:
    """argv that starts an engine host process with this same Python / frozen executable."""
    if getattr(sys, "frozen", False):
        return [sys.executable, ENGINE_SUBCOMMAND]
    return [sys.executable, "-m", "modelnest.core.engine.host"]


def template_worker_command() -> list[str]:
    """argv that starts a chat-template render process with this same Python / frozen executable."""
    if getattr(sys, "frozen", False):
        return [sys.executable, TEMPLATE_SUBCOMMAND]
    return [sys.executable, "-m", "modelnest.core.engine.template_worker"]
