"""`modelnest probe [--json] [--measure]`: what this computer has that decides fit and speed."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the snapshot as JSON (keys: docs/hardware.md)")
    parser.add_argument("--no-engine", action="store_true", help="do not ask the engine which instruction sets it uses")
    parser.add_argument(
        "--measure", action="store_true",
        help="run the speed test now (about 7 s on a 2-core VM: RAM bandwidth, and synthetic models through the "
             "engine) and remember it for this machine and engine version",
    )


def run(args: argparse.Namespace) -> int:
    from modelnest.core.hardware import probe
    from modelnest.core.hardware.text import format_snapshot

    snapshot = probe(measure=args.measure)
    if not args.no_engine:
        from modelnest.core.engine.features import engine_features

        snapshot.cpu.engine_features = engine_features()
    profile = None
    if args.measure:
        from modelnest.core.plan.planner import choose_threads
        from modelnest.core.plan.speedtest import run_speed_test

        def say(fraction: float, what: object) -> None:
            if not args.json:
                print(f"speed test {fraction:4.0%}: {what}", file=sys.stderr, flush=True)

        profile = run_speed_test(snapshot, choose_threads(snapshot), progress=say)
    if args.json:
        document = snapshot.to_dict()
        if profile is not None:
            document["speed_test"] = profile.to_dict()
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from modelnest.core.catalogue import load_catalogue
        from modelnest.core.catalogue.recommend import headline, headline_text

        # From the planner over the catalogue (core/catalogue/recommend.py), with this machine's speed test.
        line = headline_text(headline(load_catalogue(), snapshot, profile=profile if profile is not None else True))
        print(format_snapshot(snapshot, str(line)))
        if profile is not None:
            reads = ", ".join(f"{k} {v:.1f} GB/s" for k, v in profile.read_gb_s.items())
            print(f"speed test ({profile.seconds} s, {profile.threads} threads): {reads}; fixed cost "
                  f"{profile.fixed_s * 1e3:.2f} ms per token; memory {profile.memory_gb_s} GB/s ({profile.memory_how})")
    return 0
