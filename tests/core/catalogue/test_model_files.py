"""Names people read for model files, and the rules for deleting one (ours, another app's, a shared store)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modelnest.core import paths
from modelnest.core.catalogue.library import (
    ModelLabel,
    delete_confirmation,
    delete_model,
    label_for_file,
    name_from_filename,
    plan_delete,
)
from modelnest.core.errors import UserInputError


@pytest.mark.parametrize(("filename", "name"), [
    ("Qwen2.5-1.5B-Instruct-Q4_K_M-00001-of-00002.gguf", "Qwen2.5-1.5B-Instruct"),
    ("qwen2.5-1.5b-instruct-q4_k_m.gguf", "qwen2.5-1.5b-instruct"),
    ("Llama-3.2-3B-Instruct-UD-Q4_K_XL.gguf", "Llama-3.2-3B-Instruct"),
    ("model.gguf", "model"),
    ("Q4_K_M.gguf", "Q4_K_M"),  # nothing but a tag: the tag is better than nothing
])
def test_a_name_from_the_file_name(filename: str, name: str) -> None:
    assert name_from_filename(filename) == name


def test_a_file_is_named_by_its_header_and_quantization(tiny_model: Path, tmp_path: Path) -> None:
    assert label_for_file(tiny_model) == ModelLabel("tiny-random-llama", "Q4_K_M")
    assert str(label_for_file(tiny_model)) == "tiny-random-llama · Q4_K_M"
    # The catalogue's name wins for a repository it knows (the downloader's layout names the repository).
    ours = paths.models_dir() / "acme__tiny-GGUF" / "tiny-Q4_K_M.gguf"
    ours.parent.mkdir(parents=True)
    ours.write_bytes(tiny_model.read_bytes())
    assert label_for_file(ours, {"acme/tiny-GGUF": "Tiny 1B"}) == ModelLabel("Tiny 1B", "Q4_K_M")
    broken = tmp_path / "Broken-7B-Q5_K_S.gguf"
    broken.write_bytes(b"not a gguf")
    assert label_for_file(broken) == ModelLabel("Broken-7B", "Q5_K_S")


def test_a_model_in_our_folder_is_deleted_with_its_parts_and_empty_folder() -> None:
    folder = paths.models_dir() / "acme__big-GGUF"
    folder.mkdir(parents=True)
    parts = [folder / f"big-Q4_K_M-0000{i}-of-00002.gguf" for i in (1, 2)]
    for p in parts:
        p.write_bytes(b"x" * 10)
    plan = plan_delete(parts[0])
    assert plan.files == tuple(parts) and plan.size == 20 and plan.inside_models_dir and plan.refusal is None
    question = str(delete_confirmation(plan, ModelLabel("Big", "Q4_K_M")))
    assert "Big · Q4_K_M" in question and "2 file(s)" in question and str(folder) in question
    assert delete_model(plan) == parts
    assert not folder.exists()  # nothing else was in it


def test_a_file_elsewhere_names_its_path_and_needs_the_users_yes(tmp_path: Path) -> None:
    other = tmp_path / "lmstudio" / "pub" / "repo" / "m-Q8_0.gguf"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"x")
    plan = plan_delete(other, source="lmstudio")
    assert not plan.inside_models_dir and plan.refusal is None
    question = str(delete_confirmation(plan, "m · Q8_0", app="LM Studio"))
    assert str(other) in question and "LM Studio's folder" in question
    assert "not in the ModelNest models folder" in question
    assert str(other) in str(delete_confirmation(plan, "m"))
    with pytest.raises(UserInputError, match="outside the ModelNest models folder"):
        delete_model(plan)
    assert other.exists()
    assert delete_model(plan, outside_confirmed=True) == [other]
    assert not other.exists() and other.parent.exists()  # another app's folders are left alone


def test_shared_stores_and_links_are_never_deleted(tmp_path: Path) -> None:
    blob = tmp_path / "blobs" / "sha256-abc"
    blob.parent.mkdir()
    blob.write_bytes(b"x")
    plan = plan_delete(blob, source="ollama")
    assert plan.refusal is not None and "Ollama" in str(plan.refusal)
    with pytest.raises(UserInputError):
        delete_model(plan, outside_confirmed=True)
    link = paths.models_dir() / "link-Q4_0.gguf"
    link.symlink_to(blob)
    plan = plan_delete(link)
    assert plan.refusal is not None and not plan.inside_models_dir
    assert blob.exists() and link.exists()


def test_a_header_is_read_once_until_the_file_changes(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    from modelnest.core.catalogue.library import quick_label

    path = tmp_path / "copy-Q4_K_M.gguf"
    shutil.copyfile(tiny_models["Q4_K_M"], path)
    assert quick_label(path) == (ModelLabel("copy", "Q4_K_M"), False)  # from the file name, nothing read
    assert label_for_file(path) == ModelLabel("tiny-random-llama", "Q4_K_M")
    assert quick_label(path) == (ModelLabel("tiny-random-llama", "Q4_K_M"), True)
    shutil.copyfile(tiny_models["Q8_0"], path)  # another file under the same name: read again
    assert quick_label(path)[1] is False
    assert label_for_file(path) == ModelLabel("tiny-random-llama", "Q4_K_M")  # the tag in the name wins
