"""The application context's services: one settings owner, one hardware probe and sampler, the message bridge,
and the language switch that retranslates open windows without a restart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from support.app_context import recorded_context

from modelnest.core.errors import UserInputError
from modelnest.core.messages import msg
from modelnest.gui.app import apply_language
from modelnest.gui.context import AppContext
from modelnest.gui.main_window import MainWindow
from modelnest.gui.messages import Level


def test_settings_changes_are_merged_saved_and_announced(qtbot: QtBot, app_context: AppContext) -> None:
    settings = app_context.settings
    with qtbot.waitSignal(settings.language_changed) as language:
        settings.set_language("zh_CN")
    assert language.args == ["zh_CN"]
    # Another page changes another field later: the language chosen in between is kept (the old bug).
    with qtbot.waitSignal(settings.changed):
        settings.update(n_ctx=2048)
    saved = json.loads(settings.store.path.read_text(encoding="utf-8"))
    assert saved["language"] == "zh_CN" and saved["n_ctx"] == 2048


def test_an_invalid_setting_is_refused_and_nothing_changes(qtbot: QtBot, app_context: AppContext) -> None:
    settings = app_context.settings
    before = settings.settings
    with qtbot.assertNotEmitted(settings.changed), pytest.raises(UserInputError, match="Context length"):
        settings.update(n_ctx=7)
    assert settings.settings == before and not settings.store.path.exists()


def test_the_machine_is_probed_once_and_sensors_are_shared(qtbot: QtBot, app_context: AppContext) -> None:
    hardware = app_context.hardware
    with qtbot.waitSignal(hardware.snapshot_ready, timeout=20_000):
        hardware.start()
        hardware.start()  # a second page asking again does not probe again
    assert hardware.probe_count == 1
    snapshot = hardware.snapshot
    assert snapshot is not None and snapshot.gpus == []  # the recorded CPU-only desktop, not this host
    assert snapshot.memory.total_bytes is not None and 15 * 1024**3 < snapshot.memory.total_bytes <= 16 * 1024**3
    seen: list[object] = []
    hardware.when_ready(seen.append)  # late subscribers get the snapshot at once
    assert seen == [hardware.snapshot]
    hardware.acquire_sensors()
    hardware.acquire_sensors()
    with qtbot.waitSignal(hardware.reading, timeout=10_000) as first:
        pass
    assert first.args[0].timestamp > 0
    hardware.release_sensors()
    assert hardware.sampling  # still one user
    hardware.release_sensors()
    assert not hardware.sampling
    qtbot.waitUntil(lambda: app_context.background.jobs() == [], timeout=10_000)


def test_the_message_bridge_translates_core_messages(qtbot: QtBot, app_context: AppContext) -> None:
    with qtbot.waitSignal(app_context.messages.posted) as posted:
        app_context.messages.warning(UserInputError(msg("Context length {n} is too small.", n=7)))
    assert posted.args[0].level is Level.WARNING and posted.args[0].text == "Context length 7 is too small."


def test_a_damaged_history_opens_a_scratch_one_and_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    history.parent.mkdir(parents=True)
    history.mkdir()  # a folder where the file should be: cannot be opened or set aside
    ctx = recorded_context(tmp_path)
    try:
        assert ctx.history_problem is not None and ctx.history.path != history
        ctx.post_start_notices()
        assert ctx.messages.history[-1].level is Level.WARNING
        assert "could not be opened" in ctx.messages.history[-1].text
    finally:
        ctx.shutdown()


def test_language_switch_retranslates_the_open_window_and_is_saved(
    qtbot: QtBot, app_context: AppContext, chinese_ready: Path
) -> None:
    app_context.settings.language_changed.connect(apply_language)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.add_page("chat", "Chat", QWidget())
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&View", "&Help"]
    chinese = next(a for a in window.language_actions() if a.data() == "zh_CN")
    chinese.trigger()
    qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == "文件(&F)", timeout=5_000)
    assert window.page_title("chat") == "聊天"
    assert window.windowTitle() == QCoreApplication.translate("MainWindow", "ModelNest")
    assert chinese.isChecked()
    assert json.loads(app_context.settings.store.path.read_text(encoding="utf-8"))["language"] == "zh_CN"
    english = next(a for a in window.language_actions() if a.data() == "en")
    english.trigger()
    qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == "&File", timeout=5_000)
    assert window.page_title("chat") == "Chat"
