"""Background work a view starts: ``socket.start_async`` and ``socket.assign_async``.

Work is a coroutine, a coroutine function or a plain function. Coroutines run as tasks on the
view's event loop; a plain (blocking) function runs in a worker thread
(``asyncio.to_thread``) so the notebook stays responsive. When the work ends, its outcome is
queued behind what the view is handling, like any message: ``handle_async(name, result,
socket)`` gets an :class:`AsyncResult`; an ``assign_async`` key gets an :class:`AsyncValue`.
Work is named: starting work under a name that is still running replaces it (the old result
is dropped), and all of it is cancelled when the view ends. A thread cannot be stopped from
outside: a cancelled blocking function runs to its end in its thread, and its result is dropped.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeAlias

from .types import LiveCallback

logger = logging.getLogger("livewidget")

#: What start_async and assign_async accept: an awaitable, or a function of no arguments
#: (``async def`` functions run on the loop, plain ones in a worker thread).
AsyncSource: TypeAlias = Awaitable[Any] | Callable[[], Any]
#: ("start", (name,)) for start_async, ("assign", keys) for assign_async.
WorkKey: TypeAlias = tuple[Literal["start", "assign"], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class AsyncResult:
    """How work started with ``socket.start_async(name, work)`` ended.

    ``handle_async(name, result, socket)`` receives it: ``result.ok`` is True and
    ``result.result`` holds the return value, or ``result.ok`` is False and ``result.error``
    holds the exception (``asyncio.CancelledError`` after ``socket.cancel_async(name)``).

    >>> AsyncResult(ok=True, result=42).result
    42
    >>> AsyncResult(ok=False, error=asyncio.CancelledError()).cancelled
    True
    """

    ok: bool
    result: Any = None
    error: BaseException | None = None

    @property
    def cancelled(self) -> bool:
        """True when ``cancel_async`` stopped the work."""
        return isinstance(self.error, asyncio.CancelledError)


@dataclass(frozen=True, slots=True)
class AsyncValue:
    """An assign filled in the background by ``socket.assign_async``; test it in the template.

    ``{% if data.loading %}…{% elif data.failed %}{{ data.error }}{% else %}{{ data.result
    }}{% endif %}``. While reloading, ``result`` keeps the last value that loaded.

    >>> value = AsyncValue("ok", result=[1, 2])
    >>> value.loading, value.ok, value.failed, value.result
    (False, True, False, [1, 2])
    """

    state: Literal["loading", "ok", "failed"]
    result: Any = None
    error: BaseException | None = None

    @property
    def loading(self) -> bool:
        """True until the work ends."""
        return self.state == "loading"

    @property
    def ok(self) -> bool:
        """True once the work returned; ``result`` holds the value."""
        return self.state == "ok"

    @property
    def failed(self) -> bool:
        """True if the work raised or was cancelled; ``error`` holds the exception."""
        return self.state == "failed"


class TaskHost(Protocol):
    """What background work needs from its view's runtime (``LiveRuntime``)."""

    loop: asyncio.AbstractEventLoop
    name: str
    stopped: bool

    def on_loop(self, fn: Callable[[], None]) -> None: ...

    def deliver(
        self, during: str, callback: LiveCallback, done: Callable[[], None] | None = None
    ) -> None: ...


class AsyncTasks:
    """The named background work of one view."""

    def __init__(self, runtime: TaskHost) -> None:
        self._runtime = runtime
        self._work: dict[WorkKey, _Work] = {}

    def __len__(self) -> int:
        return len(self._work)

    def pending(self) -> list[WorkKey]:
        """The keys of the work that has not been delivered yet."""
        return list(self._work)

    def start(
        self,
        key: WorkKey,
        source: AsyncSource,
        finish: Callable[[AsyncResult], LiveCallback],
        during: str,
    ) -> None:
        """Run ``source``; when it ends, queue ``finish(result)`` to run as a handler."""
        if not (inspect.isawaitable(source) or callable(source)):
            raise TypeError(
                f"background work must be a coroutine, an async function or a function of no "
                f"arguments, got {type(source).__name__}: {source!r}; "
                f"pass fetch (not fetch()) or lambda: fetch(arg)"
            )
        previous = self._work.pop(key, None)
        if previous is not None:
            previous.cancel()
        work = _Work(key, source)
        if self._runtime.stopped:
            work.cancel()
            return
        self._work[key] = work
        self._runtime.on_loop(lambda: self._spawn(work, finish, during))

    def cancel(self, key: WorkKey) -> bool:
        """Cancel the work under ``key``; nothing is delivered for it. True if there was some."""
        work = self._work.pop(key, None)
        if work is None:
            return False
        work.cancel()
        return True

    def cancel_all(self) -> None:
        """Cancel everything (the view is ending)."""
        works, self._work = list(self._work.values()), {}
        for work in works:
            work.cancel()

    # -- on the loop ------------------------------------------------------------------------

    def _spawn(
        self, work: _Work, finish: Callable[[AsyncResult], LiveCallback], during: str
    ) -> None:
        if self._work.get(work.key) is not work or self._runtime.stopped:
            work.cancel()
            return
        name = f"livewidget {self._runtime.name} {work.key[0]}_async {','.join(work.key[1])}"
        work.task = self._runtime.loop.create_task(self._execute(work, finish, during), name=name)

    async def _execute(
        self, work: _Work, finish: Callable[[AsyncResult], LiveCallback], during: str
    ) -> None:
        try:
            outcome = AsyncResult(ok=True, result=await _run(work.source))
        except Exception as exc:
            logger.warning(
                "livewidget: background work %s of %s failed: %s: %s",
                "/".join(work.key[1]),
                self._runtime.name,
                type(exc).__name__,
                exc,
                exc_info=exc,
            )
            outcome = AsyncResult(ok=False, error=exc)
        callback = finish(outcome)

        def deliver(view: Any, socket: Any) -> Any:
            if self._work.get(work.key) is not work:
                return None  # cancelled or replaced after it ended: drop the result
            del self._work[work.key]
            return callback(view, socket)

        self._runtime.deliver(during, deliver)


class _Work:
    __slots__ = ("key", "source", "task")

    def __init__(self, key: WorkKey, source: AsyncSource) -> None:
        self.key = key
        self.source = source
        self.task: asyncio.Task[None] | None = None

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
        # A coroutine that never started would warn "was never awaited": close it.
        source = self.source
        if inspect.iscoroutine(source) and inspect.getcoroutinestate(source) == "CORO_CREATED":
            source.close()


async def _run(source: AsyncSource) -> Any:
    if inspect.isawaitable(source):
        return await source
    if inspect.iscoroutinefunction(source):
        return await source()
    result = await asyncio.to_thread(source)
    if inspect.isawaitable(result):  # e.g. a lambda that returns a coroutine
        result = await result
    return result
