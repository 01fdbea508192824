"""modelnest.core.gguf."""
