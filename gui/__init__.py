"""ModelNest's Qt interface; depends on modelnest.core, never the reverse."""
