"""Chooses how to run a model on a machine: GPU layers, context, KV type, batch, threads, and the fit badge.

Rule, in the order the user would give things up: as many layers on the GPU as fit its free memory (minus a
stated margin), then a smaller context (never below the floor), then a quantized KV cache; the badge says
where the result runs. Every figure comes from memory.py / speed.py and can be checked with `--exact`.

A mixture-of-experts model that does not fit on the GPU has a second way to split: every layer on the GPU with
the routed experts (ffn_*_exps) of the first N layers in system RAM (llama.cpp's --n-cpu-moe N), N the smallest
that fits; if even all experts in RAM leave too little room, fewer layers on the GPU with all experts in RAM.
A token reads only the experts it uses, so the CPU's share is small. The planner predicts the speed of each way
(speed.py) and takes the faster; the plan keeps the other one's prediction and says both in a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from modelnest.core.engine.params import EngineParams, GenerationSummary, moe_override_patterns
from modelnest.core.hardware import GpuInfo, HardwareSnapshot
from modelnest.core.messages import Message, msg
from modelnest.core.plan.calibration import Calibration, MeasuredRun, measured_run, run_class
from modelnest.core.plan.fit import PARTIAL_GPU, TOO_LARGE, Fit, classify
from modelnest.core.plan.memory import MIB, MemoryEstimate, estimate, repack_types_for
from modelnest.core.plan.spec import ModelSpec
from modelnest.core.plan.speed import SpeedPrediction, expert_layers, predict
from modelnest.core.units import format_gib, format_rate

if TYPE_CHECKING:
    from modelnest.core.plan.speedtest import SpeedProfile

DEFAULT_CTX = 8192
CTX_FLOOR = 2048
HOST_MARGIN = 1024 * MIB  # left for the OS and the app itself
DEVICE_MARGIN_SHARE = 0.05  # of VRAM, at least DEVICE_MARGIN_MIN, for fragmentation and the display
DEVICE_MARGIN_MIN = 256 * MIB


WHOLE_LAYERS = "layers"  # the last n_gpu_layers layers on the GPU, the rest (experts included) on the CPU
EXPERTS_IN_RAM = "experts"  # routed experts of the first cpu_moe_layers layers in RAM, the rest of them on the GPU


@dataclass(frozen=True)
class Placement:
    """One way of splitting a model between the GPU and system RAM, with its predicted decode speed."""

    kind: str  # WHOLE_LAYERS | EXPERTS_IN_RAM
    gpu_layers: int
    cpu_moe_layers: int
    decode_tokens_per_s: float
    expert_layers_in_ram: int = 0  # of the model's MoE layers, those whose routed experts stay in RAM

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "gpu_layers": self.gpu_layers,
            "cpu_moe_layers": self.cpu_moe_layers,
            "expert_layers_in_ram": self.expert_layers_in_ram,
            "predicted_decode_tokens_per_s": round(self.decode_tokens_per_s, 2),
        }


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
    # Mixture of experts: routed experts of layers 0..cpu_moe_layers-1 kept in system RAM (engine_params has it too);
    # the other way of splitting the planner weighed and its predicted speed; the sentence saying both (in notes).
    cpu_moe_layers: int = 0
    alternative: Placement | None = None
    placement_note: Message | None = None

    @property
    def experts_in_ram(self) -> bool:
        """On the GPU with the routed experts of some layers in system RAM (the badge says so: not a layer split)."""
        return self.cpu_moe_layers > 0 and self.gpu_layers > 0

    @property
    def tensor_overrides(self) -> list[str]:
        """The tensor-name patterns kept in the CPU buffer type (llama.cpp -ot PATTERN=CPU)."""
        return moe_override_patterns(self.engine_params.cpu_moe_layers) if self.engine_params.n_gpu_layers else []

    def llama_cpp_args(self) -> str:
        """The same load as llama.cpp command-line options (llama-server / llama-cli), model path aside."""
        return llama_cpp_args(self.engine_params)

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
                         "flash_attn", "type_k", "type_v", "offload_kqv", "use_mmap", "cpu_moe_layers")
            },
            "tensor_overrides": self.tensor_overrides,
            "llama_cpp_args": self.llama_cpp_args(),
            "placement": str(self.placement_note) if self.placement_note is not None else None,
            "alternative": self.alternative.to_dict() if self.alternative is not None else None,
            "notes": [str(n) for n in self.notes],
        }


def llama_cpp_args(p: EngineParams) -> str:
    """`-ngl 49 --n-cpu-moe 14 -c 8192 ...`: what llama.cpp's own tools take for these parameters."""
    args = [f"-ngl {p.n_gpu_layers}"]
    if p.cpu_moe_layers and p.n_gpu_layers:
        args.append(f"--n-cpu-moe {p.cpu_moe_layers}")
    args += [f"-c {p.n_ctx}", f"-b {p.n_batch}", f"-ub {p.n_ubatch}", f"-t {p.n_threads}", f"-tb {p.n_threads_batch}",
             f"-fa {'on' if p.flash_attn else 'off'}", f"-ctk {p.type_k}", f"-ctv {p.type_v}"]
    if not p.offload_kqv:
        args.append("-nkvo")
    if not p.use_mmap:
        args.append("--no-mmap")
    if p.swa_full:
        args.append("--swa-full")
    if p.tensor_split:
        args.append("-ts " + ",".join(f"{x:g}" for x in p.tensor_split))
    if p.main_gpu:
        args.append(f"-mg {p.main_gpu}")
    return " ".join(args)


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

    def params_for(n_ctx: int, n_gpu: int, kv: str, cpu_moe: int = 0) -> EngineParams:
        n_batch = min(512, n_ctx)
        return EngineParams(
            n_ctx=n_ctx, n_batch=n_batch, n_ubatch=n_batch, n_gpu_layers=n_gpu, n_threads=threads,
            n_threads_batch=threads, flash_attn=True, type_k=kv, type_v=kv, offload_kqv=True, use_mmap=True,
            tensor_split=split if n_gpu else (), cpu_moe_layers=cpu_moe if n_gpu else 0,
        )

    def memory_for(n_ctx: int, n_gpu: int, kv: str, cpu_moe: int = 0) -> MemoryEstimate:
        return estimate(spec, params_for(n_ctx, n_gpu, kv, cpu_moe), repack_types=repack,
                        backend=backend if n_gpu else "cpu")

    def best_layers(n_ctx: int, kv: str) -> tuple[int, MemoryEstimate]:
        if gpu is None:
            return 0, memory_for(n_ctx, 0, kv)
        candidates = [gpu_layers] if gpu_layers is not None else range(max_layers, -1, -1)
        last: tuple[int, MemoryEstimate] | None = None
        for n in candidates:
            n = max(0, min(n, max_layers))
            mem = memory_for(n_ctx, n, kv)
            last = (n, mem)
            if mem.device_bytes <= device_budget or n == 0:
                return last
        assert last is not None
        return last

    moe_layers = expert_layers(spec, spec.n_layer) if spec.is_moe else []

    def experts_in_ram(n_ctx: int, kv: str) -> tuple[int, int, MemoryEstimate] | None:
        """(GPU layers, cpu_moe_layers, memory): every layer on the GPU with the routed experts of the first N
        layers in RAM, N the smallest that fits the GPU budget; else all experts in RAM and as many layers on the
        GPU as fit; None when neither fits (or the model has no experts, or the user fixed the GPU layers)."""
        if gpu is None or gpu_layers is not None or not moe_layers:
            return None
        every = moe_layers[-1] + 1  # the experts of every MoE layer (N beyond the last one changes nothing)

        def device_fits(n_gpu: int, cpu_moe: int) -> MemoryEstimate | None:
            mem = memory_for(n_ctx, n_gpu, kv, cpu_moe)
            return mem if mem.device_bytes <= device_budget else None

        found = device_fits(max_layers, every)
        if found is not None:
            lo, hi = 1, every  # the fewest experts in RAM: hi always fits; N = 0 did not (best_layers)
            while lo < hi:
                mid = (lo + hi) // 2
                mem = device_fits(max_layers, mid)
                if mem is not None:
                    hi, found = mid, mem
                else:
                    lo = mid + 1
            return max_layers, hi, found
        # A combination: all experts in RAM and the most layers that fit on the GPU (the attention of the others,
        # the output layer first, runs on the CPU).
        lo, hi, best = 1, max_layers - 1, None
        while lo <= hi:  # the largest layer count that fits
            mid = (lo + hi) // 2
            mem = device_fits(mid, every)
            if mem is not None:
                lo, best = mid + 1, (mid, mem)
            else:
                hi = mid - 1
        return (best[0], every, best[1]) if best is not None else None

    cal = calibration or Calibration.default()
    speed_profile = _profile_for(hw, profile)

    def speed_for(params: EngineParams) -> SpeedPrediction:
        n_gpu = params.n_gpu_layers
        # Experts in RAM run partly on the CPU: calibrated like a layer split, not like a run all on the GPU.
        placed = min(n_gpu, spec.n_layer) if params.cpu_moe_layers else n_gpu
        klass = run_class(backend if n_gpu else "cpu", placed, spec.n_layer, spec.quant, spec.is_moe)
        factors = cal.factors(klass, model_key(spec), basis_id(speed_profile))
        return predict(
            spec, params, hw, backend=backend if n_gpu else "cpu",
            gpu_bandwidth_gb_s=gpu.bandwidth_gb_s if gpu else None, calibration=factors, profile=speed_profile,
            gpu=gpu,
        )

    def placement(kind: str, n_ctx: int, n_gpu: int, kv: str, cpu_moe: int) -> Placement:
        speed = speed_for(params_for(n_ctx, n_gpu, kv, cpu_moe))
        in_ram = sum(1 for il in moe_layers if il < cpu_moe) if n_gpu else 0
        return Placement(kind, n_gpu, cpu_moe if n_gpu else 0, speed.decode_tokens_per_s, in_ram)

    chosen: tuple[int, int, str, MemoryEstimate, int] | None = None
    alternative: Placement | None = None
    picked: Placement | None = None
    fit: Fit
    for kv in kv_types:
        for n_ctx in contexts:
            n_gpu, mem = best_layers(n_ctx, kv)
            whole_fits = _fits(mem, host_budget, device_budget, unified)
            moe = experts_in_ram(n_ctx, kv) if n_gpu < max_layers else None
            if moe is not None and _fits(moe[2], host_budget, device_budget, unified):
                # Both ways (when both fit): predict each, take the faster (the whole-layer split on a tie).
                experts = placement(EXPERTS_IN_RAM, n_ctx, moe[0], kv, moe[1])
                whole = placement(WHOLE_LAYERS, n_ctx, n_gpu, kv, 0) if whole_fits else None
                if whole is None or experts.decode_tokens_per_s > whole.decode_tokens_per_s:
                    picked, alternative, chosen = experts, whole, (n_ctx, moe[0], kv, moe[2], moe[1])
                else:
                    picked, alternative, chosen = whole, experts, (n_ctx, n_gpu, kv, mem, 0)
            elif whole_fits:
                chosen = (n_ctx, n_gpu, kv, mem, 0)
            else:
                continue
            break
        if chosen:
            break
    cpu_moe = 0
    placement_note: Message | None = None
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
        n_ctx, n_gpu, kv, mem, cpu_moe = chosen
        fit = classify(fits_in_memory=True, has_gpu=gpu is not None, gpu_layers=n_gpu, total_layers=max_layers,
                       cpu_moe_layers=cpu_moe)
        if n_ctx < wanted:
            notes.append(msg("context reduced from {old} to {new} tokens to fit in memory", old=wanted, new=n_ctx))
        if kv != "f16" and not kv_type:
            notes.append(msg("KV cache stored as q8_0 (half the memory of f16, slightly lower quality) to fit"))
        if picked is not None:
            placement_note = _placement_note(picked, alternative, max_layers, len(moe_layers))
            notes.append(placement_note)
        elif fit == PARTIAL_GPU:
            notes.append(msg("{n} of {total} layers on the GPU; the rest run on the CPU", n=n_gpu, total=max_layers))
    if gpu is None:
        notes.append(msg("no usable GPU found: runs on the CPU"))
    params = params_for(n_ctx, n_gpu, kv, cpu_moe)
    speed = speed_for(params)
    notes += [n for n in speed.notes if isinstance(n, Message)]
    return Plan(
        fit=fit, gpu_layers=n_gpu, threads=threads, threads_batch=threads, ctx=n_ctx, memory=mem, predicted=speed,
        engine_params=params, backend=backend if n_gpu else "cpu", host_budget_bytes=host_budget,
        device_budget_bytes=device_budget, notes=notes + mem.notes, spec=spec, hardware=hw,
        speed_profile=speed_profile, cpu_moe_layers=params.cpu_moe_layers, alternative=alternative,
        placement_note=placement_note,
    )


