"""What the catalogue's tabs share: the slow work they hand to the background helper, and how errors read."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from modelnest.core.catalogue import Catalogue, FitResult, plan_entry, scan_library
from modelnest.core.catalogue.library import LocalModel
from modelnest.core.catalogue.quants import normalize_quant
from modelnest.core.errors import ModelNestError
from modelnest.core.hardware import HardwareSnapshot
from modelnest.gui.i18n import tr_text

__all__ = ["Downloaded", "LocalPaths", "Plans", "compute_plans", "error_text", "scan_disk", "scan_downloaded"]

Plans = dict[tuple[str, str], FitResult | None]
Downloaded = dict[str, set[str]]
LocalPaths = dict[tuple[str, str], str]  # (repository id, quant) -> the file to load ("Chat with this model")
LibraryFn = Callable[[], list[LocalModel]]


def compute_plans(catalogue: Catalogue, hardware: HardwareSnapshot, check: Callable[[], None] = lambda: None) -> Plans:
    """The planner's answer for every (model, quant) of the catalogue (about 1 ms per 5 entries).

    ``check`` is called between models (a background job's ``control.check``), so a superseded computation
    stops early instead of finishing work nobody will see.
    """
    plans: Plans = {}
    for m in catalogue.models:
        check()
        for q in m.quants:
            plans[(m.id, q)] = plan_entry(m, q, hardware)
    return plans


def scan_downloaded(library_fn: LibraryFn = scan_library) -> Downloaded:
    """Repository id -> quants already on disk (app models folder and Hugging Face cache), validated files only."""
    return scan_disk(library_fn)[0]


def scan_disk(library_fn: LibraryFn = scan_library) -> tuple[Downloaded, LocalPaths]:
    """What ``scan_downloaded`` finds, and where each file is (one scan for both)."""
    out: Downloaded = {}
    where: LocalPaths = {}
    for m in library_fn():
        if m.runnable and m.repo_id and m.quant:
            quant = normalize_quant(m.quant)
            out.setdefault(m.repo_id, set()).add(quant)
            where.setdefault((m.repo_id, quant), str(m.path))  # the app's own folder is scanned first
    return out, where


def error_text(exc: BaseException) -> str:
    """A failed job in the UI language: our errors carry a message for people; anything else is named."""
    if isinstance(exc, ModelNestError):
        return tr_text(exc)
    return QCoreApplication.translate("CatalogueView", "Unexpected error: {0}: {1}").format(type(exc).__name__, exc)
