"""modelnest.core.download."""
