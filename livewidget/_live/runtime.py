"""What one mounted view runs by itself: its timers, background work and subscriptions.

The session gives each socket a :class:`LiveRuntime`. Whatever it started reports back
through ``run``, which queues a callback on the session's ordered queue (handled like an event:
a transaction, then render, diff and one outbound message), and all of it ends in
:meth:`LiveRuntime.stop`, which the session calls when the view ends: the widget closed, a
redirect mounted another view, or the mount failed. After ``stop`` the loop holds no reference
to the view: pending timer callbacks are cancelled, tasks cancelled, topics unsubscribed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from .. import pubsub
from .async_work import AsyncResult, AsyncSource, AsyncTasks, AsyncValue, WorkKey
from .timers import Timer, check_seconds
from .types import LiveCallback, Run, SocketLike, ViewLike

logger = logging.getLogger("livewidget")


class LiveRuntime:
    """Timers, background work and subscriptions of one view (one socket)."""

    def __init__(
        self, socket: SocketLike, *, loop: asyncio.AbstractEventLoop, run: Run, view: str
    ) -> None:
        self.socket = socket
        self.loop = loop
        self.name = f"{view} {socket.id}"
        self.stopped = False
        self.timers: set[Timer] = set()
        self.tasks = AsyncTasks(self)
        self.topics: set[str] = set()
        self._run = run

    # -- plumbing ---------------------------------------------------------------------------

    def on_loop(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now if we are on the view's loop, else soon on it (thread-safe)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            fn()
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn)

    def deliver(
        self, during: str, callback: LiveCallback, done: Callable[[], None] | None = None
    ) -> None:
        """Queue ``callback`` behind what the view is handling (dropped once stopped)."""
        if self.stopped:
            if done is not None:
                done()
            return
        self._run(during, callback, done)

    def receive(self, message: Any) -> None:
        """``message`` for ``handle_info``: send_info, a pubsub message, Disconnected/…"""
        self.deliver("handle_info", lambda view, socket: view.handle_info(message, socket))

    def stop(self) -> None:
        """End everything this view started; later requests are ignored."""
        if self.stopped:
            return
        self.stopped = True
        for timer in list(self.timers):
            timer.cancel()
        self.tasks.cancel_all()
        if self.topics:
            backend = pubsub.backend()
            for topic in self.topics:
                backend.unsubscribe(topic, self)
            self.topics.clear()

    # -- timers -----------------------------------------------------------------------------

    def timer(self, seconds: object, info: Any, *, repeat: bool) -> Timer:
        """A new timer (see :mod:`livewidget._live.timers`)."""
        what = "every" if repeat else "send_info_after"
        timer = Timer(
            self, check_seconds(seconds, what, allow_zero=not repeat), info, repeat=repeat
        )
        if not self.stopped:
            self.timers.add(timer)
        return timer

    # -- background work --------------------------------------------------------------------

    def start_async(self, name: str, source: AsyncSource) -> None:
        """Run ``source``; then ``handle_async(name, AsyncResult, socket)``."""
        _check_name(name, "start_async(name, work)")

        def finish(result: AsyncResult) -> LiveCallback:
            return lambda view, socket: view.handle_async(name, result, socket)

        self.tasks.start(("start", (name,)), source, finish, "handle_async")

    def assign_async(self, keys: str | Iterable[str], source: AsyncSource) -> None:
        """Assign each key a loading AsyncValue now, and the outcome when ``source`` ends."""
        names = _keys(keys)
        for key in self._assign_keys_overlapping(names):
            self.tasks.cancel(key)
            self._fail(tuple(k for k in key[1] if k not in names))
        previous = self.socket.assigns
        self.socket.assign(
            {name: AsyncValue("loading", result=_last_result(previous.get(name))) for name in names}
        )
        single = isinstance(keys, str)

        def finish(result: AsyncResult) -> LiveCallback:
            def assign(view: ViewLike, socket: SocketLike) -> None:
                socket.assign(_outcome(names, single, result, view))

            return assign

        self.tasks.start(("assign", names), source, finish, "handle_async")

    def cancel_async(self, name: str | Iterable[str]) -> bool:
        """Cancel start_async work called ``name`` and assign_async work for those keys."""
        names = _keys(name)
        found = False
        if len(names) == 1 and self.tasks.cancel(("start", names)):
            found = True
            cancelled = AsyncResult(ok=False, error=asyncio.CancelledError())
            self.deliver(
                "handle_async",
                lambda view, socket: view.handle_async(names[0], cancelled, socket),
            )
        for key in self._assign_keys_overlapping(names):
            found = self.tasks.cancel(key) or found
            self._fail(key[1])
        return found

    def _assign_keys_overlapping(self, names: tuple[str, ...]) -> list[WorkKey]:
        wanted = set(names)
        return [k for k in self.tasks.pending() if k[0] == "assign" and wanted.intersection(k[1])]

    def _fail(self, names: tuple[str, ...]) -> None:
        if names:
            error = asyncio.CancelledError()
            self.socket.assign({name: AsyncValue("failed", error=error) for name in names})

    # -- pubsub -----------------------------------------------------------------------------

    def subscribe(self, topic: str) -> None:
        """Receive the topic's broadcasts in ``handle_info``."""
        pubsub.check_topic(topic)
        if self.stopped:
            logger.warning("livewidget: %s ended; subscribe(%r) ignored", self.name, topic)
            return
        if topic not in self.topics:
            self.topics.add(topic)
            pubsub.backend().subscribe(topic, self)

    def unsubscribe(self, topic: str) -> None:
        """Stop receiving the topic's broadcasts (no-op if not subscribed)."""
        if topic in self.topics:
            self.topics.discard(topic)
            pubsub.backend().unsubscribe(topic, self)


def _check_name(name: object, what: str) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{what} takes a non-empty str name, got {name!r}")


def _keys(keys: str | Iterable[str]) -> tuple[str, ...]:
    names = (keys,) if isinstance(keys, str) else tuple(keys)
    if not names or not all(isinstance(k, str) and k.isidentifier() for k in names):
        raise ValueError(
            f"assign_async takes an assign name or a list of them (identifiers), got {keys!r}; "
            f'write socket.assign_async("user", fetch_user)'
        )
    return names


def _last_result(value: Any) -> Any:
    return value.result if isinstance(value, AsyncValue) else None


def _outcome(
    names: tuple[str, ...], single: bool, result: AsyncResult, view: ViewLike
) -> dict[str, AsyncValue]:
    if not result.ok:
        return {name: AsyncValue("failed", error=result.error) for name in names}
    if single:
        return {names[0]: AsyncValue("ok", result=result.result)}
    value = result.result
    missing = [name for name in names if not isinstance(value, dict) or name not in value]
    if missing:
        got = (
            f"a dict with keys {sorted(value)}" if isinstance(value, dict) else type(value).__name__
        )
        wanted = ", ".join(f"{name!r}: ..." for name in names)
        error = TypeError(
            f"{type(view).__name__}: assign_async({list(names)!r}, work) expects work to return a "
            f"dict with those keys, got {got}; return {{{wanted}}}"
        )
        logger.warning("livewidget: %s", error)
        return {name: AsyncValue("failed", error=error) for name in names}
    return {name: AsyncValue("ok", result=value[name]) for name in names}
