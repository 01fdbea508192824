"""Decode speed through ModelNest's engine process vs a raw llama_cpp eval loop on the same model and threads.

Builds (once, cached) a 1.1B-parameter-shape llama model with random weights, quantized to Q4_K_M by
llama.cpp, then alternates runs: engine (tokens timed as the parent receives them, so pipe and JSON costs
count) and a raw loop in its own process (llama_decode + greedy sampler, nothing else). Prints both medians
and their ratio; goal ≥ 0.98.

    .venv/bin/python benchmarks/engine_overhead.py [--runs 3] [--tokens 96] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.gguf_models import ONE_B, quantize, write_model  # noqa: E402

from modelnest.core.engine.client import EngineClient, TokenEvent  # noqa: E402
from modelnest.core.engine.params import EngineParams, SamplingParams  # noqa: E402

PROMPT = "The quick brown fox jumps over the lazy dog. " * 2

RAW_LOOP = r"""
import ctypes, json, sys, time
import llama_cpp as ll
path, threads, n_tokens, prompt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
quiet = ll.llama_log_callback(lambda *a: None)  # keep a reference: C calls it later
ll.llama_log_set(quiet, ctypes.c_void_p(0))
ll.llama_backend_init()
mp = ll.llama_model_default_params()
model = ll.llama_model_load_from_file(path.encode(), mp)
cp = ll.llama_context_default_params()
cp.n_ctx, cp.n_batch, cp.n_ubatch, cp.n_threads, cp.n_threads_batch = 2048, 512, 512, threads, threads
cp.flash_attn_type = ll.LLAMA_FLASH_ATTN_TYPE_ENABLED
ctx = ll.llama_init_from_model(model, cp)
vocab = ll.llama_model_get_vocab(model)
data = prompt.encode()
toks = (ll.llama_token * (len(data) + 16))()
n = ll.llama_tokenize(vocab, data, len(data), toks, len(data) + 16, True, True)
ll.llama_decode(ctx, ll.llama_batch_get_one(toks, n))
smpl = ll.llama_sampler_chain_init(ll.llama_sampler_chain_default_params())
ll.llama_sampler_chain_add(smpl, ll.llama_sampler_init_greedy())
buf = ctypes.create_string_buffer(64)
times = []
for i in range(n_tokens):
    tok = ll.llama_sampler_sample(smpl, ctx, -1)
    ll.llama_token_to_piece(vocab, tok, buf, 64, 0, False)
    times.append(time.perf_counter())
    one = (ll.llama_token * 1)(tok)
    ll.llama_decode(ctx, ll.llama_batch_get_one(one, 1))
print(json.dumps({"decode_tokens_per_s": (len(times) - 1) / (times[-1] - times[0])}))
"""


def bench_model() -> Path:
    cache = Path.home() / ".cache" / "modelnest" / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    q4 = cache / "bench-1.1b-Q4_K_M.gguf"
    if not q4.exists():
        f16 = cache / "bench-1.1b-F16.gguf"
        print("building the 1.1B-shape model (once; a few minutes)...", file=sys.stderr)
        write_model(f16, ONE_B)
        quantize(f16, q4, "Q4_K_M")
        f16.unlink()
    return q4


def engine_run(engine: EngineClient, tokens: int) -> float:
    received: list[float] = []
    for event in engine.generate(
        prompt=PROMPT, sampling=SamplingParams(temperature=0.0, repeat_penalty=1.0, max_tokens=tokens, ignore_eos=True)
    ):
        if isinstance(event, TokenEvent):
            received.append(time.perf_counter())
    return (len(received) - 1) / (received[-1] - received[0])


def raw_run(model: Path, threads: int, tokens: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", RAW_LOOP, str(model), str(threads), str(tokens), PROMPT],
        capture_output=True, text=True, check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["decode_tokens_per_s"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    model = bench_model()
    params = EngineParams(n_ctx=2048, n_batch=512, n_ubatch=512, n_threads=args.threads, n_threads_batch=args.threads)
    ours: list[float] = []
    raw: list[float] = []
    with EngineClient(hang_timeout=120) as engine:
        engine.load(model, params)
        engine_run(engine, 8)  # warm-up (first decode allocates)
        for _ in range(args.runs):
            raw.append(raw_run(model, args.threads, args.tokens))
            engine.run(prompt="reset", sampling=SamplingParams(max_tokens=1))  # new prompt: same prefill each run
            ours.append(engine_run(engine, args.tokens))
    o, r = statistics.median(ours), statistics.median(raw)
    # Each engine run follows its raw run at once: the per-pair ratio cancels slow drifts in machine load.
    pairs = [a / b for a, b in zip(ours, raw, strict=True)]
    print(f"model: {model.name} ({model.stat().st_size / 2**20:.0f} MiB), threads {args.threads}, {args.tokens} tokens")
    print(f"raw llama_cpp loop : {r:6.2f} tokens/s  (runs: {', '.join(f'{x:.2f}' for x in raw)})")
    print(f"ModelNest engine   : {o:6.2f} tokens/s  (runs: {', '.join(f'{x:.2f}' for x in ours)})")
    print(
        f"ratio engine/raw   : {statistics.median(pairs):.3f} median of pairs ({', '.join(f'{x:.3f}' for x in pairs)})"
        f"; ratio of medians {o / r:.3f}  (goal >= 0.98)"
    )


if __name__ == "__main__":
    main()
