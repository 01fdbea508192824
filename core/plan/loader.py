"""Load a model with the planned parameters; if memory still runs out, step down and say why.

Only failures about memory step down (an engine killed for memory, or llama.cpp's log of the load saying an
allocation failed); any other load failure is raised at once, with no memory advice.

Shared by `modelnest run`, `modelnest chat` and the app: (mixture of experts) experts of more layers in RAM → fewer
GPU layers → smaller context → quantized KV → CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.errors import EngineOutOfMemory, ModelLoadFailed
from modelnest.core.engine.params import EngineParams, LoadReport
from modelnest.core.messages import Message, msg
from modelnest.core.plan.planner import step_down


def load_stepping_down(
    engine: EngineClient,
    path: str | Path,
    params: EngineParams,
    n_layer: int,
    *,
    on_step: Callable[[Message], None] | None = None,
    is_moe: bool = False,
    **load_kwargs: Any,
) -> tuple[LoadReport, EngineParams]:
    """(report, the parameters that worked). `on_step(message)` hears each retry, in plain words; `is_moe`: the
    model routes to experts (its first step keeps more of them in RAM)."""
    while True:
        try:
            return engine.load(path, params, **load_kwargs), params
        except (ModelLoadFailed, EngineOutOfMemory) as exc:
            if not (isinstance(exc, EngineOutOfMemory) or exc.about_memory):
                raise  # a corrupt file or a refused setting: smaller settings would fail the same way
            step = step_down(params, n_layer, is_moe=is_moe)
            if step is None:
                raise
            params, why = step
            if on_step is not None:
                on_step(msg("Loading failed: {reason} Trying again with {change}.", reason=exc.explanation, change=why))
