"""The speed test of this computer: small synthetic models decoded and prefilled through the real engine.

About seven seconds on the project's 2-core VM (benchmarks/speed_test_parts.py times each step). It yields what
the speed model (speed.py) needs and no table can know: the effective read rate of each tensor type the catalogue
ships (F16, Q8_0, Q6_K, Q5_K, Q4_K, Q4_0, Q3_K, Q2_K) at the planner's thread count, the compute rate of batched
products (prefill) per type, attention's rate and the extra cost of multi-head attention, a MoE model's slow-down
against its dense twin, the fixed cost of a token (a part per vocabulary entry and per layer), the engine's rate of
reading weights from RAM (a model four times the last-level cache: what bounds every real model), and a multi-
threaded memory copy. The result is cached per machine fingerprint and engine version (a new llama.cpp or another
computer measures again) and records when and how it was measured.

Per-token times are the median interval between tokens as the engine sends them (sampling and the pipe write
included), best of three short rounds per pass: on a shared machine a pre-empted token would otherwise decide it.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from modelnest.core import paths
from modelnest.core.atomic import update_json_object
from modelnest.core.engine.client import EngineClient, TokenEvent
from modelnest.core.engine.params import EngineParams, GenerationSummary, SamplingParams
from modelnest.core.gguf.types import TYPE_BY_NAME
from modelnest.core.hardware import GpuInfo, HardwareSnapshot
from modelnest.core.hardware.bandwidth import (
    last_level_cache_bytes,
    machine_fingerprint,
    measure_ram_bandwidth,
    source_from_json,
    source_json,
)
from modelnest.core.messages import Message, Text, msg
from modelnest.core.plan.speed import MEASURED_TYPES, MHA_ATTENTION_FACTOR, DeviceRates
from modelnest.core.plan.synthetic import SyntheticShape, tensor_list, write_model

CACHE_FILE = "speed_test.json"
# Bumped when what the test measures changes: older results are measured again (5: MHA attention; 6: weights
# read from RAM by the engine).
PROFILE_VERSION = 6
MEMORY_EFFICIENCY = 0.85  # without the RAM pass (older profiles): llama.cpp's reads taken as this share of a copy
# The models: a tiny one for the fixed cost (weights negligible), its variants with many layers and a large
# vocabulary, and one per tensor type, small enough to write and load in a fraction of a second.
FIXED = SyntheticShape(n_layer=1, n_embd=64, n_head=2, n_head_kv=1, n_ff=128, n_vocab=512, name="speedtest-fixed")
LAYERS = SyntheticShape(n_layer=9, n_embd=64, n_head=2, n_head_kv=1, n_ff=128, n_vocab=512, name="speedtest-layers")
# Narrow rows in Q8_0: the output matrix of 64k entries reads little, so the time left is the vocabulary's own.
VOCAB = SyntheticShape(n_layer=1, n_embd=32, n_head=1, n_head_kv=1, n_ff=64, n_vocab=65536, name="speedtest-vocab")
VOCAB_TYPE = "Q8_0"
TYPED = SyntheticShape(n_layer=4, n_embd=768, n_head=12, n_head_kv=4, n_ff=2048, n_vocab=512, name="speedtest-type")
MOE = SyntheticShape(arch="qwen3moe", n_layer=2, n_embd=768, n_head=12, n_head_kv=4, n_ff=768, n_vocab=768,
                     n_expert=8, n_expert_used=2, n_ff_exp=768, name="speedtest-moe")
# Its dense twin: the same attention and the same active FFN bytes in one expert-sized block per matrix. Timed
# right after the MoE model, the difference is the experts' own cost (routing, one product per used expert) with
# the machine's moment of the two runs in common: the per-expert cost is a small residual of a 0.3 ms token, and
# a MoE run alone set it anywhere from 0 to 12 us per matrix between tests on a shared VM.
MOE_TWIN = SyntheticShape(arch="qwen3", n_layer=MOE.n_layer, n_embd=MOE.n_embd, n_head=MOE.n_head,
                          n_head_kv=MOE.n_head_kv, n_ff=MOE.n_ff_exp * MOE.n_expert_used, n_vocab=MOE.n_vocab,
                          name="speedtest-moe-twin")
PREFILL_TOKENS = 128
# Short decode rounds per model load: the best round counts (a pre-empted token must not decide the figure). With
# three passes, nine rounds per type; the test once took fifteen and two prompts per pass, which cost 2 s of its
# 9 and made its figures best-of-fifteen against the best-of-three of the runs they predict.
DECODE_ROUNDS = 3
# Attention over the KV cache: the typed F16 model decoded after a short and a long fill, and prefilled with a
# short and a long prompt; the difference is the attention over the extra cells. The weights must be there: they
# push the cache out of the CPU's caches every token as a real model's do (on a model of negligible weights the
# same attention ran 2.5x faster here). Before, a 384-cell fill drowned in the weights' time and hit its bounds.
ATTN = TYPED
ATTN_TYPE = "F16"
ATTN_SHORT = 32
ATTN_LONG = 1024
ATTN_PREFILL_SHORT = 128
ATTN_CTX = 2048
# The same model with one KV head per query head (multi-head attention, as Phi-3 mini has): no query head shares
# the cache rows another has just read, and its attention costs 2-4x what the flops say (benchmarks/
# attention_shapes.py). Measured by its own long-minus-short fill, so the weights cancel.
ATTN_MHA = replace(TYPED, n_head_kv=TYPED.n_head, name="speedtest-mha")
# Weights read from RAM, as every real model's are. The typed model fits in a large last-level cache (the
# 32 MiB L3 of this project's VM holds its Q4_K file whole) and measures cache-bound rates; what bounds a model
# of gigabytes is how fast llama.cpp's threads read weights from RAM, which a numpy copy does not tell: here
# the copy gave 29-34 GB/s (read + write counted) and the engine read a 2.1 GB F16 model at 45 GB/s. F16, the
# cheapest type to multiply per byte, in TinyLlama-sized layers (rows of 2048; rows of 1024 read 4-8 % slower and
# rows of 4096 -8..+6 % in two runs of benchmarks/speed_test_parts.py: one shape does for all), to 4x the cache
# (STREAM's rule for its arrays), at least 128 MiB, at most 1 GiB and an eighth of the free memory.
RAM = SyntheticShape(n_layer=1, n_embd=2048, n_head=16, n_head_kv=4, n_ff=5632, n_vocab=512, name="speedtest-ram")
RAM_TYPE = "F16"
RAM_MIN_BYTES = 128 * 1024**2
RAM_MAX_BYTES = 1024**3
# The GPU pass (a usable GPU and a GPU build): a GPU reads small models faster than it starts a token, so its
# typed model is larger (about 200 MB in Q4_K, 700 MB in F16: seconds to write, fits any GPU llama.cpp can use),
# measured in the three families every quantization mix is made of; other types follow by bits per weight.
GPU_TYPES = ("Q4_K", "Q8_0", "F16")
GPU_TYPED = SyntheticShape(n_layer=8, n_embd=2048, n_head=16, n_head_kv=4, n_ff=5632, n_vocab=512,
                           name="speedtest-gpu")
GPU_DECODE_TOKENS = 24
ALL_LAYERS = 999  # n_gpu_layers: every layer and the output on the GPU

Progress = Callable[[float, Message], None]


@dataclass(frozen=True)
class GpuProfile:
    """What the speed test measured on one GPU: every layer and the output there, the same models as the CPU's."""

    name: str  # GpuInfo.name of the GPU measured
    backend: str  # cuda | vulkan | metal | rocm: the build that ran it
    read_gb_s: dict[str, float]  # effective GB/s of weights per type during decode
    prefill_gflops: dict[str, float]  # GFLOP/s of batched products per type
    fixed_s: float  # per token, a one-layer model entirely on the GPU (launches, sampling, the pipe)
    per_layer_s: float  # each further layer's own cost (kernel launches)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GpuProfile:
        profile = cls(str(data["name"]), str(data["backend"]), {str(k): float(v) for k, v in data["read_gb_s"].items()},
                      {str(k): float(v) for k, v in data["prefill_gflops"].items()}, float(data["fixed_s"]),
                      float(data["per_layer_s"]))
        if not profile.read_gb_s or not all(v > 0 for v in profile.read_gb_s.values()):
            raise ValueError("no GPU read rates")
        return profile


