"""modelnest.core.plan."""
