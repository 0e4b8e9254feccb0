"""Waiting, from a test's thread, for what livewidget's own thread does."""

from __future__ import annotations

import time
from collections.abc import Callable

TIMEOUT = 10.0


def wait_until(predicate: Callable[[], bool], what: str) -> None:
    """Block this thread (no event loop runs here) until ``predicate()``, or fail naming
    ``what`` after :data:`TIMEOUT` seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)
