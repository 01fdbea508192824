"""The picks last shown to the user and the inputs they came from, remembered across starts.

So the Models page can say, at the next start, why "recommended for you" changed ("changed because: calibration")
or show nothing when it did not: the recommendation is deterministic, and a change with no visible reason is what
users distrust. A small JSON file of its own (not settings.json: it is state, not a choice the user made), written
atomically; a damaged file is the same as none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelnest.core import paths
from modelnest.core.atomic import atomic_write_json

__all__ = ["LastPicks", "last_picks_path", "load_last_picks", "save_last_picks"]


@dataclass(frozen=True)
class LastPicks:
    inputs: dict[str, str]  # Recommendations.inputs: digest per input
    picks: tuple[tuple[str, str], ...]  # (model id, quant), best first


def last_picks_path() -> Path:
    return paths.data_dir() / "catalogue" / "last_picks.json"


def load_last_picks(path: Path | None = None) -> LastPicks | None:
    """What was shown last, or None (never shown, or the file is unreadable)."""
    try:
        data: Any = json.loads((path or last_picks_path()).read_text(encoding="utf-8"))
        inputs = {str(k): str(v) for k, v in data["inputs"].items()}
        picks = tuple((str(model_id), str(quant)) for model_id, quant in data["picks"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return LastPicks(inputs, picks)


def save_last_picks(last: LastPicks, path: Path | None = None) -> None:
    atomic_write_json(path or last_picks_path(), {"inputs": last.inputs, "picks": [list(p) for p in last.picks]})
