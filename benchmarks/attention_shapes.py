"""What decode attention costs per cached cell on this CPU, by head layout: multi-head vs grouped-query.

Seven llama-shape models (6 layers, 512-wide rows but 768 for the 12-head one, Q8_0) that differ only in their
attention heads: query heads × head size over 1-8 KV heads. Each is decoded after a 600- and a 1,600-token
prompt (both past the 512 cells from which llama.cpp's CPU flash attention splits the cache over threads); the
difference is the attention over 1,000 more cells, so the weights cancel. Printed per cell and layer, per query
head and cell, and as a ratio to the grouped baseline of the same heads (8 × 64 over 2 KV heads; 4 × 128 over 1).
The speed test measures the same ratio on its own shape (core/plan/speedtest.py, ATTN_MHA).

    .venv/bin/python benchmarks/attention_shapes.py [--threads N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
WORK = Path(tempfile.mkdtemp(prefix="attention-shapes-"))
os.environ["MODELNEST_HOME"] = str(WORK / "home")

from speed_accuracy import run_once  # noqa: E402

from modelnest.core.engine.client import EngineClient  # noqa: E402
from modelnest.core.engine.params import EngineParams  # noqa: E402
from modelnest.core.plan.synthetic import SyntheticShape, write_model  # noqa: E402

# name: (n_embd, query heads, KV heads, baseline of the same heads and head size)
SHAPES = {
    "8x64 over 2": (512, 8, 2, None),
    "8x64 over 4": (512, 8, 4, "8x64 over 2"),
    "8x64 over 8 (MHA)": (512, 8, 8, "8x64 over 2"),
    "16x32 over 2": (512, 16, 2, None),
    "4x128 over 1": (512, 4, 1, None),
    "4x128 over 4 (MHA)": (512, 4, 4, "4x128 over 1"),
    "12x64 over 4": (768, 12, 4, None),
}
FILLS = (600, 1600)
LAYERS = 6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    params = EngineParams(n_ctx=4096, n_batch=512, n_ubatch=512, n_threads=args.threads,
                          n_threads_batch=args.threads, flash_attn=True)
    per_head: dict[str, float] = {}
    print(f"{'layout':<22}{'ms/token at 600':>16}{'at 1600':>9}{'ns/cell·layer':>15}{'ns/head·cell':>14}"
          f"{'vs grouped':>12}")
    with EngineClient(hang_timeout=300) as engine:
        for index, (name, (n_embd, n_head, n_head_kv, baseline)) in enumerate(SHAPES.items()):
            shape = SyntheticShape(arch="llama", n_layer=LAYERS, n_embd=n_embd, n_head=n_head, n_head_kv=n_head_kv,
                                   n_ff=1536, n_vocab=8192, name=f"attention-{index}")
            path = write_model(WORK / f"{shape.name}.gguf", shape, "Q8_0")
            engine.load(path, params)
            run_once(engine, 8)  # warm-up
            # best of four, each prompt of its own letter (no run reuses another's cache)
            seconds = {fill: min(1 / run_once(engine, fill, letter)[0] for letter in "xyzw") for fill in FILLS}
            engine.unload()
            path.unlink()
            per_cell = (seconds[FILLS[1]] - seconds[FILLS[0]]) / (FILLS[1] - FILLS[0]) / LAYERS
            per_head[name] = per_cell / n_head
            ratio = f"{per_head[name] / per_head[baseline]:.2f}x" if baseline in per_head else "baseline"
            print(f"{name:<22}{seconds[FILLS[0]] * 1e3:>16.2f}{seconds[FILLS[1]] * 1e3:>9.2f}"
                  f"{per_cell * 1e9:>15.0f}{per_head[name] * 1e9:>14.1f}{ratio:>12}", flush=True)


if __name__ == "__main__":
    main()
