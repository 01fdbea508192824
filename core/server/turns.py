"""Turns on the one engine: a lock granted in the order it was asked for.

The app's chat worker and the local API server's worker share one engine process; each holds this lock around
a load, a turn or a request. ``threading.Lock`` promises no order, so an API client sending request after
request could keep the chat waiting indefinitely (the releasing thread often re-acquires before a waiter wakes).
A ticket lock serves them first come, first served.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Protocol

__all__ = ["EngineLock", "TurnLock"]


class EngineLock(Protocol):
    """What the engine's users need of the lock they share (``threading.Lock`` and ``TurnLock`` both fit)."""

    def acquire(self, blocking: bool = ...) -> bool: ...

    def release(self) -> None: ...

    def __enter__(self) -> bool: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


class TurnLock:
    """A FIFO lock: ``acquire()`` takes a ticket and waits until every earlier ticket has been released."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._issued = 0  # tickets handed out
        self._serving = 0  # the ticket whose turn it is (== _issued: nobody holds or waits)

    def acquire(self, blocking: bool = True) -> bool:
        with self._cond:
            if not blocking and self._serving != self._issued:
                return False
            ticket = self._issued
            self._issued += 1
            while self._serving != ticket:
                self._cond.wait()
            return True

    def release(self) -> None:
        with self._cond:
            if self._serving >= self._issued:
                raise RuntimeError("release of a TurnLock that is not held")
            self._serving += 1
            self._cond.notify_all()

    @property
    def waiting(self) -> int:
        """How many callers wait for their turn (not counting the holder)."""
        with self._cond:
            return max(0, self._issued - self._serving - 1)

    def locked(self) -> bool:
        with self._cond:
            return self._serving != self._issued

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
