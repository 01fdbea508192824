"""`modelnest pull`: progress, one-line errors with exit 2, and a process killed mid-download that resumes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.hub_server import REPO, Fault, HubServer
from support.waiting import wait_until

from modelnest.core import paths
from modelnest.core.cli import main
from modelnest.core.download import Download, DownloadBusyError, find_partial_downloads, resolve_pull

NAME = "tiny-Q4_K_M.gguf"
CLI = [sys.executable, "-c", "import sys; from modelnest.core.cli import main; sys.exit(main())"]


def test_pull_prints_progress_and_the_installed_path(hub: HubServer, capsys: pytest.CaptureFixture[str]) -> None:
    hosted = hub.add_file(REPO, NAME, size=2_000_000)
    hub.add_file(REPO, "tiny-Q8_0.gguf", size=1000)
    assert main(["pull", REPO, "--quant", "Q4_K_M", "--endpoint", hub.endpoint]) == 0
    out, err = capsys.readouterr()
    final = paths.models_dir() / "acme__tiny-GGUF" / NAME
    assert out.strip() == str(final.resolve())
    assert f"Downloading {NAME} from {hub.endpoint}/{REPO} (1.9 MiB)" in err
    assert "100.0% 1.9 MiB / 1.9 MiB" in err and "Verified against the hub's checksum" in err
    assert hashlib.sha256(final.read_bytes()).hexdigest() == hosted.sha256


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--file", "../../etc/passwd"], "Refusing file name '../../etc/passwd'"),
        (["--file", "C:\\evil.gguf"], "Refusing file name"),
        (["--quant", "Q2_K"], "has no Q2_K file. Available: Q4_K_M"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    hub: HubServer, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    hub.add_file(REPO, NAME, size=1000)
    assert main(["pull", REPO, *args, "--endpoint", hub.endpoint]) == 2
    err = capsys.readouterr().err
    assert err.startswith("modelnest pull: ") and message in err and err.count("\n") == 1


def test_offline_and_bad_repo_are_one_line_errors(
    hub: HubServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["pull", "not-a-repo", "--endpoint", hub.endpoint]) == 2
    assert "not a valid repository id" in capsys.readouterr().err
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["pull", REPO, "--endpoint", hub.endpoint]) == 2
    assert "Offline mode is on" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; TerminateProcess would do on Windows")
def test_killed_mid_download_then_rerun_resumes_from_the_saved_offset(hub: HubServer, tmp_path: Path) -> None:
    size = 2_000_000
    hosted = hub.add_file(REPO, NAME, size=size)
    hub.set_fault(REPO, NAME, Fault("drip", chunk=8192, interval=0.01, times=1))  # ~0.8 MB/s: time to kill it
    part = paths.models_dir() / "acme__tiny-GGUF" / (NAME + ".part")
    proc = subprocess.Popen(
        [*CLI, "pull", REPO, "--endpoint", hub.endpoint], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_until(lambda: part.exists() and part.stat().st_size >= 200_000, "200 KB on disk")
        # While it runs: the file is locked by that process, and the lock names it.
        (partial,) = find_partial_downloads()
        assert partial.in_use and partial.writer_pid == proc.pid
        with pytest.raises(DownloadBusyError, match=f"process {proc.pid}"):
            Download(resolve_pull(REPO, endpoint=hub.endpoint)).run()
        os.kill(proc.pid, signal.SIGKILL)  # no clean-up code runs: the app was killed
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    kept = part.stat().st_size
    assert 200_000 <= kept < size
    (partial,) = find_partial_downloads()
    assert not partial.in_use and partial.resumable and partial.bytes_on_disk == kept  # the OS released the lock

    rerun = subprocess.run([*CLI, "pull", REPO, "--endpoint", hub.endpoint], capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    gets = hub.gets_for(NAME)
    assert gets[-1].range == f"bytes={kept}-" and gets[-1].status == 206  # resumed, not restarted
    assert f"resuming {NAME} from" in rerun.stderr
    final = Path(rerun.stdout.strip())
    assert hashlib.sha256(final.read_bytes()).hexdigest() == hosted.sha256
    assert find_partial_downloads() == []
