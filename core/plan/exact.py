"""Exact mode: load a header-only sparse copy of the model in the engine, on the CPU, and read llama.cpp's figures.

The copy holds the real header (metadata + tensor table) and holes where the weights would be, so llama.cpp
allocates exactly what the real file would get (weights, repack, KV, compute, output) in a fraction of a second,
without reading gigabytes. Works for local files and for remote headers fetched with HTTP Range requests.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import replace
from pathlib import Path

from modelnest.core import paths
from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.params import EngineParams, LoadReport
from modelnest.core.gguf import read_file
from modelnest.core.gguf.writer import sparse_copy


def header_prefix(path: str | Path) -> tuple[bytes, int]:
    """The header bytes of a local file (validated) and the file's size."""
    header = read_file(path)
    with open(path, "rb") as f:
        return f.read(header.data_offset), header.file_size


def measure(prefix: bytes, file_size: int, params: EngineParams, client: EngineClient | None = None) -> LoadReport:
    """llama.cpp's own allocation report for this header at `params`, on the CPU (n_gpu_layers forced to 0).

    Every other parameter goes through as planned, cpu_moe_layers included: llama.cpp applies the expert overrides
    to the header-only copy too (the report's `overridden` names each tensor it matched and where it went)."""
    cpu_params = replace(params, n_gpu_layers=0, tensor_split=())
    folder = paths.cache_dir() / "exact"
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(prefix).hexdigest()[:16]
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        sparse = sparse_copy(prefix, file_size, Path(tmp) / f"{name}.gguf")
        own = client is None
        engine = client or EngineClient(hang_timeout=120)
        try:
            report = engine.load(sparse, cpu_params, force=True)
            engine.unload()
        finally:
            if own:
                engine.shutdown()
    return report


def measure_file(path: str | Path, params: EngineParams, client: EngineClient | None = None) -> LoadReport:
    prefix, size = header_prefix(path)
    return measure(prefix, size, params, client)
