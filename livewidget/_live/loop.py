"""livewidget's own event loop: one daemon thread per process where every widget's work runs.

In a kernel, the kernel's main event loop is blocked for as long as a cell runs. A view whose
handlers, renders, timers and PubSub deliveries ran there would freeze with every long cell.
So every LiveWidget of a kernel runs on one shared loop in a daemon thread named
``livewidget``, started on first use. One loop (not one per widget) keeps the kernel at one
extra thread, and keeps each widget's events strictly ordered on it; a slow ``async``
handler awaits there without holding up the other widgets, as it did on the kernel's loop.

``LIVEWIDGET_THREAD=0`` in the kernel's environment puts widgets back on the kernel's own
loop (they then wait for running cells, as before); ``LIVEWIDGET_THREAD=1`` forces the thread
outside a kernel too (the unit tests use it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import selectors
import threading
from collections.abc import Callable
from typing import Any

from . import kernel as _kernel

#: The environment variable that chooses where widgets run (see the module's docstring).
ENV = "LIVEWIDGET_THREAD"
#: The name of the thread that runs livewidget's loop (it shows in tracebacks and py-spy).
THREAD_NAME = "livewidget"

_OFF = ("0", "false", "off", "no")
_ON = ("1", "true", "on", "yes")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
# Held by livewidget's thread whenever it runs callbacks, released while it waits for I/O.
# Another thread that takes it has the loop to itself: see borrowed().
_running = threading.Lock()
_borrower: int | None = None  # the thread that holds _running instead of livewidget's


class _ParkingSelector(selectors.DefaultSelector):
    """The loop's selector: livewidget's thread lets go of ``_running`` while it waits.

    It counts the changes to what it watches (:attr:`changes`), so that a thread that
    borrowed the loop knows whether the wait under way misses a file it must watch.
    """

    changes = 0

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        self.changes += 1
        return super().register(fileobj, events, data)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        self.changes += 1
        return super().modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        _running.release()
        try:
            return super().select(timeout)
        finally:
            _running.acquire()


def threaded() -> bool:
    """Whether new widgets run on livewidget's thread (in a kernel, unless turned off)."""
    setting = os.environ.get(ENV, "").strip().lower()
    if setting in _OFF:
        return False
    if setting in _ON:
        return True
    return _kernel.kernel() is not None


def widget_loop() -> asyncio.AbstractEventLoop:
    """The loop a new LiveWidget runs on: livewidget's thread, or the current loop."""
    return shared_loop() if threaded() else current_loop()


def shared_loop() -> asyncio.AbstractEventLoop:
    """livewidget's loop, running in its daemon thread (started on the first call)."""
    global _loop, _thread
    with _lock:
        if _loop is None or _thread is None or not _thread.is_alive() or _loop.is_closed():
            loop = asyncio.SelectorEventLoop(_ParkingSelector())
            ready = threading.Event()
            thread = threading.Thread(
                target=_run_forever, args=(loop, ready), name=THREAD_NAME, daemon=True
            )
            thread.start()
            ready.wait()
            _loop, _thread = loop, thread
        return _loop


def is_shared(loop: asyncio.AbstractEventLoop) -> bool:
    """True if ``loop`` is livewidget's own thread's loop."""
    return loop is _loop and _thread is not None and _thread.is_alive()


def thread_id(loop: asyncio.AbstractEventLoop) -> int | None:
    """The id of livewidget's thread if ``loop`` is its loop, else None."""
    return _thread.ident if is_shared(loop) and _thread is not None else None


