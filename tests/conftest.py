"""Shared test set-up: headless Qt, an isolated ModelNest home per test session, tiny real GGUF models."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def modelnest_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config, cache and models directories."""
    home = tmp_path / "modelnest-home"
    monkeypatch.setenv("MODELNEST_HOME", str(home))
    monkeypatch.delenv("MODELNEST_MODELS_DIR", raising=False)
    return home
