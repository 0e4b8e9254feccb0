"""The transport-agnostic core: one LiveView, its inbound queue, renders, diffs and replies.

A :class:`Session` knows nothing of Jupyter. A transport (the widget, or the test client)
hands it raw inbound messages with :meth:`Session.receive`, from any thread, and gives it a
``send`` callable for outbound ones. Messages are handled strictly in order by one task on
the session's event loop: handler → render → diff → exactly one outbound message.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from . import _messages
from . import _protocol as p
from ._errors_format import error_payload
from ._params import decode_form
from .errors import BadMessageError
from .socket import Socket
from .template import Rendered, diff
from .view import LiveView

logger = logging.getLogger("livewidget")

Send = Callable[[dict[str, Any]], None]
_ids = itertools.count(1)


class Session:
    """Run one LiveView behind a transport.

    ``send`` is called on the event loop with each outbound message (a JSON-able dict).
    ``loop`` defaults to the running loop (the kernel's, in Jupyter).
    """

    def __init__(
        self,
        view: type[LiveView],
        *,
        send: Send,
        session: Mapping[str, Any] | None = None,
        url: str = "/",
        loop: asyncio.AbstractEventLoop | None = None,
        show_tracebacks: bool = True,
    ) -> None:
        if not (isinstance(view, type) and issubclass(view, LiveView)):
            raise TypeError(
                f"expected a LiveView subclass, got {view!r}; "
                f"define `class MyView(LiveView): ...` and pass MyView"
            )
        self.view_class = view
        self.view: LiveView = view()
        self.socket = Socket(f"lw-{next(_ids)}", url=url)
        self.show_tracebacks = show_tracebacks
        self._send = send
        self._session = dict(session or {})
        self._loop = loop or _current_loop()
        self._loop_thread: int | None = None
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._tree: Rendered | None = None
        self._mount_error: dict[str, Any] | None = None
        self._closed = False

    # -- transport side ---------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran; later messages are refused."""
        return self._closed

    def start(self) -> None:
        """Schedule the mount; call it on the loop's thread, once."""
        if self._task is not None:
            return
        self._loop_thread = threading.get_ident()
        self._queue.put_nowait(_MOUNT)
        self._task = self._loop.create_task(self._run(), name=f"livewidget {self.socket.id}")

    def receive(self, raw: object) -> None:
        """Queue an inbound message; safe to call from any thread."""
        if self._closed:
            logger.error(
                "livewidget: a message reached closed view %s (%s) and was dropped: %.200r",
                self.socket.id,
                self.view_class.__name__,
                raw,
            )
            return
        if threading.get_ident() == self._loop_thread:
            self._queue.put_nowait(raw)
        else:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, raw)

    async def drain(self) -> None:
        """Wait until every queued message has been handled."""
        await self._queue.join()

    def close(self, reason: str = "closed") -> None:
        """End the view: drop queued messages, stop the task and run ``terminate``."""
        if self._closed:
            return
        self._closed = True
        if self._task is not None:
            self._task.cancel()
        try:
            result = self.view.terminate(reason)
            if inspect.isawaitable(result):
                self._loop.create_task(_await(result))
        except Exception:
            logger.exception("livewidget: %s.terminate raised", self.view_class.__name__)

    @property
    def tree(self) -> Rendered | None:
        """The last rendered tree (what every joined frontend shows)."""
        return self._tree

    # -- the queue --------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if item is _MOUNT:
                    await self._mount()
                else:
                    await self._handle(item)
            except Exception:
                logger.exception("livewidget: internal error in %s", self.socket.id)
            finally:
                self._queue.task_done()

    async def _mount(self) -> None:
        params = decode_form(urlsplit(self.socket.url).query)
        try:
            await _call(self.view.mount, self.socket, self._session, params)
            await _call(self.view.handle_params, params, self.socket.url, self.socket)
            self._tree = self._render(None)
        except Exception as exc:
            logger.error("livewidget: %s failed to mount", self.view_class.__name__, exc_info=exc)
            self._mount_error = self._error(exc, "mount")
        self.socket._take_changed()

    async def _handle(self, raw: object) -> None:
        try:
            message = _messages.parse(raw)
        except BadMessageError as exc:
            logger.error("livewidget: refused a message for %s: %s", self.socket.id, exc)
            reply: dict[str, Any] = {p.ERROR: {"message": f"Bad message: {exc}"}}
            ref = _messages.ref_of(raw)
            if ref is not None:
                reply[p.REF] = ref
            self._emit(reply)
            return
        if isinstance(message, _messages.Join):
            self._join()
        else:
            await self._event(message)

    def _join(self) -> None:
        if self._tree is not None:
            self._emit({p.RENDERED: self._tree.to_json()})
        if self._mount_error is not None:
            self._emit({p.ERROR: self._mount_error})

    async def _event(self, event: _messages.Event) -> None:
        snapshot = self.socket._snapshot()
        try:
            if self._tree is None:
                raise RuntimeError(f"{self.view_class.__name__} did not mount; see the error")
            await _call(self.view.handle_event, event.name, event.params, self.socket)
            tree = self._render(self.socket._changed)
        except Exception as exc:
            self.socket._restore(snapshot)
            logger.error(
                "livewidget: %s failed handling event %r",
                self.view_class.__name__,
                event.name,
                exc_info=exc,
            )
            self._emit({p.ERROR: self._error(exc, event.name), p.REF: event.ref})
            return
        self.socket._take_changed()
        changes = diff(self._tree, tree)
        self._tree = tree
        reply: dict[str, Any] = {p.REF: event.ref}
        if changes:
            reply[p.DIFF] = changes
        self._emit(reply)

    def _render(self, changed: set[str] | None) -> Rendered:
        return self.view._render_tree(self.socket.assigns, changed, self._tree)

    def _error(self, exc: BaseException, during: str) -> dict[str, Any]:
        return error_payload(
            exc, view=self.view_class.__name__, during=during, verbose=self.show_tracebacks
        )

    def _emit(self, message: dict[str, Any]) -> None:
        try:
            self._send(message)
        except Exception:
            logger.exception("livewidget: sending to the frontend failed for %s", self.socket.id)


_MOUNT = object()


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    result = fn(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


async def _await(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception:
        logger.exception("livewidget: terminate raised")


def _current_loop() -> asyncio.AbstractEventLoop:
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
