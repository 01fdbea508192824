"""Process checks shared by the tests that kill engines and GUIs."""

from __future__ import annotations

import time

import psutil


def gone(pid: int, timeout: float = 15.0) -> bool:
    """The process has exited (a zombie awaiting its reaper counts as exited: it runs no code and holds no memory)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False
