"""Plain-text rendering of a snapshot for `modelnest probe` (the GUI builds its own, translated text)."""

from __future__ import annotations

from modelnest.core.hardware.model import HardwareSnapshot
from modelnest.core.messages import Text
from modelnest.core.units import format_gib


def gib(value: int | None) -> str:
    return "not detected" if value is None else format_gib(value)


def _missing(missing: dict[str, Text], key: str) -> str:
    return f"not detected ({missing[key]})" if key in missing else "not detected"


def format_snapshot(s: HardwareSnapshot, estimate: str | None = None) -> str:
    """The snapshot as aligned lines; ``estimate`` is the planner's tier line (modelnest.core.plan.tier.tier_line),
    passed in because the hardware package does not run the planner."""
    lines: list[str] = []
    c = s.cpu
    lines.append(f"CPU:        {c.brand or _missing(c.missing, 'brand')} ({c.arch})")
    cores = f"{c.physical_cores} cores, {c.logical_cores} threads"
    if c.efficiency_cores:
        cores += f" ({c.performance_cores} performance + {c.efficiency_cores} efficiency)"
    if c.usable_cores is not None and c.logical_cores is not None and c.usable_cores < c.logical_cores:
        cores += f"; {c.usable_cores} usable by ModelNest"
    lines.append(f"Cores:      {cores}")
    have = [k for k, v in c.features.items() if v]
    lines.append(f"Features:   {' '.join(have) if have else _missing(c.missing, 'features')}")
    if c.engine_features is not None:
        used = [k for k, v in c.engine_features.items() if v]
        lines.append(f"Engine uses: {' '.join(used) or 'none'}")
    lines.extend(f"Note:       {n}" for n in c.notes)
    m = s.memory
    mem = f"{gib(m.total_bytes)} total, {gib(m.available_bytes)} available"
    if m.cgroup_limit_bytes is not None:
        mem += f" (container limit {gib(m.cgroup_limit_bytes)}; the computer has {gib(m.host_total_bytes)})"
    lines.append(f"Memory:     {mem}; swap {gib(m.swap_total_bytes)}")
    if not s.gpus:
        lines.append("GPU:        none usable found")
    for g in s.gpus:
        if g.unified_memory and g.vram_total_bytes is None:
            mem = "shares system memory"
        elif g.unified_memory:
            mem = f"unified memory, up to {gib(g.vram_total_bytes)} for the GPU"
        else:
            mem = f"{gib(g.vram_total_bytes)} VRAM, {gib(g.vram_free_bytes)} free"
        extra = ", ".join(
            x
            for x in (
                f"driver {g.driver_version}" if g.driver_version else "",
                f"CUDA {g.cuda_version}" if g.cuda_version else "",
                f"compute {g.compute_capability}" if g.compute_capability else "",
                "no tensor cores" if g.tensor_cores is False else "",
                f"{g.gpu_cores} GPU cores" if g.gpu_cores else "",
                str(g.pcie or ""),
            )
            if x
        )
        lines.append(f"GPU:        {g.name} ({g.backend}): {mem}" + (f"; {extra}" if extra else ""))
        if g.bandwidth_gb_s:
            lines.append(f"            bandwidth {g.bandwidth_gb_s:g} GB/s [{g.bandwidth_source}]")
    lines.extend(f"GPU problem: {p}" for p in s.gpu_problems)
    b = s.bandwidth
    if b.figures:
        for f in b.figures:
            lines.append(f"RAM speed:  {f.value:g} GB/s [{f.source}]")
    else:
        lines.append(f"RAM speed:  {_missing(b.missing, 'ram_gb_s')}")
    d = s.disk
    disk = f"{gib(d.free_bytes)} free in {d.models_dir}" + (f" ({d.filesystem})" if d.filesystem else "")
    lines.append(f"Disk:       {disk}")
    if d.warning:
        lines.append(f"Warning:    {d.warning}")
    if estimate:
        lines.append(f"Estimate:   {estimate}")
    if s.sensors is not None:
        r = s.sensors
        parts = [f"CPU {r.cpu_percent:.0f} %" if r.cpu_percent is not None else ""]
        if r.cpu_temperature_c is not None:
            parts.append(f"{r.cpu_temperature_c:.0f} \u00b0C")
        if r.thermal_state:
            parts.append(f"thermal {r.thermal_state}")
        for gs in r.gpus:
            bits = [gs.name]
            if gs.utilization_percent is not None:
                bits.append(f"{gs.utilization_percent:.0f} %")
            if gs.temperature_c is not None:
                bits.append(f"{gs.temperature_c:.0f} \u00b0C")
            if gs.power_w is not None:
                bits.append(f"{gs.power_w:.0f} W")
            if gs.throttle_reasons:
                bits.append("slowed by " + ", ".join(map(str, gs.throttle_reasons)))
            parts.append(" ".join(bits))
        lines.append("Sensors:    " + "; ".join(p for p in parts if p))
    if s.probe_seconds is not None:
        lines.append(f"(probed in {s.probe_seconds:.2f} s)")
    return "\n".join(lines)
