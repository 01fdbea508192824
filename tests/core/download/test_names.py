"""Hostile names are refused before any I/O; split GGUF parts and quant tags are recognised."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelnest.core.download import (
    FilePaths,
    UnsafeFileNameError,
    model_key,
    quant_of,
    repo_dir_name,
    split_info,
    validate_remote_filename,
    validate_repo_id,
)
from modelnest.core.download.names import matches_quant
from modelnest.core.errors import UserInputError

HOSTILE = [
    "../evil.gguf",
    "a/../../evil.gguf",
    "..",
    "/etc/passwd",
    "C:evil.gguf",
    "C:\\Windows\\evil.gguf",
    "c:/evil.gguf",
    "\\\\server\\share\\evil.gguf",
    "//server/share/evil.gguf",
    "sub\\evil.gguf",
    "evil\x00.gguf",
    "evil\n.gguf",
    "",
    "a//b.gguf",
    "./a.gguf",
    "model.gguf:stream",
    "NUL.gguf",
    "con",
    "trailing-dot.",
    "model.gguf.part",
    "x" * 500,
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_names_are_refused_with_a_clear_message(name: str) -> None:
    with pytest.raises(UnsafeFileNameError, match="Refusing file name") as info:
        validate_remote_filename(name)
    assert isinstance(info.value, UserInputError)  # the CLI turns it into exit 2 with one line


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_never_reach_the_disk(name: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileNameError):
        FilePaths.for_file(tmp_path, "acme/tiny", name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["model-Q4_K_M.gguf", "Q4_K_M/model-00001-of-00002.gguf", "a.b-c_d.gguf", "README.md"])
def test_ordinary_names_are_accepted(name: str, tmp_path: Path) -> None:
    assert validate_remote_filename(name) == name
    fp = FilePaths.for_file(tmp_path, "acme/tiny", name)
    assert fp.final == (tmp_path / "acme__tiny" / name).resolve()
    assert fp.part.name == Path(name).name + ".part"


@pytest.mark.parametrize(
    "repo", ["../x", "acme", "acme/tiny/extra", "acme/..", "/acme/tiny", "ac me/tiny", "acme\\tiny", "a/b..c"]
)
def test_bad_repo_ids_are_refused(repo: str) -> None:
    with pytest.raises(UnsafeFileNameError):
        validate_repo_id(repo)


def test_repo_folder_name() -> None:
    assert repo_dir_name("Qwen/Qwen2.5-0.5B-Instruct-GGUF") == "Qwen__Qwen2.5-0.5B-Instruct-GGUF"


def test_split_parts_share_one_model_key() -> None:
    info = split_info("Qwen2.5-32B-Q4_K_M-00002-of-00005.gguf")
    assert info is not None and (info.index, info.count) == (2, 5)
    assert model_key("Qwen2.5-32B-Q4_K_M-00002-of-00005.gguf") == model_key("Qwen2.5-32B-Q4_K_M-00001-of-00005.gguf")
    assert split_info("model-Q4_K_M.gguf") is None


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("qwen2.5-0.5b-instruct-q8_0.gguf", "Q8_0"),
        ("Phi-3.5-mini-instruct-IQ4_XS.gguf", "IQ4_XS"),
        ("gemma-2-2b-it-f16.gguf", "F16"),
        ("Qwen3-32B-UD-Q4_K_XL-00001-of-00002.gguf", "UD-Q4_K_XL"),
        ("tinyllama.gguf", None),
    ],
)
def test_quant_tag_is_read_from_the_name(name: str, quant: str | None) -> None:
    assert quant_of(name) == quant


def test_quant_match_does_not_take_a_prefix() -> None:
    assert matches_quant("model-Q4_K_M.gguf", "q4_k_m")
    assert not matches_quant("model-Q4_K_M.gguf", "Q4_K")
    assert matches_quant("Q4_K_M/model-00001-of-00002.gguf", "Q4_K_M")
