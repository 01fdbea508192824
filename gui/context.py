"""The application context: the services every page shares, created once in ``gui/app.py`` and handed to pages.

No page constructs these itself (it used to: four pages owned settings.json, six probed the hardware):

    settings    SettingsService   one owner of settings.json; notifies on change
    hardware    HardwareService   one probe, one sensor sampler
    history     HistoryStore      the chat history database (the GUI thread's connection)
    messages    MessageBridge     status and errors for the user, shown by the main window
    background  Background        the one way to run slow work off the GUI thread
    remotes     RemoteService     the remote servers added (chat lists them, the Models page offers them)

Tests build one with ``AppContext.create(home=tmp_path, sources=<recorded machine>)``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject

from modelnest.core.chat.history import HistoryError, HistoryStore
from modelnest.core.chat.settings import SettingsStore
from modelnest.core.hardware.sources import Sources
from modelnest.core.messages import Text, msg
from modelnest.gui.background import Background
from modelnest.gui.hardware_service import HardwareService, MeasureFn
from modelnest.gui.messages import MessageBridge
from modelnest.gui.remote_hosts import RemoteService
from modelnest.gui.settings_service import SettingsService

__all__ = ["AppContext"]


@dataclass
class AppContext:
    settings: SettingsService
    hardware: HardwareService
    history: HistoryStore
    messages: MessageBridge
    background: Background
    history_problem: Text | None = None  # why the real history could not be opened (a scratch one is in use)
    remotes: RemoteService = field(default_factory=RemoteService)  # the remote servers the user added

    @classmethod
    def create(
        cls,
        *,
        settings_path: Path | None = None,
        history_path: Path | None = None,
        sources: Sources | None = None,
        models_dir: Path | None = None,
        hardware: HardwareService | None = None,
        sensor_interval_ms: int = 1000,
        measure_fn: MeasureFn | None = None,
        speed_test_at_start: bool = False,
        parent: QObject | None = None,
    ) -> AppContext:
        """The real services (paths default to the user's folders); ``sources`` replays a recorded machine."""
        background = Background(parent)
        messages = MessageBridge(parent)
        settings = SettingsService(SettingsStore(settings_path), parent)
        if hardware is None:
            hardware = HardwareService(
                background, sources=sources, models_dir=models_dir, measure_fn=measure_fn,
                interval_ms=sensor_interval_ms, speed_test_at_start=speed_test_at_start, parent=parent,
            )
        problem: Text | None = None
        try:
            history = HistoryStore.open(history_path)
        except (HistoryError, OSError) as exc:
            # Never refuse to start over the history: chat in a scratch file and say so.
            problem = msg("Your chat history could not be opened ({reason}); this session's chats are kept in "
                          "a temporary file.", reason=str(exc))
            history = HistoryStore.open(Path(tempfile.mkdtemp(prefix="modelnest-chat-")) / "history.sqlite3")
        return cls(settings, hardware, history, messages, background, problem)

    def post_start_notices(self) -> None:
        """Tell the user, once, what went wrong while opening their files."""
        if self.settings.load_notice:
            self.messages.warning(self.settings.load_notice)
        if self.history_problem is not None:
            self.messages.warning(self.history_problem)

    def shutdown(self) -> None:
        """Cancel background work and wait for it; then close the history (pages stop their own work first)."""
        self.hardware.release_all()
        self.background.shutdown()
        self.history.close()
