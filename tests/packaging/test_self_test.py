"""`modelnest --self-test`: run in-process (offscreen) and through the real launcher, passing and failing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from modelnest.core.engine import runtime
from modelnest.gui import self_test

pytest.importorskip("llama_cpp")  # the engine child needs the bindings
# The offscreen platform cannot resize windows to their size hints; it says so once a window is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

CHECKS = ["window", "resources", "hardware", "runtime", "engine", "engine_library"]


def test_self_test_passes_with_a_model(qtbot: QtBot, tiny_model: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "out" / "report.json"
    status = self_test.main(["--model", str(tiny_model), "--tokens", "5", "--report", str(report_file)])
    report = json.loads(report_file.read_text())
    assert status == 0, report
    assert report["ok"] is True
    assert [c["name"] for c in report["checks"]] == [*CHECKS, "generate"]
    assert report["window"]["visible"] and report["window"]["exposed"] and report["window"]["pages"] >= 1
    assert report["engine"]["llama_cpp_version"] and "CPU" in report["engine"]["system_info"]
    assert report["engine"]["loaded_variant"] == "cpu"
    assert Path(report["engine"]["library"]).name.startswith("libllama") or report["engine"]["library"].endswith(
        "llama.dll"
    )
    assert report["generation"]["tokens"] == 5 and report["generation"]["stop_reason"] == "length"
    for key in ("window_build_s", "engine_start_s", "model_load_s", "generate_s", "self_test_s"):
        assert report["timings"][key] > 0, key


def test_self_test_reports_a_broken_runtime_and_fails(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chosen build folder without libraries: the engine cannot start, the report says so, exit status 1."""
    empty = tmp_path / "no-libraries-here"
    empty.mkdir()
    monkeypatch.setenv(runtime.LIB_PATH_ENV, str(empty))
    status = self_test.main(["--timeout", "60"])
    report = json.loads(capsys.readouterr().out)
    assert status == 1 and report["ok"] is False
    by_name = {c["name"]: c for c in report["checks"]}
    assert by_name["window"]["ok"] and by_name["runtime"]["ok"]
    assert report["runtime"]["variant"] == "custom" and report["runtime"]["lib_dir"] == str(empty)
    assert by_name["engine"]["ok"] is False and by_name["engine"]["detail"]
    assert "engine_library" not in by_name  # nothing to inspect without a running engine


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="LD_LIBRARY_PATH shadowing is Linux's")
def test_a_stray_ggml_library_fails_the_library_check(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trap a frozen build sets: a library path that holds another libggml shadows the chosen build's own."""
    shipped = self_test._expected_lib_dir(runtime.RuntimeChoice("cpu", None, "test"))
    assert shipped is not None and (shipped / "libllama.so").is_file()
    chosen = tmp_path / "chosen-build"
    shutil.copytree(shipped, chosen)
    monkeypatch.setenv(runtime.LIB_PATH_ENV, str(chosen))
    monkeypatch.setenv("LD_LIBRARY_PATH", str(shipped))  # searched before libllama's own RUNPATH ($ORIGIN)
    report = self_test.run_self_test(None, engine_timeout=60)
    by_name = {c["name"]: c for c in report["checks"]}
    assert by_name["engine"]["ok"]
    assert by_name["engine_library"]["ok"] is False
    assert "expected every library in" in by_name["engine_library"]["detail"]
    assert "libggml" in by_name["engine_library"]["detail"]
    assert report["ok"] is False


def test_launcher_dispatches_self_test(tmp_path: Path) -> None:
    """The real entry point, as the frozen app and the installers' post-install check run it."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MODELNEST_HOME=str(tmp_path / "home"))
    env.pop(runtime.LIB_PATH_ENV, None)
    report_file = tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", "--self-test", "--report", str(report_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == json.loads(report_file.read_text())
    assert json.loads(done.stdout)["timings"]["cold_start_to_window_s"] > 0
