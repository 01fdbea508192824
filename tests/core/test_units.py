"""One formatting convention: binary sizes labelled KiB/MiB/GiB, speeds, parameter counts."""

from __future__ import annotations

import math

from modelnest.core.units import (
    GIB,
    MIB,
    format_bytes,
    format_gib,
    format_mib,
    format_params,
    format_rate,
    format_tokens_per_s,
)


def test_sizes_are_binary_and_say_so() -> None:
    assert format_bytes(8 * GIB) == "8.0 GiB"  # an "8 GB" card
    assert format_bytes(550.6 * MIB) == "550.6 MiB"  # as llama.cpp logs the weights
    assert format_bytes(268_435_456) == "256.0 MiB"
    assert format_bytes(12_345) == "12 KiB"
    assert format_bytes(512) == "512 B"
    assert format_bytes(0) == "0 B"
    assert format_bytes(3 * 1024**4) == "3.0 TiB"
    assert format_bytes(4_000_000_000, precision=2) == "3.73 GiB"


def test_no_four_digit_values_from_rounding_up() -> None:
    assert format_bytes(1024 * MIB - 1) == "1.0 GiB"
    assert format_bytes(1024 * 1024 - 10) == "1.0 MiB"


def test_fixed_units() -> None:
    assert format_gib(7 * GIB + GIB // 2) == "7.5 GiB"
    assert format_gib(300 * MIB) == "0.3 GiB"
    assert format_mib(88 * MIB) == "88.0 MiB"
    assert format_bytes(float("nan")) == "? B"


def test_speeds() -> None:
    assert format_rate(8.04) == "8.0" and format_rate(9.96) == "10" and format_rate(37.4) == "37"
    assert format_rate(math.inf) == "–"
    assert format_tokens_per_s(8.0, 12.2) == "8.0–12 t/s"
    assert format_tokens_per_s(12.2, 12.4) == "12 t/s"
    assert format_tokens_per_s(3.25) == "3.2 t/s"


def test_params() -> None:
    assert format_params(7_615_616_512) == "7.6B"
    assert format_params(494_032_768) == "494M"
    assert format_params(1_200_000_000_000) == "1.2T"
    assert format_params(12_000) == "12K" and format_params(7) == "7"
