"""Never two writers on one file; leftover partial files are found, resumed or cleaned."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from support.hub_server import REPO, Fault, HubServer
from support.waiting import wait_until

from modelnest.core import paths
from modelnest.core.download import (
    Download,
    DownloadBusyError,
    DownloadState,
    TransferSettings,
    find_partial_downloads,
    resolve_pull,
)

NAME = "tiny-Q4_K_M.gguf"


def _paused_partial(hub: HubServer, fast: TransferSettings, at_least: int = 100_000) -> Download:
    hub.set_fault(REPO, NAME, Fault("drip", chunk=16384, interval=0.005, times=1))
    job = Download(resolve_pull(REPO, endpoint=hub.endpoint), settings=fast)
    thread = threading.Thread(target=job.run)
    thread.start()
    wait_until(lambda: job.progress.bytes_done >= at_least, f"{at_least} bytes downloaded", timeout=20)
    job.pause()
    thread.join(timeout=5)
    assert job.progress.state is DownloadState.PAUSED
    return job


def test_two_downloads_of_one_file_never_write_together(hub: HubServer, fast: TransferSettings) -> None:
    hosted = hub.add_file(REPO, NAME, size=1_000_000)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=16384, interval=0.005, times=1))
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    first = Download(files, settings=fast)
    thread = threading.Thread(target=first.run)
    thread.start()
    wait_until(lambda: first.progress.bytes_done > 0, "the first download to start writing")
    second = Download(files, settings=fast)
    with pytest.raises(DownloadBusyError, match=r"already being downloaded by another ModelNest \(process \d+ on "):
        second.run()
    thread.join(timeout=30)
    assert first.progress.state is DownloadState.DONE
    assert hashlib.sha256(first.paths[0].read_bytes()).hexdigest() == hosted.sha256
    assert len(hub.gets_for(NAME)) == 1  # the refused job never touched the network
    # Once the first is done, asking again is harmless: already installed, nothing fetched.
    assert second.run() is DownloadState.DONE and len(hub.gets_for(NAME)) == 1


def test_a_job_cannot_run_twice_at_once(hub: HubServer, fast: TransferSettings) -> None:
    hub.add_file(REPO, NAME, size=500_000)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=8192, interval=0.01, times=1))
    job = Download(resolve_pull(REPO, endpoint=hub.endpoint), settings=fast)
    thread = threading.Thread(target=job.run)
    thread.start()
    wait_until(lambda: job.progress.bytes_done > 0, "the download to start writing")
    with pytest.raises(Exception, match="already running"):
        job.run()
    job.cancel()
    thread.join(timeout=5)


def test_leftover_partial_is_found_and_resumed(hub: HubServer, fast: TransferSettings) -> None:
    hosted = hub.add_file(REPO, NAME, size=1_000_000)
    _paused_partial(hub, fast)
    (partial,) = find_partial_downloads()
    assert partial.resumable and not partial.in_use
    assert partial.remote is not None and partial.remote.filename == NAME and partial.total_bytes == 1_000_000
    assert 100_000 <= partial.bytes_on_disk < 1_000_000
    assert partial.writer_pid is not None and partial.writer_host
    job = Download.from_partial(partial, settings=fast)  # e.g. offered at start-up, no hub metadata call needed
    assert job.run() is DownloadState.DONE
    assert hub.gets_for(NAME)[-1].range == f"bytes={partial.bytes_on_disk}-"
    assert hashlib.sha256(job.paths[0].read_bytes()).hexdigest() == hosted.sha256
    assert find_partial_downloads() == []


def test_leftover_partial_can_be_discarded(hub: HubServer, fast: TransferSettings) -> None:
    hub.add_file(REPO, NAME, size=1_000_000)
    _paused_partial(hub, fast)
    (partial,) = find_partial_downloads()
    partial.discard()
    assert not partial.part.exists() and not partial.sidecar.exists()
    assert find_partial_downloads() == []


def test_a_partial_being_written_is_reported_in_use_and_cannot_be_discarded(
    hub: HubServer, fast: TransferSettings
) -> None:
    hub.add_file(REPO, NAME, size=1_000_000)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=8192, interval=0.01, times=1))
    job = Download(resolve_pull(REPO, endpoint=hub.endpoint), settings=fast)
    thread = threading.Thread(target=job.run)
    thread.start()
    wait_until(lambda: job.progress.bytes_done > 0, "the download to start writing")
    (partial,) = find_partial_downloads()
    assert partial.in_use and not partial.resumable
    with pytest.raises(DownloadBusyError):
        partial.discard()
    assert partial.part.exists()
    job.cancel()
    thread.join(timeout=5)


def test_strays_without_a_usable_sidecar_can_only_be_discarded(hub: HubServer) -> None:
    folder = paths.models_dir() / "acme__tiny-GGUF"
    folder.mkdir(parents=True)
    (folder / "orphan.gguf.part").write_bytes(b"x" * 10)
    (folder / "lonely.gguf.part.json").write_text("{not json")
    tampered = folder / "tampered.gguf.part"
    tampered.write_bytes(b"y" * 5)
    # A sidecar that claims to describe a file elsewhere is not trusted.
    (folder / "tampered.gguf.part.json").write_text(json.dumps({"version": 1, "file": {
        "repo_id": "acme/other", "filename": "x.gguf", "size": 5, "sha256": "0" * 64, "git_sha1": None,
        "revision": "main", "url": "http://127.0.0.1:9/x", "endpoint": "http://127.0.0.1:9"}}))
    found = {p.part.name: p for p in find_partial_downloads()}
    assert set(found) == {"orphan.gguf.part", "lonely.gguf.part", "tampered.gguf.part"}
    assert all(p.remote is None and not p.resumable for p in found.values())
    with pytest.raises(Exception, match="can only be deleted"):
        Download.from_partial(found["orphan.gguf.part"])
    for p in found.values():
        p.discard()
    assert find_partial_downloads() == []
    assert sorted(x.name for x in folder.iterdir()) == []


def test_a_leftover_of_another_version_is_not_resumed(hub: HubServer, fast: TransferSettings) -> None:
    hub.add_file(REPO, NAME, size=1_000_000)
    _paused_partial(hub, fast)
    new = hub.add_file(REPO, NAME, size=1_000_000, seed=42)  # the repo was updated meanwhile
    job = Download(resolve_pull(REPO, endpoint=hub.endpoint), settings=fast)
    assert job.run() is DownloadState.DONE
    assert job.resumed_from[NAME] == 0 and hub.gets_for(NAME)[-1].range is None
    assert hashlib.sha256(job.paths[0].read_bytes()).hexdigest() == new.sha256


def test_cancel_before_run_is_obeyed_and_a_paused_job_can_discard_its_partial(
    hub: HubServer, fast: TransferSettings
) -> None:
    hub.add_file(REPO, NAME, size=1_000_000)
    early = Download(resolve_pull(REPO, endpoint=hub.endpoint), settings=fast)
    early.cancel()  # e.g. the user pressed cancel while the job was still queued
    assert early.run() is DownloadState.CANCELLED and hub.gets_for(NAME) == []
    job = _paused_partial(hub, fast)
    assert find_partial_downloads()
    job.discard_partials()
    assert find_partial_downloads() == []
