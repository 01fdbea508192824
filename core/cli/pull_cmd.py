"""`modelnest pull REPO [--quant Q | --file NAME]`: download a GGUF model, resumable and verified, with progress."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from typing import TextIO

from modelnest.core.download import (
    Download,
    DownloadProgress,
    DownloadState,
    format_bytes,
    resolve_pull,
)
from modelnest.core.errors import ModelNestError
from modelnest.core.messages import Text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo", help="hub repository, e.g. Qwen/Qwen2.5-0.5B-Instruct-GGUF")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quant", help="quantization to download, e.g. Q4_K_M (all parts of a split model)")
    which.add_argument("--file", help="exact file name in the repository")
    parser.add_argument("--endpoint", help="hub address or mirror (default: HF_ENDPOINT, else https://huggingface.co)")
    parser.add_argument("--revision", help="branch, tag or commit (default: main)")


def _duration(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds > 99 * 3600:
        return "--:--"
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class ProgressBar:
    """A plain one-line bar on a terminal (redrawn with \\r), or a line per 10 % and per event otherwise."""

    def __init__(self, stream: TextIO, width: int = 28) -> None:
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self._last_decile = -1
        self._last_message: Text = ""
        self._drawn = False

    def __call__(self, p: DownloadProgress) -> None:
        if p.message and p.message != self._last_message:
            self._line(f"{p.message}")
            self._last_message = p.message
        if p.state is DownloadState.DONE:
            p = replace(p, state=DownloadState.DOWNLOADING, bytes_done=p.bytes_total, eta=0.0)
            self._last_decile = -1
        elif p.state is not DownloadState.DOWNLOADING:
            return
        part = f" [{p.file_index + 1}/{p.file_count}]" if p.file_count > 1 else ""
        text = (f"{p.fraction * 100:5.1f}% {format_bytes(p.bytes_done)} / {format_bytes(p.bytes_total)}  "
                f"{format_bytes(p.speed)}/s  ETA {_duration(p.eta)}{part}")
        if self.tty:
            filled = int(self.width * p.fraction)
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {text}\x1b[K")
            self.stream.flush()
            self._drawn = True
        elif (decile := int(p.fraction * 10)) != self._last_decile:
            self._last_decile = decile
            self._line(text)

    def _line(self, text: str) -> None:
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def run(args: argparse.Namespace) -> int:
    try:
        return _pull(args)
    except ModelNestError as exc:
        # Every refusal (bad name, offline, gated, disk full, checksum) is one plain line and status 2.
        print(f"modelnest pull: {exc}", file=sys.stderr)
        return 2


def _pull(args: argparse.Namespace) -> int:
    files = resolve_pull(
        args.repo, quant=args.quant, filename=args.file, endpoint=args.endpoint, revision=args.revision
    )
    total = sum(f.size for f in files)
    names = files[0].filename if len(files) == 1 else f"{files[0].filename} (+{len(files) - 1} more parts)"
    print(f"Downloading {names} from {files[0].endpoint}/{args.repo} ({format_bytes(total)})", file=sys.stderr)
    bar = ProgressBar(sys.stderr)
    job = Download(files, on_progress=bar)
    started = time.monotonic()
    try:
        job.run()
    except KeyboardInterrupt:
        # The .part file and its sidecar stay; the same command continues from the bytes on disk.
        bar.close()
        print("Interrupted; run the same command again to continue where it stopped.", file=sys.stderr)
        return 130
    finally:
        bar.close()
    elapsed = max(time.monotonic() - started, 1e-6)
    for path in job.paths:
        print(path)
    print(f"Verified against the hub's checksum and installed in {elapsed:.1f} s.", file=sys.stderr)
    return 0
