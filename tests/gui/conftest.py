"""GUI test fixtures: one AppContext per test on a recorded machine (never this host's live probe)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="session")
def fresh_qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed zh_CN .ts compiled now (a .qm left in resources/ could be stale)."""
    import subprocess
    import sys

    ts = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "modelnest_zh_CN.ts"
    out = tmp_path_factory.mktemp("qm")
    code = "import sys; from PySide6.scripts.pyside_tool import lrelease; sys.argv[0] = 'pyside6-lrelease'; lrelease()"
    done = subprocess.run([sys.executable, "-c", code, str(ts), "-qm", str(out / "modelnest_zh_CN.qm")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture
def chinese_ready(fresh_qm: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Language switches in this test use the fresh compile; English is restored afterwards."""
    from PySide6.QtWidgets import QApplication

    from modelnest.gui import i18n

    monkeypatch.setattr(i18n, "QM_DIR", fresh_qm)
    yield fresh_qm
    app = QApplication.instance()
    if app is not None:
        i18n.install_translator(app, "en")


@pytest.fixture
def machine_context(tmp_path: Path) -> Iterator[Callable[..., AppContext]]:
    """``machine_context("rtx3060_desktop", **options)``: a context on that recorded machine, shut down afterwards."""
    made: list[AppContext] = []

    def make(machine: str, **options: object) -> AppContext:
        ctx = recorded_context(tmp_path / f"{machine}-{len(made)}", machine, **options)  # type: ignore[arg-type]
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.shutdown()
