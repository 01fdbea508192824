"""One rule from a sensor reading to a throttle sample (the card and the chat page used to disagree), replayed
through the real sensor code on recorded machines, and a recorded GPU heating up through the detector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from modelnest.core.hardware import SensorReading, SensorSampler, ThrottleDetector, probe, throttle_sample
from modelnest.core.hardware.recorded import load_machine

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"


def _reading(name: str, tmp_path: Path, **nvml: Any) -> SensorReading:
    data = json.loads((MACHINES / f"{name}.json").read_text())
    for device in data.get("nvml", {}).get("devices", []):
        device.update(nvml)
    sources = load_machine(data, tmp_path / name)
    snapshot = probe(sources, with_sensors=False)
    with SensorSampler(sources, snapshot.gpus) as sampler:
        return sampler.read()


def test_gpu_doing_the_work_is_watched(tmp_path: Path) -> None:
    reading = _reading("rtx3060_desktop", tmp_path)
    sample = throttle_sample(reading, tokens_per_s=31.5)
    got = (sample.temperature_c, sample.clock_mhz, sample.tokens_per_s, sample.thermal_reasons)
    assert got == (41, 210, 31.5, False)
    assert sample.t == reading.timestamp


def test_cpu_is_watched_when_no_layer_is_on_the_gpu_or_there_is_no_gpu(tmp_path: Path) -> None:
    reading = _reading("rtx3060_desktop", tmp_path)
    on_cpu = throttle_sample(reading, gpu_used=False)
    assert (on_cpu.temperature_c, on_cpu.clock_mhz, on_cpu.thermal_reasons) == (48.6, 3700.0, False)
    no_gpu = throttle_sample(_reading("i7_no_gpu_16gb", tmp_path))
    assert (no_gpu.temperature_c, no_gpu.clock_mhz) == (33.0, 2100.0)
    # an integrated GPU without a temperature sensor: the CPU package is what heats up
    assert throttle_sample(_reading("intel_igpu_laptop", tmp_path)).temperature_c == 61.0


def test_thermal_clock_event_reasons(tmp_path: Path) -> None:
    # NVML clocks-event bits: 0x20 software thermal, 0x40 hardware thermal, 0x8 hardware slowdown, 0x4 power cap
    for bits, thermal in ((0x20, True), (0x40, True), (0x8, True), (0x4, False), (0x1, False)):
        sample = throttle_sample(_reading("rtx3060_desktop", tmp_path / str(bits), clocks_event_reasons=bits))
        assert sample.thermal_reasons is thermal, hex(bits)


def test_a_gpu_heating_up_is_reported_once_sustained(tmp_path: Path) -> None:
    detector = ThrottleDetector(sustain_s=10.0)
    verdicts = []
    for t in range(30):
        hot = t >= 12
        reading = _reading("rtx4090_desktop", tmp_path / str(t), temperature=88 if hot else 60,
                           clock={"mem": 10501, "graphics": 1800 if hot else 2520, "sm": 2520})
        reading.timestamp = float(t)  # one reading a second, as the GUI samples
        verdicts.append(detector.add_reading(reading))
    assert not any(v.throttling for v in verdicts[:22])  # hot for less than the sustain period
    assert verdicts[-1].throttling
    assert str(verdicts[-1].reason) == "clock speed is down 29 % while the temperature rose to 88 °C"
