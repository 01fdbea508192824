"""Lazy public surfaces for core packages (PEP 562): names load on first use, so `modelnest probe` stays quick.

``modelnest.core.chat`` and ``modelnest.core.engine`` re-export names from their modules; importing them all at
package import costs ~0.5 s (SQLite, the engine client, Jinja), which the engine child and the CLI's fast paths
must not pay. Each package declares ``name -> module`` and takes its ``__getattr__``/``__dir__`` from here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any], public: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: each name in ``exports`` is imported from its module on first use."""

    def getattr_(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # later look-ups skip this function
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *public})

    return getattr_, dir_