def _run_forever(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    _running.acquire()
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        _running.release()


def borrowed(loop: asyncio.AbstractEventLoop) -> Borrowed:
    """Run livewidget's loop's work on this thread while it is idle; ``with`` gives True if so.

    A message that reaches an idle loop is handled by the thread that received it (the
    kernel's comm handler), as it was before widgets had a thread of their own: two thread
    wake-ups saved per click. Meanwhile livewidget's thread waits, so nothing else of
    livewidget runs, and ``asyncio.get_running_loop()`` is livewidget's loop here. What the
    work scheduled on the loop runs once it is given back. Gives False, at once, when the
    loop is busy or ``loop`` is not livewidget's: then hand the work over instead.
    """
    return Borrowed(loop)


class Borrowed:
    """The context manager :func:`borrowed` returns (a class, not a generator: it runs on
    every click, and a generator-based one costs several times as much)."""

    __slots__ = ("_due", "_held", "_loop", "_previous", "_watched")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._held = False
        self._previous: asyncio.AbstractEventLoop | None = None
        self._due: float | None = None
        self._watched: int | None = None

    def __enter__(self) -> bool:
        global _borrower
        loop = self._loop
        if not is_shared(loop) or not _running.acquire(blocking=False):
            return False
        self._held = True
        self._previous = asyncio._get_running_loop()
        asyncio._set_running_loop(loop)
        _borrower = threading.get_ident()
        self._due = _next_due(loop)
        self._watched = _watched(loop)
        return True

    def __exit__(self, *_: object) -> None:
        global _borrower
        if not self._held:
            return
        self._held = False
        loop = self._loop
        _borrower = None
        asyncio._set_running_loop(self._previous)
        wake = _woken_by(loop, self._due) or _watched(loop) != self._watched
        _running.release()
        if wake:
            # livewidget's thread waits with a timeout it chose, on the files it watched,
            # before this work queued callbacks, set an earlier timer or watched a new file
            # (a select()-based selector would not see that one): wake it. Only then: a
            # wake-up costs the borrowing thread a GIL round trip (~50-80 µs) on every click.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_nothing)


def _nothing() -> None:
    pass


def _next_due(loop: asyncio.AbstractEventLoop) -> float | None:
    """When ``loop``'s earliest timer is due (its wait ends then at the latest); None: none."""
    scheduled = getattr(loop, "_scheduled", None)
    return scheduled[0].when() if scheduled else None


def _watched(loop: asyncio.AbstractEventLoop) -> int | None:
    """How many times what ``loop``'s selector watches was changed (None: it cannot tell)."""
    selector = getattr(loop, "_selector", None)
    return selector.changes if isinstance(selector, _ParkingSelector) else None


def _woken_by(loop: asyncio.AbstractEventLoop, due: float | None) -> bool:
    """Whether work done on borrowed ``loop`` needs its thread awake: callbacks ready to run,
    or a timer due before the one its wait was timed for (``due``, read before the work).

    asyncio's own selector loops keep these in ``_ready`` and ``_scheduled``; a loop without
    them is always woken.
    """
    ready = getattr(loop, "_ready", None)
    scheduled = getattr(loop, "_scheduled", None)
    if ready is None or scheduled is None:
        return True
    if ready:
        return True
    return bool(scheduled) and (due is None or scheduled[0].when() < due)


def call_and_wait(
    loop: asyncio.AbstractEventLoop, fn: Callable[[Callable[[], None]], Any], timeout: float
) -> bool:
    """Call ``fn(done)`` on ``loop``'s thread and wait until it calls ``done``, or ``timeout``.

    True if ``done`` was called in time. ``fn`` may hand ``done`` on (to run when a queued
    message was handled). The caller must not be on ``loop``'s thread: it would wait for
    itself. A thread that borrowed the loop (:func:`borrowed`) runs ``fn`` itself.
    """
    if _borrower == threading.get_ident() and is_shared(loop):
        fn(_nothing)  # this thread holds the loop (borrowed): waiting would wait for itself
        return True
    finished = threading.Event()
    try:
        loop.call_soon_threadsafe(fn, finished.set)
    except RuntimeError:  # the loop closed (the interpreter is ending)
        return False
    return finished.wait(timeout)


def current_loop() -> asyncio.AbstractEventLoop:
    """The running loop, else this thread's loop, else a new one set as this thread's."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        # No loop at all (a plain script): make one; it runs when the caller runs it.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        return loop
