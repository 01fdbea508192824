"""Seeded mutation fuzzing of real small models' headers: every mutant is rejected with a GGUFError naming a
field, or accepted and planned — and a sample goes through the real CLI and engine — never a traceback, a hang,
or more than 256 MiB. Deterministic by seed; bounded to well under a minute (benchmarks/fuzz_gguf.py runs longer).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gguf_fuzz import MEMORY_LIMIT, Mutator, Tally, clean_failure, cli, judge
from support.gguf_models import ModelShape, write_model

from modelnest.core.hardware import probe

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(240)]

SEED = 20261201
MUTANTS_PER_BASE = 130
ENGINE_RUNS = 3  # accepted mutants run with `modelnest run` (one per kind of mutation, where there is one)
CLI_REJECTED = 2  # rejected mutants given to `modelnest inspect` and `modelnest plan`


@pytest.fixture(scope="module")
def bases(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fuzz-bases")
    qwen = ModelShape(arch="qwen2", name="tiny-random-qwen", tied_embeddings=True, n_layer=3, n_head_kv=4)
    return {
        "llama-F16": tiny_models["F16"],
        "llama-Q4_K_M": tiny_models["Q4_K_M"],
        "qwen2-tied-F16": write_model(root / "qwen2.gguf", qwen, seed=3),
    }


def test_mutated_headers_are_rejected_with_a_field_or_planned(bases: dict[str, Path], tmp_path: Path) -> None:
    hardware = probe(with_sensors=False)
    tally = Tally()
    to_run: dict[str, tuple[str, bytes]] = {}  # kind of mutation -> (how, mutant bytes)
    rejected: list[tuple[str, bytes, str]] = []
    for i, (name, base) in enumerate(bases.items()):
        mutator = Mutator(base.read_bytes(), SEED + i)
        for _ in range(MUTANTS_PER_BASE):
            mutant = mutator.next()
            path = mutant.write(tmp_path / "mutant.gguf")
            verdict = judge(path, hardware)
            tally.tried += 1
            assert verdict.peak_bytes < MEMORY_LIMIT, (name, mutant.how, verdict)
            if verdict.outcome == "bad":
                tally.bad.append(f"{name}: {mutant.how}: {verdict.detail}")
            elif verdict.outcome == "rejected":
                tally.rejected += 1
                if len(rejected) < CLI_REJECTED and mutant.op not in {r[0] for r in rejected}:
                    rejected.append((mutant.op, mutant.data, verdict.detail))
            else:
                tally.planned += 1
                if mutant.op not in to_run and len(to_run) < ENGINE_RUNS:
                    to_run[mutant.op] = (f"{name}: {mutant.how}", mutant.data)
    assert not tally.bad, "\n\n".join(tally.bad[:5])
    # The mix is what a fuzzer must produce to mean anything: most mutants refused, a good share accepted.
    assert tally.rejected > tally.tried * 0.3 and tally.planned > tally.tried * 0.1, tally.line()

    # Accepted mutants through the real CLI and engine: a reply, or one clean line.
    for how, data in to_run.values():
        path = tmp_path / "accepted.gguf"
        path.write_bytes(data)
        code, _out, err = cli(["run", str(path), "--prompt", "hi", "--max-tokens", "4", "--temperature", "0"])
        problem = clean_failure("run", code, err)
        assert problem is None, (how, problem)
        tally.ran += 1
        tally.run_clean_errors += code != 0
    assert tally.ran >= 2

    # Rejected mutants: every CLI path gives exit 2 and one line naming the problem.
    for how, data, detail in rejected:
        path = tmp_path / "rejected.gguf"
        path.write_bytes(data)
        for command in ("inspect", "plan"):
            code, out, err = cli([command, str(path)])
            assert code == 2 and clean_failure(command, code, err) is None, (how, command, code, err)
            assert detail.split(": ", 1)[1] in err and not out
            tally.cli_checked += 1
    print(tally.line())
