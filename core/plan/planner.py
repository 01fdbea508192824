"""Chooses how to run a model on a machine: GPU layers, context, KV type, batch, threads, and the fit badge.

Rule, in the order the user would give things up: as many layers on the GPU as fit its free memory (minus a
stated margin), then a smaller context (never below the floor), then a quantized KV cache; the badge says
where the result runs. Every figure comes from memory.py / speed.py and can be checked with `--exact`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from modelnest.core.engine.params import EngineParams, GenerationSummary
from modelnest.core.hardware import GpuInfo, HardwareSnapshot
from modelnest.core.messages import Message, msg
from modelnest.core.plan.calibration import Calibration, MeasuredRun, measured_run, run_class
from modelnest.core.plan.fit import PARTIAL_GPU, TOO_LARGE, Fit, classify
from modelnest.core.plan.memory import MIB, MemoryEstimate, estimate, repack_types_for
from modelnest.core.plan.spec import ModelSpec
from modelnest.core.plan.speed import SpeedPrediction, predict
from modelnest.core.units import format_gib

if TYPE_CHECKING:
    from modelnest.core.plan.speedtest import SpeedProfile

DEFAULT_CTX = 8192
CTX_FLOOR = 2048
HOST_MARGIN = 1024 * MIB  # left for the OS and the app itself
DEVICE_MARGIN_SHARE = 0.05  # of VRAM, at least DEVICE_MARGIN_MIN, for fragmentation and the display
DEVICE_MARGIN_MIN = 256 * MIB


@dataclass
class Plan:
    fit: Fit  # the badge: modelnest.core.plan.fit
    gpu_layers: int
    threads: int
    threads_batch: int
    ctx: int
    memory: MemoryEstimate
    predicted: SpeedPrediction
    engine_params: EngineParams
    backend: str
    host_budget_bytes: int
    device_budget_bytes: int
    notes: list[Message] = field(default_factory=list)
    spec: ModelSpec | None = field(default=None, repr=False, compare=False)  # kept to learn from real runs
    hardware: HardwareSnapshot | None = field(default=None, repr=False, compare=False)
    speed_profile: SpeedProfile | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fit": self.fit,
            "gpu_layers": self.gpu_layers,
            "threads": self.threads,
            "threads_batch": self.threads_batch,
            "ctx": self.ctx,
            "backend": self.backend,
            "memory": self.memory.to_dict(),
            "budget": {"host_bytes": self.host_budget_bytes, "device_bytes": self.device_budget_bytes},
            "predicted": self.predicted.to_dict(),
            "engine_params": {
                k: v for k, v in self.engine_params.to_dict().items()
                if k in ("n_ctx", "n_batch", "n_ubatch", "n_gpu_layers", "n_threads", "n_threads_batch",
                         "flash_attn", "type_k", "type_v", "offload_kqv", "use_mmap")
            },
            "notes": [str(n) for n in self.notes],
        }


def choose_threads(hw: HardwareSnapshot) -> int:
    """Physical performance cores: decode is memory-bound, so hyper-threads and E-cores slow it down."""
    cpu = hw.cpu
    candidates = [c for c in (cpu.performance_cores if cpu.efficiency_cores else None, cpu.physical_cores) if c]
    threads = candidates[0] if candidates else (cpu.logical_cores or 1)
    if cpu.usable_cores:
        threads = min(threads, cpu.usable_cores)
    return max(1, threads)


def choose_gpu(hw: HardwareSnapshot) -> GpuInfo | None:
    usable = [g for g in hw.gpus if g.backend and g.vram_total_bytes]
    if not usable:
        return None
    return max(usable, key=lambda g: (not g.unified_memory, g.vram_free_bytes or g.vram_total_bytes or 0))


def _backend_name(gpu: GpuInfo) -> str:
    return (gpu.backend or "vulkan").split("/")[0]


def gpu_budget(gpu: GpuInfo) -> int:
    total = gpu.vram_total_bytes or 0
    free = gpu.vram_free_bytes if gpu.vram_free_bytes is not None else total
    return max(0, free - max(DEVICE_MARGIN_MIN, int(total * DEVICE_MARGIN_SHARE)))


def peer_gpus(hw: HardwareSnapshot, gpu: GpuInfo | None) -> list[GpuInfo]:
    """GPUs llama.cpp would split layers over with `gpu`: dedicated ones driven by the same backend."""
    if gpu is None or gpu.unified_memory:
        return [gpu] if gpu else []
    return [g for g in hw.gpus if g.backend == gpu.backend and not g.unified_memory and g.vram_total_bytes]


def budgets(hw: HardwareSnapshot, gpu: GpuInfo | None) -> tuple[int, int]:
    mem = hw.memory
    available = mem.available_bytes or int((mem.total_bytes or 8 * 1024**3) * 0.7)
    host = max(0, available - HOST_MARGIN)
    device = sum(gpu_budget(g) for g in peer_gpus(hw, gpu))
    return host, device


def _fits(memory: MemoryEstimate, host_budget: int, device_budget: int, unified: bool) -> bool:
    if unified:  # one pool: the GPU share caps device memory, RAM caps everything
        return memory.device_bytes <= device_budget and memory.host_bytes + memory.device_bytes <= host_budget
    return memory.host_bytes <= host_budget and memory.device_bytes <= device_budget


def plan(
    spec: ModelSpec,
    hw: HardwareSnapshot,
    ctx: int | None = None,
    *,
    gpu_layers: int | None = None,
    kv_type: str | None = None,
    calibration: Calibration | None = None,
    profile: SpeedProfile | bool | None = True,
) -> Plan:
    """`profile`: this machine's speed test (True: the cached one for `hw`, if it ran on this machine; None or
    False: tables only, as when planning for another computer)."""
    threads = choose_threads(hw)
    gpu = choose_gpu(hw)
    backend = _backend_name(gpu) if gpu else "cpu"
    unified = bool(gpu and gpu.unified_memory)
    host_budget, device_budget = budgets(hw, gpu)
    repack = repack_types_for(hw.cpu.arch, hw.cpu.engine_features)
    notes: list[Message] = []
    wanted = min(ctx or min(spec.n_ctx_train, DEFAULT_CTX), max(spec.n_ctx_train, 16))
    if ctx and ctx > spec.n_ctx_train:
        notes.append(msg("context {ctx} is longer than the model was trained for ({trained}); using {used}",
                         ctx=ctx, trained=spec.n_ctx_train, used=wanted))
    floor = min(CTX_FLOOR, wanted)
    contexts = [wanted]
    while contexts[-1] // 2 >= floor:
        contexts.append(contexts[-1] // 2)
    if contexts[-1] != floor:
        contexts.append(floor)
    kv_types = [kv_type] if kv_type else ["f16", "q8_0"]
    max_layers = spec.n_layer + 1

    peers = peer_gpus(hw, gpu)
    split: tuple[float, ...] = ()
    if len(peers) > 1:
        # Several GPUs: llama.cpp splits layers in proportion to tensor_split; we use each one's free memory.
        shares = [gpu_budget(g) for g in peers]
        split = tuple(round(x / max(1, sum(shares)), 4) for x in shares)
        notes.append(msg("layers split over {n} GPUs in proportion to their free memory: {split}",
                         n=len(peers), split=", ".join(str(x) for x in split)))

    def params_for(n_ctx: int, n_gpu: int, kv: str) -> EngineParams:
        n_batch = min(512, n_ctx)
        return EngineParams(
            n_ctx=n_ctx, n_batch=n_batch, n_ubatch=n_batch, n_gpu_layers=n_gpu, n_threads=threads,
            n_threads_batch=threads, flash_attn=True, type_k=kv, type_v=kv, offload_kqv=True, use_mmap=True,
            tensor_split=split if n_gpu else (),
        )

    def best_layers(n_ctx: int, kv: str) -> tuple[int, MemoryEstimate]:
        if gpu is None:
            return 0, estimate(spec, params_for(n_ctx, 0, kv), repack_types=repack, backend="cpu")
        candidates = [gpu_layers] if gpu_layers is not None else range(max_layers, -1, -1)
        last: tuple[int, MemoryEstimate] | None = None
        for n in candidates:
            n = max(0, min(n, max_layers))
            mem = estimate(spec, params_for(n_ctx, n, kv), repack_types=repack, backend=backend if n else "cpu")
            last = (n, mem)
            if mem.device_bytes <= device_budget or n == 0:
                return last
        assert last is not None
        return last

    chosen: tuple[int, int, str, MemoryEstimate] | None = None
    fit: Fit
    for kv in kv_types:
        for n_ctx in contexts:
            n_gpu, mem = best_layers(n_ctx, kv)
            if _fits(mem, host_budget, device_budget, unified):
                chosen = (n_ctx, n_gpu, kv, mem)
                break
        if chosen:
            break
    if chosen is None:
        n_gpu, mem = best_layers(contexts[-1], kv_types[-1])
        n_ctx, kv, fit = contexts[-1], kv_types[-1], TOO_LARGE
        need = mem.host_bytes + (mem.device_bytes if unified else 0)
        if mem.device_bytes and not unified:
            notes.append(msg(
                "needs about {ram} of RAM and {vram} of GPU memory even at {ctx} tokens of context; "
                "{free} of RAM is free to use",
                ram=format_gib(need), vram=format_gib(mem.device_bytes), ctx=n_ctx, free=format_gib(host_budget),
            ))
        else:
            notes.append(msg(
                "needs about {ram} of RAM even at {ctx} tokens of context; {free} of RAM is free to use",
                ram=format_gib(need), ctx=n_ctx, free=format_gib(host_budget),
            ))
    else:
        n_ctx, n_gpu, kv, mem = chosen
        fit = classify(fits_in_memory=True, has_gpu=gpu is not None, gpu_layers=n_gpu, total_layers=max_layers)
        if n_ctx < wanted:
            notes.append(msg("context reduced from {old} to {new} tokens to fit in memory", old=wanted, new=n_ctx))
        if kv != "f16" and not kv_type:
            notes.append(msg("KV cache stored as q8_0 (half the memory of f16, slightly lower quality) to fit"))
        if fit == PARTIAL_GPU:
            notes.append(msg("{n} of {total} layers on the GPU; the rest run on the CPU", n=n_gpu, total=max_layers))
    if gpu is None:
        notes.append(msg("no usable GPU found: runs on the CPU"))
    params = params_for(n_ctx, n_gpu, kv)
    cal = calibration or Calibration.default()
    speed_profile = _profile_for(hw, profile)
    klass = run_class(backend if n_gpu else "cpu", n_gpu, spec.n_layer, spec.quant, spec.is_moe)
    factors = cal.factors(klass, model_key(spec), basis_id(speed_profile))
    speed = predict(
        spec, params, hw, backend=backend if n_gpu else "cpu",
        gpu_bandwidth_gb_s=gpu.bandwidth_gb_s if gpu else None, calibration=factors, profile=speed_profile,
        gpu=gpu,
    )
    notes += [n for n in speed.notes if isinstance(n, Message)]
    return Plan(
        fit=fit, gpu_layers=n_gpu, threads=threads, threads_batch=threads, ctx=n_ctx, memory=mem, predicted=speed,
        engine_params=params, backend=backend if n_gpu else "cpu", host_budget_bytes=host_budget,
        device_budget_bytes=device_budget, notes=notes + mem.notes, spec=spec, hardware=hw,
        speed_profile=speed_profile,
    )


def learn_from_run(
    result: Plan,
    params: EngineParams,
    measured_decode: float,
    measured_prefill: float,
    context_used: int,
    calibration: Calibration | None = None,
) -> bool:
    """Record a real run against the uncalibrated prediction for exactly that run (its parameters and how much
    context it attended to), so calibration compares like with like. Returns False when not recordable."""
    if result.spec is None or result.hardware is None or measured_decode <= 0:
        return False
    backend = result.backend if params.n_gpu_layers else "cpu"
    gpu = choose_gpu(result.hardware)
    speed_profile = result.speed_profile
    raw = predict(
        result.spec, params, result.hardware, backend=backend,
        gpu_bandwidth_gb_s=gpu.bandwidth_gb_s if gpu else None, fill_tokens=context_used, profile=speed_profile,
        gpu=gpu,
    )
    klass = run_class(backend, params.n_gpu_layers, result.spec.n_layer, result.spec.quant, result.spec.is_moe)
    (calibration or Calibration.default()).record(
        klass, raw.uncalibrated_decode_tokens_per_s, measured_decode, raw.uncalibrated_prefill_tokens_per_s,
        measured_prefill, model_key(result.spec), basis_id(speed_profile),
    )
    return True


def _profile_for(hw: HardwareSnapshot, profile: SpeedProfile | bool | None) -> SpeedProfile | None:
    if profile is True:
        from modelnest.core.plan.speedtest import cached_profile  # the engine client comes with it: load late

        return cached_profile(hw)
    return profile or None


def basis_id(profile: SpeedProfile | None) -> str:
    """Which predictions a calibration record corrected: those of one speed test, or the tables'."""
    return f"speedtest:{profile.measured_at:.0f}" if profile is not None else "tables"


