"""Shared test set-up: headless Qt, an isolated ModelNest home per test session, tiny real GGUF models."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def modelnest_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config, cache and models directories."""
    home = tmp_path / "modelnest-home"
    monkeypatch.setenv("MODELNEST_HOME", str(home))
    monkeypatch.delenv("MODELNEST_MODELS_DIR", raising=False)
    return home


@pytest.fixture(autouse=True)
def cycle_collection(request: pytest.FixtureRequest) -> None:
    """A Qt test collects reference cycles as the app does, only from the GUI thread's event loop
    (gui/gc_in_gui_thread.py); any other test as CPython does."""
    from PySide6.QtWidgets import QApplication

    from modelnest.gui import gc_in_gui_thread

    if {"qtbot", "qapp"} & set(request.fixturenames):
        gc_in_gui_thread.install(request.getfixturevalue("qapp"))
    else:
        collector = gc_in_gui_thread.installed(QApplication.instance())
        if collector is not None:
            collector.pause()


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A tiny random llama model as F16, and Q8_0 / Q4_K_M made by llama.cpp's own quantizer."""
    from support.gguf_models import quantize, write_model

    root = tmp_path_factory.mktemp("models")
    f16 = write_model(root / "tiny-F16.gguf")
    return {
        "F16": f16,
        "Q8_0": quantize(f16, root / "tiny-Q8_0.gguf", "Q8_0"),
        "Q4_K_M": quantize(f16, root / "tiny-Q4_K_M.gguf", "Q4_K_M"),
    }


@pytest.fixture(scope="session")
def tiny_model(tiny_models: dict[str, Path]) -> Path:
    return tiny_models["Q4_K_M"]
