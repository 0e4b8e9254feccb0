"""The part of the socket that lets a view live by itself: timers, background work, PubSub.

:class:`~livewidget.socket.Socket` inherits these methods; the session attaches the view's
:class:`~livewidget._runtime.LiveRuntime`, which owns what they start and ends it with the view.
Everything they start comes back through the view's ordered queue, like ``send_info``: after
the handler that is running, as a transaction of its own (render, diff, one message).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._runtime import LiveRuntime
    from .async_work import AsyncSource
    from .timers import Timer


class LiveSocketMixin:
    """Timers, background work and PubSub subscriptions of a view's socket."""

    _live: LiveRuntime | None = None

    # -- timers -----------------------------------------------------------------------------

    def send_info_after(self, seconds: float, info: Any) -> Timer:
        """Deliver ``info`` to ``handle_info`` in ``seconds``; returns a cancellable Timer.

        Like Phoenix's ``Process.send_after(self(), info, ms)``; ``timer.cancel()`` stops it.
        """
        return self._runtime("send_info_after").timer(seconds, info, repeat=False)

    def every(self, seconds: float, info: Any) -> Timer:
        """Deliver ``info`` to ``handle_info`` every ``seconds`` until ``timer.cancel()``.

        Like ``:timer.send_interval``. Ticks keep their rhythm; a tick due while the previous
        one still waits to be handled is skipped, so a slow ``handle_info`` never piles up.
        """
        return self._runtime("every").timer(seconds, info, repeat=True)

    # -- background work --------------------------------------------------------------------

    def start_async(self, name: str, work: AsyncSource) -> None:
        """Run ``work`` in the background; then ``handle_async(name, result, socket)``.

        ``work`` is a coroutine, an ``async def`` function (both run on the event loop) or a
        plain function of no arguments (it runs in a worker thread, so blocking calls are
        fine). ``result`` is an :class:`~livewidget.AsyncResult`: ``result.ok`` and
        ``result.result``, or ``result.error``. Starting work under a name still running
        replaces it. The view's ``handle_async`` must be defined.
        """
        self._runtime("start_async").start_async(name, work)

    def assign_async(self, keys: str | Iterable[str], work: AsyncSource) -> None:
        """Assign ``keys`` now as loading :class:`~livewidget.AsyncValue`, then the outcome.

        ``socket.assign_async("user", fetch_user)`` sets ``user`` to an AsyncValue whose
        ``loading`` is True; when ``fetch_user()`` returns, ``user.ok`` is True and
        ``user.result`` holds the value; if it raises, ``user.failed`` is True and
        ``user.error`` holds the exception (the widget keeps working). With a list of keys,
        ``work`` returns a dict holding each of them. ``work`` runs as for ``start_async``.
        """
        self._runtime("assign_async").assign_async(keys, work)

    def cancel_async(self, name: str | Iterable[str]) -> bool:
        """Cancel ``start_async`` work called ``name``, or ``assign_async`` work of those keys.

        Cancelled ``start_async`` work gets ``handle_async(name, result, socket)`` with
        ``result.cancelled`` True; cancelled assign_async keys become failed, with an
        ``asyncio.CancelledError`` as ``error``. Returns False when nothing was running.
        """
        return self._runtime("cancel_async").cancel_async(name)

    # -- PubSub -----------------------------------------------------------------------------

    def subscribe(self, topic: str) -> None:
        """Receive every broadcast to ``topic`` in ``handle_info(message, socket)``.

        Broadcast with ``livewidget.pubsub.broadcast(topic, message)`` from anywhere; with a
        Redis backend, from any kernel. The subscription ends with the view.
        """
        self._runtime("subscribe").subscribe(topic)

    def unsubscribe(self, topic: str) -> None:
        """Stop receiving ``topic``'s broadcasts (no-op when not subscribed)."""
        self._runtime("unsubscribe").unsubscribe(topic)

    def _runtime(self, what: str) -> LiveRuntime:
        if self._live is None:
            raise RuntimeError(
                f"socket.{what}() needs a running view: call it from a LiveView's callbacks "
                f"(mount, handle_event, handle_info, …) of a view shown in a LiveWidget or "
                f"driven by livewidget.testing.LiveViewTest"
            )
        return self._live
