"""Each network fault ends in a verified model or a clear message — never a corrupt file under a final name."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from support.hub_server import REPO, Fault, HostedFile, HubServer
from support.waiting import wait_until

from modelnest.core import paths
from modelnest.core.download import (
    ChecksumMismatchError,
    Download,
    DownloadProgress,
    DownloadState,
    HubAccessError,
    TransferFailedError,
    TransferSettings,
    find_partial_downloads,
    resolve_pull,
)
from modelnest.core.download.partial import read_manifest

NAME = "tiny-Q4_K_M.gguf"
SIZE = 3_000_000


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def final_path(name: str = NAME) -> Path:
    return paths.models_dir() / "acme__tiny-GGUF" / name


def assert_nothing_corrupt(hub: HubServer) -> None:
    """Every file under a final name matches the hub's sha256; the manifest lists only verified files."""
    hosted = hub.repos[REPO]
    folder = paths.models_dir() / "acme__tiny-GGUF"
    for path in folder.rglob("*") if folder.exists() else []:
        rel = path.relative_to(folder).as_posix()
        if rel in hosted:
            assert sha256_of(path) == hosted[rel].sha256, f"corrupt file installed: {rel}"
    for name, entry in read_manifest(folder).items() if folder.exists() else []:
        assert entry["sha256"] == hosted[name].sha256
        assert (folder / name).is_file()


def start(
    hub: HubServer,
    settings: TransferSettings,
    *,
    quant: str | None = "Q4_K_M",
    progress: list[DownloadProgress] | None = None,
) -> Download:
    files = resolve_pull(REPO, quant=quant, endpoint=hub.endpoint)
    return Download(files, settings=settings, on_progress=progress.append if progress is not None else None)


def host(hub: HubServer, name: str = NAME, size: int = SIZE) -> HostedFile:
    return hub.add_file(REPO, name, size=size)


