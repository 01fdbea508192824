"""Environment configuration, read in this one module (huggingface_hub's ``constants`` module is the model).

Every environment variable ModelNest honours is listed in ``VARIABLES`` with what it does; the rest of the code
asks this module instead of reading ``os.environ``. Unlike huggingface_hub, values are read at call time, not
import time: a test (or the settings page) that changes HF_ENDPOINT or MODELNEST_HOME takes effect at once.
``read(environ)`` takes an explicit mapping so callers that plan for another environment (the engine child's,
a test's) get the same parsing.

Not read here, on purpose: variables that describe the operating system or other apps (LOCALAPPDATA,
XDG_DATA_HOME, SYSTEMROOT, OLLAMA_MODELS — library.py and runtime.py read them next to the OS rule they serve),
and the engine child's environment, which engine/client.py and engine/runtime.py copy and pass on as a whole
(LLAMA_CPP_LIB_PATH is the protocol between the GUI process and llama_cpp in the child; it is parsed here only
so the GUI can say which library the child will load).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "HF_ENDPOINT",
    "HF_HUB_OFFLINE",
    "HF_TOKEN",
    "LLAMA_CPP_LIB_PATH",
    "MODELNEST_API_TOKEN",
    "MODELNEST_HOME",
    "MODELNEST_MODELS_DIR",
    "MODELNEST_RUNTIME",
    "MODELNEST_RUNTIMES_DIR",
    "TRANSFORMERS_OFFLINE",
    "VARIABLES",
    "Config",
    "api_token",
    "hf_endpoint",
    "hf_offline",
    "hf_token",
    "home_override",
    "models_dir_override",
    "read",
]

HF_ENDPOINT = "HF_ENDPOINT"
HF_TOKEN = "HF_TOKEN"
HF_HUB_OFFLINE = "HF_HUB_OFFLINE"
TRANSFORMERS_OFFLINE = "TRANSFORMERS_OFFLINE"
MODELNEST_HOME = "MODELNEST_HOME"
MODELNEST_MODELS_DIR = "MODELNEST_MODELS_DIR"
MODELNEST_RUNTIME = "MODELNEST_RUNTIME"
MODELNEST_RUNTIMES_DIR = "MODELNEST_RUNTIMES_DIR"
LLAMA_CPP_LIB_PATH = "LLAMA_CPP_LIB_PATH"
MODELNEST_API_TOKEN = "MODELNEST_API_TOKEN"

VARIABLES: dict[str, str] = {
    HF_ENDPOINT: "hub address or mirror (e.g. https://hf-mirror.com); an explicit --endpoint wins over it",
    HF_TOKEN: "Hugging Face access token for gated or private models (huggingface_hub sends it)",
    HF_HUB_OFFLINE: "1/on/yes/true: never contact the hub; only models already on disk are used",
    TRANSFORMERS_OFFLINE: "older spelling of HF_HUB_OFFLINE, honoured the same way",
    MODELNEST_HOME: "one folder for all of ModelNest's data, settings, cache and models (portable installs, tests)",
    MODELNEST_MODELS_DIR: "where downloaded models go (e.g. a bigger disk); wins over MODELNEST_HOME for models",
    MODELNEST_RUNTIME: "auto (default), cpu, vulkan or cuda: which llama.cpp build the engine loads",
    MODELNEST_RUNTIMES_DIR: "where optional llama.cpp builds live when not frozen (developers, tests)",
    LLAMA_CPP_LIB_PATH: "a llama.cpp library folder to load instead of the bundled builds (read by llama_cpp)",
    MODELNEST_API_TOKEN: "the bearer token `modelnest serve` requires (else a random one is printed at start)",
}

# huggingface_hub's own truth values (constants._is_true), so both read HF_HUB_OFFLINE alike.
_TRUE = frozenset({"1", "on", "yes", "true"})


@dataclass(frozen=True)
class Config:
    """The values of ``VARIABLES`` in one environment, parsed; an unset or empty variable is None."""

    hf_endpoint: str | None = None
    hf_token: str | None = None
    hf_offline: bool = False
    home: Path | None = None
    models_dir: Path | None = None
    runtime: str = "auto"  # lower-case, stripped; validated where it is used (runtime.select_runtime)
    runtimes_dir: Path | None = None
    llama_lib_path: str | None = None
    api_token: str | None = None  # checked for length by modelnest.core.server.config


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    return value or None


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = _text(env, name)
    return Path(value).expanduser() if value else None


def _true(env: Mapping[str, str], name: str) -> bool:
    return (env.get(name) or "").strip().lower() in _TRUE


def read(environ: Mapping[str, str] | None = None) -> Config:
    """Parse ``environ`` (default: this process's environment, read now)."""
    env = os.environ if environ is None else environ
    endpoint = _text(env, HF_ENDPOINT)
    return Config(
        hf_endpoint=endpoint.rstrip("/") if endpoint else None,
        hf_token=_text(env, HF_TOKEN),
        hf_offline=_true(env, HF_HUB_OFFLINE) or _true(env, TRANSFORMERS_OFFLINE),
        home=_path(env, MODELNEST_HOME),
        models_dir=_path(env, MODELNEST_MODELS_DIR),
        runtime=(_text(env, MODELNEST_RUNTIME) or "auto").lower(),
        runtimes_dir=_path(env, MODELNEST_RUNTIMES_DIR),
        llama_lib_path=_text(env, LLAMA_CPP_LIB_PATH),
        api_token=_text(env, MODELNEST_API_TOKEN),
    )


def hf_endpoint() -> str | None:
    """HF_ENDPOINT without a trailing slash, or None (then huggingface.co); validated by download.hub."""
    return read().hf_endpoint


def hf_token() -> str | None:
    """HF_TOKEN, or None. huggingface_hub sends it itself; we only need to know whether one is set."""
    return read().hf_token


def hf_offline() -> bool:
    """True when HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) asks never to contact the hub."""
    return read().hf_offline


def home_override() -> Path | None:
    """MODELNEST_HOME: the one root for data/, config/, cache/ and models/ (see modelnest.core.paths)."""
    return read().home


def api_token() -> str | None:
    """MODELNEST_API_TOKEN (stripped), or None."""
    return read().api_token


def models_dir_override() -> Path | None:
    """MODELNEST_MODELS_DIR: where models go, whatever MODELNEST_HOME says."""
    return read().models_dir
