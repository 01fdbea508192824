"""What the engine's embedding context costs: its buffers (as llama.cpp logs them) and the engine's memory growth
for inputs of rising length, on a synthetic model with a Llama-3-sized vocabulary (128k tokens, 32 heads).

    .venv/bin/python benchmarks/embedding_memory.py [--vocab 128000] [--workdir /tmp/modelnest-embed-bench]

The vocabulary dominates: in embedding mode llama.cpp computes and keeps the logits of every input token.
Figures are measured on this machine (CPU, no flash attention); the model's weights are random.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import psutil  # noqa: E402
from support.gguf_models import ModelShape, write_model  # noqa: E402

from modelnest.core.engine.client import CrashLedger, EngineClient  # noqa: E402
from modelnest.core.engine.params import EngineParams  # noqa: E402

MIB = 1024**2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=128_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/modelnest-embed-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"vocab{args.vocab}.gguf"
    shape = ModelShape(n_layer=4, n_embd=512, n_head=32, n_head_kv=8, n_ff=1024, extra_vocab=args.vocab - 300,
                       name=f"embed-bench-{args.vocab}")
    if not path.exists():
        write_model(path, shape)
    params = EngineParams(n_ctx=4096, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2)
    with EngineClient(ledger=CrashLedger(), hang_timeout=60) as engine:
        engine.load(path, params)
        assert engine.pid is not None
        proc = psutil.Process(engine.pid)
        base = proc.memory_info().rss
        print("| longest input | embedding context | KV cache | compute buffer | output buffer | engine grew by |")
        print("|---|---|---|---|---|---|")
        for words in (10, 60, 150, 300):
            result = engine.embed(["the " * words])
            c = result.context or {}
            print(f"| {result.tokens[0]} tokens | {c.get('n_ctx')} | {c.get('kv_bytes', 0) / MIB:.1f} MiB | "
                  f"{c.get('compute_bytes', 0) / MIB:.0f} MiB | {c.get('output_bytes', 0) / MIB:.0f} MiB | "
                  f"{(proc.memory_info().rss - base) / MIB:.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
