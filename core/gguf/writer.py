"""Writes GGUF headers (metadata + tensor table) and header-only sparse model files.

A header-only file extended to the model's full size as a sparse file loads in llama.cpp (mmap, CPU) in a
fraction of a second and reports the exact buffers the real model would get (DESIGN.md §2): the planner's
exact mode. The `gguf` package can write headers too, but it is a conversion toolkit with numpy-heavy imports
and follows llama.cpp master; the app needs only these ~80 lines at run time.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelnest.core.gguf.types import GGML_TYPES

_FMT = {"uint8": (0, "<B"), "int8": (1, "<b"), "uint16": (2, "<H"), "int16": (3, "<h"), "uint32": (4, "<I"),
        "int32": (5, "<i"), "float32": (6, "<f"), "bool": (7, "<?"), "uint64": (10, "<Q"), "int64": (11, "<q"),
        "float64": (12, "<d")}


@dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: tuple[int, ...]  # ggml order (row length first)
    type_id: int

    @property
    def n_bytes(self) -> int:
        t = GGML_TYPES[self.type_id]
        n = 1
        for d in self.shape:
            n *= d
        return n // t.block_size * t.type_size


def _string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def _value(value: Any, type_name: str) -> bytes:
    if type_name == "string":
        return struct.pack("<I", 8) + _string(value)
    if type_name.startswith("array["):
        inner = type_name[6:-1]
        if inner == "string":
            body = b"".join(_string(v) for v in value)
            return struct.pack("<IIQ", 9, 8, len(value)) + body
        type_id, fmt = _FMT[inner]
        return struct.pack("<IIQ", 9, type_id, len(value)) + b"".join(struct.pack(fmt, v) for v in value)
    type_id, fmt = _FMT[type_name]
    return struct.pack("<I", type_id) + struct.pack(fmt, value)


def header_bytes(
    metadata: dict[str, tuple[Any, str]], tensors: Iterable[TensorSpec], alignment: int = 32
) -> tuple[bytes, int]:
    """GGUF v3 header bytes (padded to alignment) and the data section size; metadata is key -> (value, type)."""
    tensor_list = list(tensors)
    parts = [b"GGUF", struct.pack("<IQQ", 3, len(tensor_list), len(metadata))]
    for key, (value, type_name) in metadata.items():
        parts.append(_string(key) + _value(value, type_name))
    offset = 0
    for t in tensor_list:
        parts.append(_string(t.name) + struct.pack("<I", len(t.shape)))
        parts.append(b"".join(struct.pack("<q", d) for d in t.shape))
        parts.append(struct.pack("<IQ", t.type_id, offset))
        offset += -(-t.n_bytes // alignment) * alignment
    head = b"".join(parts)
    head += b"\0" * ((-len(head)) % alignment)
    return head, offset


def write_sparse(path: Path, head: bytes, total_size: int) -> Path:
    """Write `head` and extend the file to `total_size` without writing the rest (a sparse file)."""
    with path.open("wb") as f:
        f.write(head)
        f.truncate(total_size)
    return path


def sparse_copy(prefix: bytes, file_size: int, path: Path) -> Path:
    """A header-only sparse stand-in for a real model: its own header bytes (validated first), then holes."""
    from modelnest.core.gguf.reader import read_prefix

    header = read_prefix(prefix, file_size)  # raises GGUFError / NeedMoreData: never hand llama.cpp a bad header
    return write_sparse(path, prefix[: header.data_offset], file_size)
