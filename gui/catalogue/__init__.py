"""The Models page, one module per part: ``page`` (the tab widget and its signals), ``curated`` + ``detail`` (the
curated catalogue with its quantization slider), ``hub`` (search the hub), ``library`` (models on this computer),
``model`` (the Qt table model and filter proxy), ``common`` (the background work they share)."""

from modelnest.gui.catalogue.page import CatalogueView

__all__ = ["CatalogueView"]
