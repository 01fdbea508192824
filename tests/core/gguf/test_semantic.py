"""Metadata the planner and engine read is checked right after validation: wrong types, out-of-range values and
counts the tensor table does not justify are refused with the field's name, and every CLI path exits 2 with
one line (these are the files that used to pass validation and then crash our own code)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from support.gguf_craft import Crafted, kv_str, kv_u32
from support.gguf_fuzz import cli, replace_value, with_uint32

from modelnest.core.gguf import GGUFError, read_file
from modelnest.core.plan import ModelSpec

CASES = [
    ("llama.block_count", "string", "whole number"),
    ("llama.attention.head_count", "string", "whole number"),
    ("llama.block_count", "nan", "whole number"),
    ("llama.context_length", "inf", "whole number"),
    ("llama.attention.layer_norm_rms_epsilon", "nan", "finite"),
    ("llama.attention.layer_norm_rms_epsilon", "-inf", "finite"),
    ("llama.attention.layer_norm_rms_epsilon", "string", "must be a number"),
    ("llama.attention.head_count", "empty array", "empty list"),
    ("llama.attention.head_count_kv", "array of strings", "whole number or a list"),
    ("llama.feed_forward_length", "long int array", "entries"),
    ("llama.context_length", "one", "outside the range"),
    ("llama.block_count", "zero", "outside the range"),
    ("llama.block_count", "uint64 4e8", "outside the range"),
    ("llama.embedding_length", "int64 huge", "outside the range"),
    ("general.architecture", "array of strings", "must be text"),
    ("tokenizer.chat_template", "bool", "must be text"),
    ("tokenizer.ggml.tokens", "empty array", "list of text"),
]


@pytest.mark.parametrize(("key", "label", "words"), CASES, ids=[f"{k}={v}" for k, v, _ in CASES])
def test_wrong_type_or_range_is_refused_naming_the_field(tiny_models: dict[str, Path], tmp_path: Path,
                                                         key: str, label: str, words: str) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(replace_value(tiny_models["F16"].read_bytes(), key, label))
    with pytest.raises(GGUFError) as info:
        read_file(path)
    assert info.value.field == key and key in str(info.value) and words in str(info.value), str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("llama.block_count", 400_000_000, "outside the range"),  # sized tuples by the header before
        ("llama.block_count", 40, "tensor table holds 2"),  # in range, but the file has 2 layers' tensors
        ("llama.block_count", 1, "tensor table holds 2"),
        ("llama.attention.head_count", 100_000, "outside the range"),
        ("llama.attention.head_count", 4096, "widest tensor"),
        ("llama.attention.head_count_kv", 8, "more than 'llama.attention.head_count'"),
        ("llama.embedding_length", 65536, "widest tensor"),
        ("llama.feed_forward_length", 1 << 20, "widest tensor"),
    ],
)
def test_counts_must_be_justified_by_the_tensor_table(tiny_models: dict[str, Path], tmp_path: Path,
                                                      key: str, value: int, words: str) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(with_uint32(tiny_models["F16"].read_bytes(), key, value))
    with pytest.raises(GGUFError) as info:
        read_file(path)
    assert info.value.field == key and words in str(info.value), str(info.value)


def test_file_without_tensors_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(Crafted(kvs=[kv_str("general.architecture", "llama")]).build())
    header = read_file(path)  # a valid GGUF (vocabulary-only files look like this) ...
    with pytest.raises(GGUFError, match="no tensors") as info:
        ModelSpec.from_header(header)  # ... but nothing to plan: this was a ZeroDivisionError in the speed model
    assert info.value.field == "tensor count"
    layers_claimed = Crafted(kvs=[kv_str("general.architecture", "llama"), kv_u32("llama.block_count", 2)])
    path.write_bytes(layers_claimed.build())
    with pytest.raises(GGUFError, match="tensor table holds 0"):
        read_file(path)


def test_real_models_pass(tiny_models: dict[str, Path]) -> None:
    for path in tiny_models.values():
        spec = ModelSpec.from_header(read_file(path))
        assert spec.n_layer == 2 and len(spec.n_head_kv) == 2


def test_every_cli_path_exits_2_with_one_line(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    base = tiny_models["F16"].read_bytes()
    files = {
        "block_count as text": replace_value(base, "llama.block_count", "string"),
        "huge block_count": with_uint32(base, "llama.block_count", 400_000_000),
        "no tensors": Crafted(kvs=[kv_str("general.architecture", "llama")]).build(),
    }
    for what, data in files.items():
        path = tmp_path / "bad.gguf"
        path.write_bytes(data)
        for args in (["inspect", str(path)], ["plan", str(path)], ["run", str(path), "--prompt", "hi"]):
            if what == "no tensors" and args[0] == "inspect":
                continue  # a valid GGUF file: inspect describes it
            code, out, err = cli(args)
            lines = err.strip().splitlines()
            assert code == 2 and len(lines) == 1 and lines[0].startswith(f"modelnest {args[0]}:"), (what, args, err)
            assert "Traceback" not in err and not out.strip()
    assert struct.calcsize("<I") == 4


def test_split_part_is_checked_against_its_tensors_only_when_complete(tmp_path: Path) -> None:
    """Part 1 of a split model declares 40 layers but holds only some tensors; the merged header must add up."""
    from dataclasses import replace

    from support.gguf_craft import kv_raw, tensor_info

    def part(split_tensors: int) -> Crafted:
        crafted = Crafted(
            kvs=[kv_str("general.architecture", "llama"), kv_u32("llama.block_count", 2),
                 kv_raw("split.no", 2, struct.pack("<H", 0)), kv_raw("split.count", 2, struct.pack("<H", 2)),
                 kv_raw("split.tensors.count", 5, struct.pack("<i", split_tensors))],
            tensors=[tensor_info("blk.0.a.weight", [4, 4], 0, 0)],
            data=b"\0" * 64,
        )
        return crafted

    path = tmp_path / "model-00001-of-00002.gguf"
    path.write_bytes(part(2).build())
    first = read_file(path)  # one layer's tensors of two: fine for a part
    second = replace(first, tensors=[*first.tensors, replace(first.tensors[0], name="blk.1.a.weight")])
    assert ModelSpec.from_header(second).n_layer == 2  # merged: two layers' tensors, as declared
    with pytest.raises(GGUFError, match="tensor table holds 1"):
        ModelSpec.from_header(replace(first, metadata={**first.metadata, "split.tensors.count": 1}))
    path.write_bytes(part(1).build())  # claims to be complete with one layer of two: refused at once
    with pytest.raises(GGUFError, match="tensor table holds 1"):
        read_file(path)
