"""The downloads panel with real widgets, real worker threads and real HTTP from the local hub server."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from support.hub_server import REPO, Fault, HubServer

from modelnest.core import paths
from modelnest.core.download import (
    Download,
    DownloadProgress,
    DownloadState,
    TransferSettings,
    find_partial_downloads,
    resolve_pull,
)
from modelnest.gui.context import AppContext
from modelnest.gui.downloads_panel import DownloadsPanel

FAST = TransferSettings(backoff_initial=0.01, backoff_max=0.05, stall_timeout=1.0, disk_margin=0, max_retries=4)
NAME = "tiny-Q4_K_M.gguf"


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    for name in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("modelnest.core.download.hub.METADATA_RETRY_DELAY", 0.01)
    with HubServer(tmp_path / "hub-files") as server:
        yield server


@pytest.fixture
def panel(qtbot: QtBot, hub: HubServer, app_context: AppContext) -> Iterator[DownloadsPanel]:
    widget = DownloadsPanel(app_context, settings=FAST, endpoint=hub.endpoint)
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_download_runs_to_a_verified_model(qtbot: QtBot, hub: HubServer, panel: DownloadsPanel) -> None:
    hosted = hub.add_file(REPO, NAME, size=300_000)
    with qtbot.waitSignal(panel.model_installed, timeout=20_000) as installed:
        task = panel.start_download(REPO, quant="Q4_K_M")
    (path,) = installed.args[0]
    assert _sha(Path(path)) == hosted.sha256
    row = panel.job_rows()[0]
    assert task.state is DownloadState.DONE
    assert row.bar.value() == 1000 and "verified" in row.status.text()
    assert not row.cancel_button.isEnabled() and not panel.empty_label.isVisible()


def test_pause_resume_and_cancel(qtbot: QtBot, hub: HubServer, panel: DownloadsPanel) -> None:
    hosted = hub.add_file(REPO, NAME, size=600_000)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=8192, interval=0.01, times=1))
    task = panel.start_download(REPO, quant="Q4_K_M")
    row = panel.job_rows()[0]
    qtbot.waitUntil(lambda: (task.progress is not None and task.progress.bytes_done > 50_000), timeout=20_000)
    qtbot.waitUntil(lambda: "left" in row.status.text(), timeout=5_000)  # speed and ETA shown while it runs
    row.pause_button.click()
    qtbot.waitUntil(lambda: not task.running, timeout=5_000)
    qtbot.waitUntil(lambda: row.pause_button.text() == "Resume", timeout=5_000)
    assert task.state is DownloadState.PAUSED and "Paused" in row.status.text()
    done_before = task.progress.bytes_done  # type: ignore[union-attr]
    with qtbot.waitSignal(panel.model_installed, timeout=20_000):
        row.pause_button.click()  # resume
    assert _sha(task.paths[0]) == hosted.sha256
    resumed = [g.range for g in hub.gets_for(NAME)][-1]
    assert (
        resumed is not None and int(resumed.split("=")[1].split("-")[0]) >= done_before // 2
    )  # continued, not restarted


def test_cancel_of_a_paused_download_deletes_the_partial(qtbot: QtBot, hub: HubServer, panel: DownloadsPanel) -> None:
    hub.add_file(REPO, NAME, size=600_000)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=8192, interval=0.01, times=1))
    task = panel.start_download(REPO, quant="Q4_K_M")
    qtbot.waitUntil(lambda: task.progress is not None and task.progress.bytes_done > 30_000, timeout=20_000)
    task.pause()
    qtbot.waitUntil(lambda: not task.running, timeout=5_000)
    assert find_partial_downloads()
    panel.job_rows()[0].cancel_button.click()
    assert find_partial_downloads() == []
    assert "Cancelled" in panel.job_rows()[0].status.text()


def test_a_failure_is_shown_in_plain_words(qtbot: QtBot, hub: HubServer, panel: DownloadsPanel) -> None:
    task = panel.start_download("acme/does-not-exist-GGUF", quant="Q4_K_M")
    row = panel.job_rows()[0]
    qtbot.waitUntil(lambda: task.state is DownloadState.FAILED, timeout=20_000)
    qtbot.waitUntil(lambda: "Failed" in row.status.text(), timeout=5_000)
    assert "not found" in row.status.text() and row.pause_button.text() == "Retry"


def test_leftovers_are_offered_for_resume_or_cleanup(qtbot: QtBot, hub: HubServer, app_context: AppContext) -> None:
    hosted = hub.add_file(REPO, NAME, size=500_000)
    other = hub.add_file(REPO, "tiny-Q8_0.gguf", size=400_000, seed=7)
    for name in (NAME, "tiny-Q8_0.gguf"):
        # An earlier session that stopped mid-download (pause keeps the .part, as a killed process would).
        hub.set_fault(REPO, name, Fault("drip", chunk=8192, interval=0.01, times=1))
        reached = threading.Event()

        def progress(p: DownloadProgress, reached: threading.Event = reached) -> None:
            if p.bytes_done >= 40_000:
                reached.set()

        job = Download(resolve_pull(REPO, filename=name, endpoint=hub.endpoint), settings=FAST, on_progress=progress)
        thread = threading.Thread(target=job.run)
        thread.start()
        assert reached.wait(20)
        job.pause()
        thread.join(5)
    panel = DownloadsPanel(app_context, settings=FAST, endpoint=hub.endpoint)
    qtbot.addWidget(panel)
    try:
        rows = {r.partial.remote.filename: r for r in panel.partial_rows()}  # type: ignore[union-attr]
        assert set(rows) == {NAME, "tiny-Q8_0.gguf"} and not panel.partials_box.isHidden()
        with qtbot.waitSignal(panel.model_installed, timeout=20_000):
            rows[NAME].resume_button.click()
        assert _sha(paths.models_dir() / "acme__tiny-GGUF" / NAME) == hosted.sha256
        rows["tiny-Q8_0.gguf"].delete_button.click()
        assert find_partial_downloads() == [] and panel.partial_rows() == [] and panel.partials_box.isHidden()
        assert not (paths.models_dir() / "acme__tiny-GGUF" / "tiny-Q8_0.gguf").exists() and other.size
    finally:
        panel.shutdown()


def test_shutdown_pauses_running_downloads(qtbot: QtBot, hub: HubServer, panel: DownloadsPanel) -> None:
    hub.add_file(REPO, NAME, size=600_000)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=4096, interval=0.02, times=1))
    task = panel.start_download(REPO, quant="Q4_K_M")
    qtbot.waitUntil(lambda: task.progress is not None and task.progress.bytes_done > 8_000, timeout=20_000)
    started = time.monotonic()
    panel.shutdown()
    assert not task.running and time.monotonic() - started < 3
    assert [p.remote.filename for p in find_partial_downloads()] == [NAME]  # type: ignore[union-attr]
