"""Tensor buffer-type overrides for llama.cpp (``llama_model_params.tensor_buft_overrides``), built with ctypes.

The bindings declare the field as a bare ``c_void_p``, so the C struct of llama.h is declared here:

    struct llama_model_tensor_buft_override { const char * pattern; ggml_backend_buffer_type_t buft; };

and llama.cpp reads a NULL-terminated array of them while it creates the model's tensors (llama-model-loader.cpp,
``std::regex_search`` of each pattern on each tensor name, first match wins). llama.cpp keeps the pointer in the
model's parameters, so the array and the pattern strings must outlive the model: ``BuftOverrides`` owns both and
the engine keeps it until the model is freed.

What an override to the CPU buffer type does in this llama.cpp (0.3.36): the tensor is placed as if its layer were
on the CPU. llama.cpp re-selects it from the CPU list, so a type the CPU repacks goes to CPU_REPACK, another one
to CPU_Mapped with mmap (a GPU's pinned host buffer without mmap). On a CPU-only run it changes nothing but the log.

Engine-process code, yet it never imports llama_cpp (only host.py may): the host passes the loaded libraries in.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from modelnest.core.engine.errors import EngineError
from modelnest.core.messages import msg

GGML_BACKEND_DEVICE_TYPE_CPU = 0  # enum ggml_backend_dev_type (ggml-backend.h)


class TensorBuftOverride(ctypes.Structure):
    """``struct llama_model_tensor_buft_override`` (llama.h)."""

    _fields_ = [("pattern", ctypes.c_char_p), ("buft", ctypes.c_void_p)]


class OverridesUnavailable(EngineError):
    """The CPU buffer type could not be found in the loaded ggml libraries: the experts cannot be kept in RAM."""

    kind = "overrides_unavailable"


@dataclass
class BuftOverrides:
    """A NULL-terminated override array and the pattern strings it points into (keep alive with the model)."""

    patterns: list[str]
    array: Any  # ctypes array of TensorBuftOverride, len(patterns) + 1 entries
    _strings: list[bytes] = field(default_factory=list, repr=False)

    @property
    def address(self) -> int:
        """What goes into ``llama_model_params.tensor_buft_overrides`` (declared c_void_p by the bindings)."""
        return ctypes.addressof(self.array)


def build(patterns: Sequence[str], buft: int) -> BuftOverrides:
    """The override array sending every tensor matching one of `patterns` to buffer type `buft`."""
    if not buft:
        raise ValueError("a buffer type is needed")
    strings = [p.encode("utf-8") for p in patterns]  # immutable: the C pointers into them stay valid
    array = (TensorBuftOverride * (len(patterns) + 1))()
    for entry, text in zip(array, strings, strict=False):
        entry.pattern = text
        entry.buft = buft
    # The last entry stays zeroed: pattern NULL ends the list.
    return BuftOverrides(list(patterns), array, strings)


def _symbol(library: Any, name: str, restype: Any, *argtypes: Any) -> Any:
    """A fresh function object for `name` in `library` (dlsym also searches the library's dependencies), or None.

    Fresh, so the bindings' own cached attribute of the same library keeps the types they gave it."""
    try:
        return ctypes.CFUNCTYPE(restype, *argtypes)((name, library))
    except (AttributeError, OSError, TypeError):
        return None


def cpu_buffer_type(libraries: Iterable[Any]) -> int:
    """The address of ggml's CPU buffer type as llama.cpp itself sees it.

    `libraries`: loaded ctypes libraries, libllama first. ``ggml_backend_cpu_buffer_type`` lives in libggml-cpu
    (the bundled builds) and is found through libllama's dependencies; a build that loads its CPU backend as a
    module exports it only through the backend registry (libggml / libggml-base), tried next. The address must be
    the very one libllama compares with, so only libraries already loaded in this process are asked."""
    libs = [lib for lib in libraries if lib is not None]
    for lib in libs:
        fn = _symbol(lib, "ggml_backend_cpu_buffer_type", ctypes.c_void_p)
        if fn is not None:
            address = fn()
            if address:
                return int(address)
    for lib in libs:
        by_type = _symbol(lib, "ggml_backend_dev_by_type", ctypes.c_void_p, ctypes.c_int)
        buffer_type = _symbol(lib, "ggml_backend_dev_buffer_type", ctypes.c_void_p, ctypes.c_void_p)
        if by_type is None or buffer_type is None:
            continue
        device = by_type(GGML_BACKEND_DEVICE_TYPE_CPU)
        if device:
            address = buffer_type(device)
            if address:
                return int(address)
    raise OverridesUnavailable(
        msg("This llama.cpp build does not expose its CPU buffer type, so the experts cannot be kept in system "
            "memory."),
        advice=msg("Load the model without keeping experts in system memory (cpu_moe_layers 0)."),
    )


def loaded_ggml_libraries(paths: Iterable[str]) -> list[Any]:
    """ctypes handles of the ggml libraries in `paths` (already loaded: dlopen hands back the same instance)."""
    out = []
    for path in paths:
        name = os.path.basename(path).lower()
        if "ggml" not in name:
            continue
        try:
            out.append(ctypes.CDLL(path))
        except OSError:
            continue
    # libggml-cpu first: it defines the symbol; the registry libraries after it.
    return sorted(out, key=lambda lib: 0 if "ggml-cpu" in os.path.basename(str(lib._name)).lower() else 1)