def test_clean_download_through_a_cdn_redirect(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    hub.redirect = True
    seen: list[DownloadProgress] = []
    job = start(hub, fast, progress=seen)
    assert job.run() is DownloadState.DONE
    assert job.paths == [final_path().resolve()]
    assert sha256_of(final_path()) == hosted.sha256
    assert not list(final_path().parent.glob("*.part*")) and not list(final_path().parent.glob("*.lock"))
    assert read_manifest(final_path().parent)[NAME]["sha256"] == hosted.sha256
    done = [p.bytes_done for p in seen]
    assert done == sorted(done) and seen[-1].state is DownloadState.DONE and seen[-1].bytes_done == SIZE
    assert all(p.bytes_total == SIZE for p in seen)
    assert any(p.state is DownloadState.VERIFYING for p in seen)


def test_connection_dropped_at_30_percent_resumes_with_range(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    hub.set_fault(REPO, NAME, Fault("drop", at=0.3))
    job = start(hub, fast)
    assert job.run() is DownloadState.DONE
    gets = hub.gets_for(NAME)
    assert [g.range for g in gets] == [None, f"bytes={int(SIZE * 0.3)}-"]
    assert [g.status for g in gets] == [200, 206]
    assert sha256_of(final_path()) == hosted.sha256


def test_range_ignored_restarts_cleanly_instead_of_appending(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    hub.set_fault(REPO, NAME, Fault("drop", at=0.3))
    job = start(hub, fast)
    job_thread_result: list[DownloadState] = []
    # After the drop, the "mirror" ignores Range on every request: 200 with the whole file.
    orig = hub._take_fault

    def next_fault(repo: str, name: str) -> Fault | None:
        fault = orig(repo, name)
        return fault if fault is not None else Fault("ignore_range", times=-1)

    hub._take_fault = next_fault  # type: ignore[method-assign]
    job_thread_result.append(job.run())
    assert job_thread_result == [DownloadState.DONE]
    gets = hub.gets_for(NAME)
    assert [g.status for g in gets] == [200, 200] and gets[1].range == f"bytes={int(SIZE * 0.3)}-"
    assert sha256_of(final_path()) == hosted.sha256  # not 30 % + 100 % glued together
    assert job.resumed_from[NAME] == 0


def test_one_flipped_byte_is_caught_and_the_file_deleted(hub: HubServer, fast: TransferSettings) -> None:
    host(hub)
    hub.set_fault(REPO, NAME, Fault("flip", at=0.5, times=-1))
    job = start(hub, fast)
    with pytest.raises(ChecksumMismatchError, match=r"damaged.*was deleted"):
        job.run()
    assert job.progress.state is DownloadState.FAILED
    assert not final_path().exists()
    assert not final_path().with_name(NAME + ".part").exists()
    assert find_partial_downloads() == []
    assert_nothing_corrupt(hub)


def test_a_flip_in_a_resumed_prefix_gets_one_clean_retry(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    job = start(hub, fast)
    hub.set_fault(REPO, NAME, Fault("drop", at=0.5, times=2))  # the retry gets nothing new: give up (max_retries=0)
    job.settings = TransferSettings(max_retries=0, backoff_initial=0.01, disk_margin=0)
    with pytest.raises(TransferFailedError, match="kept"):
        job.run()
    part = final_path().with_name(NAME + ".part")
    data = bytearray(part.read_bytes())
    data[100] ^= 0xFF  # damage on disk (e.g. a power cut) that the resume re-hash carries along
    part.write_bytes(bytes(data))
    job.settings = fast
    assert job.run() is DownloadState.DONE
    assert sha256_of(final_path()) == hosted.sha256
    assert [g.range for g in hub.gets_for(NAME)][-2:] == [f"bytes={SIZE // 2}-", None]  # resumed, then from zero


def test_a_stall_is_detected_and_the_transfer_reconnects(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    hub.set_fault(REPO, NAME, Fault("stall", at=0.3, seconds=30))
    seen: list[DownloadProgress] = []
    job = start(hub, replace(fast, stall_timeout=0.5), progress=seen)
    assert job.run() is DownloadState.DONE
    assert [g.range for g in hub.gets_for(NAME)] == [None, f"bytes={int(SIZE * 0.3)}-"]
    assert any(p.state is DownloadState.RETRYING and "stalled" in str(p.message) for p in seen)
    assert sha256_of(final_path()) == hosted.sha256


def test_rate_limit_429_is_retried_after_the_servers_delay(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    hub.set_fault(REPO, NAME, Fault("status", status=429, retry_after=0.05, times=2))
    job = start(hub, fast)
    assert job.run() is DownloadState.DONE
    assert [g.status for g in hub.gets_for(NAME)] == [429, 429, 200]
    assert sha256_of(final_path()) == hosted.sha256


def test_server_errors_are_retried_then_given_up_with_the_partial_kept(hub: HubServer, fast: TransferSettings) -> None:
    host(hub)
    hub.set_fault(REPO, NAME, Fault("status", status=503, times=-1))
    with pytest.raises(TransferFailedError, match="gave up after 4 retries"):
        start(hub, fast).run()
    assert len(hub.gets_for(NAME)) == 5
    assert not final_path().exists()


@pytest.mark.parametrize(("status", "message"), [(404, "no longer on"), (401, "HF_TOKEN"), (403, "accept its license")])
def test_refusals_end_with_a_clear_message(hub: HubServer, fast: TransferSettings, status: int, message: str) -> None:
    host(hub)
    hub.set_fault(REPO, NAME, Fault("status", status=status, times=-1))
    with pytest.raises(HubAccessError, match=message) as info:
        start(hub, fast).run()
    assert info.value.status == status
    assert len(hub.gets_for(NAME)) == 1  # not retried: waiting will not change the answer
    assert not final_path().exists()


def test_gated_download_sends_the_token(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    hub.gated.add(REPO)
    hub.token = "hf_secret"
    files = resolve_pull(REPO, endpoint=hub.endpoint, token="hf_secret")
    assert Download(files, token="hf_secret", settings=fast).run() is DownloadState.DONE
    assert hub.gets_for(NAME)[0].authorization == "Bearer hf_secret"
    assert sha256_of(final_path()) == hosted.sha256
    final_path().unlink()
    read_manifest(final_path().parent).clear()
    with pytest.raises(HubAccessError, match=r"403|license"):
        Download(files, token="hf_other", settings=fast).run()


def _run_in_thread(job: Download) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(job.run())
        except Exception as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def _wait_for_bytes(job: Download, at_least: int) -> None:
    wait_until(lambda: job.progress.bytes_done >= at_least, f"{at_least} bytes downloaded", timeout=20)


def test_cancel_is_honoured_within_a_second_and_removes_the_partial(hub: HubServer, fast: TransferSettings) -> None:
    host(hub)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=4096, interval=0.01, times=-1))
    job = start(hub, TransferSettings(stall_timeout=60, disk_margin=0))
    thread, outcome = _run_in_thread(job)
    _wait_for_bytes(job, 8192)
    # a GUI shows speed and time left
    wait_until(lambda: job.progress.speed > 0 and job.progress.eta, "a speed and time left", timeout=10)
    snapshot = job.progress
    assert snapshot.state is DownloadState.DOWNLOADING and 0 < snapshot.fraction < 1
    assert snapshot.eta == pytest.approx((SIZE - snapshot.bytes_done) / snapshot.speed)
    job.cancel()
    thread.join(timeout=1.5)  # the requirement is one second; the slack is for a loaded CI machine
    assert not thread.is_alive()
    assert outcome == [DownloadState.CANCELLED]
    assert not final_path().exists() and not final_path().with_name(NAME + ".part").exists()
    assert find_partial_downloads() == []


def test_cancel_during_a_silent_server_is_still_prompt(hub: HubServer) -> None:
    host(hub)
    hub.set_fault(REPO, NAME, Fault("stall", at=0.1, seconds=60))
    job = start(hub, TransferSettings(stall_timeout=60, disk_margin=0))
    thread, outcome = _run_in_thread(job)
    # Everything before the silence has arrived and the server has gone quiet: the job can only be waiting.
    wait_until(hub.stalled.is_set, "the server to go silent", timeout=20)
    _wait_for_bytes(job, int(SIZE * 0.1))
    job.cancel()
    thread.join(timeout=1.5)
    assert not thread.is_alive() and outcome == [DownloadState.CANCELLED]


def test_pause_keeps_the_partial_and_run_resumes_it(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=8192, interval=0.01, times=1))
    job = start(hub, fast)
    thread, outcome = _run_in_thread(job)
    _wait_for_bytes(job, 50_000)
    job.pause()
    thread.join(timeout=1.5)
    assert outcome == [DownloadState.PAUSED] and job.progress.state is DownloadState.PAUSED
    part = final_path().with_name(NAME + ".part")
    kept = part.stat().st_size
    assert kept >= 50_000 and not final_path().exists()
    assert job.run() is DownloadState.DONE
    assert hub.gets_for(NAME)[-1].range == f"bytes={kept}-"
    assert job.resumed_from[NAME] == kept
    assert sha256_of(final_path()) == hosted.sha256


def test_split_model_downloads_every_part(hub: HubServer, fast: TransferSettings) -> None:
    names = [f"tiny-Q8_0-0000{i}-of-00003.gguf" for i in (1, 2, 3)]
    hosted = [hub.add_file(REPO, n, size=400_000, seed=i + 1) for i, n in enumerate(names)]
    hub.set_fault(REPO, names[1], Fault("drop", at=0.3))
    seen: list[DownloadProgress] = []
    job = start(hub, fast, quant="Q8_0", progress=seen)
    assert job.run() is DownloadState.DONE
    assert [p.name for p in job.paths] == names
    assert [sha256_of(p) for p in job.paths] == [h.sha256 for h in hosted]
    assert seen[-1].bytes_total == 1_200_000 == seen[-1].bytes_done
    assert {p.file_index for p in seen} == {0, 1, 2} and seen[0].file_count == 3


def test_an_installed_model_is_not_downloaded_again(hub: HubServer, fast: TransferSettings) -> None:
    hosted = host(hub)
    assert start(hub, fast).run() is DownloadState.DONE
    before = len(hub.gets_for(NAME))
    assert start(hub, fast).run() is DownloadState.DONE
    assert len(hub.gets_for(NAME)) == before
    # A file put there by hand (no manifest entry) is hashed once and adopted if it matches...
    (final_path().parent / "modelnest-verified.json").unlink()
    assert start(hub, fast).run() is DownloadState.DONE
    assert len(hub.gets_for(NAME)) == before
    # ...and replaced (atomically, verified) if it does not.
    final_path().write_bytes(b"\0" * SIZE)
    (final_path().parent / "modelnest-verified.json").unlink()
    assert start(hub, fast).run() is DownloadState.DONE
    assert len(hub.gets_for(NAME)) == before + 1
    assert sha256_of(final_path()) == hosted.sha256


def test_a_server_sending_more_than_announced_is_refused(hub: HubServer, fast: TransferSettings) -> None:
    host(hub, size=1000)
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    hub.add_file(REPO, NAME, size=2000, seed=9)  # the bytes changed behind the metadata's back
    with pytest.raises(Exception, match="2000 bytes, the hub announced 1000"):
        Download(files, settings=fast).run()
    assert not final_path().exists()


def test_the_token_is_not_sent_to_another_host_after_a_redirect(
    hub: HubServer, fast: TransferSettings, tmp_path: Path
) -> None:
    hosted = host(hub)
    hub.gated.add(REPO)
    hub.token = "hf_secret"
    with HubServer(tmp_path / "cdn") as cdn:  # a second server on another port = another origin, like the CDN
        cdn.add_file(REPO, NAME, path=hosted.path)
        hub.redirect, hub.cdn_endpoint = True, cdn.endpoint
        files = resolve_pull(REPO, endpoint=hub.endpoint, token="hf_secret")
        assert Download(files, token="hf_secret", settings=fast).run() is DownloadState.DONE
        assert hub.gets_for(NAME)[0].authorization == "Bearer hf_secret"
        (cdn_get,) = cdn.gets_for(NAME)
        assert cdn_get.authorization is None and cdn_get.status == 200
    assert sha256_of(final_path()) == hosted.sha256


def test_http_proxy_from_the_environment_is_used(
    hub: HubServer, fast: TransferSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    hosted = host(hub)
    (remote,) = resolve_pull(REPO, endpoint=hub.endpoint)
    # The file's host does not exist; only the proxy (our server, which answers absolute-URI requests) can reach it.
    far = remote.__class__(**{**remote.to_json(), "url": remote.url.replace(hub.endpoint, "http://models.invalid")})
    for name in ("no_proxy", "NO_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", hub.endpoint.replace("http://", "http://user:pass@"))
    assert Download([far], settings=fast).run() is DownloadState.DONE
    (get,) = hub.gets_for(NAME)
    assert get.headers.get("Proxy-Authorization") == "Basic dXNlcjpwYXNz"  # user:pass
    assert sha256_of(final_path()) == hosted.sha256


def test_a_small_git_file_is_verified_by_its_blob_id(hub: HubServer, fast: TransferSettings) -> None:
    hub.add_file(REPO, "README.md", b"# tiny model\n" * 100, lfs=False)
    files = resolve_pull(REPO, filename="README.md", endpoint=hub.endpoint)
    assert files[0].sha256 is None and files[0].git_sha1
    assert Download(files, settings=fast).run() is DownloadState.DONE
    assert final_path("README.md").read_bytes() == b"# tiny model\n" * 100
    hub.add_file(REPO, "README.md", b"# tiny modeL\n" * 100, lfs=False)  # same size, bytes no longer match the blob id
    final_path("README.md").unlink()
    (final_path().parent / "modelnest-verified.json").unlink()
    with pytest.raises(ChecksumMismatchError, match="its git sha1 is"):
        Download(files, settings=fast).run()
    assert not final_path("README.md").exists()


def test_offline_mode_stops_a_download_before_any_request(
    hub: HubServer, fast: TransferSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from modelnest.core.download import OfflineError

    host(hub)
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(OfflineError, match="Offline mode is on"):
        Download(files, settings=fast).run()
    assert hub.gets_for(NAME) == []
