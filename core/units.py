"""Numbers as people read them, one convention app-wide: sizes, speeds, parameter counts.

Sizes use binary units, labelled as such: B, KiB, MiB, GiB, TiB (powers of 1024). Why binary: every figure the
app compares a size with is binary — llama.cpp reports its buffers in MiB, a graphics card sold as "8 GB" has
8 GiB of VRAM, RAM modules are binary, and the planner's budgets are computed from those. Printing those values
with decimal "GB" labels (the bug this module replaced on the hardware card and in plans: 8 GiB shown as
"8.0 GB" beside a file size in decimal GB) makes a model that needs 7.6 "GB" look like it fits in 8 "GB" of a
different unit. File sizes therefore use the same binary units, so a file, the memory it needs and the memory
that is free can be compared digit for digit (and Windows Explorer, which most users see, also counts in 1024s).

Bandwidth stays in decimal GB/s (10^9 bytes per second): that is how RAM and GPU makers quote it and how the
measurements in hardware/ are stored; it is never compared with a size.

Unit labels ("GiB", "MiB", "t/s", "B" for billions of parameters) are symbols, not words: they are the same in
every language and never go through translation. Sentences that contain these strings are translated around
them (``msg("needs {size}", size=format_bytes(n))``).
"""

from __future__ import annotations

import math

__all__ = [
    "GIB",
    "KIB",
    "MIB",
    "TIB",
    "format_bytes",
    "format_gib",
    "format_mib",
    "format_params",
    "format_rate",
    "format_tokens_per_s",
]

KIB = 1024
MIB = 1024**2
GIB = 1024**3
TIB = 1024**4
_UNITS: tuple[tuple[str, int], ...] = (("TiB", TIB), ("GiB", GIB), ("MiB", MIB), ("KiB", KIB))
TOKENS_PER_S = "t/s"  # the speed unit; a symbol like MiB, not translated


def format_bytes(n: float, *, precision: int = 1) -> str:
    """``n`` bytes in the largest binary unit that keeps the number at least 1: "7.6 GiB", "550.6 MiB", "12 KiB",
    "512 B". KiB and B are shown whole (a fraction of a KiB is noise for every size the app shows)."""
    value = float(n)
    if not math.isfinite(value):
        return "? B"
    magnitude = abs(value)
    for i, (unit, size) in enumerate(_UNITS):
        if magnitude >= size:
            digits = 0 if unit == "KiB" else precision
            # 1023.96 MiB rounds to "1024.0 MiB": show it as "1.0 GiB" instead.
            if i > 0 and round(magnitude / size, digits) >= 1024:
                unit, size = _UNITS[i - 1]
                digits = precision
            return f"{value / size:.{digits}f} {unit}"
    return f"{int(value)} B"


def format_gib(n: float, *, precision: int = 1) -> str:
    """Always in GiB ("7.5 GiB", "0.3 GiB"): memory figures of one kind read best in one unit (RAM, VRAM)."""
    return f"{float(n) / GIB:.{precision}f} GiB"


def format_mib(n: float, *, precision: int = 1) -> str:
    """Always in MiB, as llama.cpp reports its buffers ("88.0 MiB")."""
    return f"{float(n) / MIB:.{precision}f} MiB"


def format_rate(tokens_per_s: float) -> str:
    """A speed figure without its unit: one decimal below 10 t/s, where a tenth matters, whole above ("8.4", "37")."""
    if not math.isfinite(tokens_per_s):
        return "–"
    return f"{tokens_per_s:.1f}" if tokens_per_s < 9.95 else f"{tokens_per_s:.0f}"


def format_tokens_per_s(low: float, high: float | None = None) -> str:
    """A speed or a predicted range with its unit: "12 t/s", "8.0–12 t/s" (one figure when both ends read alike)."""
    a = format_rate(low)
    b = format_rate(high) if high is not None else a
    return f"{a} {TOKENS_PER_S}" if a == b else f"{a}–{b} {TOKENS_PER_S}"


def format_params(n: int) -> str:
    """A parameter count as model names write it: "7.6B", "494M", "1.2T"."""
    if n >= 10**12:
        return f"{n / 1e12:.1f}T"
    if n >= 10**9:
        return f"{n / 1e9:.1f}B"
    if n >= 10**6:
        return f"{n / 1e6:.0f}M"
    return f"{n / 1e3:.0f}K" if n >= 10**3 else str(n)
