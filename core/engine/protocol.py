"""The engine's wire format: one JSON object per line over the child's stdin/stdout pipes.

Requests (parent -> engine): {"op": "load" | "generate" | "count" | "embed" | "cancel" | "unload" | "system_info" |
                              "shutdown", ...}
Events (engine -> parent):   {"ev": "ready" | "heartbeat" | "progress" | "loaded" | "token" | "done" | "count" |
                              "embedded" | "error" | "warning" | "info", ...}
``embed`` takes {"texts": [str, ...], "normalize": bool} and answers {"ev": "embedded", "n_embd": N, "vectors":
base64 of len(texts) x N little-endian float32, "tokens": [per text], "context": the embedding context's state}
(binary in base64: exact, and a third the size of the floats written out in JSON).
Newline-delimited JSON keeps the protocol readable in a log and trivially resynchronising; JSON escapes any
newline inside token text, so a line is always one message.
"""

from __future__ import annotations

import json
from typing import Any

HEARTBEAT_SECONDS = 0.5


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line: bytes) -> dict[str, Any]:
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError("engine message is not an object")
    return message
