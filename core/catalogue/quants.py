"""Quantization facts for the catalogue: order, a rough bits-per-weight for size estimates, short quality notes."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class QuantInfo:
    name: str
    rank: int  # higher keeps more of the original model's quality
    bits_per_weight: float  # effective bits of a whole file (llama.cpp mixes); ESTIMATE, used only without a real size
    quality: float  # rough relative quality, 1.0 = original weights (used to order models, never shown as a score)
    note: str


# Effective bits per weight are typical figures for llama.cpp's quant mixes (some tensors stay at higher precision),
# used only to estimate a file size when the hub's real size is not known; the UI labels such sizes "estimate".
_TABLE: list[QuantInfo] = [
    QuantInfo("IQ2_M", 1, 2.7, 0.70, "very large quality loss; only for machines that can fit nothing larger"),
    QuantInfo("Q2_K", 2, 3.0, 0.75, "large quality loss; a last resort when nothing larger fits"),
    QuantInfo("Q3_K_S", 3, 3.5, 0.84, "noticeable quality loss"),
    QuantInfo("IQ3_M", 4, 3.7, 0.86, "noticeable quality loss, a bit less than Q3_K_M"),
    QuantInfo("Q3_K_M", 5, 3.9, 0.88, "noticeable quality loss; fine for casual chat"),
    QuantInfo("Q3_K_L", 6, 4.3, 0.90, "some quality loss"),
    QuantInfo("IQ4_XS", 7, 4.3, 0.94, "small quality loss, smaller than Q4_K_M"),
    QuantInfo("Q4_0", 8, 4.55, 0.93, "older 4-bit format; a little worse than Q4_K_M, fast on CPUs"),
    QuantInfo("IQ4_NL", 9, 4.55, 0.94, "small quality loss"),
    QuantInfo("Q4_K_S", 10, 4.6, 0.95, "small quality loss"),
    QuantInfo("Q4_K_M", 11, 4.85, 0.96, "small quality loss; the usual balance of size and quality"),
    QuantInfo("Q5_0", 12, 5.5, 0.97, "very small quality loss (older format)"),
    QuantInfo("Q5_K_S", 13, 5.55, 0.975, "very small quality loss"),
    QuantInfo("Q5_K_M", 14, 5.7, 0.98, "very small quality loss"),
    QuantInfo("Q6_K", 15, 6.56, 0.99, "almost indistinguishable from the original"),
    QuantInfo("Q8_0", 16, 8.5, 0.995, "practically lossless; about twice the size of Q4"),
    QuantInfo("BF16", 17, 16.0, 1.0, "original weights; largest and slowest"),
    QuantInfo("F16", 18, 16.0, 1.0, "original weights; largest and slowest"),
    QuantInfo("F32", 19, 32.0, 1.0, "full precision; rarely worth it for running a model"),
]
QUANTS: dict[str, QuantInfo] = {q.name: q for q in _TABLE}
_ALIASES = {"FP16": "F16", "FP32": "F32"}


def normalize_quant(name: str) -> str:
    """Canonical tag: "q4_k_m" -> "Q4_K_M", "fp16" -> "F16", "UD-Q4_K_XL" stays itself upper-cased."""
    upper = name.strip().upper()
    return _ALIASES.get(upper, upper)


def quant_info(name: str) -> QuantInfo | None:
    """Facts for a tag, also for unsloth-style "UD-Q4_K_XL" (treated like its base Q4_K_M family)."""
    tag = normalize_quant(name)
    if tag in QUANTS:
        return QUANTS[tag]
    base = re.sub(r"^UD-", "", tag)
    base = re.sub(r"_(XL|L)$", "_M", base)
    return QUANTS.get(base)


def quant_rank(name: str) -> int:
    info = quant_info(name)
    return info.rank if info else 0


def sort_quants(names: list[str]) -> list[str]:
    """From the smallest / lowest quality to the largest (the slider's order)."""
    return sorted(names, key=lambda n: (quant_rank(n), n))


def estimate_file_bytes(n_params: int, quant: str) -> int | None:
    """ESTIMATE of a GGUF file's size from the parameter count and the quant's effective bits per weight."""
    info = quant_info(quant)
    if info is None or n_params <= 0:
        return None
    return int(n_params * info.bits_per_weight / 8)


def quality_score(n_params: int, quant: str) -> float:
    """A rough ordering of model+quant by expected quality: log of size, scaled down for lossy quantization.

    Deliberately simple and documented in the UI as a rough guide: bigger models of the same generation answer
    better, and lower-bit quantizations lose some of that.
    """
    info = quant_info(quant)
    factor = info.quality if info else 0.9
    return math.log10(max(n_params, 1)) * factor
