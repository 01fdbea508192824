"""`modelnest run MODEL --prompt TEXT`: one generation through the engine process, streamed or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from modelnest.core.engine.client import EngineClient, TokenEvent
from modelnest.core.engine.params import EngineParams, GenerationSummary, SamplingParams
from modelnest.core.engine.runtime import RuntimeChoice, select_runtime
from modelnest.core.errors import UserInputError
from modelnest.core.gguf import read_file
from modelnest.core.hardware import probe
from modelnest.core.plan import ModelSpec, Plan, learn_from_summary, plan
from modelnest.core.plan.loader import load_stepping_down


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="path to a .gguf file")
    parser.add_argument("--prompt", required=True, help="the user message")
    parser.add_argument("--system", default=None, help="an optional system prompt")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--ctx", type=int, default=None, help="context length (default: min(4096, trained))")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: physical cores)")
    parser.add_argument("--temperature", type=float, default=SamplingParams().temperature)
    parser.add_argument("--seed", type=int, default=-1)
    parser.add_argument("--ignore-eos", action="store_true", help="generate exactly --max-tokens (benchmarks)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")


def planned(path: str, ctx: int | None, threads: int | None) -> tuple[ModelSpec, Plan, EngineParams, RuntimeChoice]:
    """The planner's parameters for this machine; --ctx feeds the plan, --threads overrides it."""
    if ctx is not None and ctx < 16:
        raise UserInputError(f"--ctx {ctx} is too small (at least 16)")
    if threads is not None and threads < 1:
        raise UserInputError("--threads must be at least 1")
    spec = ModelSpec.from_header(read_file(path))
    hardware = probe(with_sensors=False)
    result = plan(spec, hardware, ctx)
    params = result.engine_params
    if threads is not None:
        params = replace(params, n_threads=threads, n_threads_batch=threads)
    return spec, result, params, select_runtime(hardware.gpus)


def run(args: argparse.Namespace) -> int:
    if args.max_tokens < 1:
        raise UserInputError("--max-tokens must be at least 1")
    spec, result, params, runtime = planned(args.model, args.ctx, args.threads)
    sampling = SamplingParams(
        temperature=args.temperature, seed=args.seed, max_tokens=args.max_tokens, ignore_eos=args.ignore_eos
    )
    messages = [{"role": "system", "content": args.system}] if args.system else []
    messages.append({"role": "user", "content": args.prompt})
    with EngineClient(runtime=runtime) as engine:
        report, params = load_stepping_down(
            engine, args.model, params, spec.n_layer, on_step=lambda why: print(f"note: {why}", file=sys.stderr),
            is_moe=spec.is_moe,
        )
        for warning in engine.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        summary: GenerationSummary | None = None
        for event in engine.generate(messages, sampling):
            if isinstance(event, TokenEvent) and not args.json:
                sys.stdout.write(event.text)
                sys.stdout.flush()
            elif isinstance(event, GenerationSummary):
                summary = event
    assert summary is not None
    # Learn: the next prediction for this kind of run starts from what this machine really did (if the
    # calibration policy says this reply teaches anything; see modelnest.core.plan.calibration).
    learn_from_summary(result, params, summary)
    if args.json:
        out = {
            "text": summary.text,
            "tokens": summary.tokens,
            "prompt_tokens": summary.prompt_tokens,
            "ttft_s": summary.ttft_s,
            "prefill_tokens_per_s": summary.prefill_tokens_per_s,
            "decode_tokens_per_s": summary.decode_tokens_per_s,
            "stop_reason": summary.stop_reason,
            "params": params.to_dict(),
            "predicted": result.predicted.to_dict(),
            "runtime": runtime.to_dict(),
            "load": {
                "seconds": report.load_seconds,
                "weights_bytes": report.weights_bytes,
                "kv_cache_bytes": report.kv_cache_bytes,
                "compute_bytes": report.compute_bytes,
                "output_bytes": report.output_bytes,
                "buffers": [b.__dict__ for b in report.buffers],
            },
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print()
        print(
            f"[{summary.tokens} tokens · first token {summary.ttft_s * 1000:.0f} ms · prompt "
            f"{summary.prefill_tokens_per_s:.1f} t/s · generation {summary.decode_tokens_per_s:.1f} t/s · "
            f"stop: {summary.stop_reason}]",
            file=sys.stderr,
        )
    return 0
