"""The card's "used by the engine" line comes from the real engine process, and is the portable build's."""

from __future__ import annotations

import json
from pathlib import Path

from modelnest.core import paths
from modelnest.core.engine.features import engine_features


def test_engine_reports_the_portable_build(modelnest_home: Path) -> None:
    features = engine_features(use_cache=False)
    assert features is not None
    assert features["avx2"] and features["fma"] and features["f16c"]
    # the CPU here advertises AMX/AVX-512; the portable build must not use them (DESIGN.md §2: SIGILL)
    assert not features.get("amx") and not features.get("avx512")
    cached = list(paths.cache_dir().glob("engine-features-*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text()) == features
    cached[0].write_text(json.dumps({"avx2": True, "marker": True}))
    assert engine_features() == {"avx2": True, "marker": True}  # served from the cache, no engine started
