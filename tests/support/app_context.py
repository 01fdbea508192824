"""An AppContext for GUI tests: the real services, on a recorded machine, in the test's own folders."""

from __future__ import annotations

from pathlib import Path

from modelnest.core.hardware import HardwareSnapshot
from modelnest.core.hardware.bandwidth import build_bandwidth
from modelnest.core.hardware.model import BandwidthInfo
from modelnest.core.hardware.recorded import load_machine
from modelnest.gui.context import AppContext
from modelnest.gui.hardware_service import MeasureFn

MACHINES = Path(__file__).resolve().parents[1] / "data" / "machines"
DEFAULT_MACHINE = "i7_no_gpu_16gb"  # a CPU-only desktop: tests never depend on what this host has


def recorded_context(
    tmp_path: Path,
    machine: str = DEFAULT_MACHINE,
    *,
    sensor_interval_ms: int = 100,
    measure_fn: MeasureFn | None = None,
) -> AppContext:
    """Settings, history and models under ``tmp_path``; hardware replayed from ``tests/data/machines``.

    ``measure_fn`` stands in for the RAM speed measurement; by default a recorded machine keeps its recorded and
    table figures (measuring would time this host's RAM and file it under the recorded machine).

    Call ``ctx.shutdown()`` at the end of the test (the ``app_context`` fixture does).
    """
    sources = load_machine(MACHINES / f"{machine}.json", tmp_path / "machine")
    models = tmp_path / "models"
    models.mkdir(parents=True, exist_ok=True)
    return AppContext.create(
        settings_path=tmp_path / "config" / "settings.json",
        history_path=tmp_path / "data" / "history.sqlite3",
        sources=sources,
        models_dir=models,
        sensor_interval_ms=sensor_interval_ms,
        measure_fn=measure_fn or _not_measured,
    )


def _not_measured(snapshot: HardwareSnapshot) -> BandwidthInfo:
    return build_bandwidth(snapshot.cpu, snapshot.memory, snapshot.gpus, measure=False)
