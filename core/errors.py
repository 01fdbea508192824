"""The error tree every core module raises; messages are plain language, meant to be shown as they are.

    ModelNestError
    ├── UserInputError          bad arguments or a file that is not what it claims (CLI exit status 2)
    │   └── GGUFError           a GGUF file failed validation (see modelnest.core.gguf)
    └── EngineError             the engine process failed (see modelnest.core.engine.errors)
"""

from __future__ import annotations


class ModelNestError(Exception):
    """Base of every error ModelNest raises on purpose."""


class UserInputError(ModelNestError):
    """The input (a path, an argument, a file's content) is unusable; the message says why."""
