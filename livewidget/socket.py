"""The socket a LiveView sees: its assigns and what it asks of the page.

Timers, background work and PubSub subscriptions it starts belong to the view's
:class:`~livewidget._live.runtime.LiveRuntime`, which the session attaches as ``_live`` and
which ends them with the view. Everything they start comes back through the view's ordered
queue, like ``send_info``: after the handler that is running, as a transaction of its own.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from . import _encoding
from ._assigns import RESERVED_ASSIGNS, Assigns, checked_assigns
from ._params import ParamsLike, build_url
from ._streams import DomId, Streams
from ._uploads.entries import UploadConfig, UploadEntry
from ._uploads.socket_api import UPLOADS_ASSIGN, SocketUploads
from .errors import NavigationError

if TYPE_CHECKING:
    from ._live.async_work import AsyncSource
    from ._live.runtime import LiveRuntime
    from ._live.timers import Timer

__all__ = ["RESERVED_ASSIGNS", "Assigns", "Navigation", "RouteTable", "Socket"]

_logger = logging.getLogger("livewidget")


class RouteMatch(Protocol):
    """A matched route, as the socket reads it: the view class that serves the URL."""

    @property
    def view(self) -> type[Any]: ...


class RouteTable(Protocol):
    """What ``push_patch`` asks of the widget's routes (a Router has it)."""

    def match(self, url: str) -> RouteMatch | None: ...


@dataclass(frozen=True, slots=True)
class Navigation:
    """A pending push_patch or push_redirect."""

    kind: Literal["patch", "redirect"]
    url: str
    replace: bool


