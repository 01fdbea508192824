"""Data shipped with ModelNest (translations, catalogue, templates); read with importlib.resources."""
