"""What the session's queue holds besides the frontend's raw messages.

Messages from the frontend and work from Python share one queue, so a widget handles all of
them strictly in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

#: Called once a message was handled (its reply sent), or had to wait its turn: a comm
#: handler that handed the message to livewidget's loop waits for it.
Done = Callable[[], None]


class Resume:
    """A message handled at once that had to wait: carried on by the queue's task."""

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting_for: Any) -> None:
        self.coroutine = coroutine
        self.waiting_for = waiting_for

    async def run(self) -> None:
        """Step the coroutine as a task would, waiting for each future it yields."""
        coroutine, waiting_for = self.coroutine, self.waiting_for
        try:
            while True:
                if waiting_for is None:
                    await asyncio.sleep(0)  # a bare yield (asyncio.sleep(0))
                else:
                    await asyncio.wait([waiting_for])
                try:
                    waiting_for = coroutine.send(None)
                except StopIteration:
                    return
        except asyncio.CancelledError:
            coroutine.close()
            raise


class Command:
    """Work queued from Python (mount, navigate, back): trusted, ordered with messages."""

    def __init__(self, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.run = run
