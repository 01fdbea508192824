"""The model catalogue (Qt-free): curated entries, hub search with remote headers, fit badges, the local library.

    load_catalogue()                  -> Catalogue (refreshed snapshot if any, else the bundled one, with its date)
    refresh_catalogue()               -> rebuild the snapshot from the hub (sizes, sha256, headers)
    search_hub(text) / group_by_quant -> any GGUF repository, one group per quantization (split parts together)
    fetch_header(url, size)           -> GGUFHeader through HTTP Range requests
    plan_entry / plan_header          -> FitResult from the planner; recommend() applies the stated rule
    scan_library()                    -> LocalModel list: models already on disk, validated
"""

from modelnest.core.catalogue.entries import (
    Architecture,
    Catalogue,
    CatalogueError,
    CatalogueModel,
    QuantFile,
    bundled_catalogue,
    load_catalogue,
    save_catalogue,
)
from modelnest.core.catalogue.fit import (
    DEFAULT_CTX,
    RECOMMENDATION_RULE,
    RECOMMENDATION_RULE_MESSAGE,
    FitResult,
    Recommendation,
    plan_entry,
    plan_header,
    recommend,
)
from modelnest.core.catalogue.library import LocalModel, scan_library
from modelnest.core.catalogue.quants import estimate_file_bytes, quality_score, quant_info, sort_quants
from modelnest.core.catalogue.refresh import refresh_catalogue
from modelnest.core.catalogue.remote import HubRepo, QuantGroup, fetch_header, group_by_quant, search_hub

__all__ = [
    "DEFAULT_CTX",
    "RECOMMENDATION_RULE",
    "RECOMMENDATION_RULE_MESSAGE",
    "Architecture",
    "Catalogue",
    "CatalogueError",
    "CatalogueModel",
    "FitResult",
    "HubRepo",
    "LocalModel",
    "QuantFile",
    "QuantGroup",
    "Recommendation",
    "bundled_catalogue",
    "estimate_file_bytes",
    "fetch_header",
    "group_by_quant",
    "load_catalogue",
    "plan_entry",
    "plan_header",
    "quality_score",
    "quant_info",
    "recommend",
    "refresh_catalogue",
    "save_catalogue",
    "scan_library",
    "search_hub",
    "sort_quants",
]
