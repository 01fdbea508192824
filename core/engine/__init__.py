"""modelnest.core.engine."""
