"""Which view runs at which URL: the widget's routes, its history, patches and redirects.

A widget keeps its own history (:class:`~livewidget._routing.history.History`), owned by the
kernel. Every entry records the *mount* it belongs to: moving to a URL of the mounted view is a
patch (the view stays and ``handle_params`` runs); moving anywhere else is a redirect, which
terminates the view and mounts the route's view afresh, carrying the flash across. Moving
back or forward to an entry of an earlier mount mounts that view again.

:class:`Navigator` is the collaborator a :class:`~livewidget._core.session.Session` owns for
this: the session queues navigation like any other message and hands it here, and its
handlers' ``push_patch`` and ``push_redirect`` end up here too. Mounting and terminating a
view live here as well, since a redirect is what replaces one view with another. What the
navigator needs back from the session (its current view and tree) is the
:class:`NavigationHost` protocol, so this module never imports the session; it renders and
replies through the session's :class:`~livewidget._core.rendering.Renderer` and
:class:`~livewidget._core.replies.Replies`.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
from collections.abc import Mapping
from typing import Any, Literal, Protocol

from .. import _protocol as p
from .._live.runtime import LiveRuntime
from .._live.types import Run
from .._params import url_params
from .._routing.builtin_views import MountFailed, NotFound
from .._routing.history import History
from .._routing.router import Router
from ..errors import NavigationError
from ..socket import Navigation, Socket
from ..template import Rendered
from ..view import LiveView
from . import messages
from .callbacks import await_logged, call, hook_source
from .rendering import Renderer
from .replies import Replies

logger = logging.getLogger("livewidget")
_ids = itertools.count(1)


class NavigationHost(Protocol):
    """What the navigator reads, sets and calls on its session."""

    router: Router
    history: History
    view_class: type[LiveView]
    view: LiveView
    socket: Socket
    _loop: asyncio.AbstractEventLoop
    _view_hooks: dict[str, str]
    _tree: Rendered | None
    _pending_error: dict[str, Any] | None

    def _state_changed(self) -> None: ...
    def _unjoined_update(self, ref: int | None, reply: dict[str, Any]) -> bool: ...
    def _live_run(self, socket: Socket) -> Run: ...


class Navigator:
    """Patches, redirects, history moves and the mounting they cause, for one session."""

    def __init__(
        self,
        host: NavigationHost,
        session: Mapping[str, Any],
        renderer: Renderer,
        replies: Replies,
    ) -> None:
        self._host = host
        self._renderer = renderer
        self._replies = replies
        self._session = dict(session)
        self._mounts = itertools.count(1)
        #: Which mount the current view is (history entries record it).
        self.mount_id = 0

    # -- moving between URLs ----------------------------------------------------------------

    async def client_navigation(self, message: messages.Navigate) -> None:
        """A link, back/forward or a patch from the page."""
        if message.kind == p.NAV_GO:
            assert message.index is not None
            if message.index >= len(self._host.history.entries) and message.url is not None:
                await self.navigate_smart(message.url, False, ref=message.ref)
            else:
                await self.go(message.index, ref=message.ref)
        elif message.kind == p.NAV_PATCH:
            assert message.url is not None
            await self.navigate_smart(message.url, message.replace, ref=message.ref)
        else:
            assert message.url is not None
            await self.navigate(Navigation("redirect", message.url, message.replace), message.ref)

    async def navigate_smart(self, url: str, replace: bool, ref: int | None = None) -> None:
        """Go to ``url``: a patch if the mounted view serves it, else a redirect."""
        match = self._host.router.match(url)
        same_view = (
            match is not None
            and match.view is self._host.view_class
            and self._host._tree is not None
        )
        kind: Literal["patch", "redirect"] = "patch" if same_view else "redirect"
        await self.navigate(Navigation(kind, url, replace), ref)

    async def navigate(self, navigation: Navigation, ref: int | None) -> None:
        """A patch or redirect that no handler asked for: a link, or Python's navigate()."""
        if navigation.kind == "redirect":
            await self.redirect(navigation.url, replace=navigation.replace)
            reply = self._renderer.full_reply()
        else:
            snapshot = self._host.socket._snapshot()
            try:
                await self.run_handle_params(navigation.url)
                tree = self._renderer.render(self._host.socket._changed)
            except Exception as exc:
                self._host.socket._restore(snapshot)
                self._replies.emit_error(exc, "handle_params", ref)
                return
            reply = self._replies.diff_reply(tree)
            self.record(navigation.url, navigation.replace, self.mount_id)
        reply[p.NAVIGATION] = self.nav_state(navigation.replace)
        events = self._host.socket._take_events()
        if self._host._unjoined_update(ref, reply):
            return  # Python's navigate() before any page could apply it
        self._replies.finish(reply, events, ref, None)

    async def go(self, index: int, ref: int | None = None) -> None:
        """Move to history entry ``index``: a patch within the mount, else mount its view again."""
        current, current_index = self._host.history.current, self._host.history.index
        entry = self._host.history.go(index)
        if entry is None:
            if ref is not None:
                self._replies.emit({p.REF: ref})
            return
        if entry.mount == current.mount and self._host._tree is not None:
            snapshot = self._host.socket._snapshot()
            try:
                await self.run_handle_params(entry.url)
                tree = self._renderer.render(self._host.socket._changed)
            except Exception as exc:
                self._host.socket._restore(snapshot)
                self._host.history.go(current_index)
                self._replies.emit_error(exc, "handle_params", ref)
                return
            reply = self._replies.diff_reply(tree)
        else:
            await self.mount_at(entry.url, entry.mount, flash=None)
            reply = self._renderer.full_reply()
        self._host._state_changed()
        reply[p.NAVIGATION] = self.nav_state(False)
        events = self._host.socket._take_events()
        if self._host._unjoined_update(ref, reply):
            return
        self._replies.finish(reply, events, ref, None)

    async def patch(self, url: str) -> None:
        """Patch to ``url`` while joining; a failure is shown with the join's reply."""
        snapshot = self._host.socket._snapshot()
        try:
            await self.run_handle_params(url)
            self._host._tree = self._renderer.render(self._host.socket._changed)
        except Exception as exc:
            self._host.socket._restore(snapshot)
            logger.error("livewidget: handle_params failed for %s", url, exc_info=exc)
            self._host._pending_error = self._replies.error(exc, "handle_params")
            return
        self._host.socket._take_changed()
        self.record(url, True, self.mount_id)

    async def run_handle_params(self, url: str) -> None:
        """Move the socket to ``url`` and call the view's ``handle_params``."""
        match = self._host.router.match(url)
        if match is None or match.view is not self._host.view_class:
            raise NavigationError(f"{url!r} is not served by {self._host.view_class.__name__}")
        self._host.socket._url = url
        await call(
            self._host.view.handle_params,
            url_params(url, match.path_params),
            url,
            self._host.socket,
        )

    async def redirect(self, url: str, *, replace: bool) -> None:
        """End the view and mount the view of ``url`` as a new mount, carrying the flash."""
        flash = self._host.socket._flash()  # not assigns.get: "get" may be an assign
        mount_id = next(self._mounts)
        await self.mount_at(url, mount_id, flash=flash)
        self.record(url, replace, mount_id)

    def record(self, url: str, replace: bool, mount_id: int) -> None:
        """Push (or replace) the history entry for ``url``, then tell the transport."""
        if replace:
            self._host.history.replace(url, mount=mount_id)
        else:
            self._host.history.push(url, mount=mount_id)
        self._host._state_changed()

    def nav_state(self, replace: bool) -> dict[str, Any]:
        """The navigation part of a reply: URL, replace and history index."""
        return {
            p.URL: self._host.socket.url,
            p.NAV_REPLACE: replace,
            p.NAV_INDEX: self._host.history.index,
        }

    # -- mounting ---------------------------------------------------------------------------

    async def first_mount(self) -> None:
        """Mount the session's first view."""
        await self.mount_view()
        self._host._state_changed()

    async def mount_at(self, url: str, mount_id: int, flash: dict[str, Any] | None) -> None:
        """Terminate the current view and mount the one serving ``url``."""
        self.terminate("redirect")
        self._renderer.unmount()
        self.mount_id = mount_id
        self._host.view_class, self._host.view, self._host.socket = self.new_view(url)
        if flash:
            self._host.socket._set({"flash": flash})  # flash is reserved for assign()
        await self.mount_view()

    async def mount_view(self) -> None:
        """Mount the current view; a failure mounts the built-in MountFailed view instead."""
        url = self._host.socket.url
        match = self._host.router.match(url)
        self._host._pending_error = None
        try:
            self._host._view_hooks = {
                name: hook_source(name, src)
                for name, src in (getattr(self._host.view_class, "hooks", None) or {}).items()
            }
            params = url_params(url, match.path_params if match else {})
            await call(self._host.view.mount, self._host.socket, self.session_for(url), params)
            await call(self._host.view.handle_params, params, url, self._host.socket)
            self._host._tree = self._renderer.render(None)
            # Unsendable: a failed mount, not a lost page.
            self._renderer.check_mounted(self._host._tree)
        except Exception as exc:
            logger.error(
                "livewidget: %s failed to mount", self._host.view_class.__name__, exc_info=exc
            )
            self._host._pending_error = self._replies.error(exc, "mount")
            failed = self._host.view_class.__name__
            self.stop_live()
            self._host.view_class, self._host.view = MountFailed, MountFailed()
            self._host.socket._assigns._data.clear()
            self._host.socket._set({"flash": {}})
            await call(self._host.view.mount, self._host.socket, {"view": failed, "url": url}, {})
            self._host._tree = self._renderer.render(None)
        self._host.socket._take_changed()

    def new_view(self, url: str) -> tuple[type[LiveView], LiveView, Socket]:
        """The view class serving ``url``, a new instance and its socket with a runtime."""
        match = self._host.router.match(url)
        view_class = match.view if match is not None else NotFound
        socket = Socket(
            f"lw-{next(_ids)}", url=url, router=self._host.router, view_class=view_class
        )
        socket._live = LiveRuntime(
            socket,
            loop=self._host._loop,
            run=self._host._live_run(socket),
            view=view_class.__name__,
        )
        return view_class, view_class(), socket

    def session_for(self, url: str) -> Mapping[str, Any]:
        """What ``mount`` receives as its session."""
        if self._host.view_class is NotFound:
            return {"url": url, "routes": self._host.router.patterns}
        return self._session

    def terminate(self, reason: str) -> None:
        """Run the view's ``terminate`` and end everything it started."""
        try:
            result = self._host.view.terminate(reason)
            if inspect.isawaitable(result):
                self._host._loop.create_task(await_logged(result))
        except Exception:
            logger.exception("livewidget: %s.terminate raised", self._host.view_class.__name__)
        finally:
            self.stop_live()

    def stop_live(self) -> None:
        """End the view's timers, background work and subscriptions; remove its uploads."""
        self._host.socket._uploads.close()
        if self._host.socket._live is not None:
            self._host.socket._live.stop()