def learn_from_summary(
    result: Plan, params: EngineParams, summary: GenerationSummary, calibration: Calibration | None = None
) -> MeasuredRun | None:
    """Apply the calibration policy (calibration.measured_run) to a finished reply and record it; the run recorded,
    or None when the policy or the plan says there is nothing to learn. Writes a file: call it off the GUI thread."""
    run = measured_run(summary)
    if run is None:
        return None
    recorded = learn_from_run(result, params, run.decode_tokens_per_s, run.prefill_tokens_per_s, run.context_used,
                              calibration)
    return run if recorded else None


def model_key(spec: ModelSpec) -> str:
    """Which model a calibration record is about: its shape, whatever the file or quantization."""
    return f"{spec.arch}:{spec.n_layer}x{spec.n_embd}:{spec.n_params // 10**6}M"


def step_down(current: EngineParams, n_layer: int) -> tuple[EngineParams, Message] | None:
    """After a load failed for memory: fewer GPU layers → smaller context → quantized KV → CPU, with the reason."""
    from dataclasses import replace

    quarter = max(1, (n_layer + 1) // 4)
    if current.n_gpu_layers > quarter:
        fewer = current.n_gpu_layers - quarter
        why = msg("fewer GPU layers ({old} → {new})", old=current.n_gpu_layers, new=fewer)
        return replace(current, n_gpu_layers=fewer), why
    if current.n_ctx > CTX_FLOOR:
        smaller = max(CTX_FLOOR, current.n_ctx // 2)
        batch = min(current.n_batch, smaller)
        return replace(current, n_ctx=smaller, n_batch=batch, n_ubatch=min(current.n_ubatch, batch)), (
            msg("smaller context ({old} → {new} tokens)", old=current.n_ctx, new=smaller)
        )
    if current.type_k == "f16":
        return replace(current, type_k="q8_0", type_v="q8_0", flash_attn=True), msg("quantized KV cache (q8_0)")
    if current.n_gpu_layers > 0:
        return replace(current, n_gpu_layers=0), msg("CPU only")
    return None
