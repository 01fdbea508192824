"""A seeded mutation fuzzer for GGUF headers, shared by tests/core/gguf/test_fuzz_headers.py and
benchmarks/fuzz_gguf.py.

Mutants come from real small models (tests/support/gguf_models.py): bit flips in the header, boundary integers
written at every count / length / dimension / offset / type field, and type confusion of the metadata keys the
planner and engine read (a string, NaN, infinity, an empty array, an array of strings ... where a count belongs).
The field map is found by a walker written here, independent of the reader under test. Each mutant is judged by
``judge``: rejected with a GGUFError naming a field, or accepted and then planned, with a result or a clean
error; never another exception, more than a few seconds, or more than MEMORY_LIMIT of Python allocations.
"""

from __future__ import annotations

import math
import random
import struct
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 256 * 2**20
SECONDS_LIMIT = 5.0

_SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
T_STRING, T_ARRAY = 8, 9


@dataclass(frozen=True)
class Field:
    offset: int
    size: int  # bytes: 4 or 8 for the integers we overwrite, 1/2 for small scalars
    kind: str  # count | length | dim | offset | type | value
    label: str


@dataclass(frozen=True)
class KV:
    key: str
    start: int  # byte span of the whole entry (key, type, value)
    end: int
    type_id: int


@dataclass
class HeaderMap:
    fields: list[Field]
    kvs: list[KV]
    header_end: int  # end of the tensor table (before padding)
    data_offset: int
    alignment: int


def _string(data: bytes, pos: int) -> tuple[str, int]:
    n = struct.unpack_from("<Q", data, pos)[0]
    return data[pos + 8 : pos + 8 + n].decode("utf-8", "replace"), pos + 8 + n


