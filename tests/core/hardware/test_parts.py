"""Small pieces: llama.cpp system info parsing, cpu lists, bandwidth cache, throttling detection, text."""

from __future__ import annotations

import json
from pathlib import Path

from modelnest.core.hardware import ThrottleDetector, ThrottleSample, parse_llama_system_info
from modelnest.core.hardware.bandwidth import cached_measurement, measure_ram_bandwidth
from modelnest.core.hardware.cpu import parse_cpu_list
from modelnest.core.hardware.model import Figure
from modelnest.core.hardware.sources import parse_pmset_therm
from modelnest.core.messages import Message

LLAMA_INFO = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX_VNNI = 0 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
    "AVX512 = 0 | AVX512_VBMI = 0 | AVX512_VNNI = 0 | AVX512_BF16 = 0 | AMX_INT8 = 0 | LLAMAFILE = 1 | "
    "OPENMP = 1 | REPACK = 1 | "
)


def test_parse_llama_system_info() -> None:
    info = parse_llama_system_info(LLAMA_INFO)
    assert info["avx2"] and info["fma"] and info["openmp"] and info["repack"]
    assert info["avx512"] is False and info["amx_int8"] is False and info["avx_vnni"] is False
    assert len(info) == 16
    arm = parse_llama_system_info(
        "Metal : EMBED_LIBRARY = 1 | CPU : NEON = 1 | ARM_FMA = 1 | FP16_VA = 1 | DOTPROD = 1 | MATMUL_INT8 = 0 | "
        "ACCELERATE = 1 |"
    )
    assert arm["neon"] and arm["dotprod"] and not arm["matmul_int8"] and arm["embed_library"]
    assert parse_llama_system_info("") == {}


def test_parse_cpu_list() -> None:
    assert parse_cpu_list("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11]


def test_pmset_thermal_states() -> None:
    assert parse_pmset_therm("Note: No thermal warning level has been recorded\n") == "nominal"
    therm = "CPU_Scheduler_Limit \t= 100\nCPU_Available_CPUs \t= 10\nCPU_Speed_Limit \t= 70\n"
    assert parse_pmset_therm(therm) == "serious"
    assert parse_pmset_therm("CPU_Speed_Limit = 100") == "nominal"


def test_bandwidth_measurement_is_cached_per_machine(modelnest_home: Path) -> None:
    figure = measure_ram_bandwidth("machine-a", seconds=0.05, buffer_bytes=32 * 1024**2)
    assert figure.value > 0.5 and str(figure.source).startswith("measured: numpy copy of 32 MiB")
    # Cached as the message's id and parameters, so that the Chinese card shows it in Chinese after a restart.
    cached = cached_measurement("machine-a")
    assert cached == figure and isinstance(cached.source, Message)
    assert cached_measurement("machine-b") is None
    # A damaged cache file is ignored, never fatal.
    (modelnest_home / "cache" / "ram_bandwidth.json").write_text("{not json")
    assert cached_measurement("machine-a") is None
    again = measure_ram_bandwidth("machine-a", seconds=0.05, buffer_bytes=32 * 1024**2)
    assert json.loads((modelnest_home / "cache" / "ram_bandwidth.json").read_text())["machine-a"]["gb_s"] == again.value
    # A cache written before sources were messages holds English text: still read, as that text.
    (modelnest_home / "cache" / "ram_bandwidth.json").write_text(json.dumps(
        {"machine-a": {"gb_s": 20.5, "source": "measured: numpy copy of 256 MiB, 2 threads, best of 9"}}))
    assert cached_measurement("machine-a") == Figure(20.5, "measured: numpy copy of 256 MiB, 2 threads, best of 9")


def feed(detector: ThrottleDetector, samples: list[ThrottleSample]) -> bool:
    verdict = None
    for s in samples:
        verdict = detector.add(s)
    assert verdict is not None
    return verdict.throttling


def test_sustained_thermal_throttling_is_flagged() -> None:
    # 20 s at 1900 MHz and 70 °C, then 15 s at 1500 MHz and 87 °C.
    samples = [ThrottleSample(t, 70, 1900) for t in range(20)] + [ThrottleSample(t, 87, 1500) for t in range(20, 35)]
    detector = ThrottleDetector()
    assert feed(detector, samples)
    assert "clock speed is down 21 %" in str(detector.verdict().reason)


def test_short_dips_cool_slowdowns_and_idle_are_not_throttling() -> None:
    base = [ThrottleSample(t, 70, 1900) for t in range(20)]
    # A 5 s dip is not sustained.
    assert not feed(ThrottleDetector(), base + [ThrottleSample(t, 88, 1500) for t in range(20, 25)])
    # Slower but not hotter: the load went down (idle), not a thermal limit.
    assert not feed(ThrottleDetector(), base + [ThrottleSample(t, 65, 900) for t in range(20, 40)])
    # Hotter but not slower.
    assert not feed(ThrottleDetector(), base + [ThrottleSample(t, 88, 1890) for t in range(20, 40)])


def test_tokens_per_second_drop_and_gpu_reported_reasons() -> None:
    samples = [ThrottleSample(t, 75, None, tokens_per_s=30.0) for t in range(15)]
    samples += [ThrottleSample(t, 84, None, tokens_per_s=22.0) for t in range(15, 30)]
    detector = ThrottleDetector()
    assert feed(detector, samples) and "generation speed" in str(detector.verdict().reason)
    reported = [ThrottleSample(t, 90, 1800, thermal_reasons=True) for t in range(12)]
    detector = ThrottleDetector()
    assert feed(detector, reported) and "too hot" in str(detector.verdict().reason)
