"""`modelnest probe [--json] [--measure]`: what this computer has that decides fit and speed."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the snapshot as JSON (keys: docs/hardware.md)")
    parser.add_argument("--no-engine", action="store_true", help="do not ask the engine which instruction sets it uses")
    parser.add_argument(
        "--measure", action="store_true", help="measure RAM bandwidth now (~0.3 s) and remember it for this machine"
    )


def run(args: argparse.Namespace) -> int:
    from modelnest.core.hardware import probe
    from modelnest.core.hardware.text import format_snapshot
    from modelnest.core.plan.tier import estimate_tier, tier_line

    snapshot = probe(measure=args.measure)
    if not args.no_engine:
        from modelnest.core.engine.features import engine_features

        snapshot.cpu.engine_features = engine_features()
    if args.json:
        json.dump(snapshot.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        tier = estimate_tier(snapshot)
        print(format_snapshot(snapshot, tier_line(tier) if tier is not None else None))
    return 0
