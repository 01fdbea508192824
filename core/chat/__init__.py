"""modelnest.core.chat."""