def _placement_text(p: Placement, all_layers: int, moe_layers: int) -> Message:
    """Where one way of splitting puts things, in words."""
    if p.kind == WHOLE_LAYERS:
        return msg("{n} of {total} layers on the GPU, the rest on the CPU", n=p.gpu_layers, total=all_layers)
    if p.gpu_layers >= all_layers:
        return msg("attention on the GPU, routed experts of {n} of {total} layers in system RAM",
                   n=p.expert_layers_in_ram, total=moe_layers)
    return msg("{n} of {total} layers on the GPU, the routed experts of every layer in system RAM",
               n=p.gpu_layers, total=all_layers)


def _placement_note(chosen: Placement, other: Placement | None, all_layers: int, moe_layers: int) -> Message:
    """What went where and why: the chosen split's predicted speed beside the other one's."""
    here = _placement_text(chosen, all_layers, moe_layers)
    if other is None:
        return msg("{placement}: ~{tps} tokens/s predicted (the only split that fits)", placement=here,
                   tps=format_rate(chosen.decode_tokens_per_s))
    return msg("{placement}: ~{tps} tokens/s predicted; {other}: ~{other_tps} tokens/s", placement=here,
               tps=format_rate(chosen.decode_tokens_per_s), other=_placement_text(other, all_layers, moe_layers),
               other_tps=format_rate(other.decode_tokens_per_s))


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


def step_down(current: EngineParams, n_layer: int, *, is_moe: bool = False) -> tuple[EngineParams, Message] | None:
    """After a load failed for memory: (mixture of experts) routed experts of more layers in RAM → fewer GPU
    layers → smaller context → quantized KV → CPU, with the reason."""
    from dataclasses import replace

    quarter = max(1, (n_layer + 1) // 4)
    if is_moe and current.n_gpu_layers > 0 and current.cpu_moe_layers < n_layer:
        # Experts are most of a MoE model and a token reads few of them: the cheapest thing to leave the GPU.
        more = min(n_layer, current.cpu_moe_layers + quarter)
        why = msg("routed experts of more layers in system RAM ({old} → {new} layers)", old=current.cpu_moe_layers,
                  new=more)
        return replace(current, cpu_moe_layers=more), why
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
        return replace(current, n_gpu_layers=0, cpu_moe_layers=0), msg("CPU only")
    return None
