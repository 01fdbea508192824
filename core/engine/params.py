"""What goes into and comes out of the engine: load parameters, sampling settings, load reports, run summaries."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from modelnest.core.units import MIB

KV_TYPES = ("f16", "q8_0", "q4_0")


@dataclass(frozen=True)
class EngineParams:
    """Every llama.cpp parameter we pass, set explicitly (llama-cpp-python's defaults differ from llama.cpp's)."""

    n_ctx: int = 4096
    n_batch: int = 512
    n_ubatch: int = 512
    n_gpu_layers: int = 0
    n_threads: int = 1
    n_threads_batch: int = 1
    flash_attn: bool = True  # smaller compute buffer, same or better speed on CPU (DESIGN.md §2)
    type_k: str = "f16"
    type_v: str = "f16"
    offload_kqv: bool = True
    use_mmap: bool = True
    swa_full: bool = False
    main_gpu: int = 0
    tensor_split: tuple[float, ...] = ()
    # Mixture of experts: the routed experts (ffn_*_exps tensors) of layers 0..cpu_moe_layers-1 stay in system RAM
    # whatever n_gpu_layers says: llama.cpp's `--n-cpu-moe N` (llama_model_params.tensor_buft_overrides with
    # moe_override_patterns(), overridden to the CPU buffer type; llama.cpp then places them as a CPU layer's own
    # tensors: repacked where this CPU repacks their type, behind a GPU's pinned host buffer otherwise).
    cpu_moe_layers: int = 0

    def __post_init__(self) -> None:
        if self.n_ctx < 16:
            raise ValueError(f"context length {self.n_ctx} is too small (at least 16 tokens)")
        if self.n_batch < 1 or self.n_ubatch < 1 or self.n_ubatch > self.n_batch:
            raise ValueError("batch sizes must be positive and n_ubatch must not exceed n_batch")
        if self.n_threads < 1 or self.n_threads_batch < 1:
            raise ValueError("thread counts must be at least 1")
        if self.type_k not in KV_TYPES or self.type_v not in KV_TYPES:
            raise ValueError(f"KV cache types must be one of {', '.join(KV_TYPES)}")
        if self.type_v != "f16" and not self.flash_attn:
            raise ValueError("a quantized V cache needs flash attention")
        if self.cpu_moe_layers < 0:
            raise ValueError("cpu_moe_layers must not be negative")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tensor_split"] = list(self.tensor_split)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EngineParams:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        if "tensor_split" in known:
            known["tensor_split"] = tuple(known["tensor_split"])
        return cls(**known)


def moe_override_patterns(cpu_moe_layers: int) -> list[str]:
    """The tensor-name patterns (llama.cpp regex, matched with std::regex_search) that keep the routed experts of
    the first `cpu_moe_layers` layers in system RAM: the same ones llama.cpp's `--n-cpu-moe N` builds
    (common/arg.cpp: "blk\\.%d\\.ffn_(up|down|gate|gate_up)_(ch|)exps")."""
    return [rf"blk\.{il}\.ffn_(up|down|gate|gate_up)_(ch|)exps" for il in range(cpu_moe_layers)]


SEED_RANDOM = -1  # a new random seed for every reply
# The largest seed every face can hold: Qt's spin box is a signed 32-bit int, and llama.cpp's seed is a uint32 in
# which 0xFFFFFFFF (LLAMA_DEFAULT_SEED) already means "random". (The chat settings used to allow 2**32 - 1.)
SEED_MAX = 2**31 - 1
# The one set of limits for sampling values, (lowest, highest) inclusive; chat settings, the CLI and the GUI's
# spin boxes use these. Wider than llama.cpp needs for sense, narrow enough to catch a typo (temperature 70).
SAMPLING_LIMITS: dict[str, tuple[float, float]] = {
    "temperature": (0.0, 5.0),
    "top_p": (0.0, 1.0),
    "top_k": (0, 100_000),  # 0: off
    "min_p": (0.0, 1.0),  # 0: off
    "repeat_penalty": (0.0, 10.0),  # 1.0: off
    "repeat_last_n": (-1, 1_048_576),  # -1: the whole context, 0: off (llama_sampler_init_penalties)
    "seed": (SEED_RANDOM, SEED_MAX),
    "max_tokens": (1, 1_048_576),
}


@dataclass(frozen=True)
class SamplingParams:
    """How the engine samples; the source of truth for sampling defaults (``SAMPLING_LIMITS`` for the limits).

    The defaults are llama.cpp's own (common/common.h: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, last 64
    tokens penalised), except a mild repeat penalty of 1.1 that small models need to avoid loops. The chat's
    saved settings (modelnest.core.chat.settings.SamplingSettings) take their defaults from here; the chat side
    converts (modelnest.core.chat.sampling), the engine never imports chat.
    """

    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    repeat_last_n: int = 64
    seed: int = SEED_RANDOM
    max_tokens: int = 1024
    # Benchmarks and tests: no end-of-generation token is ever sampled, so the reply is exactly max_tokens long
    # (or ends at a full context) - a random test model cannot end it before the test interrupts it.
    ignore_eos: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SamplingParams:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def out_of_range(self) -> list[str]:
        """Names of the values outside ``SAMPLING_LIMITS`` (empty when all are fine)."""
        return [name for name, (low, high) in SAMPLING_LIMITS.items() if not low <= getattr(self, name) <= high]


@dataclass
class Buffer:
    kind: str  # model | kv | compute | output | recurrent
    device: str  # CPU, CPU_Mapped, CPU_REPACK, CUDA0, Metal ...
    bytes: int


# llama.cpp's own allocation report lines (llama-model.cpp, llama-kv-cache.cpp, llama-context.cpp).
_BUFFER_RE = re.compile(
    r"^(?P<fn>\S+):\s+(?P<device>\S+)\s+(?:(?P<kind>model|KV|compute|output|RS|LoRA)\s+)?buffer size =\s+"
    r"(?P<mib>[\d.]+) MiB"
)
_OFFLOAD_RE = re.compile(r"offloaded (?P<n>\d+)/(?P<m>\d+) layers to GPU")
# A tensor_buft_overrides match (llama-model-loader.cpp, debug level): proof the overrides reached llama.cpp, and
# the buffer each overridden tensor really went to.
_OVERRIDE_RE = re.compile(r"^tensor (?P<name>\S+) \(\d+ MiB \S+\) buffer type overridden to (?P<buft>\S+)")
_KINDS = {"model": "model", "KV": "kv", "compute": "compute", "output": "output", "RS": "recurrent", "LoRA": "lora"}


@dataclass
class LoadReport:
    """What llama.cpp said it allocated: the ground truth every memory prediction is checked against."""

    path: str
    params: dict[str, Any]
    load_seconds: float = 0.0
    buffers: list[Buffer] = field(default_factory=list)
    n_ctx: int = 0
    n_layer: int = 0
    gpu_layers_offloaded: int = 0
    n_params: int = 0
    system_info: str = ""
    template_warning: str | None = None
    overridden: dict[str, str] = field(default_factory=dict)  # tensor name -> buffer type it was overridden to

    def _total(self, kind: str) -> int:
        return sum(b.bytes for b in self.buffers if b.kind == kind)

    @property
    def weights_bytes(self) -> int:
        return self._total("model")

    @property
    def kv_cache_bytes(self) -> int:
        return self._total("kv") + self._total("recurrent")

    @property
    def compute_bytes(self) -> int:
        return self._total("compute")

    @property
    def output_bytes(self) -> int:
        return self._total("output")

    @property
    def total_bytes(self) -> int:
        return sum(b.bytes for b in self.buffers)

    @property
    def weights_by_buffer(self) -> dict[str, int]:
        """Model bytes per buffer as llama.cpp names them: CPU_Mapped (the mapped file span), CPU_REPACK (copies
        in the CPU's faster layouts), CPU (read into RAM without mmap), CUDA0, CUDA_Host ..."""
        out: dict[str, int] = {}
        for b in self.buffers:
            if b.kind == "model":
                out[b.device] = out.get(b.device, 0) + b.bytes
        return out

    def feed_log_line(self, line: str) -> None:
        """Collect buffer sizes from one line of llama.cpp's log."""
        m = _BUFFER_RE.match(line.strip())
        if m:
            # Logged with 2 decimals of MiB: accurate to ±5 KiB. Older llama.cpp logged weights without "model".
            kind = m["kind"] or ("model" if m["fn"].endswith("load_tensors") else None)
            if kind is not None:
                self.buffers.append(Buffer(_KINDS[kind], m["device"], round(float(m["mib"]) * MIB)))
            return
        m = _OFFLOAD_RE.search(line)
        if m:
            self.gpu_layers_offloaded = int(m["n"])
            return
        m = _OVERRIDE_RE.match(line.strip())
        if m:
            self.overridden[m["name"]] = m["buft"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "params": self.params,
            "load_seconds": self.load_seconds,
            "buffers": [asdict(b) for b in self.buffers],
            "weights_bytes": self.weights_bytes,
            "kv_cache_bytes": self.kv_cache_bytes,
            "compute_bytes": self.compute_bytes,
            "output_bytes": self.output_bytes,
            "total_bytes": self.total_bytes,
            "weights_by_buffer": self.weights_by_buffer,
            "overridden": dict(self.overridden),
            "n_ctx": self.n_ctx,
            "n_layer": self.n_layer,
            "gpu_layers_offloaded": self.gpu_layers_offloaded,
            "n_params": self.n_params,
            "system_info": self.system_info,
            "template_warning": self.template_warning,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LoadReport:
        report = cls(path=d["path"], params=d.get("params", {}))
        for key in ("load_seconds", "n_ctx", "n_layer", "gpu_layers_offloaded", "n_params", "system_info"):
            setattr(report, key, d.get(key, getattr(report, key)))
        report.template_warning = d.get("template_warning")
        report.overridden = {str(k): str(v) for k, v in d.get("overridden", {}).items()}
        report.buffers = [Buffer(**b) for b in d.get("buffers", [])]
        return report


@dataclass
class GenerationSummary:
    """Timings of one reply. TTFT counts everything before the first token (template, tokenizing, prefill)."""

    text: str
    tokens: int
    prompt_tokens: int
    prompt_tokens_evaluated: int  # after reusing the KV cache of the previous turn
    ttft_s: float
    prefill_tokens_per_s: float
    decode_tokens_per_s: float
    total_s: float
    stop_reason: str  # eos | length | cancelled | context_full

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GenerationSummary:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})
