"""Which view runs at which URL: the widget's routes, its history, patches and redirects.

A widget keeps its own history (:class:`~livewidget.history.History`), owned by the kernel.
Every entry records the *mount* it belongs to: moving to a URL of the mounted view is a
patch (the view stays and ``handle_params`` runs); moving anywhere else is a redirect, which
terminates the view and mounts the route's view afresh, carrying the flash across. Moving
back or forward to an entry of an earlier mount mounts that view again.

:class:`NavigationMixin` holds this half of :class:`~livewidget.session.Session`: the session
queues navigation like any other message, and its handlers' ``push_patch`` and
``push_redirect`` end up here too. Mounting and terminating a view live here as well, since
a redirect is what replaces one view with another.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from . import _encoding, _messages
from . import _protocol as p
from ._builtin_views import MountFailed, NotFound
from ._callbacks import await_logged, call, hook_source
from ._runtime import LiveRuntime
from .errors import NavigationError
from .router import url_params
from .socket import Navigation, Socket

if TYPE_CHECKING:
    from ._runtime import Run
    from .history import History
    from .router import Router
    from .template import Rendered
    from .view import LiveView

logger = logging.getLogger("livewidget")
_ids = itertools.count(1)


class NavigationMixin:
    """Patches, redirects, history moves and the mounting they cause, for a Session."""

    # Session's state, set in Session.__init__: declared so mypy checks this half too.
    router: Router
    history: History
    view_class: type[LiveView]
    view: LiveView
    socket: Socket
    _loop: asyncio.AbstractEventLoop
    _session: dict[str, Any]
    _view_hooks: dict[str, str]
    _tree: Rendered | None
    _pending_error: dict[str, Any] | None
    _mounts: itertools.count[int]
    _mount_id: int

    if TYPE_CHECKING:
        # Session's renders and replies, declared so mypy checks these calls against them.
        def _render(self, changed: set[str] | None) -> Rendered: ...
        def _full_reply(self) -> dict[str, Any]: ...
        def _diff_reply(self, tree: Rendered) -> dict[str, Any]: ...
        def _finish(
            self, reply: dict[str, Any], events: list[list[Any]], ref: int | None, payload: Any
        ) -> None: ...
        def _emit(self, message: dict[str, Any]) -> None: ...
        def _emit_error(self, exc: BaseException, during: str, ref: int | None) -> None: ...
        def _error(self, exc: BaseException, during: str) -> dict[str, Any]: ...
        def _state_changed(self) -> None: ...
        def _live_run(self, socket: Socket) -> Run: ...

    # -- moving between URLs ----------------------------------------------------------------

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
        flash = self.socket._flash()  # not assigns.get: "get" may be an assign
        mount_id = next(self._mounts)
        await self._mount_at(url, mount_id, flash=flash)
        self._record(url, replace, mount_id)

    def _record(self, url: str, replace: bool, mount_id: int) -> None:
        if replace:
            self.history.replace(url, mount=mount_id)
        else:
            self.history.push(url, mount=mount_id)
        self._state_changed()

    def _nav_state(self, replace: bool) -> dict[str, Any]:
        return {p.URL: self.socket.url, p.NAV_REPLACE: replace, p.NAV_INDEX: self.history.index}

    # -- mounting ---------------------------------------------------------------------------

    async def _first_mount(self) -> None:
        await self._mount_view()
        self._state_changed()

    async def _mount_at(self, url: str, mount_id: int, flash: dict[str, Any] | None) -> None:
        self._terminate("redirect")
        self._tree = None
        self._mount_id = mount_id
        self.view_class, self.view, self.socket = self._new_view(url)
        if flash:
            self.socket._set({"flash": flash})  # flash is reserved for assign()
        await self._mount_view()

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
            _encoding.check(self._tree.to_json())  # unsendable: a failed mount, not a lost page
        except Exception as exc:
            logger.error("livewidget: %s failed to mount", self.view_class.__name__, exc_info=exc)
            self._pending_error = self._error(exc, "mount")
            failed = self.view_class.__name__
            self._stop_live()
            self.view_class, self.view, self.socket = MountFailed, MountFailed(), self.socket
            self.socket._assigns._data.clear()
            self.socket._set({"flash": {}})
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

    def _session_for(self, url: str) -> Mapping[str, Any]:
        if self.view_class is NotFound:
            return {"url": url, "routes": self.router.patterns}
        return self._session

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
