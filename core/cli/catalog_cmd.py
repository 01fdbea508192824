"""`modelnest catalog [--fits] [--search TEXT] [--json] [--use USE] [--hardware PROBE.json] [--refresh] [--hub]`:
what can I run, and how fast? The top three for a use come from modelnest.core.catalogue.recommend."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from modelnest.core.catalogue import (
    DEFAULT_CTX,
    CatalogueModel,
    FitResult,
    load_catalogue,
)
from modelnest.core.catalogue.recommend import DEFAULT_MIN_TPS, USES, plan_all, recommend
from modelnest.core.errors import UserInputError
from modelnest.core.messages import Text
from modelnest.core.units import format_bytes, format_tokens_per_s


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fits", action="store_true", help="only models that fit this computer (GPU or RAM)")
    parser.add_argument(
        "--search", metavar="TEXT", help="only entries whose name, repository, family or task match TEXT"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--refresh", action="store_true", help="rebuild the snapshot from the hub (needs a connection)")
    parser.add_argument("--hub", action="store_true", help="search every GGUF repository on the hub for --search TEXT")
    parser.add_argument("--local", action="store_true",
                        help="list GGUF models already on disk (models folder, HF cache, LM Studio, GPT4All, Ollama, "
                             "added folders)")
    parser.add_argument("--endpoint", help="hub address or mirror (default: HF_ENDPOINT, else https://huggingface.co)")
    parser.add_argument("--limit", type=int, default=30, help="at most this many hub results (with --hub)")
    parser.add_argument("--use", choices=USES, default="chat",
                        help="what the recommendations are for (default chat: general chat)")
    parser.add_argument("--min-tps", type=float, default=DEFAULT_MIN_TPS,
                        help=f"slowest lower predicted speed a recommendation may have (default {DEFAULT_MIN_TPS:g})")
    parser.add_argument("--hardware", type=Path, default=None,
                        help="plan for another computer: a `modelnest probe --json` file (tables only, no speed test)")


def _matches(m: CatalogueModel, text: str) -> bool:
    hay = " ".join([m.id, m.name, m.repo, m.family, m.license, *m.tasks, *m.languages]).lower()
    return all(word in hay for word in text.lower().split())


def _size_text(size: int | None, estimated: bool) -> str:
    if size is None:
        return "?"
    return f"≈{format_bytes(size)} (estimate)" if estimated else format_bytes(size)


def _speed_text(r: FitResult | None) -> str:
    if r is None or r.decode_tps is None:
        return "-"
    return f"{format_tokens_per_s(r.decode_low or r.decode_tps, r.decode_high or r.decode_tps)} predicted"


def _run_hub(args: argparse.Namespace) -> int:
    from modelnest.core.catalogue import search_hub

    if not args.search:
        raise UserInputError("--hub needs --search TEXT (what to look for on the hub).")
    hits = search_hub(args.search, limit=args.limit, endpoint=args.endpoint)
    if args.json:
        print(json.dumps([h.__dict__ for h in hits], indent=1))
        return 0
    if not hits:
        print(f"No GGUF repositories on the hub match {args.search!r}.")
    for h in hits:
        print(f"{h.repo_id:60} {h.downloads or 0:>10} downloads{'  (gated)' if h.gated else ''}")
    return 0


def _run_refresh(args: argparse.Namespace) -> int:
    from modelnest.core.catalogue import refresh_catalogue

    def progress(model_id: str, error: Text | None) -> None:
        if not args.json:
            print(f"  {model_id}: {'ok' if error is None else error}", file=sys.stderr, flush=True)

    report = refresh_catalogue(endpoint=args.endpoint, on_progress=progress)
    if args.json:
        failed = {k: str(v) for k, v in report.failed.items()}
        print(json.dumps({"snapshot_date": report.catalogue.snapshot_date, "updated": report.updated,
                          "failed": failed, "saved_to": report.saved_to}, indent=1))
    else:
        print(f"Refreshed {len(report.updated)} of {len(report.catalogue.models)} entries; "
              f"snapshot {report.catalogue.snapshot_date} saved to {report.saved_to}.")
        for model_id, why in report.failed.items():
            print(f"  not refreshed: {model_id}: {why}")
    return 0 if not report.failed else 1


def _run_local(args: argparse.Namespace) -> int:
    from modelnest.core.catalogue import plan_header, scan_library

    models = scan_library()
    if args.search:
        models = [m for m in models if all(w in f"{m.name} {m.repo_id or ''} {m.path}".lower()
                                           for w in args.search.lower().split())]
    hardware = None
    if any(m.runnable for m in models):
        from modelnest.core.hardware import probe

        hardware = probe(with_sensors=False)
    rows = []
    for m in models:
        plan = plan_header(m.header, hardware) if (hardware is not None and m.header is not None) else None
        if args.fits and (plan is None or plan.fit == "too_large"):
            continue
        rows.append((m, plan))
    if args.json:
        print(json.dumps({"models": [{**m.to_json(), "plan": p.to_json() if p else None} for m, p in rows]},
                         indent=1, default=list))
        return 0
    if not rows:
        print("No GGUF models found on this computer.")
    for m, p in rows:
        status = (p.fit if p else "runnable") if m.runnable else f"not runnable: {m.error}"
        print(f"{m.name:40} {m.source:11} {format_bytes(m.size):>10}  {status}  {_speed_text(p) if p else ''}")
        print(f"    {m.path}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.local:
        return _run_local(args)
    if args.hub:
        return _run_hub(args)
    if args.refresh:
        return _run_refresh(args)
    if args.min_tps <= 0:
        raise UserInputError("--min-tps must be a positive number of tokens/s")
    catalogue = load_catalogue()
    models = [m for m in catalogue.models if not args.search or _matches(m, args.search)]
    from modelnest.core.cli.plan_cmd import _hardware

    hardware = _hardware(args.hardware)
    # Another computer is planned from the tables: this machine's speed test says nothing about it.
    profile = args.hardware is None
    shown = catalogue.with_models(models) if args.search else catalogue  # --search narrows the picks too
    plans = plan_all(shown, hardware, profile=profile)
    recs = recommend(shown, hardware, use=args.use, min_tps=args.min_tps, profile=profile, plans=plans)
    rows: list[dict[str, Any]] = []
    for m in models:
        quant = m.default_quant()
        r = plans.get((m.id, quant))
        if args.fits and (r is None or r.fit == "too_large"):
            continue
        size, estimated = m.file_for(quant).size_or_estimate(m.n_params)  # type: ignore[union-attr]
        rows.append({"model": m, "quant": quant, "plan": r, "size": size, "size_estimated": estimated})
    if args.json:
        doc = {
            "snapshot_date": catalogue.snapshot_date,
            "source": catalogue.source,
            "context": DEFAULT_CTX,
            "hardware": str(args.hardware) if args.hardware else "this computer",
            "use": recs.use,
            "min_tps": recs.min_tps,
            "compared_on": recs.benchmark,
            "recommended": recs.to_json(),
            "inputs": recs.inputs,
            "models": [
                {
                    **row["model"].to_json(),
                    "quant": row["quant"],
                    "file_bytes": row["size"],
                    "file_bytes_estimated": row["size_estimated"],
                    "plan": row["plan"].to_json() if row["plan"] else None,
                }
                for row in rows
            ],
        }
        print(json.dumps(doc, indent=1, default=list))
        return 0
    print(f"Catalogue snapshot of {catalogue.snapshot_date} ({catalogue.source}); {len(rows)} of "
          f"{len(catalogue.models)} models shown. Sizes marked 'estimate' come from parameter count x bits per weight.")
    for row in rows:
        m, r = row["model"], row["plan"]
        fit = r.fit if r else "-"
        print(f"{m.name:36} {row['quant']:7} {_size_text(row['size'], row['size_estimated']):24} "
              f"{fit:11} {_speed_text(r)}")
    where = f"the computer in {args.hardware}" if args.hardware else "this computer"
    if recs.picks:
        print(f"\nRecommended for {recs.use} on {where} (lower predicted speed at least {recs.min_tps:g} t/s, "
              f"compared on {recs.benchmark}):")
        for i, p in enumerate(recs.picks, 1):
            print(f"  {i}. {p.name} {p.quant}: {p.why}")
            if p.why_not_bigger is not None:
                print(f"     {p.why_not_bigger}")
    else:
        print(f"\nNo recommendation for {recs.use} on {where}: no file with a published figure for this use reaches "
              f"{recs.min_tps:g} t/s (lower predicted speed).")
    return 0