class Socket:
    """What a LiveView's callbacks receive: its id, URL and assigns.

    ``assign`` changes state; the change becomes visible to the page when the callback
    returns (and is dropped if the callback raises).

    >>> socket = Socket("lw-1")
    >>> socket.assign(count=1)
    >>> socket.assign({"name": "Ada"})
    >>> socket.assigns.count, socket.assigns["name"]
    (1, 'Ada')
    """

    def __init__(
        self,
        id: str,
        *,
        url: str = "/",
        connected: bool = True,
        router: RouteTable | None = None,
        view_class: type[Any] | None = None,
    ) -> None:
        self._id = id
        self._url = url
        self._connected = connected
        self._router = router
        self._view_class = view_class
        self._assigns = Assigns({"flash": {}})
        self._changed: set[str] = set()
        self._events: list[list[Any]] = []
        self._navigation: Navigation | None = None
        self._title: str | None = None
        self._title_changed = False
        self._live: LiveRuntime | None = None
        self._streams = Streams()
        self._uploads = SocketUploads(self._set, lambda: self._assigns._data.get(UPLOADS_ASSIGN))
        # The session's component set: send_update hands it (component, id, assigns).
        self._component_updates: Callable[[Any, Any, dict[str, Any]], None] | None = None

    @property
    def id(self) -> str:
        """A unique id for this LiveView's socket."""
        return self._id

    @property
    def connected(self) -> bool:
        """True once the view runs live behind a widget or test client (always, here)."""
        return self._connected

    @property
    def url(self) -> str:
        """The widget's current URL: path and query string, e.g. ``"/users/7?tab=posts"``."""
        return self._url

    @property
    def assigns(self) -> Assigns:
        """The view's state, read-only: ``socket.assigns.count`` or ``socket.assigns["count"]``."""
        return self._assigns

    def assign(self, mapping: Mapping[str, Any] | None = None, /, **values: Any) -> None:
        """Set assigns from a mapping, keyword arguments or both.

        Assigning marks a name changed even when the value is the same object, which is how
        to tell the template that a list or dict was changed in place.

        Any identifier is a name, except those in :data:`RESERVED_ASSIGNS` (``self``,
        ``true``/``false``/``none`` in either case, ``flash``, ``streams``, ``uploads``,
        ``myself``, ``inner_content``), which templates read as something else.
        """
        self._set(checked_assigns(mapping, values))

    def _set(self, values: Mapping[str, Any]) -> None:
        """Assign without the name checks: livewidget's own names (``flash``) go here."""
        self._assigns._data.update(values)
        self._changed.update(values)

    # -- the push API -----------------------------------------------------------------------

    def push_event(
        self, event: str | Mapping[str, Any], payload: Mapping[str, Any] | None = None
    ) -> None:
        """Send an event to the page, after the DOM patch of the same reply.

        Either ``push_event("my-event", {"foo": "bar"})`` or, as in LiveViewJS,
        ``push_event({"type": "my-event", "foo": "bar"})``. The page receives it as the window
        event ``phx:my-event`` (``event.detail`` is the payload) and each client hook of the
        widget that called ``this.handleEvent("my-event", cb)`` gets ``cb(payload)``.
        """
        if isinstance(event, Mapping):
            if payload is not None:
                raise TypeError("push_event(mapping) takes no payload; put it in the mapping")
            body = dict(event)
            kind = body.pop("type", None)
        else:
            kind, body = event, dict(payload or {})
        if not isinstance(kind, str) or not kind:
            raise ValueError(
                f"push_event needs an event name, got {kind!r}; "
                f'write push_event("my-event", {{...}}) or push_event({{"type": "my-event", ...}})'
            )
        try:
            _encoding.check([kind, body])
        except _encoding.UnencodableError as exc:
            raise TypeError(
                f"push_event({kind!r:.80}) cannot reach the page: {exc}; its name and payload "
                f"must be JSON (str, int, float, bool, None, list, dict), UTF-8-encodable text"
            ) from None
        self._events.append([kind, body])

    def push_patch(
        self, path: str, params: ParamsLike = None, *, replace_history: bool = False
    ) -> None:
        """Change the widget's URL and call ``handle_params``; the view stays mounted.

        ``params`` (a dict, pairs or a query string) are added to ``path``'s query. The route
        must be served by this same view; otherwise use :meth:`push_redirect`.
        """
        url = _sendable_url(build_url(path, params), "push_patch")
        if self._router is not None and self._view_class is not None:
            match = self._router.match(url)
            if match is None or match.view is not self._view_class:
                served = "no route" if match is None else match.view.__name__
                raise NavigationError(
                    f"push_patch({url!r}) from {self._view_class.__name__}: that URL is served by "
                    f"{served}, and a patch keeps the current view; use "
                    f"socket.push_redirect({url!r}) to mount another view"
                )
        self._navigation = Navigation("patch", url, replace_history)

    def push_redirect(
        self, path: str, params: ParamsLike = None, *, replace_history: bool = False
    ) -> None:
        """End this view and mount the view of ``path`` in the same widget."""
        url = _sendable_url(build_url(path, params), "push_redirect")
        self._navigation = Navigation("redirect", url, replace_history)

    push_navigate = push_redirect

    def send_info(self, info: Any) -> None:
        """Deliver ``info`` to this view's ``handle_info`` after the current callback.

        Safe to call from any thread, e.g. from a worker that finished.
        """
        self._runtime("send_info").receive(info)

    def send_update(self, component: type[Any], id: Any, /, **assigns: Any) -> None:
        """Give the component ``component`` (a LiveComponent class) with ``id`` new assigns:
        its ``update(assigns, socket)`` runs and it re-renders, in this callback's reply (or,
        from another thread, as a transaction of its own). An id the page does not show is
        logged and ignored, as in Phoenix."""
        if self._component_updates is None and self._live is not None:
            # A running view that has not rendered yet (its mount): no component exists.
            _logger.warning(
                "livewidget: send_update(%s, id=%r) before the view's first render found no "
                "component; ignored (send it from handle_params or later)",
                getattr(component, "__name__", component),
                id,
            )
            return
        if self._component_updates is None:
            raise RuntimeError(
                "socket.send_update() needs a running view: call it from a LiveView's or a "
                "component's callbacks (or a thread they started) of a view shown in a "
                "LiveWidget or driven by livewidget.testing.LiveViewTest"
            )
        self._component_updates(component, id, dict(assigns))

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

    # -- streams (see docs/streams.md) ------------------------------------------------------

    def stream(
        self,
        name: str,
        items: Iterable[Any],
        *,
        at: int = -1,
        reset: bool = False,
        limit: int | None = None,
    ) -> None:
        """Insert ``items`` into stream ``name`` (read as ``streams.<name>`` in the template).

        ``at``: -1 appends, 0 prepends, i inserts before row i (each item in turn); an item
        whose row is shown is updated in place. ``reset`` first drops every row. ``limit``
        keeps at most that many rows: the last ones when negative, the first when positive.
        The kernel keeps no item once rendered.
        """
        self._streams.stream(name, items, at=at, reset=reset, limit=limit)
        self._streams_changed()

    def stream_insert(
        self, name: str, item: Any, *, at: int = -1, limit: int | None = None
    ) -> None:
        """Insert (or update in place) one item's row; ``at`` and ``limit`` as for ``stream``."""
        self._streams.insert(name, item, at=at, limit=limit)
        self._streams_changed()

    def stream_delete(self, name: str, item: Any) -> None:
        """Remove ``item``'s row from the page."""
        self._streams.delete(name, item)
        self._streams_changed()

    def stream_delete_by_dom_id(self, name: str, dom_id: str) -> None:
        """Remove the row whose DOM id is ``dom_id`` (e.g. from a ``phx-value-id``)."""
        self._streams.delete_by_dom_id(name, dom_id)
        self._streams_changed()

    def stream_configure(self, name: str, *, dom_id: DomId | None = None) -> None:
        """Name the rows of stream ``name`` with ``dom_id(item)`` (default ``f"{name}-{id}"``)."""
        self._streams.configure(name, dom_id=dom_id)
        self._streams_changed()

    def _streams_changed(self) -> None:
        self._set({"streams": self._streams.namespace})

    # -- uploads (see docs/uploads.md) ------------------------------------------------------

    def allow_upload(
        self,
        name: str,
        *,
        accept: str | Iterable[str],
        max_entries: int = 1,
        max_file_size: int = 8_000_000,
        auto_upload: bool = False,
        chunk_size: int = 64_000,
    ) -> UploadConfig:
        """Let the page upload files under ``name``; templates read ``uploads.<name>``.

        ``accept`` lists extensions and MIME types (``[".png", "image/*"]``) or is ``"any"``;
        files beyond ``max_entries``, over ``max_file_size`` bytes or not accepted get the
        entry errors ``"too_many_files"``, ``"too_large"``, ``"not_accepted"`` as soon as
        they are chosen, before any byte is sent. The bytes go when the form is submitted
        (or at once with ``auto_upload=True``), in binary chunks of ``chunk_size`` bytes.
        Put ``{{ live_file_input(uploads.<name>) }}`` in a form with ``phx-change`` and
        ``phx-submit``, then read the files with :meth:`consume_uploaded_entries`.
        """
        return self._uploads.manager().allow(
            name,
            accept=accept,
            max_entries=max_entries,
            max_file_size=max_file_size,
            auto_upload=auto_upload,
            chunk_size=chunk_size,
        )

    def consume_uploaded_entries(
        self, name: str, fn: Callable[[str, UploadEntry], Any]
    ) -> list[Any]:
        """Call ``fn(path, entry)`` for each fully uploaded file of ``name``; return the results.

        ``path`` is a temporary file holding the bytes; copy or read it inside ``fn``: it is
        deleted when ``fn`` returns. Files still on their way are left for later.
        """
        return self._uploads.consume(name, fn)

    def cancel_upload(self, name: str, ref: str) -> None:
        """Drop the entry ``ref`` of upload ``name`` (and whatever of it arrived).

        Typically from ``phx-click="cancel" phx-value-ref="{{ entry.ref }}"``. An entry that
        is gone already is no error (the page may ask twice).
        """
        self._uploads.cancel(name, ref)

    def uploaded_entries(self, name: str) -> tuple[list[UploadEntry], list[UploadEntry]]:
        """``(done, in_progress)`` entries of upload ``name``, as Phoenix's ``uploaded_entries``."""
        return self._uploads.entries(name)

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

    @property
    def page_title(self) -> str | None:
        """The widget's title (its ``title`` trait; ``document.title`` in Voilà with sync_url)."""
        return self._title

    @page_title.setter
    def page_title(self, title: str) -> None:
        if not isinstance(title, str):
            raise TypeError(f"page_title must be a str, got {type(title).__name__}")
        if _encoding.lone_surrogate(title) is not None:
            raise ValueError(
                f"page_title {title!r:.80} holds a lone surrogate, which cannot be sent as "
                f"UTF-8; clean it first, e.g. title.encode('utf-8', 'replace').decode('utf-8')"
            )
        self._title = title
        self._title_changed = True

    def put_flash(self, kind: str, message: str) -> None:
        """Show ``message`` under ``flash[kind]`` in the template (e.g. ``flash.info``)."""
        self._set({"flash": {**self._flash(), kind: message}})

    def clear_flash(self, kind: str | None = None) -> None:
        """Clear one flash message, or all of them."""
        flash = self._flash()
        if kind is None:
            flash.clear()
        else:
            flash.pop(kind, None)
        self._set({"flash": flash})

    def _flash(self) -> dict[str, Any]:
        """A copy of the flash messages (read from the data: ``get`` may be an assign)."""
        return dict(self._assigns._data.get("flash", None) or {})

    def __repr__(self) -> str:
        return f"<Socket {self._id} url={self._url!r} assigns={dict(self._assigns)!r}>"

    # -- used by the session ----------------------------------------------------------------

    def _snapshot(self) -> tuple[Any, ...]:
        return (
            dict(self._assigns._data),
            set(self._changed),
            list(self._events),
            self._navigation,
            self._title,
            self._title_changed,
            self._url,
            self._streams.snapshot(),
        )

    def _restore(self, snapshot: tuple[Any, ...]) -> None:
        data, changed, events, navigation, title, title_changed, url, streams = snapshot
        self._streams.restore(streams)
        self._assigns._data.clear()
        self._assigns._data.update(data)
        self._changed = changed
        self._events = events
        self._navigation = navigation
        self._title = title
        self._title_changed = title_changed
        self._url = url

    def _take_events(self) -> list[list[Any]]:
        events, self._events = self._events, []
        return events

    def _take_navigation(self) -> Navigation | None:
        navigation, self._navigation = self._navigation, None
        return navigation

    def _take_title(self) -> str | None:
        changed, self._title_changed = self._title_changed, False
        return self._title if changed else None

    def _take_changed(self) -> set[str]:
        """A render was committed: what changed for it (and its stream items and temporary
        assigns are dropped, unmarked: the page keeps what they rendered)."""
        changed, self._changed = self._changed, set()
        self._streams.rendered()
        temporary = getattr(self._view_class, "temporary_assigns", None) or {}
        for name, default in temporary.items():
            if name in self._assigns._data:
                self._assigns._data[name] = copy.copy(default)
        return changed


def _sendable_url(url: str, what: str) -> str:
    if _encoding.lone_surrogate(url) is not None:
        raise ValueError(
            f"{what}({url!r:.80}): the URL holds a lone surrogate, which cannot be sent as "
            f"UTF-8; clean it first"
        )
    return url
