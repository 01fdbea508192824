"""The engine: llama.cpp in a child process, and the client, parameters and errors the rest of core uses.

    EngineClient        starts the child, loads a model, streams TokenEvents; crashes become EngineErrors
    EngineParams        every load parameter, set explicitly; SamplingParams (defaults and SAMPLING_LIMITS)
    select_runtime()    which llama.cpp build the child loads (RuntimeChoice)
    load_template()     a model's chat template, rendered in a sandbox
    engine_features()   the instruction sets the bundled build uses, as the child reports them

Other packages import these names from here (``from modelnest.core.engine import EngineClient``); the modules
behind them are implementation. Names are loaded on first use (PEP 562), so importing one thing — the engine
child importing ``host``, the planner importing ``EngineParams`` — does not import the client, the templates or
the hardware probe with it. ``host`` and ``template_worker`` are entry points of child processes, not API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelnest.core.lazy import lazy_exports

if TYPE_CHECKING:
    from modelnest.core.engine.client import (
        CrashLedger,
        Embeddings,
        EngineClient,
        ProgressEvent,
        TokenEvent,
        default_threads,
    )
    from modelnest.core.engine.embedder import pack_floats
    from modelnest.core.engine.errors import (
        EmbeddingInputInvalid,
        EmbeddingUnsupported,
        EngineCrashed,
        EngineError,
        EngineHung,
        EngineOutOfMemory,
        EngineStartError,
        GenerationFailed,
        ModelLoadFailed,
        ModelRefused,
        explain_exit,
    )
    from modelnest.core.engine.features import engine_features
    from modelnest.core.engine.launch import ENGINE_SUBCOMMAND, TEMPLATE_SUBCOMMAND
    from modelnest.core.engine.params import (
        SAMPLING_LIMITS,
        SEED_MAX,
        SEED_RANDOM,
        EngineParams,
        GenerationSummary,
        LoadReport,
        SamplingParams,
        moe_override_patterns,
    )
    from modelnest.core.engine.runtime import RuntimeBuild, RuntimeChoice, discover, select_runtime
    from modelnest.core.engine.template_sandbox import TemplateSandbox, shared_sandbox
    from modelnest.core.engine.templates import (
        CHATML,
        MAX_TEMPLATE_CHARS,
        ChatTemplate,
        TemplateRejected,
        load_template,
        render_conversation,
    )

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("CrashLedger", "Embeddings", "EngineClient", "ProgressEvent", "TokenEvent", "default_threads"),
                    "client"),
    "pack_floats": "embedder",
    **dict.fromkeys(
        ("EmbeddingInputInvalid", "EmbeddingUnsupported", "EngineCrashed", "EngineError", "EngineHung",
         "EngineOutOfMemory", "EngineStartError", "GenerationFailed", "ModelLoadFailed", "ModelRefused",
         "explain_exit"),
        "errors",
    ),
    "engine_features": "features",
    **dict.fromkeys(("ENGINE_SUBCOMMAND", "TEMPLATE_SUBCOMMAND"), "launch"),
    **dict.fromkeys(
        ("SAMPLING_LIMITS", "SEED_MAX", "SEED_RANDOM", "EngineParams", "GenerationSummary", "LoadReport",
         "SamplingParams", "moe_override_patterns"),
        "params",
    ),
    **dict.fromkeys(("RuntimeBuild", "RuntimeChoice", "discover", "select_runtime"), "runtime"),
    **dict.fromkeys(("TemplateSandbox", "shared_sandbox"), "template_sandbox"),
    **dict.fromkeys(
        ("CHATML", "MAX_TEMPLATE_CHARS", "ChatTemplate", "TemplateRejected", "load_template", "render_conversation"),
        "templates",
    ),
}

__all__ = [
    "CHATML",
    "ENGINE_SUBCOMMAND",
    "MAX_TEMPLATE_CHARS",
    "SAMPLING_LIMITS",
    "SEED_MAX",
    "SEED_RANDOM",
    "TEMPLATE_SUBCOMMAND",
    "ChatTemplate",
    "CrashLedger",
    "EmbeddingInputInvalid",
    "EmbeddingUnsupported",
    "Embeddings",
    "EngineClient",
    "EngineCrashed",
    "EngineError",
    "EngineHung",
    "EngineOutOfMemory",
    "EngineParams",
    "EngineStartError",
    "GenerationFailed",
    "GenerationSummary",
    "LoadReport",
    "ModelLoadFailed",
    "ModelRefused",
    "ProgressEvent",
    "RuntimeBuild",
    "RuntimeChoice",
    "SamplingParams",
    "TemplateRejected",
    "TemplateSandbox",
    "TokenEvent",
    "default_threads",
    "discover",
    "engine_features",
    "explain_exit",
    "load_template",
    "moe_override_patterns",
    "pack_floats",
    "render_conversation",
    "select_runtime",
    "shared_sandbox",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
