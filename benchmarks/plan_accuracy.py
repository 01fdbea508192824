"""How right is the planner? Predicted memory and speed vs what llama.cpp allocates and does on this machine.

Generates random models of four architectures (llama GQA; llama MHA with tied embeddings; qwen2 with QKV
biases; phi3 with fused QKV), quantizes each with llama.cpp (F16, Q8_0, Q4_K_M, Q5_K_S), plans each for this
CPU at several contexts, loads each with the plan's engine_params and compares. Goals: weights and KV within
0.5 %, total within 2 % or 16 MiB (analytic); exact mode equal to the real load; decode speed within ±25 %
after one calibration run (the raw, uncalibrated error is printed too).

    .venv/bin/python benchmarks/plan_accuracy.py [--contexts 512,4096,32768] [--quants F16,Q8_0,Q4_K_M,Q5_K_S]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.gguf_models import ModelShape, quantize, write_model  # noqa: E402

from modelnest.core.engine.client import EngineClient, TokenEvent  # noqa: E402
from modelnest.core.engine.params import SamplingParams  # noqa: E402
from modelnest.core.gguf import read_file  # noqa: E402
from modelnest.core.hardware import probe  # noqa: E402
from modelnest.core.plan import Calibration, ModelSpec, learn_from_run, plan, predict, run_class  # noqa: E402
from modelnest.core.plan.exact import measure_file  # noqa: E402
from modelnest.core.plan.planner import model_key  # noqa: E402

MIB = 2**20
VOCAB = 32000 - 292  # the builder's base vocabulary is 292 entries
ARCHS = {
    "llama-gqa": ModelShape(n_layer=4, n_embd=1024, n_head=16, n_head_kv=4, n_ff=2816, n_ctx_train=32768,
                            extra_vocab=VOCAB, name="bench-llama-gqa"),
    "llama-mha-tied": ModelShape(n_layer=4, n_embd=1024, n_head=16, n_head_kv=16, n_ff=2816, n_ctx_train=32768,
                                 tied_embeddings=True, extra_vocab=VOCAB, name="bench-llama-mha"),
    "qwen2-bias": ModelShape(n_layer=4, n_embd=1024, n_head=16, n_head_kv=2, n_ff=2816, n_ctx_train=32768,
                             arch="qwen2", extra_vocab=VOCAB, name="bench-qwen2"),
    "phi3-fused": ModelShape(n_layer=4, n_embd=1024, n_head=16, n_head_kv=16, n_ff=2816, n_ctx_train=32768,
                             arch="phi3", extra_vocab=VOCAB, name="bench-fused-qkv"),
}


def pct(a: float, b: float) -> float:
    return 100.0 * (a - b) / b if b else 0.0


PROMPT_TOKENS = 4  # "hello world" with BOS, as this vocabulary tokenizes it (about)
DECODE_TOKENS = 48


def decode_speed(engine: EngineClient, n: int = DECODE_TOKENS) -> float:
    times = []
    for event in engine.generate(
        prompt="hello world", sampling=SamplingParams(temperature=0, max_tokens=n, ignore_eos=True)
    ):
        if isinstance(event, TokenEvent):
            import time

            times.append(time.perf_counter())
    return (len(times) - 1) / (times[-1] - times[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contexts", default="512,4096,32768")
    parser.add_argument("--quants", default="F16,Q8_0,Q4_K_M,Q5_K_S")
    args = parser.parse_args()
    contexts = [int(c) for c in args.contexts.split(",")]
    quants = args.quants.split(",")
    hw = probe(with_sensors=False)
    work = Path(tempfile.mkdtemp(prefix="plan-accuracy-"))
    calibration = Calibration(work / "calibration.json")
    rows = []
    worst = {"weights": 0.0, "kv": 0.0, "total_ok": True, "exact_equal": True, "speed_cal": 0.0, "speed_raw": 0.0}
    header = f"{'model':<16}{'quant':<8}{'ctx':>6} | {'weights pred/real MiB':>24} {'err%':>6} | {'KV err%':>7} | " \
             f"{'total pred/real MiB':>22} {'err':>9} | exact | {'t/s real':>8} {'raw err%':>8} {'cal err%':>8}"
    print(header)
    print("-" * len(header))
    with EngineClient(hang_timeout=120) as engine:
        for arch, shape in ARCHS.items():
            f16 = write_model(work / f"{arch}-F16.gguf", shape)
            for quant in quants:
                path = f16 if quant == "F16" else quantize(f16, work / f"{arch}-{quant}.gguf", quant)
                spec = ModelSpec.from_header(read_file(path))
                for i, ctx in enumerate(contexts):
                    p = plan(spec, hw, ctx, calibration=calibration)
                    real = engine.load(path, p.engine_params)
                    exact = measure_file(path, p.engine_params, engine)
                    real = engine.load(path, p.engine_params)
                    measured = decode_speed(engine)
                    m = p.memory
                    w_err = pct(m.weights_bytes, real.weights_bytes)
                    kv_err = pct(m.kv_cache_bytes, real.kv_cache_bytes)
                    t_abs = m.total_bytes - real.total_bytes
                    total_ok = abs(t_abs) <= max(0.02 * real.total_bytes, 16 * MIB)
                    exact_equal = exact.total_bytes == real.total_bytes
                    # Compare like with like: the prediction for exactly this run's context fill.
                    fill = PROMPT_TOKENS + DECODE_TOKENS // 2
                    factors = calibration.factors(run_class("cpu", 0, spec.n_layer, spec.quant), model_key(spec))
                    at_fill = predict(spec, p.engine_params, hw, fill_tokens=fill, calibration=factors)
                    raw_err = pct(at_fill.uncalibrated_decode_tokens_per_s, measured)
                    cal_err = pct(at_fill.decode_tokens_per_s, measured) if factors else float("nan")
                    if i == 0:  # the first run of each file calibrates the rest
                        learn_from_run(p, p.engine_params, measured, 0.0, fill, calibration)
                    worst["weights"] = max(worst["weights"], abs(w_err))
                    worst["kv"] = max(worst["kv"], abs(kv_err))
                    worst["total_ok"] &= total_ok
                    worst["exact_equal"] &= exact_equal
                    worst["speed_raw"] = max(worst["speed_raw"], abs(raw_err))
                    if cal_err == cal_err:
                        worst["speed_cal"] = max(worst["speed_cal"], abs(cal_err))
                    rows.append((arch, quant, ctx))
                    print(
                        f"{arch:<16}{quant:<8}{ctx:>6} | "
                        f"{m.weights_bytes / MIB:>11.2f}/{real.weights_bytes / MIB:<11.2f} "
                        f"{w_err:>6.2f} | {kv_err:>7.2f} | "
                        f"{m.total_bytes / MIB:>10.1f}/{real.total_bytes / MIB:<10.1f} "
                        f"{t_abs / MIB:>+8.2f}M | {'=' if exact_equal else '≠':^5} | {measured:>8.1f} {raw_err:>+8.1f} "
                        f"{cal_err:>+8.1f}",
                        flush=True,
                    )
    print()
    print(f"{len(rows)} configurations. Worst weights error {worst['weights']:.3f} % (goal 0.5), worst KV error "
          f"{worst['kv']:.3f} % (goal 0.5), totals within 2 % or 16 MiB: {worst['total_ok']}, exact mode equal to "
          f"real load: {worst['exact_equal']}, decode speed worst error raw {worst['speed_raw']:.0f} % / after one "
          f"calibration run {worst['speed_cal']:.0f} % (goal 25).")


if __name__ == "__main__":
    main()
