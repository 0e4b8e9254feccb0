"""The socket a LiveView sees: its assigns and what it asks of the page."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ._socket_live import LiveSocketMixin
from .errors import NavigationError
from .router import ParamsLike, build_url

if TYPE_CHECKING:
    from .router import Router
    from .view import LiveView


@dataclass(frozen=True, slots=True)
class Navigation:
    """A pending push_patch or push_redirect."""

    kind: Literal["patch", "redirect"]
    url: str
    replace: bool


class Assigns(Mapping[str, Any]):
    """A LiveView's state: read it as a mapping or by attribute; change it with ``assign``.

    >>> a = Assigns({"count": 1, "items": [1, 2]})
    >>> a.count, a["count"], a.items
    (1, 1, [1, 2])

    An attribute always reads the assign of that name, even ``items`` or ``keys``.
    """

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", data if data is not None else {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattribute__(self, name: str) -> Any:
        # An assign wins over a mapping method of the same name: `assigns.items` is the
        # assign called "items" when there is one.
        if not name.startswith("_"):
            data = object.__getattribute__(self, "_data")
            if name in data:
                return data[name]
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            known = ", ".join(sorted(self._data)) or "none yet"
            raise AttributeError(
                f"no assign named {name!r} (assigns: {known}); "
                f"set it with socket.assign({name}=...) first, e.g. in mount"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"assigns are read-only here; use socket.assign({name}=...) to change {name!r}"
        )

    def __repr__(self) -> str:
        return f"Assigns({self._data!r})"


class Socket(LiveSocketMixin):
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
        router: Router | None = None,
        view_class: type[LiveView] | None = None,
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
        """
        if mapping is not None:
            if not isinstance(mapping, Mapping):
                raise TypeError(
                    f"socket.assign() takes a mapping or keyword arguments, "
                    f"got {type(mapping).__name__}; write socket.assign(name=value)"
                )
            values = {**mapping, **values}
        for key in values:
            if not isinstance(key, str) or not key.isidentifier():
                raise ValueError(f"assign names must be identifiers, got {key!r}")
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
            json.dumps(body)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"the payload of push_event({kind!r}) must be JSON: {exc}") from None
        self._events.append([kind, body])

    def push_patch(
        self, path: str, params: ParamsLike = None, *, replace_history: bool = False
    ) -> None:
        """Change the widget's URL and call ``handle_params``; the view stays mounted.

        ``params`` (a dict, pairs or a query string) are added to ``path``'s query. The route
        must be served by this same view; otherwise use :meth:`push_redirect`.
        """
        url = build_url(path, params)
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
        self._navigation = Navigation("redirect", build_url(path, params), replace_history)

    push_navigate = push_redirect

    def send_info(self, info: Any) -> None:
        """Deliver ``info`` to this view's ``handle_info`` after the current callback.

        Safe to call from any thread, e.g. from a worker that finished.
        """
        self._runtime("send_info").receive(info)

    @property
    def page_title(self) -> str | None:
        """The widget's title (its ``title`` trait; ``document.title`` in Voilà with sync_url)."""
        return self._title

    @page_title.setter
    def page_title(self, title: str) -> None:
        if not isinstance(title, str):
            raise TypeError(f"page_title must be a str, got {type(title).__name__}")
        self._title = title
        self._title_changed = True

    def put_flash(self, kind: str, message: str) -> None:
        """Show ``message`` under ``flash[kind]`` in the template (e.g. ``flash.info``)."""
        self.assign(flash={**self._assigns.get("flash", {}), kind: message})

    def clear_flash(self, kind: str | None = None) -> None:
        """Clear one flash message, or all of them."""
        flash = dict(self._assigns.get("flash", {}))
        if kind is None:
            flash.clear()
        else:
            flash.pop(kind, None)
        self.assign(flash=flash)

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
        )

    def _restore(self, snapshot: tuple[Any, ...]) -> None:
        data, changed, events, navigation, title, title_changed, url = snapshot
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
        changed, self._changed = self._changed, set()
        return changed
