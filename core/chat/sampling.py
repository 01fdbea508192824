"""Saved sampling settings → the engine's sampling parameters: one conversion for the chat page and the CLI.

``SamplingSettings`` (core/chat/settings.py) is what the user chose and settings.json keeps; ``SamplingParams``
(core/engine/params.py) is what the engine samples with and has knobs the settings do not offer (min_p,
repeat_last_n: the engine's defaults apply). Converting in one place keeps the two from drifting.
"""

from __future__ import annotations

from modelnest.core.chat.settings import SamplingSettings
from modelnest.core.engine.params import SamplingParams

__all__ = ["engine_sampling"]


def engine_sampling(settings: SamplingSettings, *, ignore_eos: bool = False) -> SamplingParams:
    """The engine's parameters for these settings; ``ignore_eos`` (tests, benchmarks) makes replies run to max."""
    return SamplingParams(
        temperature=settings.temperature,
        top_p=settings.top_p,
        top_k=settings.top_k,
        repeat_penalty=settings.repeat_penalty,
        max_tokens=settings.max_tokens,
        seed=settings.seed,
        ignore_eos=ignore_eos,
    )