@dataclass
class SpeedProfile:
    """What the speed test measured on one machine with one engine version."""

    fingerprint: str
    engine_version: str
    measured_at: float  # seconds since the epoch
    threads: int
    read_gb_s: dict[str, float]  # effective GB/s of weights per type during decode
    prefill_gflops: dict[str, float]  # GFLOP/s of batched products per type
    fixed_s: float
    per_vocab_s: float
    per_layer_s: float
    memory_gb_s: float  # multi-threaded copy, GB/s (shown on the hardware card)
    memory_how: Text  # the copy's Figure.source (a Message; in the cache file its id and parameters)
    cache_bytes: int
    seconds: float  # how long the test took
    attn_gflops: float = 4.0  # attention over the KV cache, decode
    attn_prefill_gflops: float = 10.0  # and prefill
    attn_mha_factor: float = MHA_ATTENTION_FACTOR  # multi-head (one KV head per query head) decode attention's cost
    expert_matrix_s: float = 3e-6  # a MoE model's decode: seconds per used expert matrix per layer
    moe_prefill: float = 1.0  # a MoE model's prefill time over what its weights predict
    ram_read_gb_s: float = 0.0  # the engine's weight reads from RAM (a model 4x the cache); 0: not measured
    how: str = ""
    version: int = PROFILE_VERSION
    samples: dict[str, Any] = field(default_factory=dict)  # raw timings, for the record
    # The GPU pass, when there was a usable GPU: GpuProfile.to_dict(); or {"skipped": Message JSON} when it could not.
    gpu: dict[str, Any] = field(default_factory=dict)

    def gpu_rates(self, gpu: GpuInfo | None, backend: str) -> GpuProfile | None:
        """What the GPU pass measured, if it ran on this GPU with this backend (else the tables apply)."""
        if gpu is None or not self.gpu or "skipped" in self.gpu:
            return None
        try:
            measured = GpuProfile.from_dict(self.gpu)
        except (KeyError, TypeError, ValueError):
            return None
        return measured if measured.name == gpu.name and measured.backend == backend else None

    @property
    def date(self) -> str:
        return time.strftime("%Y-%m-%d", time.localtime(self.measured_at))

    def rates(self, threads: int) -> DeviceRates:
        """The CPU's rates at `threads` (measured at `self.threads`; fewer threads read proportionally slower)."""
        scale = min(1.0, max(1, threads) / max(1, self.threads))
        return DeviceRates(
            {t: v * scale for t, v in self.read_gb_s.items()},
            {t: v * scale for t, v in self.prefill_gflops.items()},
            self.ram_read_gb_s or self.memory_gb_s * MEMORY_EFFICIENCY, self.cache_bytes, self.fixed_s,
            self.per_vocab_s,
            self.per_layer_s, "measured", msg("measured on this computer (speed test of {date})", date=self.date),
            self.attn_gflops * scale, self.attn_prefill_gflops * scale, self.expert_matrix_s, self.moe_prefill,
            self.attn_mha_factor,
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "memory_how": source_json(self.memory_how)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpeedProfile:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "memory_how" in known:
            known["memory_how"] = source_from_json(known["memory_how"])
        profile = cls(**known)
        if not profile.read_gb_s or not all(v > 0 for v in profile.read_gb_s.values()):
            raise ValueError("no read rates")
        return profile


def engine_version() -> str:
    """The bundled llama.cpp's version, without starting the engine (its package metadata)."""
    try:
        return metadata.version("llama_cpp_python")
    except metadata.PackageNotFoundError:
        return "unknown"


def fingerprint_of(hw: HardwareSnapshot) -> str:
    return machine_fingerprint(hw.cpu, hw.memory)


def _cache_path() -> Path:
    return paths.cache_dir() / CACHE_FILE


def _key(fingerprint: str, version: str) -> str:
    return f"{fingerprint}|{version}"


_memo: dict[tuple[str, int], dict[str, Any]] = {}  # the cache file's content by (path, mtime): plans are many


def _read_cache() -> dict[str, Any]:
    path = _cache_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    key = (str(path), stamp)
    if key not in _memo:
        data = json.loads(path.read_text(encoding="utf-8"))
        _memo.clear()
        _memo[key] = data if isinstance(data, dict) else {}
    return _memo[key]


def cached_profile(hw: HardwareSnapshot) -> SpeedProfile | None:
    """This machine's speed test with this engine, if one ran; None for another machine or a newer engine."""
    try:
        data = _read_cache()
        entry = data[_key(fingerprint_of(hw), engine_version())]
        profile = SpeedProfile.from_dict(entry)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, damaged or for another machine: the tables apply until the test runs
    return profile if profile.version == PROFILE_VERSION else None


def store_profile(profile: SpeedProfile) -> None:
    update_json_object(_cache_path(), _key(profile.fingerprint, profile.engine_version), profile.to_dict())


def _weight_bytes(shape: SyntheticShape, type_name: str) -> tuple[float, float]:
    """(bytes read per decoded token, weights multiplied per prompt token) of a synthetic model."""
    read = weights = 0.0
    for name, dims, t in tensor_list(shape, type_name):
        if name.startswith("token_embd"):
            continue
        n = 1
        for d in dims:
            n *= d
        info = TYPE_BY_NAME[t]
        read += n // info.block_size * info.type_size
        if name.startswith("blk."):
            weights += n
    return read, weights


def ram_shape(cache_bytes: int, available_bytes: int) -> SyntheticShape:
    """The RAM pass's model for this machine: 4x its last-level cache in whole layers, within the bounds above."""
    target = max(4 * cache_bytes, RAM_MIN_BYTES)
    cap = min(RAM_MAX_BYTES, available_bytes // 8) if available_bytes else RAM_MAX_BYTES
    target = max(min(target, cap), 1)
    one = _weight_bytes(RAM, RAM_TYPE)[0]
    per_layer = _weight_bytes(replace(RAM, n_layer=2), RAM_TYPE)[0] - one
    return replace(RAM, n_layer=max(1, -(-int(target - (one - per_layer)) // int(per_layer))))


def ram_pass_fits(folder: Path, shape: SyntheticShape, margin: int = 256 * 1024**2) -> bool:
    """Whether the RAM pass's model can be written to `folder` and leave `margin` free (else the pass is skipped:
    a nearly full disk must not fail the whole test, nor fill the disk to the last byte)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return False
    return free >= _weight_bytes(shape, RAM_TYPE)[0] + margin


def decode_interval(engine: EngineClient, tokens: int, prompt: str = "x") -> float:
    """Median seconds per decoded token (default sampling, no early end), from the engine's own time stamps: the
    parent receives tokens in bursts when it is busy, so its clock would see intervals that are not there."""
    stamps: list[float] = []
    sampling = SamplingParams(max_tokens=tokens, ignore_eos=True, seed=1)
    for event in engine.generate(prompt=prompt, sampling=sampling):
        if isinstance(event, TokenEvent):
            stamps.append(event.t)
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    return statistics.median(gaps) if gaps else float("nan")


def _best(*seconds: float) -> float:
    """The shortest of some timings, a failed one (NaN) left out; NaN when none succeeded."""
    ok = [s for s in seconds if s == s]
    return min(ok) if ok else float("nan")


def _time_decode(engine: EngineClient, tokens: int, rounds: int = 1) -> float:
    """The best of `rounds` short rounds: what the machine can do, not what a neighbour's burst left of it."""
    per_round = max(3, tokens // rounds)
    return min(decode_interval(engine, per_round) for _ in range(rounds))


def _time_prefill(engine: EngineClient, tokens: int, letter: str = "w") -> float:
    """Seconds per prompt token of a `tokens`-long prompt (one character per token in this vocabulary)."""
    summary: GenerationSummary | None = None
    for event in engine.generate(prompt=letter * tokens, sampling=SamplingParams(max_tokens=1, ignore_eos=True)):
        if isinstance(event, GenerationSummary):
            summary = event
    if summary is None or summary.prefill_tokens_per_s <= 0:
        return float("nan")
    return 1.0 / summary.prefill_tokens_per_s


def run_speed_test(
    hw: HardwareSnapshot,
    threads: int,
    *,
    types: tuple[str, ...] = MEASURED_TYPES,
    decode_tokens: int = 24,
    prefill_tokens: int = PREFILL_TOKENS,
    memory_seconds: float = 0.2,
    progress: Progress | None = None,
    engine: EngineClient | None = None,
    store: bool = True,
    gpu_pass: bool = True,
    gpu_prefill: bool = True,
) -> SpeedProfile:
    """Measure this computer (6.5-7 s with the defaults on a 2-core VM, some seconds more with a GPU) and cache
    the result for it. `gpu_pass`: also measure the GPU the planner would use, through its GPU build."""
    start = time.perf_counter()
    threads = max(1, threads)
    params = EngineParams(n_ctx=512, n_batch=512, n_ubatch=512, n_threads=threads, n_threads_batch=threads,
                          flash_attn=True, use_mmap=True)
    from modelnest.core.plan.planner import choose_gpu  # the planner's own choice of GPU: what plans will use

    gpu = choose_gpu(hw) if gpu_pass else None
    steps = 7 + len(types) + (3 + len(GPU_TYPES) if gpu else 0)
    done = 0

    def step(what: Message) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done / steps, what)

    own = engine is None
    client = engine or EngineClient(hang_timeout=60)
    samples: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="modelnest-speedtest-") as tmp:
        work = Path(tmp)

        def measure(shape: SyntheticShape, type_name: str, prefill: bool, keep: bool = False) -> tuple[float, float]:
            """(seconds per decoded token, per prompt token): each type is measured once per pass, three passes
            spread over the test, and the best of them counts; one prompt per pass (a fresh load: no cache)."""
            path = work / f"{shape.name}-{type_name}.gguf"
            if not path.exists():
                write_model(path, shape, type_name)
            client.load(path, params)
            _time_decode(client, 4)  # warm-up: the first tokens allocate and fault pages in
            t_tok = _time_decode(client, decode_tokens, rounds=DECODE_ROUNDS)
            t_pre = _time_prefill(client, prefill_tokens) if prefill else float("nan")
            client.unload()
            if not keep:
                path.unlink()
            return t_tok, t_pre

        def attention() -> dict[str, float]:
            """Decode after a short and a long fill, prefill of a short and a long prompt. Prompts that must be
            computed start with another letter than the one before (the KV cache would be reused); the long decode
            rounds reuse the last long prompt's cache, so they cost its tokens and no second long prefill."""
            path = work / f"{TYPED.name}-{ATTN_TYPE}.gguf"  # the typed model's, kept for this
            if not path.exists():  # a test of fewer types
                write_model(path, ATTN, ATTN_TYPE)
            client.load(path, replace(params, n_ctx=ATTN_CTX))
            _time_decode(client, 4)
            tokens = max(3, decode_tokens // 3)
            timings = {
                "prefill_short_s": min(_time_prefill(client, ATTN_PREFILL_SHORT, letter) for letter in ("x", "w")),
                "prefill_long_s": min(_time_prefill(client, ATTN_LONG, letter) for letter in ("v", "u")),
                "decode_long_s": min(decode_interval(client, tokens, "u" * ATTN_LONG) for _ in range(3)),
                "decode_short_s": min(decode_interval(client, tokens, "z" * ATTN_SHORT) for _ in range(3)),
            }
            client.unload()
            path.unlink()
            path = work / f"{ATTN_MHA.name}-attention.gguf"
            write_model(path, ATTN_MHA, ATTN_TYPE)
            client.load(path, replace(params, n_ctx=ATTN_CTX))
            _time_decode(client, 4)
            timings["mha_decode_short_s"] = min(decode_interval(client, tokens, "t" * ATTN_SHORT) for _ in range(3))
            timings["mha_decode_long_s"] = min(decode_interval(client, tokens, "s" * ATTN_LONG) for _ in range(3))
            client.unload()
            path.unlink()
            return timings

        cache = last_level_cache_bytes() or 0
        ram = ram_shape(cache, hw.memory.available_bytes or 0)
        ram_runs: list[float] = []

        def ram_pass(last: bool) -> None:
            """A few tokens of the RAM model (twice in the test, apart: the best counts). Without room for its
            file, or when writing it fails, the pass is skipped and big models keep the memory copy's bound."""
            path = work / f"{ram.name}-{RAM_TYPE}.gguf"
            if not path.exists():
                if not ram_pass_fits(work, ram):
                    return
                try:
                    write_model(path, ram, RAM_TYPE)
                except OSError:
                    path.unlink(missing_ok=True)
                    return
            client.load(path, params)
            _time_decode(client, 2)  # warm-up: faults the file's pages in
            ram_runs.append(_time_decode(client, 12, rounds=3))
            client.unload()
            if last:
                path.unlink()

        try:
            client.start()
            t_fixed, _ = measure(FIXED, "F16", False)
            step(msg("fixed cost per token"))
            t_layers, _ = measure(LAYERS, "F16", False)
            per_layer = max(0.0, (t_layers - t_fixed) / (LAYERS.n_layer - FIXED.n_layer))
            step(msg("cost per layer"))
            fixed = max(0.0, t_fixed - FIXED.n_layer * per_layer)
            reads: dict[str, float] = {}
            flops: dict[str, float] = {}
            base = fixed + TYPED.n_layer * per_layer  # the typed models' own fixed cost (vocabulary tiny)
            first: dict[str, float] = {}
            first_pre: dict[str, float] = {}
            # Three passes in alternating order; the best of all counts. On a shared machine a type's rate moved
            # 2x between single passes (a neighbour's burst lasts seconds), so every type gets several chances
            # spread over the whole test, its prompt too (a 128-token prompt costs tens of milliseconds; one pass
            # of it gave half the rate of another run's). The first pass may see files still flushing.
            # The MoE model and its dense twin after each pass too (three pairs spread over the test, see MOE_TWIN).
            moe_type = "Q4_K" if "Q4_K" in types else types[0]
            moe_runs: list[tuple[float, float]] = []
            twin_runs: list[float] = []

            def moe_pair(last: bool) -> None:
                moe_runs.append(measure(MOE, moe_type, True, keep=not last))
                twin_runs.append(measure(MOE_TWIN, moe_type, False, keep=not last)[0])

            for order in (types, tuple(reversed(types))):
                moe_pair(last=False)
                for type_name in order:
                    t_tok, t_pre = measure(TYPED, type_name, True, keep=True)
                    first[type_name] = min(first.get(type_name, t_tok), t_tok)
                    first_pre[type_name] = _best(first_pre.get(type_name, t_pre), t_pre)
            ram_pass(last=False)
            for type_name in types:  # last pass: the files go (F16's after the attention pass, which uses it)
                again = measure(TYPED, type_name, True, keep=type_name == ATTN_TYPE)
                t_tok = min(first[type_name], again[0])
                t_pre = _best(first_pre[type_name], again[1])
                read, weights = _weight_bytes(TYPED, type_name)
                reads[type_name] = read / max(t_tok - base, t_tok * 0.2) / 1e9
                flops[type_name] = 2 * weights / t_pre / 1e9 if t_pre == t_pre else reads[type_name] * 4
                samples[type_name] = {"decode_s": t_tok, "prefill_s": t_pre}
                samples[f"{type_name}_rate"] = reads[type_name]
                step(msg("{type} weights", type=type_name))
            long_fill = attention()
            samples["attention"] = long_fill
            attn, attn_prefill = _attention_rates(long_fill, flops.get(ATTN_TYPE) or max(flops.values()))
            mha_factor = _mha_factor(long_fill)
            step(msg("attention"))
            t_vocab, _ = measure(VOCAB, VOCAB_TYPE, False)
            out_read, _ = _weight_bytes(VOCAB, VOCAB_TYPE)
            rate = reads.get(VOCAB_TYPE) or next(iter(reads.values()))
            per_vocab = max(0.0, (t_vocab - t_fixed - (out_read - _weight_bytes(FIXED, "F16")[0]) / (rate * 1e9))
                            / (VOCAB.n_vocab - FIXED.n_vocab))
            fixed = max(0.0, fixed - FIXED.n_vocab * per_vocab)
            step(msg("cost per vocabulary entry"))
            moe_pair(last=True)
            ram_pass(last=True)
            step(msg("weights read from memory"))
            t_moe, t_moe_pre = _best(*(r[0] for r in moe_runs)), _best(*(r[1] for r in moe_runs))
            samples["moe"] = {"type": moe_type, "decode_s": t_moe, "prefill_s": t_moe_pre,
                              "pairs_s": [[m[0], t] for m, t in zip(moe_runs, twin_runs, strict=True)]}
            step(msg("mixture of experts"))
        finally:
            if own:
                client.shutdown()
    samples.update({"fixed_s": t_fixed, "layers_s": t_layers, "vocab_s": t_vocab})
    ram_read, _ = _weight_bytes(ram, RAM_TYPE)
    t_ram = _best(*ram_runs)
    ram_base = fixed + ram.n_layer * per_layer + ram.n_vocab * per_vocab
    ram_gb_s = ram_read / max(t_ram - ram_base, t_ram * 0.5) / 1e9 if t_ram == t_ram else 0.0
    samples["ram"] = {"bytes": ram_read, "layers": ram.n_layer, "decode_s": ram_runs}  # [] when skipped
    gpu_result = _gpu_pass(hw, threads, step, prefill=gpu_prefill) if gpu else {}
    size = 256 * 1024**2
    available = hw.memory.available_bytes or 0
    if available and 4 * cache < available // 8:
        size = max(size, 2 * cache)  # the copy must not fit in the cache
    memory = measure_ram_bandwidth(None, seconds=memory_seconds, buffer_bytes=size, threads=os.cpu_count() or 1)
    step(msg("memory bandwidth"))
    provisional = SpeedProfile(
        fingerprint=fingerprint_of(hw), engine_version=engine_version(), measured_at=time.time(), threads=threads,
        read_gb_s=reads, prefill_gflops=flops, fixed_s=fixed, per_vocab_s=per_vocab, per_layer_s=per_layer,
        memory_gb_s=memory.value, memory_how=memory.source, cache_bytes=cache, seconds=0.0, attn_gflops=attn,
        attn_prefill_gflops=attn_prefill, expert_matrix_s=0.0, moe_prefill=1.0, ram_read_gb_s=ram_gb_s,
    )
    pairs = [(m[0], t) for m, t in zip(moe_runs, twin_runs, strict=True)]
    expert_matrix_s, moe_prefill = _moe_factors(provisional, params, pairs, t_moe_pre, prefill_tokens)
    profile = SpeedProfile(
        fingerprint=fingerprint_of(hw), engine_version=engine_version(), measured_at=time.time(), threads=threads,
        read_gb_s={k: round(v, 3) for k, v in reads.items()},
        prefill_gflops={k: round(v, 3) for k, v in flops.items()},
        fixed_s=fixed, per_vocab_s=per_vocab, per_layer_s=per_layer, memory_gb_s=memory.value,
        memory_how=memory.source, cache_bytes=cache, seconds=round(time.perf_counter() - start, 2),
        attn_gflops=round(attn, 3), attn_prefill_gflops=round(attn_prefill, 3), attn_mha_factor=round(mha_factor, 3),
        expert_matrix_s=expert_matrix_s, ram_read_gb_s=round(ram_gb_s, 2),
        moe_prefill=round(moe_prefill, 3), gpu=gpu_result,
        how=(f"synthetic models through the engine at {threads} threads: {decode_tokens} decoded tokens "
             f"(median interval) and a {prefill_tokens}-token prompt per type; weights read from RAM: "
             + (f"{ram_read / 1024**2:.0f} MiB in F16" if ram_runs else "skipped (no room for the model)")
             + f"; {memory.source}"),
        samples=samples,
    )
    if store:
        store_profile(profile)
    return profile


def _gpu_pass(hw: HardwareSnapshot, threads: int, step: Callable[[Message], None], *,
              prefill: bool = True) -> dict[str, Any]:
    """The GPU the planner would use, measured like the CPU: every layer of the fixed-cost models and of a larger
    typed model on it, through the GPU build the chat would load. {"skipped": reason} when it cannot run.
    `prefill=False`: decode only (benchmarks/gpu_placement.py on Mesa's software Vulkan, whose batched products
    crash the engine); the prefill rates are then the coarse 50 GFLOP/s per GB/s the tables use."""
    from modelnest.core.engine.errors import EngineError
    from modelnest.core.engine.runtime import select_runtime
    from modelnest.core.errors import ModelNestError
    from modelnest.core.plan.planner import choose_gpu

    gpu = choose_gpu(hw)
    if gpu is None:
        return {}
    backend = (gpu.backend or "vulkan").split("/")[0]
    runtime = select_runtime(hw.gpus)
    if runtime.lib_dir is None and runtime.variant != "metal":  # the portable CPU build cannot drive it
        return {"skipped": msg("no GPU build of llama.cpp for {gpu}: {reason}", gpu=gpu.name,
                               reason=runtime.reason).to_json()}
    params = EngineParams(n_ctx=512, n_batch=512, n_ubatch=512, n_gpu_layers=ALL_LAYERS, n_threads=threads,
                          n_threads_batch=threads, flash_attn=True, use_mmap=True)
    client = EngineClient(hang_timeout=120, runtime=runtime)
    reads: dict[str, float] = {}
    flops: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="modelnest-speedtest-gpu-") as tmp:

        def measure(shape: SyntheticShape, type_name: str, prefill: bool) -> tuple[float, float]:
            path = Path(tmp) / f"{shape.name}-{type_name}.gguf"
            write_model(path, shape, type_name)
            report = client.load(path, params)
            if report.gpu_layers_offloaded < shape.n_layer:
                raise _NotOnGpu(report.gpu_layers_offloaded)
            _time_decode(client, 4)  # warm-up: the first tokens allocate and upload
            t_tok = _time_decode(client, GPU_DECODE_TOKENS, rounds=3)
            t_pre = _time_prefill(client, PREFILL_TOKENS, "w") if prefill else float("nan")
            client.unload()
            path.unlink()
            return t_tok, t_pre

        try:
            client.start()
            t_fixed, _ = measure(FIXED, "F16", False)
            step(msg("fixed cost per token on the GPU"))
            t_layers, _ = measure(LAYERS, "F16", False)
            step(msg("cost per layer on the GPU"))
            per_layer = max(0.0, (t_layers - t_fixed) / (LAYERS.n_layer - FIXED.n_layer))
            fixed = max(0.0, t_fixed - FIXED.n_layer * per_layer)
            base = fixed + GPU_TYPED.n_layer * per_layer
            for type_name in GPU_TYPES:
                t_tok, t_pre = measure(GPU_TYPED, type_name, prefill)
                read, weights = _weight_bytes(GPU_TYPED, type_name)
                reads[type_name] = round(read / max(t_tok - base, t_tok * 0.2) / 1e9, 3)
                flops[type_name] = round(2 * weights / t_pre / 1e9, 3) if t_pre == t_pre else reads[type_name] * 50
                step(msg("{type} weights on the GPU", type=type_name))
        except _NotOnGpu as exc:
            why = msg("the GPU build loaded only {n} layers on {gpu}", n=exc.layers, gpu=gpu.name)
            return {"skipped": why.to_json()}
        except (ModelNestError, OSError) as exc:  # the engine, or a model file (ModelNestError: both say why)
            return {"skipped": msg("the GPU could not be measured: {error}", error=exc.explanation
                                   if isinstance(exc, EngineError) else str(exc)).to_json()}
        finally:
            client.shutdown()
            step(msg("GPU done"))
    return GpuProfile(gpu.name, backend, reads, flops, fixed, per_layer).to_dict()


class _NotOnGpu(Exception):
    def __init__(self, layers: int) -> None:
        super().__init__(layers)
        self.layers = layers


def _attention_rates(timings: dict[str, float], f16_gflops: float) -> tuple[float, float]:
    """GFLOP/s of attention, decode and prefill, from the attention model's short and long fills (the defaults
    when the difference is not larger than noise). Prefill's is at most `f16_gflops`, the rate of the F16 weights'
    batched products: attention is F16 products of the same kind and no faster. The long prompt's extra time is a
    sixth of its whole here, so a short prompt slowed by a neighbour once made it 475 GFLOP/s (65-105 in five
    other runs), which would have made long prompts' attention almost free."""
    from modelnest.core.plan.spec import ModelSpec
    from modelnest.core.plan.speed import attention_flops

    spec = ModelSpec.from_architecture(arch="llama", n_layer=ATTN.n_layer, n_embd=ATTN.n_embd, n_head=ATTN.n_head,
                                       n_head_kv=ATTN.n_head_kv, n_vocab=ATTN.n_vocab, n_ff=ATTN.n_ff,
                                       n_ctx_train=ATTN.n_ctx_train, quant="F16", n_params=1)
    per_cell = sum(attention_flops(spec, il, 1) for il in range(ATTN.n_layer))
    attn, attn_prefill = 4.0, 10.0
    extra_decode = timings.get("decode_long_s", 0.0) - timings.get("decode_short_s", 0.0)
    if extra_decode > 0:  # each decoded token attends to ATTN_LONG - ATTN_SHORT more cells
        attn = per_cell * (ATTN_LONG - ATTN_SHORT) / extra_decode / 1e9
    extra_prefill = timings.get("prefill_long_s", 0.0) - timings.get("prefill_short_s", 0.0)
    if extra_prefill > 0:  # a prompt token attends to half the prompt on average
        attn_prefill = per_cell * (ATTN_LONG - ATTN_PREFILL_SHORT) / 2 / extra_prefill / 1e9
    return attn, min(attn_prefill, f16_gflops) if f16_gflops > 0 else attn_prefill


def _mha_factor(timings: dict[str, float]) -> float:
    """How much more a multi-head model's decode attention costs than a grouped one's of the same heads and flops
    (the default when either difference is not larger than noise); bounded so that one noisy run decides little."""
    grouped = timings.get("decode_long_s", 0.0) - timings.get("decode_short_s", 0.0)
    multi = timings.get("mha_decode_long_s", 0.0) - timings.get("mha_decode_short_s", 0.0)
    if grouped <= 0 or multi <= 0:
        return MHA_ATTENTION_FACTOR
    return min(4.0, max(1.0, multi / grouped))


def _moe_factors(provisional: SpeedProfile, params: EngineParams, pairs: list[tuple[float, float]],
                 t_prefill: float, prefill_tokens: int) -> tuple[float, float]:
    """(seconds per used expert matrix per layer, prefill factor): how much slower than its bytes and weights the
    MoE model ran. Decode: the median over `pairs` (MoE model, dense twin, timed back to back) of how much more the
    MoE model took than its twin, beyond what their bytes predict. The provisional profile has no MoE costs."""
    import math

    from modelnest.core.hardware.model import BandwidthInfo, CpuInfo, DiskInfo, MemoryInfo
    from modelnest.core.plan.spec import ModelSpec
    from modelnest.core.plan.speed import predict

    moe_type = "Q4_K" if "Q4_K" in provisional.read_gb_s else next(iter(provisional.read_gb_s))

    def spec_of(shape: SyntheticShape) -> ModelSpec:
        return ModelSpec(
            arch=shape.arch, n_layer=shape.n_layer, n_embd=shape.n_embd, n_head=shape.n_head,
            n_head_kv=(shape.n_head_kv,) * shape.n_layer, head_dim_k=shape.n_embd // shape.n_head,
            head_dim_v=shape.n_embd // shape.n_head, n_vocab=shape.n_vocab, n_ff=shape.n_ff,
            n_ctx_train=shape.n_ctx_train, file_bytes=0, quant=moe_type, n_params=0,
            tensors=tuple(_tensor_infos(shape, moe_type)), expert_count=shape.n_expert,
            expert_used_count=shape.n_expert_used, expert_ff=shape.n_ff_exp,
        )

    spec = spec_of(MOE)
    hw = HardwareSnapshot(CpuInfo(), MemoryInfo(), [], DiskInfo(), BandwidthInfo())
    predicted_moe = 1.0 / predict(spec, params, hw, profile=provisional, fill_tokens=1 + 4).decode_tokens_per_s
    predicted_twin = 1.0 / predict(spec_of(MOE_TWIN), params, hw, profile=provisional,
                                   fill_tokens=1 + 4).decode_tokens_per_s
    prefill_fill = predict(spec, params, hw, profile=provisional, fill_tokens=prefill_tokens)
    calls = MOE.n_layer * 3 * MOE.n_expert_used
    extra = [(m - t) - (predicted_moe - predicted_twin) for m, t in pairs if math.isfinite(m) and math.isfinite(t)]
    per_matrix = statistics.median(extra) / calls if extra else 3e-6
    pre = t_prefill * prefill_fill.prefill_tokens_per_s if math.isfinite(t_prefill) else 1.0
    # Bounded: one noisy run must not make MoE free or ten times slower.
    return min(50e-6, max(0.0, per_matrix)), min(6.0, max(0.5, pre))


def _tensor_infos(shape: SyntheticShape, type_name: str) -> list[Any]:
    from modelnest.core.gguf import TensorInfo

    out = []
    offset = 0
    for name, dims, t in tensor_list(shape, type_name):
        info = TYPE_BY_NAME[t]
        n = 1
        for d in dims:
            n *= d
        size = n // info.block_size * info.type_size
        out.append(TensorInfo(name, dims, info.id, offset, size))
        offset += size
    return out
