"""One crash-safe write for every file core keeps: a failure mid-write leaves the old file and no temp file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from modelnest.core.atomic import atomic_write_bytes, atomic_write_json, atomic_write_text, stale_temp_files

# A real write failure, not a patched one: the child may write files of at most 4 KiB (RLIMIT_FSIZE), so the
# write of 64 KiB fails with EFBIG half-way through, exactly like a disk that fills up mid-write.
FSIZE_CHILD = """
import resource, signal, sys
from pathlib import Path
from modelnest.core.atomic import atomic_write_bytes
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get the error instead of being killed by the signal
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    atomic_write_bytes(Path(sys.argv[1]), b"n" * 65536)
except OSError as exc:
    print("failed", exc.errno)
else:
    print("written")
"""

# The process dies between writing the temp file and the rename (what a power cut or SIGKILL does).
KILLED_CHILD = """
import os, sys
from pathlib import Path
from modelnest.core import atomic
atomic.os.replace = lambda *a: os._exit(9)
atomic.atomic_write_bytes(Path(sys.argv[1]), b"new")
"""


def test_write_replaces_whole_content(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    atomic_write_text(target, "first")
    atomic_write_bytes(target, "zweite Fassung – 第二".encode())
    assert target.read_text(encoding="utf-8") == "zweite Fassung – 第二"
    assert os.listdir(target.parent) == ["f.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_failure_mid_write_keeps_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "calibration.json"
    target.write_bytes(b"old contents")
    out = subprocess.run([sys.executable, "-c", FSIZE_CHILD, str(target)], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out[0] == "failed" and int(out[1]) == 27  # EFBIG: the write really failed part-way
    assert target.read_bytes() == b"old contents"
    assert sorted(os.listdir(tmp_path)) == ["calibration.json"]


def test_unserialisable_json_touches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "library.json"
    atomic_write_json(target, {"folders": ["/a"]})
    with pytest.raises(TypeError):
        atomic_write_json(target, {"folders": {object()}})
    assert json.loads(target.read_text(encoding="utf-8")) == {"folders": ["/a"]}
    assert os.listdir(tmp_path) == ["library.json"]


def test_interrupt_during_write_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["settings.json"]


def test_killed_writer_leaves_old_file_and_a_findable_temp(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")
    done = subprocess.run([sys.executable, "-c", KILLED_CHILD, str(target)], timeout=60, check=False)
    assert done.returncode == 9
    assert target.read_text() == "old"
    stale = list(stale_temp_files(target))
    assert len(stale) == 1 and stale[0].read_bytes() == b"new"  # only ever a copy; the owner may delete it
    assert {p.name for p in tmp_path.iterdir()} == {"settings.json", stale[0].name}


def test_update_json_object_keeps_other_keys_and_starts_over_on_damage(tmp_path: Path) -> None:
    from modelnest.core.atomic import update_json_object

    cache = tmp_path / "cache.json"
    update_json_object(cache, "machine-a", {"gb_s": 20.5})
    update_json_object(cache, "machine-b", {"gb_s": 41.0})
    assert json.loads(cache.read_text(encoding="utf-8")) == {"machine-a": {"gb_s": 20.5}, "machine-b": {"gb_s": 41.0}}
    cache.write_text("[1, 2", encoding="utf-8")  # truncated by a crash of an older version
    update_json_object(cache, "machine-a", {"gb_s": 19.0})
    assert json.loads(cache.read_text(encoding="utf-8")) == {"machine-a": {"gb_s": 19.0}}
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]  # no temp file left
