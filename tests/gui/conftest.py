"""GUI test fixtures: one AppContext per test on a recorded machine (never this host's live probe)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from support.app_context import recorded_context

from modelnest.gui.context import AppContext


@pytest.fixture
def app_context(qtbot: QtBot, tmp_path: Path) -> Iterator[AppContext]:
    """The real services on the recorded CPU-only desktop; shut down (threads joined) after the test."""
    ctx = recorded_context(tmp_path)
    yield ctx
    ctx.shutdown()
