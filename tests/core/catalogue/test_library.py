"""The local library: real tiny GGUF files laid out like each app keeps them, found, validated and used in place."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from modelnest.core import paths
from modelnest.core.catalogue.library import (
    Location,
    add_user_folder,
    default_locations,
    remove_user_folder,
    scan_hf_cache,
    scan_library,
    scan_ollama,
    user_folders,
)
from modelnest.core.errors import UserInputError


def _copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hf_cache(root: Path, repo_id: str, files: dict[str, Path], commit: str = "a" * 40) -> Path:
    """The layout huggingface_hub writes: blobs/<hash>, snapshots/<commit>/<name> -> ../../blobs/<hash>, refs/main."""
    repo_dir = root / f"models--{repo_id.replace('/', '--')}"
    (repo_dir / "refs").mkdir(parents=True, exist_ok=True)
    (repo_dir / "refs" / "main").write_text(commit)
    for name, src in files.items():
        digest = _sha256(src)
        blob = _copy(src, repo_dir / "blobs" / digest)
        link = repo_dir / "snapshots" / commit / name
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(blob, link.parent), link)
    return root


def _ollama(root: Path, name: str, tag: str, model: Path, namespace: str = "library") -> Path:
    digest = _sha256(model)
    _copy(model, root / "blobs" / f"sha256-{digest}")
    config = root / "blobs" / ("sha256-" + "c" * 64)
    config.write_text("{}")
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "digest": "sha256:" + "c" * 64,
            "size": 2,
        },
        "layers": [
            {
                "mediaType": "application/vnd.ollama.image.model",
                "digest": f"sha256:{digest}",
                "size": model.stat().st_size,
            },
            {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "d" * 64, "size": 10},
        ],
    }
    path = root / "manifests" / "registry.ollama.ai" / namespace / name / tag
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest))
    return path


def test_default_locations_per_os(tmp_path: Path) -> None:
    linux = default_locations(home=tmp_path, env={}, system="Linux")
    assert Location("lmstudio", tmp_path / ".lmstudio" / "models") in linux
    assert Location("gpt4all", tmp_path / ".local" / "share" / "nomic.ai" / "GPT4All") in linux
    assert Location("ollama", tmp_path / ".ollama" / "models") in linux
    mac = default_locations(home=tmp_path, env={}, system="Darwin")
    assert Location("gpt4all", tmp_path / "Library" / "Application Support" / "nomic.ai" / "GPT4All") in mac
    win = default_locations(
        home=tmp_path, env={"LOCALAPPDATA": str(tmp_path / "L"), "OLLAMA_MODELS": str(tmp_path / "o")}, system="Windows"
    )
    assert Location("gpt4all", tmp_path / "L" / "nomic.ai" / "GPT4All") in win
    assert win[[loc.source for loc in win].index("ollama")].path == tmp_path / "o"  # OLLAMA_MODELS first


def test_every_source_is_found_and_validated_in_place(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    q4, q8 = tiny_models["Q4_K_M"], tiny_models["Q8_0"]
    ours = _copy(q4, paths.models_dir() / "acme__tiny-GGUF" / "tiny-Q4_K_M.gguf")
    _hf_cache(tmp_path / "hf", "acme/hf-GGUF", {"tiny-Q8_0.gguf": q8, "mmproj-f16.gguf": q8})
    lms = _copy(q4, tmp_path / "lms" / "lmstudio-community" / "Tiny-GGUF" / "Tiny-Q4_K_M.gguf")
    gpt = _copy(q8, tmp_path / "gpt4all" / "tiny.Q8_0.gguf")
    (tmp_path / "gpt4all" / "localdocs_v2.db").write_bytes(b"sqlite")  # GPT4All keeps other files there
    _ollama(tmp_path / "ollama", "tiny", "latest", q4)
    mine = tmp_path / "mine"
    bad = mine / "broken-Q4_K_M.gguf"
    bad.parent.mkdir()
    bad.write_bytes(b"GGUF" + b"\xff" * 60)
    _copy(q4, mine / "big-00001-of-00002.gguf")  # part 2 missing
    locations = [Location("lmstudio", tmp_path / "lms"), Location("gpt4all", tmp_path / "gpt4all"),
                 Location("ollama", tmp_path / "ollama"), Location("lmstudio", tmp_path / "absent")]
    found = scan_library(locations=locations, extra_folders=[mine], hf_cache_dir=tmp_path / "hf")
    by_source = {}
    for m in found:
        by_source.setdefault(m.source, []).append(m)
    assert by_source["modelnest"][0].path == ours and by_source["modelnest"][0].repo_id == "acme/tiny-GGUF"
    hf_models = by_source["huggingface"]
    assert len(hf_models) == 1  # the projector is not a model
    assert hf_models[0].repo_id == "acme/hf-GGUF" and hf_models[0].path.resolve().parent.name == "blobs"
    assert by_source["lmstudio"][0].path == lms and by_source["lmstudio"][0].repo_id == "lmstudio-community/Tiny-GGUF"
    assert by_source["gpt4all"][0].path == gpt and by_source["gpt4all"][0].quant == "Q8_0"
    olla = by_source["ollama"][0]
    assert olla.name == "tiny:latest" and olla.path.name.startswith("sha256-") and olla.runnable
    runnable = [m for m in found if m.runnable]
    assert len(runnable) == 5
    for m in runnable:
        assert m.header is not None and m.header.architecture == "llama" and m.size == m.path.stat().st_size
    folder = {m.name: m for m in by_source["folder"]}
    assert not folder["broken-Q4_K_M.gguf"].runnable and folder["broken-Q4_K_M.gguf"].error
    assert "1 of 2 parts" in str(folder["big-00001-of-00002.gguf"].error or "")
    assert found[0].to_json()["runnable"] is True


def test_the_same_file_reached_twice_is_listed_once(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    model = _copy(tiny_models["Q4_K_M"], tmp_path / "a" / "tiny-Q4_K_M.gguf")
    (tmp_path / "b").mkdir()
    os.symlink(model, tmp_path / "b" / "same-Q4_K_M.gguf")
    found = scan_library(locations=[], extra_folders=[tmp_path / "a", tmp_path / "b"], include_hf_cache=False)
    assert [m.path for m in found] == [model]


def test_split_models_are_one_entry(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    # Validation reads the first part's header; the sizes of all parts add up.
    first = _copy(tiny_models["Q4_K_M"], tmp_path / "m" / "x-Q4_K_M-00001-of-00002.gguf")
    second = _copy(tiny_models["Q8_0"], tmp_path / "m" / "x-Q4_K_M-00002-of-00002.gguf")
    found = scan_library(locations=[], extra_folders=[tmp_path / "m"], include_hf_cache=False)
    assert len(found) == 1 and found[0].parts == (first, second)
    assert found[0].size == first.stat().st_size + second.stat().st_size and found[0].quant == "Q4_K_M"


def test_ollama_damage_is_reported_not_fatal(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    root = tmp_path / "ollama"
    manifest = _ollama(root, "good", "7b", tiny_models["Q4_K_M"])
    _ollama(root, "gone", "latest", tiny_models["Q8_0"], namespace="someone")  # its blob is deleted next
    (root / "blobs" / f"sha256-{_sha256(tiny_models['Q8_0'])}").unlink()
    junk = root / "manifests" / "registry.ollama.ai" / "library" / "junk" / "latest"
    junk.parent.mkdir(parents=True)
    junk.write_text("{broken")
    evil = json.loads(manifest.read_text())
    evil["layers"][0]["digest"] = "sha256:../../../etc/passwd"
    hostile = root / "manifests" / "registry.ollama.ai" / "library" / "evil" / "latest"
    hostile.parent.mkdir(parents=True)
    hostile.write_text(json.dumps(evil))
    found = {m.name: m for m in scan_ollama(root)}
    assert found["good:7b"].runnable
    assert "missing" in str(found["someone/gone:latest"].error or "")
    assert "unreadable" in str(found["junk:latest"].error or "")
    assert "invalid blob" in str(found["evil:latest"].error or "")


def test_hf_cache_absent_or_empty_is_simply_nothing(tmp_path: Path) -> None:
    assert scan_hf_cache(tmp_path / "nope") == []
    (tmp_path / "empty").mkdir()
    assert scan_hf_cache(tmp_path / "empty") == []


def test_user_folders_are_remembered(tmp_path: Path) -> None:
    assert user_folders() == []
    add_user_folder(tmp_path)
    add_user_folder(tmp_path)  # once
    assert user_folders() == [tmp_path.resolve()]
    with pytest.raises(UserInputError, match="not a folder"):
        add_user_folder(tmp_path / "missing")
    assert remove_user_folder(tmp_path) == [] and user_folders() == []


def test_a_split_model_is_validated_part_by_part_and_planned_whole(tmp_path: Path, split_model: list[Path]) -> None:
    folder = tmp_path / "split"
    for p in split_model:
        _copy(p, folder / p.name)
    (found,) = scan_library(locations=[], extra_folders=[folder], include_hf_cache=False)
    assert found.runnable and found.header is not None and len(found.header.tensors) == 5
    assert found.header.file_size == found.size
    (folder / split_model[1].name).write_bytes(b"GGUF" + b"\xff" * 40)  # a damaged middle part
    (broken,) = scan_library(locations=[], extra_folders=[folder], include_hf_cache=False)
    assert not broken.runnable and str(broken.error or "").startswith(f"part {split_model[1].name}:")
