"""The machines of tests/data/speed_reference.json (published llama.cpp results) as hardware snapshots and model
specs, planned from the tables alone as `modelnest plan --hardware` would plan them for another computer.

Shared by benchmarks/speed_accuracy.py --reference and tests/core/plan/test_speed_reference.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from modelnest.core.hardware import HardwareSnapshot
from modelnest.core.hardware.bandwidth import table_figure
from modelnest.core.hardware.model import BandwidthInfo, CpuInfo, DiskInfo, GpuInfo, MemoryInfo
from modelnest.core.hardware.tables import apple_chip_memory, cpu_core_rates, nvidia_spec, pci_spec
from modelnest.core.plan import Calibration, ModelSpec, plan, predict
from modelnest.core.plan.speed import SpeedPrediction

DATA = Path(__file__).resolve().parents[1] / "data" / "speed_reference.json"
GIB = 1024**3
FILL = 64  # llama-bench tg128 starts from an empty cache: on average 64 tokens are attended to


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def row_class(row: dict[str, Any], models: dict[str, Any]) -> str:
    """CPU | GPU full | partial | Apple | MoE (a MoE model is counted as MoE whatever runs it)."""
    if models[row["model"]].get("expert_count"):
        return "MoE"
    gpu = row.get("gpu")
    if gpu and gpu.get("backend") == "metal":
        return "Apple"
    if gpu and row["gpu_layers"] == "all":
        return "GPU full"
    if gpu and int(row["gpu_layers"]) > 0:
        return "partial"
    return "CPU"


def gpu_info(row: dict[str, Any]) -> tuple[GpuInfo | None, str]:
    """The row's GPU with the bandwidth our tables give it (none: the planner's class figure), and the table row."""
    g = row.get("gpu")
    if not g:
        return None, ""
    bandwidth: float | None = None
    used = "not in the GPU tables"
    if g["vendor"] == "apple":
        chip = apple_chip_memory(g["name"], g.get("gpu_cores"))
        if chip:
            bandwidth, used = chip.bandwidth_gb_s, f"APPLE_CHIPS {g['name']} ({chip.memory})"
    elif g["vendor"] == "nvidia":
        spec = nvidia_spec(g["name"])
        if spec:
            bandwidth, used = spec.bandwidth_gb_s, f"NVIDIA_GPUS {spec.name}"
    elif g.get("pci"):
        vram = int(g["vram_gb"] * GIB) if g.get("vram_gb") else None
        spec = pci_spec(int(g["pci"][0]), int(g["pci"][1]), vram)
        if spec:
            bandwidth = spec.bandwidth_gb_s or None  # integrated: shares system memory
            used = f"PCI_GPUS {spec.name}" + (" (integrated: system memory)" if spec.integrated else "")
    vram = int((g.get("vram_gb") or row["ram_gb"] * 0.75) * GIB)
    info = GpuInfo(vendor=g["vendor"], name=g["name"], vram_total_bytes=vram, vram_free_bytes=vram,
                   bandwidth_gb_s=bandwidth, bandwidth_source=f"table: {g['name']}" if bandwidth else None,
                   unified_memory=g["unified"], backend=g["backend"], gpu_cores=g.get("gpu_cores"))
    return info, used


def machine(row: dict[str, Any]) -> tuple[HardwareSnapshot, list[str]]:
    """(the row's hardware as the tables see it, which table rows that used)."""
    cpu = CpuInfo(brand=row["cpu"], board=row.get("board"), arch=row["arch"], physical_cores=row["cores"],
                  logical_cores=row["cores"], features={"avx2": True} if row["arch"] == "x86_64" else {})
    memory = MemoryInfo(total_bytes=int(row["ram_gb"] * GIB), available_bytes=int(row["ram_gb"] * GIB * 0.8))
    gpu, gpu_row = gpu_info(row)
    gpus = [gpu] if gpu else []
    bw = BandwidthInfo()
    figure = table_figure(cpu, gpus)
    if "ram_gb_s" in row:
        bw.ram_gb_s, bw.source = row["ram_gb_s"], "measured: published with the result"
        ram_row = "RAM measured, published with the result"
    elif figure is not None:
        bw.ram_gb_s, bw.source = figure.value, figure.source
        ram_row = str(figure.source).removeprefix("table: ")
    else:
        ram_row = "RAM not in the tables (assumed)"
    used = [ram_row, cpu_core_rates(cpu.brand, row["arch"], cpu.features)[2]]
    if gpu_row:
        used.append(gpu_row)
    return HardwareSnapshot(cpu, memory, gpus, DiskInfo(), bw), used


def model_spec(row: dict[str, Any], models: dict[str, Any]) -> ModelSpec:
    shape = {k: v for k, v in models[row["model"]].items() if k != "source"}
    return ModelSpec.from_architecture(quant=row["quant"], file_bytes=row.get("file_bytes"), **shape)


@dataclass
class Checked:
    row: dict[str, Any]
    cls: str
    prediction: SpeedPrediction
    tables: list[str]

    @property
    def error_pct(self) -> float:
        return 100.0 * (self.prediction.decode_tokens_per_s - self.row["tg"]) / self.row["tg"]


def check(row: dict[str, Any], models: dict[str, Any], calibration_file: Path,
          hw: HardwareSnapshot | None = None) -> Checked:
    """Plan the row's model on the row's machine (tables only) and predict its decode at llama-bench's fill."""
    used: list[str] = []
    if hw is None:
        hw, used = machine(row)
    spec = model_spec(row, models)
    layers = None if row["gpu_layers"] == "all" else int(row["gpu_layers"])
    p = plan(spec, hw, 4096, gpu_layers=layers, profile=None, calibration=Calibration(calibration_file))
    params = p.engine_params
    if row.get("gpu"):  # what was published (-ngl), even where our planner would place fewer layers
        params = replace(params, n_gpu_layers=spec.n_layer + 1 if layers is None else layers)
    if row.get("threads"):
        params = replace(params, n_threads=int(row["threads"]), n_threads_batch=int(row["threads"]))
    gpu = hw.gpus[0] if hw.gpus and params.n_gpu_layers else None
    backend = gpu.backend or "cpu" if gpu else "cpu"
    prediction = predict(spec, params, hw, backend=backend, profile=None, fill_tokens=FILL, gpu=gpu)
    return Checked(row, row_class(row, models), prediction, used)
