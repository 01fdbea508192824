"""Hand-assembles GGUF bytes field by field, so tests can build exactly the malformed files attackers would."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field


def s(text: str | bytes) -> bytes:
    """A GGUF string: u64 length + bytes."""
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def kv_u32(key: str, value: int) -> bytes:
    return s(key) + struct.pack("<I", 4) + struct.pack("<I", value)


def kv_str(key: str, value: str) -> bytes:
    return s(key) + struct.pack("<I", 8) + s(value)


def kv_raw(key: str, type_id: int, payload: bytes) -> bytes:
    return s(key) + struct.pack("<I", type_id) + payload


def tensor_info(name: str, dims: list[int], type_id: int, offset: int) -> bytes:
    return (
        s(name)
        + struct.pack("<I", len(dims))
        + b"".join(struct.pack("<q", d) for d in dims)
        + struct.pack("<I", type_id)
        + struct.pack("<Q", offset)
    )


@dataclass
class Crafted:
    kvs: list[bytes] = field(default_factory=lambda: [kv_str("general.architecture", "llama")])
    tensors: list[bytes] = field(default_factory=list)
    data: bytes = b""
    version: int = 3
    n_tensors: int | None = None  # override the declared counts
    n_kv: int | None = None
    alignment: int = 32

    def build(self) -> bytes:
        head = (
            b"GGUF"
            + struct.pack("<I", self.version)
            + struct.pack("<Q", len(self.tensors) if self.n_tensors is None else self.n_tensors)
            + struct.pack("<Q", len(self.kvs) if self.n_kv is None else self.n_kv)
            + b"".join(self.kvs)
            + b"".join(self.tensors)
        )
        pad = (-len(head)) % self.alignment
        return head + b"\0" * pad + self.data


def valid_small() -> Crafted:
    """A well-formed file with two F32 tensors (4x4 each) laid out back to back."""
    return Crafted(
        tensors=[tensor_info("a.weight", [4, 4], 0, 0), tensor_info("b.weight", [4, 4], 0, 64)],
        data=b"\0" * 128,
    )
