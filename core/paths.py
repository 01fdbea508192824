"""Where ModelNest keeps models, history and settings (platformdirs), overridable with MODELNEST_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ModelNest"


def _root_override() -> Path | None:
    home = os.environ.get("MODELNEST_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    """History database, calibration records, logs."""
    root = _root_override()
    path = root / "data" if root else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    root = _root_override()
    path = root / "config" if root else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    root = _root_override()
    path = root / "cache" if root else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Downloaded GGUF files; MODELNEST_MODELS_DIR moves them (e.g. to a bigger disk)."""
    override = os.environ.get("MODELNEST_MODELS_DIR")
    if override:
        path = Path(override)
    else:
        root = _root_override()
        path = root / "models" if root else Path(platformdirs.user_documents_dir()) / APP_NAME / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path
