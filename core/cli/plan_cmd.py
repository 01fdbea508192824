"""`modelnest plan MODEL`: will it fit, how, and how fast — before anything is downloaded.

MODEL is a local .gguf path, a catalogue id (optionally `id:QUANT`), or `REPO/FILE` on the hub (the header is
read with HTTP Range requests). `--hardware PROBE.json` plans for another computer (`modelnest probe --json`).

`--json` includes what llama.cpp would be given: engine_params (cpu_moe_layers: the routed experts of that many
first layers kept in system RAM), tensor_overrides (the same as `-ot PATTERN=CPU` patterns) and llama_cpp_args, the
options to reproduce the load with llama.cpp's own tools.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from modelnest.core.errors import UserInputError
from modelnest.core.plan import ModelSpec, Plan, plan
from modelnest.core.units import format_bytes, format_rate, format_tokens_per_s


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a .gguf path, a catalogue id (id or id:QUANT), or REPO/FILE on the hub")
    parser.add_argument("--ctx", type=int, default=None, help="wanted context length (default: min(8192, trained))")
    parser.add_argument("--gpu-layers", default="auto", help="number of layers on the GPU, or 'auto'")
    parser.add_argument("--hardware", type=Path, default=None, help="a `modelnest probe --json` file to plan for")
    parser.add_argument(
        "--exact", action="store_true", help="also load a header-only copy in llama.cpp (CPU) and compare"
    )
    parser.add_argument("--endpoint", default=None, help="hub endpoint or mirror (default: HF_ENDPOINT)")
    parser.add_argument("--json", action="store_true")


def _hardware(path: Path | None) -> Any:
    from modelnest.core.hardware import HardwareSnapshot, probe

    if path is None:
        return probe(with_sensors=False)
    try:
        return HardwareSnapshot.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise UserInputError(f"cannot read the hardware file {path}: {exc}") from exc


def resolve(model: str, endpoint: str | None) -> tuple[ModelSpec, bytes | None, str]:
    """(spec, header prefix if read, description) for any accepted MODEL form."""
    path = Path(model)
    if path.suffix.lower() == ".gguf" or path.exists():
        from modelnest.core.gguf import read_file
        from modelnest.core.plan.exact import header_prefix

        header = read_file(path)
        prefix, _ = header_prefix(path)
        return ModelSpec.from_header(header), prefix, str(path)
    from modelnest.core.catalogue.entries import load_catalogue

    model_id, _, quant = model.partition(":")
    entry = load_catalogue().get(model_id)
    if entry is not None:
        quant = (quant or ("Q4_K_M" if "Q4_K_M" in entry.quants else entry.quants[-1])).upper()
        qf = entry.file_for(quant)
        if qf is None:
            raise UserInputError(f"{model_id} has no {quant} file (it offers {', '.join(entry.quants)})")
        size, _estimated = qf.size_or_estimate(entry.n_params)
        a = entry.architecture
        spec = ModelSpec.from_architecture(**a.spec_kwargs(), file_bytes=size, quant=quant, n_params=entry.n_params,
                                           name=entry.name)
        return spec, None, f"{entry.repo} {quant} (catalogue)"
    if model.count("/") >= 2:
        repo, filename = "/".join(model.split("/")[:2]), "/".join(model.split("/")[2:])
        header, prefix = _remote_header(repo, filename, endpoint)
        return ModelSpec.from_header(header), prefix, f"{repo}/{filename} (hub header)"
    raise UserInputError(f"{model!r} is not a .gguf file, a catalogue id, or REPO/FILE on the hub")


def _remote_header(repo: str, filename: str, endpoint: str | None) -> tuple[Any, bytes]:
    """The validated header of a file on the hub, read with Range requests (a few KB to a few MB)."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    from modelnest.core.catalogue.remote import fetch_header, read_range

    url = hf_hub_url(repo, filename, endpoint=endpoint)
    try:
        meta = get_hf_file_metadata(url)
    except Exception as exc:  # any hub failure becomes one plain line
        raise UserInputError(f"cannot read {repo}/{filename} on the hub: {exc}") from exc
    size = int(meta.size or 0)
    header, _fetched = fetch_header(meta.location or url, size)
    prefix = read_range(meta.location or url, 0, header.data_offset, {})
    return header, prefix


def run(args: argparse.Namespace) -> int:
    gpu_layers = None if str(args.gpu_layers) == "auto" else int(args.gpu_layers)
    if args.ctx is not None and args.ctx < 16:
        raise UserInputError("--ctx must be at least 16")
    spec, prefix, what = resolve(args.model, args.endpoint)
    hw = _hardware(args.hardware)
    # Another computer's snapshot is planned from the tables: this machine's speed test says nothing about it.
    result: Plan = plan(spec, hw, args.ctx, gpu_layers=gpu_layers, profile=args.hardware is None)
    out = result.to_dict()
    out["model"] = what
    if args.exact:
        if prefix is None:
            raise UserInputError("--exact needs a GGUF header: give a local file or REPO/FILE on the hub")
        from modelnest.core.plan.exact import measure

        report = measure(prefix, spec.file_bytes, result.engine_params)
        out["exact_cpu"] = {
            "weights_bytes": report.weights_bytes,
            "kv_cache_bytes": report.kv_cache_bytes,
            "compute_bytes": report.compute_bytes,
            "output_bytes": report.output_bytes,
            "total_bytes": report.total_bytes,
            "load_seconds": report.load_seconds,
            "note": "measured by llama.cpp on the CPU with the plan's parameters (GPU layers 0)",
        }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    m, p = result.memory, result.predicted
    print(f"{what}")
    print(f"fit: {result.fit}   backend: {result.backend}   GPU layers: {result.gpu_layers}/{spec.n_layer + 1}")
    print(f"context {result.ctx} · threads {result.threads} · KV {result.engine_params.type_k} · flash attention on")
    if result.placement_note is not None:  # a mixture-of-experts split: what went where, and the other way's speed
        print(f"placement: {result.placement_note}")
    print(f"llama.cpp: {out['llama_cpp_args']}")
    size = format_bytes  # binary units, as llama.cpp reports its buffers
    print(
        f"memory: weights {size(m.weights_bytes)} + KV {size(m.kv_cache_bytes)} + compute {size(m.compute_bytes)} "
        f"+ output {size(m.output_bytes)} = {size(m.total_bytes)}  "
        f"(RAM {size(m.host_bytes)}, GPU {size(m.device_bytes)})"
    )
    runs = f"{p.calibration_runs} measured runs" if p.calibration_runs else "not yet calibrated on this computer"
    print(
        f"predicted: {format_tokens_per_s(p.low, p.high)} generating (≈{format_rate(p.decode_tokens_per_s)}), "
        f"≈{p.prefill_tokens_per_s:.0f} tokens/s reading the prompt ({runs}; {p.basis})"
    )
    if "exact_cpu" in out:
        e = out["exact_cpu"]
        print(f"exact (llama.cpp, CPU): weights {size(e['weights_bytes'])} KV {size(e['kv_cache_bytes'])} "
              f"compute {size(e['compute_bytes'])} total {size(e['total_bytes'])}")
    for note in result.notes:
        if note is not result.placement_note:  # printed above
            print(f"note: {note}")
    return 0
