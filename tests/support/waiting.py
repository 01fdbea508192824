"""Waiting for an observable event with a deadline: what tests do instead of sleeping for a guessed time."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], object], what: str, timeout: float = 30.0, interval: float = 0.01) -> None:
    """Return as soon as `predicate()` is true; fail naming `what` after `timeout` seconds.

    Polls because the things waited for (bytes on disk, a counter in another thread, another process's state)
    offer no notification to block on; `interval` is only how often to look, never a guess at how long it takes.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
