"""Which instruction sets the bundled llama.cpp build actually uses, as the engine process reports them.

The CPU may advertise more than the build uses (this project's build machines advertise AMX that the portable
build must not use), so the card shows both. Cached per engine version: starting the engine costs ~0.3 s.
Lives in the engine package (it starts the engine); the hardware package only parses the text.
"""

from __future__ import annotations

import json
from importlib import metadata

from modelnest.core import paths
from modelnest.core.atomic import atomic_write_json
from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.errors import EngineError
from modelnest.core.hardware.cpu import parse_llama_system_info

__all__ = ["engine_features"]


def _version() -> str:
    try:
        return metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:  # frozen builds may carry no metadata
        return "unknown"


def engine_features(use_cache: bool = True) -> dict[str, bool] | None:
    """Features from the engine's llama_print_system_info(); None if the engine cannot start (the card says so)."""
    cache = paths.cache_dir() / f"engine-features-{_version()}.json"
    if use_cache:
        try:
            return {str(k): bool(v) for k, v in json.loads(cache.read_text()).items()}
        except (OSError, ValueError, AttributeError):
            pass
    try:
        with EngineClient(hang_timeout=30) as engine:
            text = str(engine.info.get("system_info", ""))
    except EngineError:
        return None
    features = parse_llama_system_info(text)
    try:
        atomic_write_json(cache, features, indent=None)  # a killed write must not leave half a cache to parse
    except OSError:
        pass
    return features
