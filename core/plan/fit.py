"""The fit badge: the four ways a model can run on a machine, their one colour set and their one set of labels.

The planner decides the fit (``classify``); the catalogue, the memory bar, the hardware tier and the CLI show
it. Everything a face needs to show a badge is here so no widget keeps its own copy:

    full_gpu     every layer on the GPU (the fastest way)
    partial_gpu  some layers on the GPU, the rest on the CPU; or every layer on the GPU with the routed experts of
                 some of them in system RAM (mixture of experts: llama.cpp's --n-cpu-moe)
    cpu_only     all on the CPU, in system memory (no usable GPU, or nothing fits there)
    too_large    needs more memory than is free, even at the smallest context the planner tries

"Fits fully" (``fits_fully``) means the whole model runs in one kind of memory — full_gpu or cpu_only — so no
layer is shuttled between GPU and RAM; ``full_fit(has_gpu)`` is the one a machine should aim for.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from modelnest.core.messages import Message, msg

__all__ = [
    "CPU_ONLY",
    "FITS",
    "FIT_COLORS",
    "FULL_GPU",
    "PARTIAL_GPU",
    "TOO_LARGE",
    "Fit",
    "classify",
    "fit_color",
    "fit_description",
    "fit_label",
    "fits_fully",
    "full_fit",
    "is_fit",
]

Fit = Literal["full_gpu", "partial_gpu", "cpu_only", "too_large"]
FULL_GPU: Final = "full_gpu"
PARTIAL_GPU: Final = "partial_gpu"
CPU_ONLY: Final = "cpu_only"
TOO_LARGE: Final = "too_large"
FITS: tuple[Fit, ...] = get_args(Fit)  # best first: the order filters and legends list them in

# One colour per fit. Dark enough for white text on the colour and for the colour as text on a light base
# (contrast at least 4.5:1 against white, WCAG AA; tests/core/plan/test_fit.py checks it).
FIT_COLORS: dict[str, str] = {
    FULL_GPU: "#1b7f3a",  # green
    PARTIAL_GPU: "#a15c00",  # amber
    CPU_ONLY: "#1f5fa8",  # blue
    TOO_LARGE: "#a12622",  # red
}
UNKNOWN_COLOR = "#555555"  # a fit this version does not know (a newer plan file)


def is_fit(value: object) -> bool:
    """True for one of the four fit names."""
    return value in FITS


def fits_fully(fit: str) -> bool:
    """The whole model runs in one kind of memory: entirely on the GPU, or entirely on the CPU."""
    return fit in (FULL_GPU, CPU_ONLY)


def full_fit(has_gpu: bool) -> Fit:
    """The fit a machine should aim for: fully on the GPU when it has a usable one, else fully on the CPU."""
    return FULL_GPU if has_gpu else CPU_ONLY


def classify(
    *, fits_in_memory: bool, has_gpu: bool, gpu_layers: int, total_layers: int, cpu_moe_layers: int = 0
) -> Fit:
    """The badge for a planned run: ``gpu_layers`` of ``total_layers`` (output layer included) on the GPU, the
    routed experts of the first ``cpu_moe_layers`` layers kept in system RAM (then it is not all on the GPU)."""
    if not fits_in_memory:
        return TOO_LARGE
    if has_gpu and gpu_layers >= total_layers and cpu_moe_layers <= 0:
        return FULL_GPU
    return PARTIAL_GPU if gpu_layers > 0 else CPU_ONLY


def fit_color(fit: str) -> str:
    """The badge colour (#rrggbb)."""
    return FIT_COLORS.get(fit, UNKNOWN_COLOR)


def fit_label(fit: str, experts_in_ram: bool = False) -> Message:
    """The short badge text ("Fits on GPU"). `experts_in_ram`: a partial fit whose layers are all on the GPU but
    the routed experts of some of them (mixture of experts), which is not the slow whole-layer split."""
    if fit == FULL_GPU:
        return msg("Fits on GPU")
    if fit == PARTIAL_GPU:
        return msg("GPU, experts in RAM") if experts_in_ram else msg("Partly on GPU")
    if fit == CPU_ONLY:
        return msg("Runs on CPU")
    if fit == TOO_LARGE:
        return msg("Too large")
    return msg("Unknown fit {fit}", fit=fit)


def fit_description(fit: str, experts_in_ram: bool = False) -> Message:
    """One line saying what the badge means, for tooltips and the CLI."""
    if fit == FULL_GPU:
        return msg("Every layer runs on the GPU: the fastest way to run this model.")
    if fit == PARTIAL_GPU and experts_in_ram:
        return msg("Attention and the shared weights run on the GPU; the routed experts of some layers stay in "
                   "system memory and run on the CPU: slower than fully on the GPU, faster than splitting layers.")
    if fit == PARTIAL_GPU:
        return msg("Some layers run on the GPU and the rest on the CPU: slower than fully on the GPU.")
    if fit == CPU_ONLY:
        return msg("Runs on the CPU from system memory.")
    if fit == TOO_LARGE:
        return msg("Needs more memory than this computer has free, even with a shorter context.")
    return msg("Unknown fit {fit}", fit=fit)
