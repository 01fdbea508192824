"""The model catalogue (Qt-free): curated entries, hub search with remote headers, fit badges, the local library.

    load_catalogue()                  -> Catalogue (refreshed snapshot if any, else the bundled one, with its date)
    refresh_catalogue()               -> rebuild the snapshot from the hub (sizes, sha256, headers)
    search_hub(text) / group_by_quant -> any GGUF repository, one group per quantization (split parts together)
    fetch_header(url, size)           -> GGUFHeader through HTTP Range requests
    plan_entry / plan_header          -> FitResult from the planner
    recommend.recommend(catalogue, hw) -> Recommendations: top three for a use, with why-lines (recommend.py)
    recommend.headline(catalogue, hw)  -> Headline: what this computer runs comfortably, the largest it loads
    load_quality()                    -> published quality figures and measured quantization loss (quality.py)
    scan_library()                    -> LocalModel list: models already on disk, validated
"""

# The recommend submodule first: the legacy recommend() function below keeps the package attribute of that name
# until the GUI has moved to modelnest.core.catalogue.recommend.recommend.
import modelnest.core.catalogue.recommend as _recommend_module  # noqa: F401
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
from modelnest.core.catalogue.quality import Figure, QualityTable, QuantLoss, load_quality
from modelnest.core.catalogue.quants import estimate_file_bytes, quality_score, quant_info, sort_quants
from modelnest.core.catalogue.recommend import (
    DEFAULT_MIN_TPS,
    USES,
    Headline,
    Pick,
    Recommendations,
    headline,
)
from modelnest.core.catalogue.refresh import refresh_catalogue
from modelnest.core.catalogue.remote import HubRepo, QuantGroup, fetch_header, group_by_quant, search_hub

__all__ = [
    "DEFAULT_CTX",
    "DEFAULT_MIN_TPS",
    "RECOMMENDATION_RULE",
    "RECOMMENDATION_RULE_MESSAGE",
    "Architecture",
    "Catalogue",
    "CatalogueError",
    "CatalogueModel",
    "Figure",
    "FitResult",
    "Headline",
    "HubRepo",
    "LocalModel",
    "Pick",
    "QualityTable",
    "QuantLoss",
    "QuantFile",
    "QuantGroup",
    "Recommendation",
    "Recommendations",
    "USES",
    "bundled_catalogue",
    "estimate_file_bytes",
    "fetch_header",
    "group_by_quant",
    "headline",
    "load_catalogue",
    "load_quality",
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
