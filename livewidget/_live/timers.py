"""Timers a view sets for itself: ``socket.send_info_after`` and ``socket.every``.

A :class:`Timer` waits on the view's event loop and, when due, queues ``handle_info(info)``
behind whatever the view is already handling, exactly as ``socket.send_info`` does. A repeating
timer keeps its rhythm (ticks are due at ``start + n * seconds``, not drifting with handler
time) and never piles up: a tick that comes while the previous one still waits in the queue is
skipped and counted in :attr:`Timer.skipped`. Every timer ends when its view ends.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any, Protocol

from .types import LiveCallback, ViewLike


class TimerHost(Protocol):
    """What a timer needs from its view's runtime (``LiveRuntime``)."""

    loop: asyncio.AbstractEventLoop
    stopped: bool
    timers: set[Any]

    def on_loop(self, fn: Callable[[], None]) -> None: ...

    def deliver(
        self, during: str, callback: LiveCallback, done: Callable[[], None] | None = None
    ) -> None: ...


class Timer:
    """A pending ``send_info_after`` or a running ``every``; stop it with :meth:`cancel`.

    ``fired`` counts the ticks queued for ``handle_info``, ``skipped`` the ticks dropped
    because the previous one had not been handled yet. Cancelling is safe from any thread,
    more than once, and after the timer fired; a tick already queued is then not delivered.
    """

    def __init__(self, runtime: TimerHost, seconds: float, info: Any, *, repeat: bool) -> None:
        #: The delay (``send_info_after``) or the interval (``every``), in seconds.
        self.seconds = seconds
        #: What ``handle_info`` receives.
        self.info = info
        #: True for ``every``.
        self.repeat = repeat
        self.fired = 0
        self.skipped = 0
        self._runtime = runtime
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0
        self._queued = False
        self._cancelled = False
        runtime.on_loop(self._start)

    @property
    def active(self) -> bool:
        """True while the timer may still deliver a tick."""
        if self._cancelled or self._runtime.stopped:
            return False
        return self.repeat or self.fired == 0 or self._queued

    def cancel(self) -> None:
        """Stop the timer: no further tick is delivered, not even one already queued."""
        if self._cancelled:
            return
        self._cancelled = True
        self._runtime.on_loop(self._disarm)

    def __repr__(self) -> str:
        kind = "every" if self.repeat else "send_info_after"
        state = "active" if self.active else "done"
        return f"<Timer {kind}({self.seconds}, {self.info!r}) {state} fired={self.fired}>"

    # -- on the loop ------------------------------------------------------------------------

    def _start(self) -> None:
        if self._cancelled or self._runtime.stopped:
            self._disarm()
            return
        loop = self._runtime.loop
        self._due = loop.time() + self.seconds
        self._handle = loop.call_at(self._due, self._fire)

    def _disarm(self) -> None:
        if self._handle is not None:
            self._handle.cancel()  # drops the callback: the loop keeps no reference to us
            self._handle = None
        self._runtime.timers.discard(self)

    def _fire(self) -> None:
        self._handle = None
        if self._cancelled or self._runtime.stopped:
            return
        if self.repeat:
            loop = self._runtime.loop
            self._due += self.seconds
            now = loop.time()
            if self._due <= now:  # the loop was busy: skip the ticks that are already late
                late = math.floor((now - self._due) / self.seconds) + 1
                self.skipped += late
                self._due += late * self.seconds
            self._handle = loop.call_at(self._due, self._fire)
        else:
            self._runtime.timers.discard(self)
        if self._queued:
            self.skipped += 1
            return
        self._queued = True
        self.fired += 1
        self._runtime.deliver("handle_info", self._deliver, done=self._delivered)

    def _deliver(self, view: ViewLike, socket: Any) -> Any:
        if self._cancelled:
            return None
        return view.handle_info(self.info, socket)

    def _delivered(self) -> None:
        self._queued = False


def check_seconds(seconds: object, what: str, *, allow_zero: bool) -> float:
    """``seconds`` as a float, or a TypeError/ValueError that says what was expected.

    >>> check_seconds(0.5, "every", allow_zero=False)
    0.5
    >>> check_seconds(0, "every", allow_zero=False)
    Traceback (most recent call last):
    ...
    ValueError: every(seconds, info) needs seconds > 0, got 0; for a one-off message use send_info
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError(
            f"{what}(seconds, info) takes the delay in seconds as a number, "
            f"got {type(seconds).__name__}: {seconds!r}"
        )
    value = float(seconds)
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(
            f"{what}(seconds, info) needs seconds {bound}, got {seconds!r}; "
            f"for a one-off message use send_info"
        )
    return value
