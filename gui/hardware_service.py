"""The one hardware service of the GUI: one probe, one sensor sampler, shared by the card, the catalogue and chat.

Six places used to probe the machine on their own and two sampled sensors at different rates, so the card and the
chat could disagree about throttling. Now the probe runs once in the background at start-up (``snapshot_ready``),
sensors are sampled by one job while anyone wants them (``acquire_sensors``/``release_sensors``, reference
counted), and a RAM bandwidth measurement updates the same snapshot for everyone.

Tests hand in a recorded machine (``Sources`` from ``modelnest.core.hardware.recorded``) instead of this host, so
no GUI test depends on what this computer has.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from modelnest.core.hardware import HardwareSnapshot, SensorReading, SensorSampler, probe
from modelnest.core.hardware.bandwidth import build_bandwidth
from modelnest.core.hardware.model import BandwidthInfo, Figure
from modelnest.core.hardware.sources import Sources
from modelnest.gui.background import Background, JobControl

__all__ = ["HardwareService"]

ProbeFn = Callable[[], HardwareSnapshot]
MeasureFn = Callable[[HardwareSnapshot], BandwidthInfo]


class Sampler(Protocol):
    def read(self) -> SensorReading: ...

    def close(self) -> None: ...


SamplerFactory = Callable[[HardwareSnapshot], Sampler]


SpeedTestFn = Callable[[HardwareSnapshot, Callable[[float, object], None]], Any]


def _run_speed_test(snapshot: HardwareSnapshot, progress: Callable[[float, object], None]) -> Any:
    from modelnest.core.plan.planner import choose_threads
    from modelnest.core.plan.speedtest import run_speed_test

    return run_speed_test(snapshot, choose_threads(snapshot), progress=progress)


def _cached_profile(snapshot: HardwareSnapshot) -> Any:
    from modelnest.core.plan.speedtest import cached_profile  # plan and engine client: loaded when needed

    return cached_profile(snapshot)


def _engine_features() -> dict[str, bool] | None:
    from modelnest.core.engine.features import engine_features  # starts the engine once; cached per version

    return engine_features()


class HardwareService(QObject):
    """Probe once, sample sensors while wanted, measure bandwidth on request; all work in the background."""

    snapshot_ready = Signal(object)  # HardwareSnapshot, once (and again after ``reprobe``)
    reading = Signal(object)  # SensorReading, every ``interval_ms`` while sensors are acquired
    bandwidth_ready = Signal(object)  # BandwidthInfo, after ``measure_bandwidth``
    bandwidth_failed = Signal(object)  # the exception of a failed measurement; the snapshot keeps its figures
    probe_failed = Signal(object)  # the exception; the snapshot stays None
    speed_test_ready = Signal(object)  # SpeedProfile, after ``measure_speed`` (bandwidth_ready follows: replan)
    speed_test_progress = Signal(object)  # (fraction, Message) while the speed test runs
    speed_test_failed = Signal(object)  # the exception; plans keep the figures they had
    # A real run was recorded for calibration (the chat after a reply): predicted speeds may have moved, so pages
    # showing predictions plan again (the Models page: its picks say "changed because: calibration").
    calibration_recorded = Signal()

    def __init__(
        self,
        background: Background,
        *,
        sources: Sources | None = None,
        models_dir: Path | None = None,
        probe_fn: ProbeFn | None = None,
        sampler_factory: SamplerFactory | None = None,
        measure_fn: MeasureFn | None = None,
        with_engine_features: bool | None = None,
        speed_test_at_start: bool = False,
        speed_test_fn: SpeedTestFn | None = None,
        interval_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._background = background
        self._sources = sources
        self._models_dir = models_dir
        # The engine's instruction-set report belongs to this machine's engine, not to a recorded one.
        self._with_engine_features = sources is None if with_engine_features is None else with_engine_features
        self._probe_fn = probe_fn or self._default_probe
        self._sampler_factory: SamplerFactory = sampler_factory or (
            lambda snap: SensorSampler(self._sources, snap.gpus)
        )
        self._measure_fn = measure_fn or (
            lambda snap: build_bandwidth(snap.cpu, snap.memory, snap.gpus, measure=True)
        )
        self.interval_ms = interval_ms
        self._snapshot: HardwareSnapshot | None = None
        self.latest_reading: SensorReading | None = None
        self._sensor_users = 0
        self._sensor_job: Any = None
        self._probing = False
        self.probe_count = 0  # how many probes ran (tests assert "once")
        # With ``speed_test_at_start`` (the app, not tests) this machine's speed test runs once in the background
        # after the first probe when none is cached for this machine and engine; never for a recorded machine.
        self._speed_test_at_start = speed_test_at_start and sources is None
        self.speed_profile: Any = None  # SpeedProfile of this machine, once known
        self.speed_test_fn: SpeedTestFn = speed_test_fn or _run_speed_test  # tests hand in a short one
        self.speed_testing = False

    # ---- the snapshot -----------------------------------------------------------------------------

    def _default_probe(self) -> HardwareSnapshot:
        snapshot = probe(self._sources, models_dir=self._models_dir, with_sensors=False)
        if self._with_engine_features:
            snapshot.cpu.engine_features = _engine_features()
        return snapshot

    @property
    def snapshot(self) -> HardwareSnapshot | None:
        return self._snapshot

    def note_calibration(self) -> None:
        """Call on the GUI thread after a calibration record was written."""
        self.calibration_recorded.emit()

    def start(self) -> None:
        """Probe in the background unless a probe already ran or is running."""
        if self._snapshot is None and not self._probing:
            self.reprobe()

    def reprobe(self) -> None:
        self._probing = True
        self._background.submit(
            lambda _control: self._probe_fn(), key="hardware-probe", on_result=self._probed, on_error=self._failed
        )

    def set_snapshot(self, snapshot: HardwareSnapshot) -> None:
        """Use this snapshot (a recorded machine, or one planned for with ``--hardware``) and tell everyone."""
        self._probed(snapshot)

    def _probed(self, snapshot: HardwareSnapshot) -> None:
        self._probing = False
        self.probe_count += 1
        self._snapshot = snapshot
        self.snapshot_ready.emit(snapshot)
        if self._sensor_users and self._sensor_job is None:
            self._start_sampling()
        if self._speed_test_at_start:
            self._speed_test_at_start = False  # once per session, whatever the outcome
            self._background.submit(lambda _control: _cached_profile(snapshot), key="speed-test-cache",
                                    on_result=self._cache_checked)

    def _cache_checked(self, profile: Any) -> None:
        if profile is not None:
            self.speed_profile = profile
        else:
            self.measure_speed()

    def _failed(self, error: BaseException) -> None:
        self._probing = False
        self.probe_failed.emit(error)

    def when_ready(self, callback: Callable[[HardwareSnapshot], None]) -> None:
        """Call ``callback`` with the snapshot now if known, else when the probe ends (and after each re-probe)."""
        if self._snapshot is not None:
            callback(self._snapshot)
        self.snapshot_ready.connect(callback)

    # ---- live sensors -----------------------------------------------------------------------------

    def acquire_sensors(self) -> None:
        """One more user wants live readings; sampling starts with the first one."""
        self._sensor_users += 1
        if self._sensor_users == 1 and self._snapshot is not None:
            self._start_sampling()

    def release_sensors(self) -> None:
        self._sensor_users = max(0, self._sensor_users - 1)
        if self._sensor_users == 0 and self._sensor_job is not None:
            self._sensor_job.cancel()
            self._sensor_job = None

    def release_all(self) -> None:
        """Stop sampling whatever the users (at shutdown)."""
        self._sensor_users = 1
        self.release_sensors()

    @property
    def sampling(self) -> bool:
        return self._sensor_job is not None

    def _start_sampling(self) -> None:
        snapshot = self._snapshot
        assert snapshot is not None
        interval = self.interval_ms / 1000

        def sample(control: JobControl) -> None:
            try:
                sampler = self._sampler_factory(snapshot)
            except Exception as exc:  # noqa: BLE001 - no live sensors is survivable; the card says why
                control.progress(SensorReading(time.time(), missing={"sensors": f"{type(exc).__name__}: {exc}"}))
                return
            try:
                while True:
                    control.progress(sampler.read())
                    if control.wait(interval):
                        return
            finally:
                sampler.close()  # in the thread that opened it (NVML handles)

        self._sensor_job = self._background.submit(
            sample, key="hardware-sensors", on_progress=self._sampled, on_error=self._sampling_failed
        )

    def _sampled(self, reading: SensorReading) -> None:
        self.latest_reading = reading
        self.reading.emit(reading)

    def _sampling_failed(self, error: BaseException) -> None:
        self._sensor_job = None
        self._sampled(SensorReading(time.time(), missing={"sensors": f"{type(error).__name__}: {error}"}))

    # ---- bandwidth --------------------------------------------------------------------------------

    def measure_bandwidth(self) -> None:
        """Measure RAM bandwidth (~0.5 s, cached per machine); the snapshot is updated for every page."""
        snapshot = self._snapshot
        if snapshot is None:
            return
        self._background.submit(
            lambda _control: self._measure_fn(snapshot), key="hardware-bandwidth", on_result=self._measured,
            on_error=self.bandwidth_failed.emit,
        )

    # ---- the speed test -----------------------------------------------------------------------

    def measure_speed(self) -> None:
        """Run this computer's speed test (about 7 s on a 2-core VM, engine process, cached per machine and engine
        version); plans made after it use its figures, and ``bandwidth_ready`` tells the pages to plan again."""
        snapshot = self._snapshot
        if snapshot is None or self.speed_testing:
            return
        self.speed_testing = True

        def run(control: JobControl) -> Any:
            def progress(fraction: float, what: object) -> None:
                control.check()  # a cancelled job stops between models; the engine is shut down on the way out
                control.progress((fraction, what))

            return self.speed_test_fn(snapshot, progress)

        self._background.submit(run, key="speed-test", on_result=self._speed_measured,
                                on_error=self._speed_failed, on_progress=self.speed_test_progress.emit)

    def _speed_measured(self, profile: Any) -> None:
        self.speed_testing = False
        self.speed_profile = profile
        self.speed_test_ready.emit(profile)
        if self._snapshot is not None:
            figure = Figure(profile.memory_gb_s, profile.memory_how)
            bandwidth = replace(self._snapshot.bandwidth, figures=[
                *(f for f in self._snapshot.bandwidth.figures if f.source != figure.source), figure])
            self._measured(bandwidth)

    def _speed_failed(self, error: BaseException) -> None:
        self.speed_testing = False
        self.speed_test_failed.emit(error)

    def _measured(self, bandwidth: BandwidthInfo) -> None:
        if self._snapshot is not None:
            self._snapshot = replace(self._snapshot, bandwidth=bandwidth)
        self.bandwidth_ready.emit(bandwidth)
