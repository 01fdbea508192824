"""Long run of the GGUF header fuzzer (the suite runs a short one: tests/core/gguf/test_fuzz_headers.py).

Mutates the headers of real small models (llama F16 and Q4_K_M, qwen2 with tied embeddings, phi3 with fused
QKV): bit flips, boundary integers at every count/length/dimension/offset/type field, type confusion of the keys
the planner and engine read. Each mutant is read and planned in-process (a GGUFError naming a field, or a plan;
nothing else, within 5 s and 256 MiB of Python allocations); a sample of the accepted ones runs through
`modelnest run` and the real engine, and a sample of the rejected ones through `modelnest inspect` and `plan`
(exit 2, one line). Prints the counts and every failure; exits 1 if there was any.

    python benchmarks/fuzz_gguf.py --seed 1 --mutants 3000 --runs 12
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.gguf_fuzz import Mutator, Tally, clean_failure, cli, judge  # noqa: E402
from support.gguf_models import ModelShape, quantize, write_model  # noqa: E402

from modelnest.core.hardware import probe  # noqa: E402


def bases(root: Path) -> dict[str, Path]:
    f16 = write_model(root / "llama-F16.gguf")
    return {
        "llama-F16": f16,
        "llama-Q4_K_M": quantize(f16, root / "llama-Q4_K_M.gguf", "Q4_K_M"),
        "qwen2-tied": write_model(
            root / "qwen2.gguf", ModelShape(arch="qwen2", name="tiny-random-qwen", tied_embeddings=True, n_layer=3)
        ),
        "phi3-fused": write_model(root / "phi3.gguf", ModelShape(arch="phi3", name="tiny-random-fused")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mutants", type=int, default=3000, help="in total, spread over the base models")
    parser.add_argument("--runs", type=int, default=12, help="accepted mutants run through the engine")
    parser.add_argument("--cli-rejected", type=int, default=6, help="rejected mutants given to inspect and plan")
    args = parser.parse_args()

    hardware = probe(with_sensors=False)
    tally = Tally()
    fields: collections.Counter[str] = collections.Counter()
    by_op: collections.Counter[tuple[str, str]] = collections.Counter()
    slowest = 0.0
    peak = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-gguf-") as tmp:
        root = Path(tmp)
        models = bases(root)
        per_base = max(1, args.mutants // len(models))
        accepted: list[tuple[str, bytes]] = []
        rejected: list[tuple[str, bytes, str]] = []
        for i, (name, base) in enumerate(models.items()):
            mutator = Mutator(base.read_bytes(), args.seed * 1000 + i)
            for _ in range(per_base):
                mutant = mutator.next()
                verdict = judge(mutant.write(root / "mutant.gguf"), hardware)
                tally.tried += 1
                slowest, peak = max(slowest, verdict.seconds), max(peak, verdict.peak_bytes)
                by_op[(mutant.op, verdict.outcome)] += 1
                if verdict.outcome == "bad":
                    tally.bad.append(f"{name}: {mutant.how}\n    {verdict.detail}")
                elif verdict.outcome == "rejected":
                    tally.rejected += 1
                    fields[verdict.detail.split(":", 1)[0]] += 1
                    if len(rejected) < -(-args.cli_rejected * (i + 1) // len(models)) and tally.rejected % 31 == 1:
                        rejected.append((f"{name}: {mutant.how}", mutant.data, verdict.detail))
                else:
                    tally.planned += 1
                    quota = -(-args.runs * (i + 1) // len(models))  # spread the runs over the base models
                    if len(accepted) < quota and tally.planned % 7 == 1:
                        accepted.append((f"{name}: {mutant.how}", mutant.data))
        fuzz_seconds = time.perf_counter() - started
        for how, data in accepted:
            path = root / "accepted.gguf"
            path.write_bytes(data)
            code, _out, err = cli(["run", str(path), "--prompt", "hello", "--max-tokens", "8", "--temperature", "0"])
            problem = clean_failure("run", code, err)
            tally.ran += 1
            if problem is not None:
                tally.bad.append(f"run {how}: {problem}")
            elif code:
                tally.run_clean_errors += 1
                print(f"clean error  {how}: {err.strip().splitlines()[-1][:160]}")
            else:
                print(f"ran          {how}")
        for how, data, _detail in rejected:
            path = root / "rejected.gguf"
            path.write_bytes(data)
            for command in ("inspect", "plan"):
                code, _out, err = cli([command, str(path)])
                tally.cli_checked += 1
                problem = clean_failure(command, code, err)
                if code != 2 or problem is not None:
                    tally.bad.append(f"{command} {how}: exit {code}: {problem or err[-300:]}")
    print()
    print(tally.line())
    print(f"read+plan: {fuzz_seconds:.1f} s for {tally.tried} mutants, slowest {slowest * 1000:.0f} ms, "
          f"peak Python allocations {peak / 2**20:.1f} MiB")
    for op in ("bit flip", "boundary", "confusion"):
        print(f"  {op:10s} rejected {by_op[(op, 'rejected')]:5d}  planned {by_op[(op, 'planned')]:5d}  "
              f"bad {by_op[(op, 'bad')]}")
    print("most often named fields: " + ", ".join(f"{k} ({v})" for k, v in fields.most_common(12)))
    for failure in tally.bad:
        print(f"FAILURE {failure}")
    return 1 if tally.bad else 0


if __name__ == "__main__":
    sys.exit(main())