def walk(data: bytes) -> HeaderMap:
    """Locate every field of a well-formed GGUF header (the base models are well-formed)."""
    fields = [Field(4, 4, "type", "version"), Field(8, 8, "count", "tensor count"), Field(16, 8, "count", "kv count")]
    n_tensors, n_kv = struct.unpack_from("<QQ", data, 8)
    pos = 24
    kvs: list[KV] = []
    alignment = 32
    for _ in range(n_kv):
        start = pos
        fields.append(Field(pos, 8, "length", "key length"))
        key, pos = _string(data, pos)
        fields.append(Field(pos, 4, "type", f"type of {key}"))
        type_id = struct.unpack_from("<I", data, pos)[0]
        pos += 4
        if type_id == T_STRING:
            fields.append(Field(pos, 8, "length", f"length of {key}"))
            _, pos = _string(data, pos)
        elif type_id == T_ARRAY:
            fields.append(Field(pos, 4, "type", f"element type of {key}"))
            elem, count = struct.unpack_from("<IQ", data, pos)
            fields.append(Field(pos + 4, 8, "count", f"length of {key}"))
            pos += 12
            for i in range(count):
                if elem == T_STRING:
                    if i < 4 or i == count - 1:
                        fields.append(Field(pos, 8, "length", f"element {i} of {key}"))
                    _, pos = _string(data, pos)
                else:
                    size = struct.calcsize(_SCALAR[elem])
                    if i < 4:
                        fields.append(Field(pos, size, "value", f"element {i} of {key}"))
                    pos += size
        else:
            size = struct.calcsize(_SCALAR[type_id])
            fields.append(Field(pos, size, "value", key))
            if key == "general.alignment":
                alignment = struct.unpack_from("<I", data, pos)[0]
            pos += size
        kvs.append(KV(key, start, pos, type_id))
    for _ in range(n_tensors):
        fields.append(Field(pos, 8, "length", "tensor name length"))
        name, pos = _string(data, pos)
        fields.append(Field(pos, 4, "count", f"dims of {name}"))
        n_dims = struct.unpack_from("<I", data, pos)[0]
        pos += 4
        for d in range(n_dims):
            fields.append(Field(pos, 8, "dim", f"dim {d} of {name}"))
            pos += 8
        fields.append(Field(pos, 4, "type", f"type of {name}"))
        pos += 4
        fields.append(Field(pos, 8, "offset", f"offset of {name}"))
        pos += 8
    data_offset = -(-pos // alignment) * alignment
    return HeaderMap(fields, kvs, pos, data_offset, alignment)


def _boundaries(size: int, current: int) -> list[int]:
    bits = size * 8
    top = (1 << bits) - 1
    values = [0, 1, 2, 3, 7, 8, 16, 255, top, top - 1, 1 << (bits - 1), (1 << (bits - 1)) - 1]
    if bits >= 32:
        values += [0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 400_000_000, 1 << 20]
    values += [current + 1, current - 1, current * 2, current << 8, current >> 1]
    return [v & top for v in values]


def _s(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def _value(type_id: int, payload: bytes) -> bytes:
    return struct.pack("<I", type_id) + payload


# Replacement values for type confusion: (label, encoded type + value).
CONFUSIONS: list[tuple[str, bytes]] = [
    ("string", _value(T_STRING, _s("40"))),
    ("empty string", _value(T_STRING, _s(""))),
    ("nan", _value(6, struct.pack("<f", math.nan))),
    ("inf", _value(6, struct.pack("<f", math.inf))),
    ("-inf", _value(12, struct.pack("<d", -math.inf))),
    ("float 40.0", _value(6, struct.pack("<f", 40.0))),
    ("float 0.5", _value(12, struct.pack("<d", 0.5))),
    ("bool", _value(7, b"\x01")),
    ("zero", _value(4, struct.pack("<I", 0))),
    ("one", _value(4, struct.pack("<I", 1))),
    ("negative", _value(5, struct.pack("<i", -1))),
    ("int64 huge", _value(11, struct.pack("<q", 2**62))),
    ("uint32 max", _value(4, struct.pack("<I", 2**32 - 1))),
    ("uint64 4e8", _value(10, struct.pack("<Q", 400_000_000))),
    ("empty array", _value(T_ARRAY, struct.pack("<IQ", 4, 0))),
    ("array of strings", _value(T_ARRAY, struct.pack("<IQ", T_STRING, 2) + _s("a") + _s("b"))),
    ("array of one", _value(T_ARRAY, struct.pack("<IQ", 4, 1) + struct.pack("<I", 2))),
    ("array of floats", _value(T_ARRAY, struct.pack("<IQ", 6, 2) + struct.pack("<ff", 1.0, math.nan))),
    ("long int array", _value(T_ARRAY, struct.pack("<IQ", 4, 1000) + struct.pack("<I", 4) * 1000)),
    ("array of zeros", _value(T_ARRAY, struct.pack("<IQ", 4, 2) + struct.pack("<II", 0, 0))),
    ("array of huge", _value(T_ARRAY, struct.pack("<IQ", 10, 2) + struct.pack("<QQ", 2**40, 2**40))),
]
KNOWN_SUFFIXES = (
    "block_count", "context_length", "embedding_length", "feed_forward_length", "attention.head_count",
    "attention.head_count_kv", "attention.key_length", "attention.value_length", "attention.sliding_window",
    "attention.layer_norm_rms_epsilon", "rope.dimension_count", "rope.freq_base", "expert_count", "expert_used_count",
    "vocab_size", "general.architecture", "general.name", "general.file_type", "general.alignment",
    "tokenizer.chat_template", "tokenizer.ggml.tokens", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
    "tokenizer.ggml.model", "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
)


@dataclass
class Mutant:
    data: bytes
    how: str
    op: str = ""
    header_bytes: int = 0  # bytes before the (unchanged) tensor data

    def write(self, path: Path, *, sparse: bool = True) -> Path:
        """Write the mutant; `sparse` leaves the tensor data as a hole (reading and planning never look at it)."""
        with path.open("wb") as f:
            f.write(self.data[: self.header_bytes] if sparse else self.data)
            f.truncate(len(self.data))
        return path


class Mutator:
    """Deterministic mutants of one base file, by seed."""

    def __init__(self, base: bytes, seed: int) -> None:
        self.base = base
        self.map = walk(base)
        self.rng = random.Random(seed)
        self.data_section = base[self.map.data_offset :]

    def _rebuild(self, header: bytes) -> bytes:
        pad = (-len(header)) % self.map.alignment
        return header + b"\0" * pad + self.data_section

    def bit_flip(self) -> Mutant:
        data = bytearray(self.base)
        flips = []
        for _ in range(self.rng.choice((1, 1, 2, 4))):
            bit = self.rng.randrange(self.map.header_end * 8)
            data[bit // 8] ^= 1 << (bit % 8)
            flips.append(bit)
        return Mutant(bytes(data), f"bit flip at bits {flips}", "bit flip", self.map.data_offset)

    def boundary(self) -> Mutant:
        f = self.rng.choice(self.map.fields)
        fmt = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}[f.size]
        current = struct.unpack_from(fmt, self.base, f.offset)[0]
        value = self.rng.choice(_boundaries(f.size, current))
        data = bytearray(self.base)
        struct.pack_into(fmt, data, f.offset, value)
        return Mutant(bytes(data), f"{f.label} ({f.kind}) = {value}", "boundary", self.map.data_offset)

    def confusion(self) -> Mutant:
        known = [kv for kv in self.map.kvs if kv.key.endswith(KNOWN_SUFFIXES)]
        kv = self.rng.choice(known)
        label, payload = self.rng.choice(CONFUSIONS)
        entry = _s(kv.key) + payload
        header = self.base[: kv.start] + entry + self.base[kv.end : self.map.header_end]
        data = self._rebuild(header)
        return Mutant(data, f"{kv.key} as {label}", "confusion", len(data) - len(self.data_section))

    def next(self) -> Mutant:
        op = self.rng.choice((self.bit_flip, self.boundary, self.boundary, self.confusion))
        return op()


@dataclass
class Verdict:
    outcome: str  # rejected | planned | bad
    detail: str = ""
    seconds: float = 0.0
    peak_bytes: int = 0


@dataclass
class Tally:
    tried: int = 0
    rejected: int = 0
    planned: int = 0
    ran: int = 0
    run_clean_errors: int = 0
    cli_checked: int = 0
    bad: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"tried {self.tried} · rejected {self.rejected} · planned {self.planned} · ran {self.ran} · "
                f"clean errors from the engine {self.run_clean_errors} · CLI paths checked {self.cli_checked} · "
                f"bad {len(self.bad)}")


def judge(path: Path, hardware: Any) -> Verdict:
    """Read, then (if accepted) build the spec and plan, in-process, timing it and tracing Python memory."""
    from modelnest.core.errors import UserInputError
    from modelnest.core.gguf import GGUFError, read_file
    from modelnest.core.plan import ModelSpec, plan

    tracemalloc.start()
    start = time.perf_counter()
    try:
        try:
            header = read_file(path)
            spec = ModelSpec.from_header(header)
            plan(spec, hardware)
            outcome, detail = "planned", ""
        except GGUFError as exc:
            text = str(exc)
            if not exc.field or "\n" in text or not text:
                outcome, detail = "bad", f"GGUFError without a field or on several lines: {exc.field!r} {text!r}"
            else:
                outcome, detail = "rejected", f"{exc.field}: {text}"
        except UserInputError as exc:
            outcome, detail = "bad", f"UserInputError that is not a GGUFError: {exc}"
        except Exception as exc:  # noqa: BLE001 - anything else is what the fuzzer looks for
            import traceback

            outcome, detail = "bad", "".join(traceback.format_exception(exc))[-1500:]
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if outcome != "bad" and seconds > SECONDS_LIMIT:
        outcome, detail = "bad", f"took {seconds:.1f} s"
    if outcome != "bad" and peak > MEMORY_LIMIT:
        outcome, detail = "bad", f"allocated {peak / 2**20:.0f} MiB"
    return Verdict(outcome, detail, seconds, peak)


def cli(args: list[str]) -> tuple[int, str, str]:
    """`modelnest ARGS` in a child process (the engine of `run` is a grandchild): (exit code, stdout, stderr)."""
    import subprocess
    import sys

    code = "import sys\nfrom modelnest.core.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=180)
    return result.returncode, result.stdout, result.stderr


def clean_failure(command: str, code: int, stderr: str) -> str | None:
    """None if a failed CLI call ended as it must: exit 1 or 2, one `modelnest CMD: ...` line, no traceback."""
    if code == 0:
        return None
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(f"modelnest {command}:")]
    if "Traceback" in stderr:
        return f"traceback: {stderr[-1500:]}"
    if code not in (1, 2):
        return f"exit code {code}: {stderr[-500:]}"
    if len(errors) != 1 or lines[-1] != errors[0]:
        return f"not one error line: {stderr[-500:]}"
    return None


def replace_value(data: bytes, key: str, label: str) -> bytes:
    """`data` with metadata `key`'s value replaced by the CONFUSIONS entry called `label`."""
    header = walk(data)
    kv = next(kv for kv in header.kvs if kv.key == key)
    payload = dict(CONFUSIONS)[label]
    new_header = data[: kv.start] + _s(key) + payload + data[kv.end : header.header_end]
    pad = (-len(new_header)) % header.alignment
    return new_header + b"\0" * pad + data[header.data_offset :]


def with_uint32(data: bytes, key: str, value: int) -> bytes:
    """`data` with metadata `key` set to a uint32 `value`."""
    header = walk(data)
    kv = next(kv for kv in header.kvs if kv.key == key)
    new_header = data[: kv.start] + _s(key) + _value(4, struct.pack("<I", value)) + data[kv.end : header.header_end]
    pad = (-len(new_header)) % header.alignment
    return new_header + b"\0" * pad + data[header.data_offset :]
