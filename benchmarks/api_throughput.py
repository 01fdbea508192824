"""Decode speed of one stream through ModelNest's OpenAI-compatible API vs the engine directly; TTFB; concurrency.

The same engine process serves both: an engine run calls EngineClient.generate in this process (tokens timed as
the parent receives them), an API run streams /v1/completions over loopback with httpx (tokens timed as the HTTP
client receives the SSE events, so JSON, SSE framing, the event loop and TCP all count). Runs alternate, so slow
drifts in machine load cancel in the per-pair ratio; goal ≥ 0.97. Then 1, 2 and 4 concurrent streams: the engine
holds one sequence, so they are served one after another and the aggregate should stay at the single-stream
rate (printed beside it).

    .venv/bin/python benchmarks/api_throughput.py [--runs 3] [--tokens 96] [--threads 2] [--tiny]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx  # noqa: E402
from engine_overhead import PROMPT, bench_model  # noqa: E402
from support.gguf_models import write_model  # noqa: E402

from modelnest.core.engine.client import EngineClient, TokenEvent  # noqa: E402
from modelnest.core.engine.params import EngineParams, GenerationSummary, SamplingParams  # noqa: E402
from modelnest.core.server.config import ServerConfig, new_token  # noqa: E402
from modelnest.core.server.run import ApiServer  # noqa: E402

# Sampled, not greedy: greedy decoding of random weights can settle on a token with no text (a control token),
# and the API sends no event for an empty piece. Same sampler and seed on both paths; both time pieces with text.
SEED = 1234


ENGINE_LOCK = threading.Lock()  # the engine's two users (this script and the API) take turns, like the app's chat


# Both paths are timed the same way: from the first token (the API sends its first byte right after it) to the end
# of the generation, over the tokens in between. Counting only pieces with text would not be fair: a random model
# emits textless tokens (control tokens, parts of a UTF-8 character), 10-20 of 96, a different number each run,
# and the API sends no event for them (measured: 79 vs 83, 86 vs 79 text pieces for the same prompt and seed).


def engine_run(engine: EngineClient, prompt: str, tokens: int) -> tuple[float, float]:
    """(decode tokens/s, seconds to the first token) as the parent process receives them."""
    sampling = SamplingParams(temperature=1.0, top_k=40, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=SEED,
                              max_tokens=tokens, ignore_eos=True)
    started = time.perf_counter()
    first = end = 0.0
    generated = 0
    with ENGINE_LOCK:
        for event in engine.generate(prompt=prompt, sampling=sampling):
            if isinstance(event, TokenEvent):
                first = first or time.perf_counter()
            elif isinstance(event, GenerationSummary):
                end, generated = time.perf_counter(), event.tokens
                if event.stop_reason != "length":
                    raise RuntimeError(f"engine run ended early: {event.stop_reason}")
    return (generated - 1) / (end - first), first - started


def api_run(url: str, token: str, model: str, prompt: str, tokens: int) -> tuple[float, float, float, int]:
    """(decode tokens/s, time to first byte, end time, tokens) as an HTTP client receives the stream."""
    body = {"model": model, "prompt": prompt, "max_tokens": tokens, "temperature": 1.0, "top_k": 40, "top_p": 1.0,
            "min_p": 0.0, "repeat_penalty": 1.0, "seed": SEED, "ignore_eos": True, "stream": True,
            "stream_options": {"include_usage": True}}
    started = time.perf_counter()
    first_byte = 0.0
    generated = 0
    with httpx.Client(timeout=600) as client, client.stream(
            "POST", url + "/completions", json=body, headers={"Authorization": f"Bearer {token}"}) as response:
        response.raise_for_status()
        for chunk in response.iter_raw():
            now = time.perf_counter()
            if not first_byte:
                first_byte = now - started
            for line in chunk.split(b"\n"):
                if line.startswith(b"data: {"):
                    usage = json.loads(line[6:]).get("usage")
                    if usage:
                        generated = int(usage["completion_tokens"])
    end = time.perf_counter()
    return (generated - 1) / (end - started - first_byte), first_byte, end, generated


def concurrent(url: str, token: str, model: str, n: int, tokens: int) -> float:
    """Aggregate tokens/s of n simultaneous streams (total pieces received / wall time)."""
    results: list[tuple[float, float, float, int]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        r = api_run(url, token, model, f"stream {i}. " + PROMPT, tokens)
        with lock:
            results.append(r)

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(r[3] for r in results) / (max(r[2] for r in results) - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tiny", action="store_true", help="a tiny random model (fast; overheads magnified)")
    args = parser.parse_args()
    if args.tiny:
        model_path = Path.home() / ".cache" / "modelnest" / "bench" / "api-tiny-F16.gguf"
        model_path.parent.mkdir(parents=True, exist_ok=True)
        if not model_path.exists():
            write_model(model_path)
    else:
        model_path = bench_model()
    params = EngineParams(n_ctx=2048, n_batch=512, n_ubatch=512, n_threads=args.threads, n_threads_batch=args.threads)
    token = new_token()
    ours: list[float] = []
    direct: list[float] = []
    ttfb: list[float] = []
    ttft: list[float] = []
    with EngineClient(hang_timeout=120) as engine:
        engine.load(model_path, params)
        config = ServerConfig(token=token, port=0, model_id=model_path.stem, max_tokens=4096)
        with ApiServer(engine, config, engine_lock=ENGINE_LOCK) as server:
            url, model = server.url, model_path.stem
            engine_run(engine, PROMPT, 8)  # warm-up (first decode allocates)
            api_run(url, token, model, "warm " + PROMPT, 8)
            for i in range(args.runs):
                # a different first word each run: the KV cache cannot skip the prompt, so prefill is equal
                rate, first = engine_run(engine, f"engine {i}. " + PROMPT, args.tokens)
                direct.append(rate)
                ttft.append(first)
                rate, first_byte, _, _ = api_run(url, token, model, f"api {i}. " + PROMPT, args.tokens)
                ours.append(rate)
                ttfb.append(first_byte)
            aggregate = {n: concurrent(url, token, model, n, args.tokens) for n in (1, 2, 4)}
    o, d = statistics.median(ours), statistics.median(direct)
    pairs = [a / b for a, b in zip(ours, direct, strict=True)]
    print(f"model: {model_path.name} ({model_path.stat().st_size / 2**20:.0f} MiB), threads {args.threads}, "
          f"{args.tokens} tokens, {args.runs} runs")
    print(f"engine directly    : {d:7.2f} tokens/s  (runs: {', '.join(f'{x:.2f}' for x in direct)})")
    print(f"through the API    : {o:7.2f} tokens/s  (runs: {', '.join(f'{x:.2f}' for x in ours)})")
    print(f"ratio API/engine   : {statistics.median(pairs):.3f} median of pairs "
          f"({', '.join(f'{x:.3f}' for x in pairs)}); ratio of medians {o / d:.3f}  (goal >= 0.97)")
    print(f"first token        : engine {statistics.median(ttft) * 1000:.0f} ms; API time to first byte "
          f"{statistics.median(ttfb) * 1000:.0f} ms (median)")
    for n, rate in aggregate.items():
        print(f"{n} concurrent stream{'s' if n > 1 else ' '} : {rate:7.2f} tokens/s aggregate  "
              f"(single stream, engine directly: {d:.2f})")


if __name__ == "__main__":
    main()
