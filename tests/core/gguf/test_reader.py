"""The GGUF validator: real models pass with the right figures; every kind of malformed file is refused fast."""

from __future__ import annotations

import struct
import time
import tracemalloc
from pathlib import Path

import pytest
from support.gguf_craft import Crafted, kv_raw, kv_str, kv_u32, s, tensor_info, valid_small

from modelnest.core.gguf import GGUFError, NeedMoreData, read_file, read_prefix
from modelnest.core.gguf.types import GGML_TYPES


def write(tmp_path: Path, data: bytes, name: str = "m.gguf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rejected(tmp_path: Path, data: bytes) -> GGUFError:
    """Read must fail with GGUFError, in well under a second and with bounded memory."""
    path = write(tmp_path, data)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(GGUFError) as info:
        read_file(path)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5, f"validator took {elapsed:.2f}s"
    assert peak < 8 * 2**20 + 4 * len(data), f"validator used {peak} bytes"
    return info.value


def test_real_models_read_with_correct_figures(tiny_models: dict[str, Path]) -> None:
    import gguf

    for quant, path in tiny_models.items():
        header = read_file(path)
        theirs = gguf.GGUFReader(path)  # the ecosystem's reader, trusted here on well-formed files
        assert header.architecture == "llama"
        assert header.file_type == quant
        assert len(header.tensors) == len(theirs.tensors)
        for ours, ref in zip(header.tensors, theirs.tensors, strict=True):
            assert ours.name == ref.name
            assert list(ours.shape) == [int(x) for x in ref.shape]
            assert ours.n_bytes == int(ref.n_bytes)
            assert header.data_offset + ours.offset == int(ref.data_offset)
        assert header.context_length == 4096
        assert header.chat_template is not None and "add_generation_prompt" in header.chat_template
        assert header.parameter_count == sum(int(t.n_elements) for t in theirs.tensors)


def test_type_table_matches_gguf_package() -> None:
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    for type_id, ours in GGML_TYPES.items():
        ref = GGML_QUANT_SIZES[GGMLQuantizationType(type_id)]
        assert (ours.block_size, ours.type_size) == ref, ours.name


def test_valid_crafted_file_passes(tmp_path: Path) -> None:
    header = read_file(write(tmp_path, valid_small().build()))
    assert [t.name for t in header.tensors] == ["a.weight", "b.weight"]


def test_truncated_at_every_offset_is_refused(tmp_path: Path, tiny_model: Path) -> None:
    data = tiny_model.read_bytes()
    header = read_file(tiny_model)
    # every byte of the first 600 (fixed fields, first keys), then a sweep through the header and the data
    cuts = list(range(600)) + list(range(600, header.data_offset, 97)) + [header.data_offset + 1, len(data) - 1]
    for cut in cuts:
        error = rejected(tmp_path, data[:cut])
        assert "truncated" in str(error) or "too short" in str(error) or "empty" in str(error), (cut, error)


def test_header_only_prefix_asks_for_more_then_reads(tiny_model: Path) -> None:
    data = tiny_model.read_bytes()
    header = read_file(tiny_model)
    with pytest.raises(NeedMoreData) as info:
        read_prefix(data[:1000], len(data))
    assert info.value.needed > 1000
    from_prefix = read_prefix(data[: header.data_offset], len(data))
    assert from_prefix.tensors == header.tensors


@pytest.mark.parametrize(
    ("crafted", "words"),
    [
        (Crafted(n_kv=2**64 - 1), "metadata entries"),
        (Crafted(n_tensors=2**64 - 1), "tensors"),
        (Crafted(kvs=[s("k") + struct.pack("<I", 8) + struct.pack("<Q", 2**63)]), "claims"),
        (Crafted(kvs=[s("x" * 10) + struct.pack("<I", 9) + struct.pack("<IQ", 4, 2**62)]), "claims"),
        (
            Crafted(kvs=[kv_raw("nested", 9, struct.pack("<IQ", 9, 1) + struct.pack("<IQ", 4, 1) + b"\0" * 4)]),
            "array of arrays",
        ),
        (Crafted(kvs=[kv_raw("odd", 77, b"\0" * 8)]), "unknown value type"),
        (Crafted(kvs=[kv_raw("arr", 9, struct.pack("<IQ", 99, 1) + b"\0" * 8)]), "unknown element type"),
        (Crafted(kvs=[kv_str("a", "1"), kv_str("a", "2")]), "twice"),
        (Crafted(kvs=[kv_raw("general.alignment", 4, struct.pack("<I", 3))]), "power of two"),
        (Crafted(kvs=[kv_raw("general.alignment", 10, struct.pack("<Q", 64))]), "uint32"),
        (Crafted(tensors=[tensor_info("t", [4, 0], 0, 0)], data=b"\0" * 64), "zero or negative"),
        (Crafted(tensors=[tensor_info("t", [4, -4], 0, 0)], data=b"\0" * 64), "zero or negative"),
        (Crafted(tensors=[tensor_info("t", [2**62, 2**62], 0, 0)], data=b"\0" * 64), "overflows"),
        (Crafted(tensors=[tensor_info("t", [4], 4, 0)], data=b"\0" * 64), "unknown or unsupported tensor type"),
        (Crafted(tensors=[tensor_info("t", [4], 1000, 0)], data=b"\0" * 64), "unknown or unsupported tensor type"),
        (Crafted(tensors=[tensor_info("t", [4, 1, 1, 1, 1], 0, 0)], data=b"\0" * 64), "dimensions"),
        (Crafted(tensors=[tensor_info("t", [16], 2, 0)], data=b"\0" * 64), "multiple"),
        (Crafted(tensors=[tensor_info("t", [4], 0, 3)], data=b"\0" * 64), "not aligned"),
        (Crafted(tensors=[tensor_info("t", [4], 0, 2**40)], data=b"\0" * 64), "past the end"),
        (Crafted(tensors=[tensor_info("t", [64], 0, 0)], data=b"\0" * 64), "past the end"),
        (Crafted(tensors=[tensor_info("a", [16], 0, 0), tensor_info("b", [16], 0, 32)], data=b"\0" * 128), "overlap"),
        (Crafted(tensors=[tensor_info("a", [4], 0, 0), tensor_info("a", [4], 0, 32)], data=b"\0" * 64), "twice"),
        (Crafted(tensors=[tensor_info("n" * 200, [4], 0, 0)], data=b"\0" * 64), "claims"),
        (Crafted(version=1), "version 1"),
        (Crafted(version=7), "unsupported GGUF version"),
        (Crafted(version=3 << 24), "big-endian"),
    ],
)
def test_malformed_files_are_refused_with_the_field_named(tmp_path: Path, crafted: Crafted, words: str) -> None:
    error = rejected(tmp_path, crafted.build())
    assert words in str(error)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"PK\x03\x04" + b"\0" * 60, "ZIP"),
        (b"\x80\x04\x95" + b"\0" * 60, "pickle"),
        (struct.pack("<Q", 40) + b'{"__metadata__":{}}' + b" " * 40, "safetensors"),
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n", "Git LFS pointer"),
        (b"<!DOCTYPE html><html><body>404</body></html>" + b" " * 30, "web page"),
        (b"ggjt" + b"\0" * 60, "old GGML"),
        (b"random garbage that is long enough to not be short", "not a GGUF file"),
    ],
)
def test_other_formats_are_named(tmp_path: Path, data: bytes, words: str) -> None:
    assert words in str(rejected(tmp_path, data))


def test_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match="folder"):
        read_file(tmp_path)
    with pytest.raises(GGUFError, match="does not exist"):
        read_file(tmp_path / "nope.gguf")


def test_big_string_array_is_summarised_not_held(tmp_path: Path) -> None:
    count = 100_000
    payload = struct.pack("<IQ", 8, count) + b"".join(s(f"tok{i}") for i in range(count))
    crafted = valid_small()
    crafted.tensors = [tensor_info("blk.0.a.weight", [4, 4], 0, 0), tensor_info("blk.1.a.weight", [4, 4], 0, 64)]
    crafted.kvs.append(kv_raw("tokenizer.ggml.tokens", 9, payload))
    crafted.kvs.append(kv_u32("llama.block_count", 2))  # as many layers as the tensor table holds
    header = read_file(write(tmp_path, crafted.build()))
    tokens = header.metadata["tokenizer.ggml.tokens"]
    assert tokens.count == count and tokens.element_type == "string"
    assert header.arch_value("block_count") == 2
