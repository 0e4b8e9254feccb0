"""The session's queue: what it holds, and how it is fed from any thread and run in order.

Messages from the frontend and work from Python (:class:`Command`) share one queue, so a widget
handles all of them strictly in order, one at a time, on the session's event loop.
:class:`Inbox` is the collaborator a :class:`~livewidget._core.session.Session` owns for this:
it takes messages from any thread (handling one at once when nothing is ahead of it, so its
reply leaves with the comm's own burst), queues the rest and runs them. It reaches back only
through the :class:`InboxHost` protocol, so this module never imports the session.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from .._live import loop as _loop
from ..socket import Socket
from ..view import LiveView

logger = logging.getLogger("livewidget")

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


class InboxHost(Protocol):
    """What the inbox reads and calls on its session."""

    view_class: type[LiveView]
    socket: Socket

    @property
    def closed(self) -> bool: ...
    async def _handle(self, raw: object) -> None: ...
    def _committed(self) -> None: ...


class Inbox:
    """One session's queue: raw messages and commands, from any thread, handled in order.

    One task on the session's loop takes them one at a time, handing raw messages to the
    host's ``_handle``; after each, the host publishes its assigns (``_committed``).
    """

    def __init__(self, host: InboxHost, loop: asyncio.AbstractEventLoop) -> None:
        self._host = host
        self._loop = loop
        self._loop_thread: int | None = None
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        #: No message is being handled right now.
        self.idle = True
        # Messages and commands posted to the loop from other threads, not arrived yet.
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()

    def on_loop_thread(self) -> None:
        """Called on the loop: remember its thread, to tell callers from other threads."""
        # livewidget's own thread, even when another thread borrowed its loop to run this.
        self._loop_thread = _loop.thread_id(self._loop) or threading.get_ident()

    def open(self, first: Command) -> None:
        """On the loop: queue ``first`` and start the task that runs the queue."""
        self.queue.put_nowait(first)
        self._task = self._loop.create_task(self._run(), name=f"livewidget {self._host.socket.id}")

    def cancel(self) -> None:
        """On the loop: stop the queue's task; what is queued is dropped."""
        if self._task is not None:
            self._task.cancel()

    async def join(self) -> None:
        """Wait until every queued item has been handled."""
        await self.queue.join()

    def off_loop(self) -> bool:
        """True when called on another thread than the one running the session's loop."""
        if self._loop_thread is not None:
            return threading.get_ident() != self._loop_thread
        try:
            return asyncio.get_running_loop() is not self._loop
        except RuntimeError:  # no loop runs here: off it if it runs elsewhere
            return self._loop.is_running()

    # -- in ---------------------------------------------------------------------------------

    def receive(self, raw: object, *, wait: float = 0.0) -> None:
        """Handle ``raw`` at once if nothing is ahead of it, else queue it; any thread.

        See :meth:`livewidget._core.session.Session.receive` for ``wait``.
        """
        if not self.off_loop():
            self._receive_here(raw, None)
            return
        if wait <= 0 or self._host.closed or not self._loop.is_running():
            self.put(raw)
            return
        with _loop.borrowed(self._loop) as here:
            # livewidget's loop was idle: handled on this thread, the loop held. Not while
            # something sent to this widget earlier is still on its way to the loop: it
            # must be handled first, so this message follows it there.
            here = here and self._in_flight == 0
            if here:
                self._receive_here(raw, None)
        if here:
            return  # answered already (or queued behind this widget's own work)
        answered = threading.Event()  # only when waiting: one costs a few µs per click
        self._post(self._receive_here, raw, answered.set)
        answered.wait(wait)

    def _receive_here(self, raw: object, done: Done | None) -> None:
        """On the loop: handle ``raw`` now if the session is idle, else queue it.

        ``done`` (the waiting comm handler) is called once the reply was sent, or as soon as
        the message had to wait for this widget's own earlier work (a queued message, an
        ``async`` handler that awaits): its answer then comes when that work is done, and the
        comm handler must not hold the kernel's messages to other widgets meanwhile.
        """
        try:
            if self._host.closed:
                self.put(raw)  # logs the drop
            elif self.idle and self._task is not None and self.queue.empty():
                self._handle_now(raw)
            else:
                self.queue.put_nowait(raw)
        finally:
            if done is not None:
                done()

    def _handle_now(self, raw: object) -> None:
        coroutine = self._host._handle(raw)
        self.idle = False
        try:
            waiting_for = coroutine.send(None)
        except StopIteration:
            self._host._committed()
            return
        except Exception:
            logger.exception("livewidget: internal error in %s", self._host.socket.id)
            return
        finally:
            self.idle = True
        # It awaits something real (an async handler): the queue's task carries it on, first
        # in line, so what comes next still waits its turn.
        self.queue.put_nowait(Resume(coroutine, waiting_for))

    def put(self, item: object) -> None:
        """Queue ``item`` behind what is queued; any thread. A closed session drops it."""
        if self._host.closed:
            logger.error(
                "livewidget: a message reached closed view %s (%s) and was dropped: %.200r",
                self._host.socket.id,
                self._host.view_class.__name__,
                item,
            )
            return
        if self.off_loop() or self._loop_thread is None:
            self._post(self.queue.put_nowait, item)
        else:
            self.queue.put_nowait(item)

    def _post(self, fn: Callable[..., None], *args: Any) -> None:
        """Call ``fn(*args)`` on the loop's thread, counted in flight until it runs there."""
        with self._in_flight_lock:
            self._in_flight += 1

        def arrive() -> None:
            with self._in_flight_lock:
                self._in_flight -= 1
            fn(*args)

        self._loop.call_soon_threadsafe(arrive)

    # -- out --------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            item = await self.queue.get()
            self.idle = False
            try:
                if isinstance(item, Command | Resume):
                    await item.run()
                else:
                    await self._host._handle(item)
            except Exception:
                logger.exception("livewidget: internal error in %s", self._host.socket.id)
            finally:
                self.idle = True
                self.queue.task_done()
                self._host._committed()
            if not self.queue.empty():
                # A backlog (a burst of broadcasts, ticks) is handled one message per loop
                # step, so other widgets and the kernel run in between.
                await asyncio.sleep(0)
