"""The transport-agnostic core: a widget's views, its queue, renders, diffs and replies.

A :class:`Session` knows nothing of Jupyter. A transport (the widget, or the test client)
hands it raw inbound messages with :meth:`Session.receive`, from any thread, and gives it a
``send`` callable for outbound ones. Messages are handled strictly in order by one task on
the session's event loop: handler → render → diff → exactly one outbound message. The session
also owns the widget's routes and history: a patch keeps the view and calls
``handle_params``; a redirect terminates it and mounts the route's view.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import threading
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any, Literal

from . import _messages, _reload
from . import _protocol as p
from ._builtin_views import MountFailed, NotFound
from ._callbacks import await_logged, call, current_loop, hook_source, reply_payload
from ._errors_format import error_payload
from ._queue import Command, Resume
from ._runtime import LiveCallback, LiveRuntime, Run
from .errors import BadMessageError, NavigationError
from .history import History
from .router import Router, url_params
from .socket import Navigation, Socket
from .template import Rendered, diff
from .view import LiveView

logger = logging.getLogger("livewidget")

Send = Callable[[dict[str, Any]], None]
OnState = Callable[[str, str | None], None]
Routes = type[LiveView] | Mapping[str, type[LiveView]]
_ids = itertools.count(1)


class Session:
    """Run a widget's LiveViews behind a transport.

    ``routes`` is one LiveView class (served on every path) or a route table such as
    ``{"/": Home, "/users/:id": User}``. ``send`` is called on the event loop with each
    outbound message (a JSON-able dict); ``on_state(url, title)`` when the URL or title moves.
    ``loop`` defaults to the running loop (the kernel's, in Jupyter).
    """

    def __init__(
        self,
        routes: Routes,
        *,
        send: Send,
        session: Mapping[str, Any] | None = None,
        url: str = "/",
        loop: asyncio.AbstractEventLoop | None = None,
        show_tracebacks: bool = True,
        hooks: Mapping[str, str | Path] | None = None,
        on_state: OnState | None = None,
    ) -> None:
        self.router = Router(routes)
        self.show_tracebacks = show_tracebacks
        self.history = History(url, mount=0)
        self._send = send
        self._on_state = on_state
        self._session = dict(session or {})
        self._hooks = {name: hook_source(name, src) for name, src in (hooks or {}).items()}
        self._view_hooks: dict[str, str] = {}
        self._loop = loop or current_loop()
        self._loop_thread: int | None = None
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._tree: Rendered | None = None
        self._pending_error: dict[str, Any] | None = None
        self._mounts = itertools.count(1)
        self._mount_id = 0
        self._closed = False
        self._idle = True  # no message is being handled right now
        self._joined = False  # a frontend joined: until then, only a join gets the page
        self._watch: asyncio.Task[None] | None = None
        self.view_class, self.view, self.socket = self._new_view(url)

    # -- transport side ---------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran; later messages are refused."""
        return self._closed

    @property
    def tree(self) -> Rendered | None:
        """The last rendered tree (what every joined frontend shows)."""
        return self._tree

    def start(self) -> None:
        """Schedule the first mount; call it on the loop's thread, once."""
        if self._task is not None:
            return
        self._loop_thread = threading.get_ident()
        self._queue.put_nowait(Command(self._first_mount))
        self._task = self._loop.create_task(self._run(), name=f"livewidget {self.socket.id}")
        _reload.register(self)

    def receive(self, raw: object) -> None:
        """Handle an inbound message from the frontend; safe to call from any thread.

        On the loop's thread, with nothing queued or running, the message is handled at once,
        inside the comm's own message handler, so the reply leaves in the same burst as the
        kernel's busy/idle status (as a bare widget's would) instead of after it.
        """
        if (
            not self._closed
            and self._idle
            and self._task is not None
            and self._queue.empty()
            and threading.get_ident() == self._loop_thread
        ):
            self._handle_now(raw)
        else:
            self._enqueue(raw)

    def _handle_now(self, raw: object) -> None:
        coroutine = self._handle(raw)
        self._idle = False
        try:
            waiting_for = coroutine.send(None)
        except StopIteration:
            return
        except Exception:
            logger.exception("livewidget: internal error in %s", self.socket.id)
            return
        finally:
            self._idle = True
        # It awaits something real (an async handler): the queue's task carries it on, first
        # in line, so what comes next still waits its turn.
        self._queue.put_nowait(Resume(coroutine, waiting_for))

    def navigate(self, url: str, *, replace: bool = False) -> None:
        """Go to ``url`` as a link would: a patch if the current view serves it, else a redirect."""
        self._enqueue(Command(lambda: self._navigate_smart(url, replace)))

    def back(self) -> None:
        """Move back one history entry (no-op at the start)."""
        self._enqueue(Command(lambda: self._go(self.history.index - 1)))

    def forward(self) -> None:
        """Move forward one history entry (no-op at the end)."""
        self._enqueue(Command(lambda: self._go(self.history.index + 1)))

    def send_info(self, info: Any) -> None:
        """Deliver ``info`` to the view's ``handle_info``, after what is queued; any thread."""
        self._enqueue(Command(lambda: self._info(info)))

    def redefine(self, view_class: type[LiveView]) -> None:
        """A class was (re)defined: if it replaces one this session serves, take it over."""
        if self._closed:
            return
        key = _reload.class_key(view_class)
        if any(_reload.class_key(v) == key and v is not view_class for v in self.router.views()):
            self._enqueue(Command(lambda: self._redefine(view_class)))

    def watch_templates(self, interval: float = 0.5) -> None:
        """Re-render when the current view's ``template_file`` changes on disk."""
        if self._watch is None and not self._closed:
            self._watch = self._loop.create_task(self._watch_templates(interval))

    async def drain(self) -> None:
        """Wait until every queued message has been handled."""
        await self._queue.join()

    def close(self, reason: str = "closed") -> None:
        """End the view: drop queued messages, stop the task and run ``terminate``."""
        if self._closed:
            return
        self._closed = True
        _reload.unregister(self)
        if self._watch is not None:
            self._watch.cancel()
        if self._task is not None:
            self._task.cancel()
        self._terminate(reason)

    # -- the queue --------------------------------------------------------------------------

    def _enqueue(self, item: object) -> None:
        if self._closed:
            logger.error(
                "livewidget: a message reached closed view %s (%s) and was dropped: %.200r",
                self.socket.id,
                self.view_class.__name__,
                item,
            )
            return
        if threading.get_ident() == self._loop_thread:
            self._queue.put_nowait(item)
        else:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            self._idle = False
            try:
                if isinstance(item, Command | Resume):
                    await item.run()
                else:
                    await self._handle(item)
            except Exception:
                logger.exception("livewidget: internal error in %s", self.socket.id)
            finally:
                self._idle = True
                self._queue.task_done()
            if not self._queue.empty():
                # A backlog (a burst of broadcasts, ticks) is handled one message per loop
                # step, so other widgets and the kernel run in between.
                await asyncio.sleep(0)

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
            await self._join(message.url)
        elif isinstance(message, _messages.Event):
            await self._event(message)
        else:
            await self._client_navigation(message)

    # -- joining and events -----------------------------------------------------------------

    async def _join(self, url: str | None) -> None:
        self._joined = True
        if url is not None and url != self.socket.url:
            # The page's address names a route (a reload or a shared link, with sync_url).
            match = self.router.match(url)
            if match is not None and match.view is self.view_class and self._tree is not None:
                await self._patch(url)
            else:
                await self._redirect(url, replace=True)
        reply = self._full_reply()
        reply[p.NAVIGATION] = self._nav_state(False)
        if self.socket.page_title is not None:
            reply[p.TITLE] = self.socket.page_title
        if self._pending_error is not None:
            reply[p.ERROR] = self._pending_error
        self._emit(reply)

    async def _event(self, event: _messages.Event) -> None:
        if event.name == p.CLEAR_FLASH:
            key = event.params.get("key")

            async def handler() -> Any:
                self.socket.clear_flash(key if isinstance(key, str) else None)
        else:

            async def handler() -> Any:
                return await call(self.view.handle_event, event.name, event.params, self.socket)

        await self._dispatch(handler, event.ref, event.name)

    async def _info(self, info: Any) -> None:
        async def handler() -> Any:
            await call(self.view.handle_info, info, self.socket)

        await self._dispatch(handler, None, "handle_info")

    async def _dispatch(
        self, handler: Callable[[], Coroutine[Any, Any, Any]], ref: int | None, during: str
    ) -> None:
        """Run a handler as one transaction: it all applies, or nothing does."""
        snapshot = self.socket._snapshot()
        try:
            if self._tree is None:
                raise RuntimeError(f"{self.view_class.__name__} has not mounted yet")
            payload = reply_payload(await handler(), self.view_class, during)
            navigation = self.socket._take_navigation()
            tree = None
            if navigation is None or navigation.kind == "patch":
                if navigation is not None:
                    await self._run_handle_params(navigation.url)
                tree = self._render(self.socket._changed)
        except Exception as exc:
            self.socket._restore(snapshot)
            self._emit_error(exc, during, ref)
            return
        events = self.socket._take_events()
        if tree is not None:
            reply = self._diff_reply(tree)
            if navigation is not None:
                self._record(navigation.url, navigation.replace, self._mount_id)
        else:
            assert navigation is not None
            await self._redirect(navigation.url, replace=navigation.replace)
            reply = self._full_reply()
        if navigation is not None:
            reply[p.NAVIGATION] = self._nav_state(navigation.replace)
        if ref is None and not reply and not events and not self.socket._title_changed:
            return  # handle_info changed nothing: nothing to send
        if ref is None and not self._joined:
            return  # a timer or broadcast before any page joined: the join sends the tree
        self._finish(reply, events, ref, payload)

    async def _client_navigation(self, message: _messages.Navigate) -> None:
        if message.kind == p.NAV_GO:
            assert message.index is not None
            if message.index >= len(self.history.entries) and message.url is not None:
                await self._navigate_smart(message.url, False, ref=message.ref)
            else:
                await self._go(message.index, ref=message.ref)
        elif message.kind == p.NAV_PATCH:
            assert message.url is not None
            await self._navigate_smart(message.url, message.replace, ref=message.ref)
        else:
            assert message.url is not None
            await self._navigate(Navigation("redirect", message.url, message.replace), message.ref)

    # -- prototyping ------------------------------------------------------------------------

    async def _redefine(self, new: type[LiveView]) -> None:
        key = _reload.class_key(new)
        olds = [v for v in self.router.views() if _reload.class_key(v) == key and v is not new]
        for old in olds:
            self.router.replace(old, new)
        if _reload.class_key(self.view_class) != key or self.view_class is new:
            return
        old = self.view_class
        await self._swap_class(old, new, f"the new definition of {new.__name__}")

    async def _swap_class(self, old: type[LiveView], new: type[LiveView], what: str) -> None:
        self._set_class(new)
        try:
            self._view_hooks = {
                name: hook_source(name, src)
                for name, src in (getattr(new, "hooks", None) or {}).items()
            }
            tree = self.view._render_tree(self.socket.assigns, None, None)
        except Exception as exc:
            self._set_class(old)
            self.router.replace(new, old)
            logger.error("livewidget: %s failed to render", what, exc_info=exc)
            error = self._error(exc, "render")
            error["message"] = f"{error['message']} ({what} is not used; the last one runs on)"
            self._emit({p.ERROR: error})
            return
        self._tree = tree
        self._emit(self._full_reply())

    def _set_class(self, cls: type[LiveView]) -> None:
        self.view.__class__ = cls
        self.view_class = cls
        self.socket._view_class = cls

    async def _watch_templates(self, interval: float) -> None:
        seen: dict[Path, float] = {}
        start = _reload.template_path(self.view_class)
        if start is not None and start.is_file():
            seen[start] = start.stat().st_mtime
        while True:
            await asyncio.sleep(interval)
            path = _reload.template_path(self.view_class)
            if path is None or not path.is_file():
                continue
            mtime = path.stat().st_mtime
            if seen.setdefault(path, mtime) != mtime:
                seen[path] = mtime
                cls = self.view_class
                self._enqueue(Command(lambda cls=cls: self._template_changed(cls)))  # type: ignore[misc]

    async def _template_changed(self, cls: type[LiveView]) -> None:
        if self.view_class is not cls:
            return
        previous = cls._compiled_template()
        try:
            cls._recompile_template()
            tree = self.view._render_tree(self.socket.assigns, None, None)
        except Exception as exc:
            cls._use_template(previous)
            logger.error("livewidget: the edited template of %s failed", cls.__name__, exc_info=exc)
            error = self._error(exc, "render")
            error["message"] = f"{error['message']} (the edited template is not used)"
            self._emit({p.ERROR: error})
            return
        self._tree = tree
        self._emit(self._full_reply())

    # -- navigation -------------------------------------------------------------------------

    async def _navigate_smart(self, url: str, replace: bool, ref: int | None = None) -> None:
        match = self.router.match(url)
        same_view = match is not None and match.view is self.view_class and self._tree is not None
        kind: Literal["patch", "redirect"] = "patch" if same_view else "redirect"
        await self._navigate(Navigation(kind, url, replace), ref)

    async def _navigate(self, navigation: Navigation, ref: int | None) -> None:
        """A patch or redirect that no handler asked for: a link, or Python's navigate()."""
        if navigation.kind == "redirect":
            await self._redirect(navigation.url, replace=navigation.replace)
            reply = self._full_reply()
        else:
            snapshot = self.socket._snapshot()
            try:
                await self._run_handle_params(navigation.url)
                tree = self._render(self.socket._changed)
            except Exception as exc:
                self.socket._restore(snapshot)
                self._emit_error(exc, "handle_params", ref)
                return
            reply = self._diff_reply(tree)
            self._record(navigation.url, navigation.replace, self._mount_id)
        reply[p.NAVIGATION] = self._nav_state(navigation.replace)
        self._finish(reply, self.socket._take_events(), ref, None)

    async def _go(self, index: int, ref: int | None = None) -> None:
        current, current_index = self.history.current, self.history.index
        entry = self.history.go(index)
        if entry is None:
            if ref is not None:
                self._emit({p.REF: ref})
            return
        if entry.mount == current.mount and self._tree is not None:
            snapshot = self.socket._snapshot()
            try:
                await self._run_handle_params(entry.url)
                tree = self._render(self.socket._changed)
            except Exception as exc:
                self.socket._restore(snapshot)
                self.history.go(current_index)
                self._emit_error(exc, "handle_params", ref)
                return
            reply = self._diff_reply(tree)
        else:
            await self._mount_at(entry.url, entry.mount, flash=None)
            reply = self._full_reply()
        self._state_changed()
        reply[p.NAVIGATION] = self._nav_state(False)
        self._finish(reply, self.socket._take_events(), ref, None)

    async def _patch(self, url: str) -> None:
        snapshot = self.socket._snapshot()
        try:
            await self._run_handle_params(url)
            self._tree = self._render(self.socket._changed)
        except Exception as exc:
            self.socket._restore(snapshot)
            logger.error("livewidget: handle_params failed for %s", url, exc_info=exc)
            self._pending_error = self._error(exc, "handle_params")
            return
        self.socket._take_changed()
        self._record(url, True, self._mount_id)

    async def _run_handle_params(self, url: str) -> None:
        match = self.router.match(url)
        if match is None or match.view is not self.view_class:
            raise NavigationError(f"{url!r} is not served by {self.view_class.__name__}")
        self.socket._url = url
        await call(self.view.handle_params, url_params(url, match.path_params), url, self.socket)

    async def _redirect(self, url: str, *, replace: bool) -> None:
        flash = dict(self.socket.assigns.get("flash", {}))
        mount_id = next(self._mounts)
        await self._mount_at(url, mount_id, flash=flash)
        self._record(url, replace, mount_id)

    async def _mount_at(self, url: str, mount_id: int, flash: dict[str, Any] | None) -> None:
        self._terminate("redirect")
        self._tree = None
        self._mount_id = mount_id
        self.view_class, self.view, self.socket = self._new_view(url)
        if flash:
            self.socket.assign(flash=flash)
        await self._mount_view()

    async def _first_mount(self) -> None:
        await self._mount_view()
        self._state_changed()

    async def _mount_view(self) -> None:
        url = self.socket.url
        match = self.router.match(url)
        self._pending_error = None
        try:
            self._view_hooks = {
                name: hook_source(name, src)
                for name, src in (getattr(self.view_class, "hooks", None) or {}).items()
            }
            params = url_params(url, match.path_params if match else {})
            await call(self.view.mount, self.socket, self._session_for(url), params)
            await call(self.view.handle_params, params, url, self.socket)
            self._tree = self._render(None)
        except Exception as exc:
            logger.error("livewidget: %s failed to mount", self.view_class.__name__, exc_info=exc)
            self._pending_error = self._error(exc, "mount")
            failed = self.view_class.__name__
            self._stop_live()
            self.view_class, self.view, self.socket = MountFailed, MountFailed(), self.socket
            self.socket._assigns._data.clear()
            self.socket.assign(flash={})
            await call(self.view.mount, self.socket, {"view": failed, "url": url}, {})
            self._tree = self._render(None)
        self.socket._take_changed()

    def _new_view(self, url: str) -> tuple[type[LiveView], LiveView, Socket]:
        match = self.router.match(url)
        view_class = match.view if match is not None else NotFound
        socket = Socket(f"lw-{next(_ids)}", url=url, router=self.router, view_class=view_class)
        socket._live = LiveRuntime(
            socket, loop=self._loop, run=self._live_run(socket), view=view_class.__name__
        )
        return view_class, view_class(), socket

    def _live_run(self, socket: Socket) -> Run:
        """How a view's timers, tasks and subscriptions queue work for that view."""

        def run(during: str, callback: LiveCallback, done: Callable[[], None] | None) -> None:
            async def command() -> None:
                try:
                    if self.socket is socket:  # only while that view is the one mounted

                        async def handler() -> None:
                            await call(callback, self.view, socket)

                        await self._dispatch(handler, None, during)
                finally:
                    if done is not None:
                        done()

            self._enqueue(Command(command))

        return run

    def _session_for(self, url: str) -> Mapping[str, Any]:
        if self.view_class is NotFound:
            return {"url": url, "routes": self.router.patterns}
        return self._session

    def _record(self, url: str, replace: bool, mount_id: int) -> None:
        if replace:
            self.history.replace(url, mount=mount_id)
        else:
            self.history.push(url, mount=mount_id)
        self._state_changed()

    def _terminate(self, reason: str) -> None:
        try:
            result = self.view.terminate(reason)
            if inspect.isawaitable(result):
                self._loop.create_task(await_logged(result))
        except Exception:
            logger.exception("livewidget: %s.terminate raised", self.view_class.__name__)
        finally:
            self._stop_live()

    def _stop_live(self) -> None:
        # Timers, background work and subscriptions end with the view.
        if self.socket._live is not None:
            self.socket._live.stop()

    # -- replies ----------------------------------------------------------------------------

    def _render(self, changed: set[str] | None) -> Rendered:
        return self.view._render_tree(self.socket.assigns, changed, self._tree)

    def _full_reply(self) -> dict[str, Any]:
        assert self._tree is not None
        reply = {p.RENDERED: self._tree.to_json(), p.HOOKS: self._hook_sources()}
        if self._pending_error is not None:
            reply[p.ERROR] = self._pending_error
        return reply

    def _diff_reply(self, tree: Rendered) -> dict[str, Any]:
        self.socket._take_changed()
        changes = diff(self._tree, tree)
        self._tree = tree
        return {p.DIFF: changes} if changes else {}

    def _finish(
        self, reply: dict[str, Any], events: list[list[Any]], ref: int | None, payload: Any
    ) -> None:
        if events:
            reply[p.EVENTS] = events
        title = self.socket._take_title()
        if title is not None:
            reply[p.TITLE] = title
            self._state_changed()
        if payload is not None:
            reply[p.REPLY] = payload
        if ref is not None:
            reply[p.REF] = ref
        self._emit(reply)

    def _nav_state(self, replace: bool) -> dict[str, Any]:
        return {p.URL: self.socket.url, p.NAV_REPLACE: replace, p.NAV_INDEX: self.history.index}

    def _hook_sources(self) -> dict[str, str]:
        return {**self._hooks, **self._view_hooks}

    def _state_changed(self) -> None:
        if self._on_state is not None:
            self._on_state(self.socket.url, self.socket.page_title)

    def _error(self, exc: BaseException, during: str) -> dict[str, Any]:
        return error_payload(
            exc, view=self.view_class.__name__, during=during, verbose=self.show_tracebacks
        )

    def _emit_error(self, exc: BaseException, during: str, ref: int | None) -> None:
        logger.error(
            "livewidget: %s failed handling %r", self.view_class.__name__, during, exc_info=exc
        )
        reply: dict[str, Any] = {p.ERROR: self._error(exc, during)}
        if ref is not None:
            reply[p.REF] = ref
        self._emit(reply)

    def _emit(self, message: dict[str, Any]) -> None:
        try:
            self._send(message)
        except Exception:
            logger.exception("livewidget: sending to the frontend failed for %s", self.socket.id)
