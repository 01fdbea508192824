"""ModelNest core: hardware, GGUF, planning, catalogue, downloads, chat and the engine client. Never imports Qt."""
