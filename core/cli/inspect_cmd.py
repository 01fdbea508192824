"""`modelnest inspect FILE [--json]`: validate a GGUF file with our bounded reader and summarise it."""

from __future__ import annotations

import argparse
import json

from modelnest.core.gguf import read_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="path to a .gguf file")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _human_count(n: int) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:.2f}{unit}"
    return str(n)


def run(args: argparse.Namespace) -> int:
    header = read_file(args.file)
    summary = header.summary()
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    rows = [
        ("file", args.file),
        ("architecture", summary["architecture"]),
        ("name", summary["name"] or "-"),
        ("parameters", _human_count(summary["parameters"])),
        ("quantization", summary["quantization"]),
        ("context length", summary["context_length"] or "-"),
        ("layers", summary["layers"] or "-"),
        ("tensors", summary["tensor_count"]),
        ("chat template", "yes" if summary["chat_template"] else "no"),
        ("file size", f"{summary['file_size'] / 2**20:,.1f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0
