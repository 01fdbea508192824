"""Disk space: refused up front with the missing amount; a disk filling up mid-way keeps the partial for resume."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.hub_server import REPO, HubServer

from modelnest.core.download import (
    Download,
    DownloadError,
    DownloadState,
    NotEnoughDiskSpaceError,
    TransferSettings,
    disk,
    find_partial_downloads,
    resolve_pull,
)
from modelnest.core.download import job as job_module

NAME = "tiny-Q4_K_M.gguf"


def test_refusal_before_start_says_how_much_is_missing(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add_file(REPO, NAME, size=100_000)
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    # The hub says 4 GB; 1.5 GB is free.
    big = [files[0].__class__(**{**files[0].to_json(), "size": 4_000_000_000})]
    monkeypatch.setattr(disk, "free_bytes", lambda path: 1_500_000_000)
    with pytest.raises(NotEnoughDiskSpaceError) as info:
        Download(big).run()
    message = str(info.value)
    assert "needs 3.7 GiB plus 256.0 MiB to spare" in message  # binary units, as everywhere (core.units)
    assert "only 1.4 GiB is free" in message and "Free up 2.6 GiB" in message
    assert info.value.missing_bytes == 4_000_000_000 + disk.default_margin(4_000_000_000) - 1_500_000_000
    assert hub.gets_for(NAME) == []  # not a byte requested
    assert find_partial_downloads() == []


def test_the_check_counts_only_the_bytes_still_missing(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add_file(REPO, NAME, size=100_000)
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    asked: list[int] = []
    real = disk.ensure_free_space
    monkeypatch.setattr(
        job_module.disk,
        "ensure_free_space",
        lambda d, needed, margin=None: asked.append(needed) or real(d, needed, margin=margin),
    )
    job = Download(files, settings=TransferSettings(disk_margin=0))
    # Leave 40 000 bytes of a previous attempt on disk.
    from modelnest.core import paths
    from modelnest.core.download.partial import FilePaths, make_sidecar, write_json_atomic

    fp = FilePaths.for_file(paths.models_dir(), REPO, NAME)
    fp.final.parent.mkdir(parents=True)
    fp.part.write_bytes((hub.repos[REPO][NAME].path.read_bytes())[:40_000])
    write_json_atomic(fp.sidecar, make_sidecar(files[0], files))
    assert job.run() is DownloadState.DONE
    assert asked == [60_000]


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MiB tmpfs when we are root and may mount (the sandbox, some CI), else skip."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_real_full_disk_mid_download_keeps_the_partial_and_resumes(
    hub: HubServer, small_fs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hosted = hub.add_file(REPO, NAME, size=3 * 1024 * 1024)  # 3 MiB into a 2 MiB file system
    monkeypatch.setenv("MODELNEST_MODELS_DIR", str(small_fs))
    monkeypatch.setattr(disk, "free_bytes", lambda path: 1 << 40)  # get past the up-front check: fill up for real
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    job = Download(files, settings=TransferSettings(disk_margin=0))
    with pytest.raises(NotEnoughDiskSpaceError, match=r"disk filled up.*partial file is kept") as info:
        job.run()
    assert info.value.missing_bytes and info.value.missing_bytes > 0
    (partial,) = find_partial_downloads()
    assert partial.resumable and 1_000_000 < partial.bytes_on_disk < 3 * 1024 * 1024
    final = small_fs / "acme__tiny-GGUF" / NAME
    assert not final.exists()
    # The user frees space (here: the file system grows) and starts again: it continues from the bytes on disk.
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_fs)], check=True)
    kept = partial.bytes_on_disk
    assert Download(files, settings=TransferSettings(disk_margin=0)).run() is DownloadState.DONE
    assert hub.gets_for(NAME)[-1].range == f"bytes={kept}-"
    assert hashlib.sha256(final.read_bytes()).hexdigest() == hosted.sha256


def test_disk_full_mid_download_with_a_patched_write(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same story without root: the write raises ENOSPC after 1 MB (runs everywhere, e.g. CI)."""
    hosted = hub.add_file(REPO, NAME, size=2_000_000)
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    real_write = job_module.Download._write
    written = {"n": 0}

    class FullDisk:
        """Stands in for the file once 1 MB is written: its write fails as a full disk does."""

        def write(self, _view: object) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def failing_write(fh, data, remote, offset):  # type: ignore[no-untyped-def]
        if written["n"] + len(data) > 1_000_000:
            fh = FullDisk()  # the real error handling in Download._write still runs
        else:
            written["n"] += len(data)
        real_write(fh, data, remote, offset)

    monkeypatch.setattr(job_module.Download, "_write", staticmethod(failing_write))
    with pytest.raises(
        NotEnoughDiskSpaceError, match=r"disk filled up while downloading tiny-Q4_K_M.gguf \(\d.* of 1.9 MiB written\)"
    ):
        Download(files, settings=TransferSettings(disk_margin=0)).run()
    (partial,) = find_partial_downloads()
    assert partial.bytes_on_disk == written["n"] > 0
    monkeypatch.setattr(job_module.Download, "_write", staticmethod(real_write))
    job = Download(files, settings=TransferSettings(disk_margin=0))
    assert job.run() is DownloadState.DONE
    assert job.resumed_from[NAME] == written["n"]
    assert hashlib.sha256(job.paths[0].read_bytes()).hexdigest() == hosted.sha256


def test_byte_formatting() -> None:
    # the app-wide convention (modelnest.core.units): binary units, labelled as such
    assert disk.format_bytes(4_000_000_000) == "3.7 GiB"
    assert disk.format_bytes(268_435_456) == "256.0 MiB"
    assert disk.format_bytes(12_345) == "12 KiB"
    assert disk.format_bytes(12) == "12 B"


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("tmpfs and ENOSPC details are POSIX")


def test_an_unwritable_models_folder_is_a_plain_error(
    hub: HubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add_file(REPO, NAME, size=1000)
    files = resolve_pull(REPO, endpoint=hub.endpoint)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the models folder should be")
    with pytest.raises(DownloadError, match="Could not write the model to disk"):
        Download(files, models_dir=blocker, settings=TransferSettings(disk_margin=0)).run()
