"""Every bundled catalogue entry is self-consistent: its shape implies its stated parameter count, its MoE figures
fit together, its quantizations are known, its architecture is one the bundled llama.cpp loads, its provenance
names a source, and a refresh shows which listed quantizations the hub does not have."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from modelnest.core.catalogue import bundled_catalogue, refresh_catalogue
from modelnest.core.catalogue.entries import Architecture, CatalogueModel
from modelnest.core.catalogue.quants import quant_info
from modelnest.core.catalogue.refresh import missing_files
from modelnest.core.catalogue.shape import active_parameters, parameter_count
from modelnest.core.plan import ModelSpec
from modelnest.core.plan.synthetic import SyntheticShape, write_model

MODELS = bundled_catalogue().models
TOLERANCE = 0.05

# Stated counts that include a vision encoder llama.cpp loads from a separate mmproj file, so the language model
# the shape describes is smaller by about that encoder (SigLIP, ~0.4B for Gemma 3): checked against a wider band.
VISION_IN_COUNT = {"gemma-3-4b-it": 0.12}


def _readings(model: CatalogueModel) -> list[float]:
    """Relative error of the count from the shape; both readings when the entry does not record whether the
    output matrix is tied (older entries)."""
    a = model.architecture
    ties = (False, True) if a.tied_embeddings is None else (a.tied_embeddings,)
    return [parameter_count(a, tied=t) / model.n_params - 1 for t in ties]


def _relative_error(model: CatalogueModel) -> float:
    return min(_readings(model), key=abs)


@pytest.mark.parametrize("model", MODELS, ids=[m.id for m in MODELS])
def test_the_shape_implies_the_stated_parameter_count(model: CatalogueModel) -> None:
    if model.id in VISION_IN_COUNT:
        band = VISION_IN_COUNT[model.id]
        assert any(-band <= e <= 0 for e in _readings(model)), f"{model.id}: {_readings(model)}"
    else:
        error = _relative_error(model)
        assert abs(error) <= TOLERANCE, f"{model.id}: shape gives {error:+.1%} against {model.n_params:,}"


def test_the_count_catches_a_mistyped_figure() -> None:
    """The check above can fail: a typo in one figure (24 layers for 48) moves the count far outside 5 %."""
    model = next(m for m in MODELS if m.id == "qwen3-30b-a3b")
    broken = replace(model, architecture=replace(model.architecture, n_layer=24))
    assert abs(_relative_error(broken)) > TOLERANCE
    assert abs(_relative_error(model)) < 0.01


def test_shared_experts_and_leading_dense_layers_count() -> None:
    a = Architecture("glm4moe", n_layer=4, n_embd=8, n_head=2, n_head_kv=1, n_vocab=10, n_ff=40, n_ctx_train=64,
                     head_dim=4, expert_count=4, expert_used_count=2, expert_ff=6, expert_shared_count=1,
                     expert_shared_ff=6, leading_dense_layers=1, tied_embeddings=False)
    attention = 2 * 8 * 2 * 4 + 2 * 8 * 1 * 4
    dense_layer = attention + 3 * 8 * 40 + 2 * 8
    moe_layer = attention + 3 * 8 * 6 * 4 + 3 * 8 * 6 + 8 * 4 + 2 * 8
    assert parameter_count(a) == dense_layer + 3 * moe_layer + 2 * 10 * 8 + 8
    assert parameter_count(a) - active_parameters(a) == 3 * (3 * 8 * 6 * 2)  # two unused experts in 3 MoE layers


MOE = [m for m in MODELS if m.architecture.is_moe]


def test_the_catalogue_has_mixture_of_experts_models_from_several_families() -> None:
    assert len(MOE) >= 12
    assert len({m.family for m in MOE}) >= 5


@pytest.mark.parametrize("model", MOE, ids=[m.id for m in MOE])
def test_moe_figures_fit_together(model: CatalogueModel) -> None:
    a = model.architecture
    assert a.expert_count and a.expert_used_count and a.expert_ff
    assert 1 <= a.expert_used_count <= a.expert_count
    assert (a.expert_shared_count or 0) >= 0 and bool(a.expert_shared_count) == bool(a.expert_shared_ff)
    assert 0 <= (a.leading_dense_layers or 0) < a.n_layer
    assert a.tied_embeddings is not None or model.family == "Llama 4", "record tie_word_embeddings for MoE entries"
    spec = ModelSpec.from_architecture(**a.spec_kwargs(), quant=model.default_quant(), n_params=model.n_params)
    assert spec.is_moe and spec.expert_shared_ff == (a.expert_shared_ff or 0)
    lead = a.leading_dense_layers or 0
    assert not any(spec.is_moe_layer(il) for il in range(lead)) and spec.is_moe_layer(lead)


@pytest.mark.parametrize("model", MODELS, ids=[m.id for m in MODELS])
def test_every_listed_quantization_is_a_known_type(model: CatalogueModel) -> None:
    assert model.files, f"{model.id} lists no quantization"
    unknown = [f.quant for f in model.files if quant_info(f.quant) is None]
    assert not unknown, f"{model.id}: unknown quantizations {unknown}"
    assert len({f.quant for f in model.files}) == len(model.files)


@pytest.mark.parametrize("model", MODELS, ids=[m.id for m in MODELS])
def test_provenance_names_a_source_for_the_architecture_and_the_count(model: CatalogueModel) -> None:
    source = model.provenance.get("architecture", "")
    assert "config.json" in source or "GGUF header" in source, f"{model.id}: {source!r}"
    assert model.provenance.get("n_params"), model.id
    assert model.chinese == ("zh" in model.languages), model.id


def _llama_library() -> bytes:
    spec = importlib.util.find_spec("llama_cpp")  # not imported: only the bundled library file is read
    assert spec is not None and spec.origin is not None
    lib = Path(spec.origin).parent / "lib"
    found = sorted(lib.glob("libllama*.so*")) + sorted(lib.glob("libllama*.dylib")) + sorted(lib.glob("llama*.dll"))
    assert found, f"no llama library in {lib}"
    return found[0].read_bytes()


def test_every_architecture_is_one_the_bundled_llama_cpp_names() -> None:
    """LLM_ARCH_NAMES of the bundled llama.cpp are NUL-terminated strings in its library (the linker may store
    one as the tail of another, "qwen2" inside "rwkv6qwen2", so only the terminator is required)."""
    data = _llama_library()
    archs = sorted({m.architecture.arch for m in MODELS})
    missing = [a for a in archs if a.encode() + b"\0" not in data]
    assert not missing, f"the bundled llama.cpp names no architecture {missing}"
    assert b"no-such-arch-xyz\0" not in data


def test_missing_files_before_a_refresh_lists_every_unverified_quantization() -> None:
    model = next(m for m in MODELS if m.id == "qwen3-30b-a3b")
    assert missing_files(model) == model.quants  # nothing verified in the bundled snapshot
    assert missing_files(model, ["Q4_K_M"]) == ["Q4_K_M"]


def test_a_refresh_shows_which_listed_quantizations_the_hub_lacks(hub: Any, tmp_path: Path) -> None:
    """A small qwen3moe model written with our writer stands in for a MoE repo that has Q4_K_M but not Q8_0."""
    shape = SyntheticShape(arch="qwen3moe", n_layer=2, n_embd=128, n_head=4, n_head_kv=2, n_ff=256, n_expert=4,
                           n_expert_used=2, n_ff_exp=64)
    path = write_model(tmp_path / "moe-Q4_K_M.gguf", shape, "F16")
    repo = "acme/moe-GGUF"
    hub.add_file(repo, "moe-Q4_K_M.gguf", path=path)
    curated = next(m for m in MODELS if m.id == "olmoe-1b-7b-0924-instruct")  # lists Q4_K_M and Q8_0
    assert curated.quants == ["Q4_K_M", "Q8_0"]
    base = bundled_catalogue().with_models([replace(curated, repo=repo)])
    report = refresh_catalogue(base=base, today="2999-12-31")
    assert report.updated == [curated.id]
    refreshed = report.catalogue.models[0]
    assert missing_files(refreshed) == []  # what the hub has is all named
    assert missing_files(refreshed, curated.quants) == ["Q8_0"]
    assert "Q8_0" in refreshed.provenance["files_missing"]
    a = refreshed.architecture
    assert (a.arch, a.expert_count, a.expert_used_count, a.expert_ff) == ("qwen3moe", 4, 2, 64)
    assert a.tied_embeddings is False  # the synthetic model has its own output matrix
