"""modelnest.core.hardware."""
