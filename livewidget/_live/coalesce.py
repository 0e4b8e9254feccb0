"""Pacing what livewidget sends, so that Jupyter never drops it.

jupyter_server drops iopub messages above its rate limit (1,000 a second averaged over 3 s,
counted per kernel connection, a cell's own output included). A view ticking every
millisecond, or receiving thousands of broadcasts, would cross it, and the page would miss
updates. So updates that answer no event (timers, ``handle_info``, async results,
broadcasts) are paced:

- **one frame per view**: a view's page gets at most one such update per :data:`FRAME`
  (1/60 s, what a screen shows); what happens in between is coalesced into the next one;
- **a kernel-wide budget**: all of livewidget's messages share one token bucket
  (:data:`RATE` a second, bursts of :data:`BURST`), well under the server's limit.

An event's reply is never held back (every event gets exactly one answer, at once), but it
counts against the budget, down to at most one burst of debt. The first update after a quiet
moment goes at once: pacing adds no latency until updates come faster than a frame.

The clock and the timer are injectable, so tests count messages in simulated time.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Protocol

#: The shortest time between two updates of one view's page that answer no event (seconds).
FRAME = 1 / 60
#: livewidget's messages per second, kernel-wide (jupyter_server's limit is 1,000).
RATE = 500.0
#: How many messages may go at once after a quiet moment, kernel-wide.
BURST = 100.0
# Below this, a wait is rounding noise, not a wait.
_EPSILON = 1e-9

Clock = Callable[[], float]


class Cancellable(Protocol):
    """What a scheduled call returns (an ``asyncio.TimerHandle`` is one)."""

    def cancel(self) -> None:
        """Do not make the call."""


#: ``call_later(seconds, fn)``: call ``fn`` on the session's loop after ``seconds``.
CallLater = Callable[[float, Callable[[], None]], Cancellable]


class Budget:
    """A token bucket: ``rate`` messages a second, up to ``burst`` at once; thread-safe."""

    def __init__(
        self, rate: float = RATE, burst: float = BURST, clock: Clock = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(
                f"Budget needs rate > 0 and burst >= 1, got rate={rate}, burst={burst}"
            )
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._tokens = burst
        self._at = clock()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def wait(self) -> float:
        """Seconds until a message may go (0 when one may go now)."""
        with self._lock:
            self._refill(self.clock())
            return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def spend(self) -> None:
        """Count a message that went; one that could not wait may leave a burst of debt."""
        with self._lock:
            self._refill(self.clock())
            self._tokens = max(-self.burst, self._tokens - 1)


_shared: Budget | None = None
_shared_lock = threading.Lock()


def shared_budget() -> Budget:
    """The kernel-wide budget every session counts its messages against."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Budget()
        return _shared


class Pacer:
    """One session's pacing: its view's frame and the kernel-wide :class:`Budget`.

    ``clock`` defaults to the budget's; ``call_later`` to the running loop's (tests pass a
    simulated one with the same clock).
    """

    def __init__(
        self,
        budget: Budget | None = None,
        *,
        frame: float = FRAME,
        clock: Clock | None = None,
        call_later: CallLater | None = None,
    ) -> None:
        self.budget = budget if budget is not None else shared_budget()
        self.frame = frame
        self.clock = clock if clock is not None else self.budget.clock
        self._call_later = call_later
        self._last = -float("inf")  # when this session last sent a message
        #: How many messages this session sent (for tests and benchmarks).
        self.sent_count = 0

    def wait(self) -> float:
        """Seconds before an update that answers no event may go (0: now)."""
        frame_left = self._last + self.frame - self.clock()
        wait = max(frame_left, self.budget.wait())
        return wait if wait > _EPSILON else 0.0

    def sent(self, *, reply: bool = False) -> None:
        """Count a message this session sent; ``reply`` when it answers an event.

        A reply counts against the budget but does not start a frame: an update that
        follows a click still goes at once.
        """
        if not reply:
            self._last = self.clock()
        self.sent_count += 1
        self.budget.spend()

    def call_later(self, seconds: float, fn: Callable[[], None]) -> Cancellable:
        """Call ``fn`` after ``seconds`` (on the running loop unless a timer was injected)."""
        if self._call_later is not None:
            return self._call_later(seconds, fn)
        return asyncio.get_running_loop().call_later(seconds, fn)
