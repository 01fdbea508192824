"""A bounded, streaming GGUF header reader that is also the validator llama.cpp's files must pass first.

Why our own: llama.cpp's parser has a history of memory-safety CVEs and `gguf.GGUFReader` hangs on crafted
files (DESIGN.md §4). Every count and length here is checked against the bytes the file could still hold before
anything is allocated, so the work done is bounded by the file's size. Works on a header-only prefix of a
longer file (remote headers): running past the prefix raises NeedMoreData with the offset needed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from modelnest.core.errors import UserInputError
from modelnest.core.gguf.types import FILE_TYPES, GGML_TYPES
from modelnest.core.messages import Message, Text, msg

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
DEFAULT_ALIGNMENT = 32
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_TENSOR_NAME = 63  # GGML_MAX_NAME (64) minus the terminating NUL
MAX_KEY_BYTES = 1024
MAX_STRING_BYTES = 64 * 1024 * 1024
MAX_TENSORS = 1_000_000
KEEP_NUMERIC_ARRAY = 65_536  # per-layer arrays are kept; bigger ones (token scores) are summarised
KEEP_STRING_ARRAY = 256  # token lists / merges are summarised, not held in memory
_CHUNK = 1 << 20
INT64_MAX = (1 << 63) - 1

# GGUF value type id -> (name, fixed size in bytes or 0 for variable, struct format)
_SCALARS: dict[int, tuple[str, int, str]] = {
    0: ("uint8", 1, "<B"),
    1: ("int8", 1, "<b"),
    2: ("uint16", 2, "<H"),
    3: ("int16", 2, "<h"),
    4: ("uint32", 4, "<I"),
    5: ("int32", 4, "<i"),
    6: ("float32", 4, "<f"),
    7: ("bool", 1, "<?"),
    10: ("uint64", 8, "<Q"),
    11: ("int64", 8, "<q"),
    12: ("float64", 8, "<d"),
}
T_STRING = 8
T_ARRAY = 9


class GGUFError(UserInputError):
    """The file is not a GGUF model llama.cpp can safely read; `field` names what is wrong, `offset` where."""

    def __init__(self, message: Text, *, field: str = "", offset: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.offset = offset


class NeedMoreData(Exception):
    """A header-only prefix ended before the header did; fetch at least `needed` bytes and read again."""

    def __init__(self, needed: int) -> None:
        super().__init__(f"header continues past byte {needed}")
        self.needed = needed


@dataclass(frozen=True)
class ArraySummary:
    """Stands in for a long array (tokenizer vocabularies): its element type and length, not its values."""

    element_type: str
    count: int


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]  # ggml order: shape[0] is the row length
    type_id: int
    offset: int  # relative to the start of the data section
    n_bytes: int

    @property
    def type_name(self) -> str:
        return GGML_TYPES[self.type_id].name

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass
class GGUFHeader:
    version: int
    metadata: dict[str, Any]
    tensors: list[TensorInfo]
    alignment: int
    data_offset: int  # where tensor data starts; everything before is the header
    file_size: int
    metadata_types: dict[str, str] = field(default_factory=dict)

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    def arch_value(self, key: str, default: Any = None) -> Any:
        """`{architecture}.{key}`, e.g. arch_value("block_count")."""
        return self.metadata.get(f"{self.architecture}.{key}", default)

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", ""))

    @property
    def parameter_count(self) -> int:
        return sum(t.n_elements for t in self.tensors)

    @property
    def tensor_bytes(self) -> int:
        return sum(t.n_bytes for t in self.tensors)

    @property
    def file_type(self) -> str:
        """Quantization as the file declares it (general.file_type), else the most common weight type."""
        ftype = self.metadata.get("general.file_type")
        if isinstance(ftype, int) and ftype in FILE_TYPES:
            return FILE_TYPES[ftype]
        weights: dict[str, int] = {}
        for t in self.tensors:
            if len(t.shape) >= 2:
                weights[t.type_name] = weights.get(t.type_name, 0) + t.n_bytes
        return max(weights, key=weights.__getitem__) if weights else "unknown"

    @property
    def context_length(self) -> int | None:
        value = self.arch_value("context_length")
        return int(value) if isinstance(value, int) else None

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return value if isinstance(value, str) else None

    def summary(self) -> dict[str, Any]:
        return {
            "architecture": self.architecture,
            "name": self.name,
            "parameters": self.parameter_count,
            "quantization": self.file_type,
            "context_length": self.context_length,
            "layers": self.arch_value("block_count"),
            "tensor_count": len(self.tensors),
            "chat_template": self.chat_template is not None,
            "gguf_version": self.version,
            "file_size": self.file_size,
            "header_bytes": self.data_offset,
        }


class _Cursor:
    """Reads little-endian values from a stream through a window buffer, never past `available`."""

    def __init__(self, stream: BinaryIO, file_size: int, available: int) -> None:
        self._stream = stream
        self.file_size = file_size
        self.available = min(available, file_size)
        self._buf = b""
        self._buf_start = 0
        self.pos = 0

    def remaining(self) -> int:
        return self.file_size - self.pos

    def take(self, n: int, what: Text) -> bytes:
        end = self.pos + n
        if end > self.file_size:
            raise GGUFError(
                msg("the file ends at byte {size:,} while reading {field} (it is truncated or damaged)",
                    size=self.file_size, field=what),
                field=str(what),
                offset=self.pos,
            )
        if end > self.available:
            raise NeedMoreData(end)
        if end > self._buf_start + len(self._buf):
            keep = self._buf[self.pos - self._buf_start :]
            want = max(_CHUNK, n - len(keep))
            more = self._stream.read(min(want, self.available - self._buf_start - len(self._buf)))
            self._buf = keep + more
            self._buf_start = self.pos
            if end > self._buf_start + len(self._buf):
                # The stream was shorter than the size we were told: treat as truncation.
                raise GGUFError(
                    msg("the file ends early while reading {field} (it is truncated or damaged)", field=what),
                    field=str(what),
                    offset=self.pos,
                )
        start = self.pos - self._buf_start
        self.pos = end
        return self._buf[start : start + n]

    def skip(self, n: int, what: Text) -> None:
        while n > 0:
            step = min(n, _CHUNK)
            self.take(step, what)
            n -= step

    def u32(self, what: Text) -> int:
        return int(struct.unpack("<I", self.take(4, what))[0])

    def u64(self, what: Text) -> int:
        return int(struct.unpack("<Q", self.take(8, what))[0])

    def i64(self, what: Text) -> int:
        return int(struct.unpack("<q", self.take(8, what))[0])

    def string_length(self, what: Text, limit: int) -> int:
        length = self.u64(msg("the length of {field}", field=what))
        if length > limit or length > self.remaining():
            raise GGUFError(
                msg("{field} claims {length:,} bytes, more than the file could hold (the file is truncated, damaged "
                    "or hostile)", field=what, length=length),
                field=str(what),
                offset=self.pos - 8,
            )
        return length

    def string(self, what: Text, limit: int = MAX_STRING_BYTES) -> str:
        raw = self.take(self.string_length(what, limit), what)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("utf-8", errors="replace")


def _identify_other_format(head: bytes) -> Message | None:
    """Name the format of a file that is not GGUF, so the message can say what the user actually has."""
    if head.startswith(b"PK\x03\x04"):
        return msg("a ZIP archive (for example a PyTorch .bin/.pt checkpoint), not a GGUF model")
    if head[:1] == b"\x80" and len(head) > 1 and head[1] in range(2, 6):
        return msg("a Python pickle (PyTorch checkpoint), not a GGUF model; pickles can run code, never load them")
    if len(head) >= 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] < 100_000_000:
        return msg("a safetensors file, not a GGUF model; pick a .gguf file from the model's GGUF repository")
    if head.startswith(b"version https://git-lfs"):
        return msg("a Git LFS pointer, not the model itself; the download fetched the pointer instead of the file")
    lowered = head[:64].lstrip().lower()
    if lowered.startswith((b"<!doctype", b"<html", b"{\"error", b"{\"detail")):
        return msg("a web page or error message saved under a .gguf name, not a model; download it again")
    if head[:4] in (b"lmgg", b"fmgg", b"tjgg", b"ggml", b"ggmf", b"ggjt"):
        return msg("an old GGML-format model that llama.cpp no longer reads; use a GGUF version of it")
    return None


def _read_value(cur: _Cursor, type_id: int, what: Message, depth: int = 0) -> tuple[Any, str]:
    if type_id in _SCALARS:
        name, size, fmt = _SCALARS[type_id]
        return struct.unpack(fmt, cur.take(size, what))[0], name
    if type_id == T_STRING:
        return cur.string(what), "string"
    if type_id == T_ARRAY:
        nested = msg("{field} is an array of arrays, which llama.cpp does not accept", field=what)
        if depth > 0:
            raise GGUFError(nested, field=str(what))
        elem_type = cur.u32(msg("the element type of {field}", field=what))
        count = cur.u64(msg("the length of {field}", field=what))
        if elem_type == T_ARRAY:
            raise GGUFError(nested, field=str(what))
        if elem_type == T_STRING:
            min_size = 8
        elif elem_type in _SCALARS:
            min_size = _SCALARS[elem_type][1]
        else:
            raise GGUFError(
                msg("{field} has an unknown element type id {type_id}", field=what, type_id=elem_type), field=str(what)
            )
        if count * min_size > cur.remaining():
            raise GGUFError(
                msg("{field} claims {count:,} elements, more than the file could hold (the file is truncated, "
                    "damaged or hostile)", field=what, count=count),
                field=str(what),
                offset=cur.pos - 8,
            )
        if elem_type == T_STRING:
            keep = count <= KEEP_STRING_ARRAY
            values: list[Any] = []
            for i in range(count):
                n = cur.string_length(msg("element {index} of {field}", index=i, field=what), MAX_STRING_BYTES)
                if keep:
                    values.append(cur.take(n, what).decode("utf-8", errors="replace"))
                else:
                    cur.skip(n, what)
            return (values if keep else ArraySummary("string", count)), "array[string]"
        name, size, fmt = _SCALARS[elem_type]
        raw = cur.take(count * size, what) if count <= KEEP_NUMERIC_ARRAY else None
        if raw is None:
            cur.skip(count * size, what)
            return ArraySummary(name, count), f"array[{name}]"
        return [v[0] for v in struct.iter_unpack(fmt, raw)], f"array[{name}]"
    raise GGUFError(
        msg("{field} has an unknown value type id {type_id}", field=what, type_id=type_id), field=str(what)
    )


def read_header(stream: BinaryIO, file_size: int, available: int | None = None) -> GGUFHeader:
    """Validate and read a GGUF header from `stream` positioned at byte 0.

    `file_size` is the full file's size (used for every bound); `available` is how many bytes the stream holds
    (a header-only prefix), defaulting to the whole file.
    """
    cur = _Cursor(stream, file_size, file_size if available is None else available)
    if file_size == 0:
        raise GGUFError(msg("the file is empty (0 bytes)"), field="magic", offset=0)
    signature = msg("the file signature")
    head = cur.take(min(16, file_size), signature) if file_size < 24 else None
    if head is not None:
        raise GGUFError(
            _identify_other_format(head)
            or msg("the file is only {size} bytes long, too short to be a GGUF model", size=file_size),
            field="magic",
            offset=0,
        )
    magic = cur.take(4, signature)
    if magic != GGUF_MAGIC:
        rest = cur.take(min(60, cur.available - 4), signature)
        other = _identify_other_format(magic + rest)
        raise GGUFError(
            other or msg("this is not a GGUF file (it does not start with 'GGUF')"), field="magic", offset=0
        )
    version = cur.u32(msg("the GGUF version"))
    if version not in SUPPORTED_VERSIONS:
        if version & 0xFFFF == 0 and version >> 24 in SUPPORTED_VERSIONS:
            reason = msg("this GGUF file is big-endian; this computer needs the little-endian version of the model")
        elif version == 1:
            reason = msg("GGUF version 1 is no longer supported by llama.cpp; use a newer conversion of this model")
        else:
            reason = msg("unsupported GGUF version {version} (this app reads versions 2 and 3)", version=version)
        raise GGUFError(reason, field="version", offset=4)
    n_tensors = cur.u64(msg("the tensor count"))
    n_kv = cur.u64(msg("the metadata count"))
    # Minimum bytes per entry: a KV is key length (8) + 1 key byte + type (4) + 1 value byte;
    # a tensor info is name length (8) + 1 + n_dims (4) + one dim (8) + type (4) + offset (8).
    if n_kv * 14 > cur.remaining():
        raise GGUFError(
            msg("the header claims {count:,} metadata entries, more than the file could hold (the file is truncated, "
                "damaged or hostile)", count=n_kv),
            field="metadata count",
            offset=16,
        )
    if n_tensors > MAX_TENSORS or n_tensors * 33 > cur.remaining():
        raise GGUFError(
            msg("the header claims {count:,} tensors, more than the file could hold (the file is truncated, damaged "
                "or hostile)", count=n_tensors),
            field="tensor count",
            offset=8,
        )
    metadata: dict[str, Any] = {}
    metadata_types: dict[str, str] = {}
    for i in range(n_kv):
        key = cur.string(msg("metadata key #{index}", index=i), MAX_KEY_BYTES)
        if not key:
            raise GGUFError(msg("metadata key #{index} is empty", index=i), field=f"metadata key #{i}", offset=cur.pos)
        if not key.isprintable():  # real keys are ASCII names; a newline here would break every message naming it
            raise GGUFError(msg("metadata key #{index} contains control characters", index=i),
                            field=f"metadata key #{i}", offset=cur.pos)
        if key in metadata:
            raise GGUFError(msg("metadata key '{key}' appears twice", key=key), field=key, offset=cur.pos)
        type_id = cur.u32(msg("the type of '{key}'", key=key))
        metadata[key], metadata_types[key] = _read_value(cur, type_id, msg("metadata '{key}'", key=key))

    alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    if "general.alignment" in metadata and (
        metadata_types["general.alignment"] != "uint32" or alignment == 0 or alignment & (alignment - 1)
    ):
        raise GGUFError(
            msg("general.alignment is {value!r}; it must be a power of two stored as uint32", value=alignment),
            field="general.alignment",
        )

    tensors: list[TensorInfo] = []
    names: set[str] = set()
    for i in range(n_tensors):
        name = cur.string(msg("the name of tensor #{index}", index=i), MAX_TENSOR_NAME)
        if not name:  # every later message names the tensor: an empty name would name nothing
            raise GGUFError(msg("tensor #{index} has an empty name", index=i), field=f"tensor #{i}", offset=cur.pos)
        if not name.isprintable():
            raise GGUFError(msg("the name of tensor #{index} contains control characters", index=i),
                            field=f"tensor #{i}", offset=cur.pos)
        if name in names:
            raise GGUFError(msg("tensor '{name}' appears twice", name=name), field=name, offset=cur.pos)
        names.add(name)
        n_dims = cur.u32(msg("the dimension count of tensor '{name}'", name=name))
        if not 1 <= n_dims <= MAX_DIMS:
            raise GGUFError(
                msg("tensor '{name}' has {n} dimensions (1 to {max} allowed)", name=name, n=n_dims, max=MAX_DIMS),
                field=name,
            )
        shape = tuple(cur.i64(msg("a dimension of tensor '{name}'", name=name)) for _ in range(n_dims))
        if any(d <= 0 for d in shape):
            raise GGUFError(
                msg("tensor '{name}' has a zero or negative dimension {shape}", name=name, shape=list(shape)),
                field=name,
            )
        n_elements = 1
        for d in shape:
            n_elements *= d
            if n_elements > INT64_MAX:
                raise GGUFError(
                    msg("tensor '{name}' has dimensions {shape} whose product overflows", name=name, shape=list(shape)),
                    field=name,
                )
        type_id = cur.u32(msg("the type of tensor '{name}'", name=name))
        ggml_type = GGML_TYPES.get(type_id)
        if ggml_type is None:
            raise GGUFError(
                msg("tensor '{name}' has an unknown or unsupported tensor type id {type_id}", name=name,
                    type_id=type_id),
                field=name,
            )
        if shape[0] % ggml_type.block_size:
            raise GGUFError(
                msg("tensor '{name}' has rows of {n} values, not a multiple of {type}'s block of {block}",
                    name=name, n=shape[0], type=ggml_type.name, block=ggml_type.block_size),
                field=name,
            )
        offset = cur.u64(msg("the data offset of tensor '{name}'", name=name))
        if offset % alignment:
            raise GGUFError(
                msg("tensor '{name}' starts at offset {offset}, not aligned to {alignment} bytes", name=name,
                    offset=offset, alignment=alignment),
                field=name,
            )
        n_bytes = n_elements // ggml_type.block_size * ggml_type.type_size
        tensors.append(TensorInfo(name, shape, type_id, offset, n_bytes))

    data_offset = -(-cur.pos // alignment) * alignment
    data_size = file_size - data_offset
    if data_size < 0:
        raise GGUFError(
            msg("the file ends inside the header padding (it is truncated)"), field="data", offset=file_size
        )
    previous: TensorInfo | None = None
    for t in sorted(tensors, key=lambda t: t.offset):
        if t.offset + t.n_bytes > data_size:
            raise GGUFError(
                msg("tensor '{name}' ends at byte {end:,}, past the end of the file ({size:,} bytes): the file is "
                    "truncated or damaged", name=t.name, end=data_offset + t.offset + t.n_bytes, size=file_size),
                field=t.name,
            )
        if previous is not None and t.offset < previous.offset + previous.n_bytes:
            raise GGUFError(
                msg("tensors '{first}' and '{second}' overlap in the file", first=previous.name, second=t.name),
                field=t.name,
            )
        previous = t
    header = GGUFHeader(version, metadata, tensors, alignment, data_offset, file_size, metadata_types)
    from modelnest.core.gguf.semantic import check_header

    check_header(header)  # figures the planner and engine read: right type, in range, justified by the tensors
    return header


def read_file(path: str | Path) -> GGUFHeader:
    """Validate a local file; raises GGUFError with a plain-language reason. llama.cpp sees only files that pass."""
    p = Path(path)
    if not p.exists():
        raise GGUFError(msg("{path} does not exist", path=p), field="path")
    if p.is_dir():
        raise GGUFError(msg("{path} is a folder, not a GGUF file", path=p), field="path")
    try:
        with p.open("rb") as stream:
            size = p.stat().st_size
            return read_header(stream, size)
    except PermissionError as exc:
        raise GGUFError(msg("cannot read {path}: permission denied", path=p), field="path") from exc
    except IsADirectoryError as exc:
        raise GGUFError(msg("{path} is a folder, not a GGUF file", path=p), field="path") from exc


def read_prefix(prefix: bytes, file_size: int) -> GGUFHeader:
    """Read a header from the first bytes of a (remote) file; NeedMoreData says how many bytes to fetch."""
    import io

    return read_header(io.BytesIO(prefix), file_size, available=len(prefix))
