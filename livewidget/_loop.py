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
import os
import threading
from collections.abc import Callable
from typing import Any

from . import _kernel
from ._callbacks import current_loop

#: The environment variable that chooses where widgets run (see the module's docstring).
ENV = "LIVEWIDGET_THREAD"
#: The name of the thread that runs livewidget's loop (it shows in tracebacks and py-spy).
THREAD_NAME = "livewidget"

_OFF = ("0", "false", "off", "no")
_ON = ("1", "true", "on", "yes")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None


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
            loop = asyncio.new_event_loop()
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


def _run_forever(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    loop.run_forever()


def call_and_wait(
    loop: asyncio.AbstractEventLoop, fn: Callable[[Callable[[], None]], Any], timeout: float
) -> bool:
    """Call ``fn(done)`` on ``loop``'s thread and wait until it calls ``done``, or ``timeout``.

    True if ``done`` was called in time. ``fn`` may hand ``done`` on (to run when a queued
    message was handled). The caller must not be on ``loop``'s thread: it would wait for
    itself.
    """
    finished = threading.Event()
    try:
        loop.call_soon_threadsafe(fn, finished.set)
    except RuntimeError:  # the loop closed (the interpreter is ending)
        return False
    return finished.wait(timeout)
