"""Where ModelNest keeps models, history and settings (platformdirs), overridable with MODELNEST_HOME.

The overrides are read through modelnest.core.config (every environment variable in one place), at each call,
so a test or a portable install that sets MODELNEST_HOME takes effect at once.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from modelnest.core import config

APP_NAME = "ModelNest"


def _root_override() -> Path | None:
    return config.home_override()


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
    override = config.models_dir_override()
    if override is not None:
        path = override
    else:
        root = _root_override()
        path = root / "models" if root else Path(platformdirs.user_documents_dir()) / APP_NAME / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path
