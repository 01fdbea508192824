"""The bundled catalogue: enough real entries, consistent figures, nothing guessed where it should be left out."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from modelnest.core.catalogue import bundled_catalogue, load_catalogue, save_catalogue
from modelnest.core.catalogue.entries import TASKS, CatalogueError, parse_catalogue, refreshed_path
from modelnest.core.catalogue.quants import estimate_file_bytes, quality_score, quant_info, sort_quants
from modelnest.core.download import validate_repo_id


def test_bundled_catalogue_covers_the_families_people_run() -> None:
    cat = bundled_catalogue()
    assert len(cat.models) >= 40
    assert cat.snapshot_date and cat.source == "bundled"
    ids = [m.id for m in cat.models]
    assert len(ids) == len(set(ids))
    families = {m.family for m in cat.models}
    for wanted in ("Qwen2.5", "Qwen2.5-Coder", "Qwen3", "Llama 3", "Gemma 2", "Gemma 3", "Phi", "Mistral", "GLM-4",
                   "DeepSeek-R1-Distill", "SmolLM2", "TinyLlama"):
        assert wanted in families, wanted
    names = " ".join(m.name for m in cat.models)
    for size in ("0.5B", "1.5B", "3B", "7B", "14B", "32B"):
        assert f"Qwen2.5 {size}" in names


def test_every_entry_is_consistent() -> None:
    for m in bundled_catalogue().models:
        validate_repo_id(m.repo)
        a = m.architecture
        assert min(a.n_layer, a.n_embd, a.n_head, a.n_head_kv, a.n_vocab, a.n_ff, a.n_ctx_train) > 0, m.id
        assert a.n_head % a.n_head_kv == 0, m.id  # grouped-query attention shares KV heads evenly
        # head_dim is its own figure (Qwen3, Gemma, Mistral Nemo/Small: n_head * head_dim != n_embd): only sane sizes.
        assert a.head_dim in (64, 96, 128, 256), m.id
        assert m.n_params > 0 and set(m.tasks) <= set(TASKS) and m.tasks, m.id
        assert m.chinese == ("zh" in m.languages), m.id
        assert m.files and m.quants == sort_quants(m.quants)
        for f in m.files:
            assert quant_info(f.quant) is not None, (m.id, f.quant)
            # Unverified figures are left out, never guessed: a checksum only with a size, both from a refresh.
            if f.sha256 is not None:
                assert f.size is not None and len(f.sha256) == 64
        assert m.provenance.get("architecture") and m.provenance.get("files")


def test_sliding_window_only_where_the_architecture_has_one() -> None:
    for m in bundled_catalogue().models:
        has = m.architecture.sliding_window is not None
        # gemma2/3 interleave local attention; llama4 chunks 3 layers of 4; gpt-oss alternates a 128-token window
        assert has == m.architecture.arch.startswith(("gemma", "llama4", "gpt-oss")), m.id


def test_sizes_are_estimates_until_verified() -> None:
    m = bundled_catalogue().get("qwen2.5-7b-instruct")
    assert m is not None
    size, estimated = m.file_for("Q4_K_M").size_or_estimate(m.n_params)  # type: ignore[union-attr]
    assert estimated and size == estimate_file_bytes(m.n_params, "Q4_K_M")
    assert 4.0e9 < size < 5.2e9  # 7.6B parameters at ~4.85 bits per weight
    verified = replace(m.file_for("Q4_K_M"), size=4_683_073_984)  # type: ignore[type-var]
    assert verified.size_or_estimate(m.n_params) == (4_683_073_984, False)


def test_default_quant_and_quality_order() -> None:
    cat = bundled_catalogue()
    assert cat.get("llama-3.2-3b-instruct").default_quant() == "Q4_K_M"  # type: ignore[union-attr]
    assert cat.get("qwen3-0.6b").default_quant() == "Q8_0"  # type: ignore[union-attr]  # the only quant offered
    assert quality_score(7_000_000_000, "Q4_K_M") > quality_score(3_000_000_000, "Q8_0")
    assert quality_score(7_000_000_000, "Q8_0") > quality_score(7_000_000_000, "Q2_K")
    assert sort_quants(["F16", "Q2_K", "Q8_0", "Q4_K_M"]) == ["Q2_K", "Q4_K_M", "Q8_0", "F16"]
    assert quant_info("q4_k_m") is quant_info("Q4_K_M") and quant_info("fp16") is quant_info("F16")
    assert quant_info("UD-Q4_K_XL") is not None and quant_info("NOT_A_QUANT") is None


def test_refreshed_snapshot_wins_and_a_damaged_one_is_ignored() -> None:
    bundled = bundled_catalogue()
    newer = bundled.with_models(list(bundled.models[:3]), snapshot_date="2999-01-01", source="hub http://x")
    save_catalogue(newer)
    loaded = load_catalogue()
    assert loaded.snapshot_date == "2999-01-01" and len(loaded.models) == 3
    refreshed_path().write_text("{not json", encoding="utf-8")
    assert load_catalogue().snapshot_date == bundled.snapshot_date
    older = bundled.with_models(list(bundled.models[:1]), snapshot_date="2000-01-01")
    save_catalogue(older)
    assert len(load_catalogue().models) == len(bundled.models)  # an older refresh never hides a newer bundle


def test_malformed_snapshot_is_a_clear_error() -> None:
    with pytest.raises(CatalogueError, match="not a ModelNest catalogue"):
        parse_catalogue({"schema": 99})
    doc = json.loads(json.dumps(bundled_catalogue().to_json()))
    del doc["models"][0]["architecture"]
    with pytest.raises(CatalogueError, match="malformed"):
        parse_catalogue(doc)
