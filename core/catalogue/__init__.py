"""modelnest.core.catalogue."""
