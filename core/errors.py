"""The error tree every core module raises; messages are plain language, meant to be shown as they are.

    ModelNestError
    ├── UserInputError          bad arguments or a file that is not what it claims (CLI exit status 2)
    │   └── GGUFError           a GGUF file failed validation (see modelnest.core.gguf)
    └── EngineError             the engine process failed (see modelnest.core.engine.errors)

Each error may be raised with a ``Message`` (``modelnest.core.messages.msg``): ``str(error)`` is then its English
text and ``error.message`` the translatable message the GUI shows in the user's language.
"""

from __future__ import annotations

from typing import Any

from modelnest.core.messages import Message, Text

__all__ = ["ModelNestError", "UserInputError"]


class ModelNestError(Exception):
    """Base of every error ModelNest raises on purpose."""

    def __init__(self, message: Text = "", *args: Any) -> None:
        super().__init__(str(message), *args)
        self.message: Message | None = message if isinstance(message, Message) else None


class UserInputError(ModelNestError):
    """The input (a path, an argument, a file's content) is unusable; the message says why."""
