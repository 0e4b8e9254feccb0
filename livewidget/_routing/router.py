"""Routes inside a widget: path patterns like ``/users/:id``, matching and URL building."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import RouteError
from ..view import LiveView

_SEGMENT = re.compile(r"^(?::(?P<param>[A-Za-z_]\w*)|\*(?P<rest>[A-Za-z_]\w*)|(?P<text>[^:*]*))$")


@dataclass(frozen=True, slots=True)
class Match:
    """A URL matched to the view that serves it and its path params."""

    view: type[LiveView]
    pattern: str
    path_params: dict[str, str]


class _Route:
    def __init__(self, pattern: str, view: type[LiveView]) -> None:
        if not pattern.startswith("/"):
            raise RouteError(f"a route pattern must start with '/', got {pattern!r}")
        if not (isinstance(view, type) and issubclass(view, LiveView)):
            raise RouteError(f"the route {pattern!r} must map to a LiveView subclass, got {view!r}")
        self.pattern = pattern
        self.view = view
        self.segments: list[tuple[str, str]] = []
        for index, segment in enumerate(_split(pattern)):
            found = _SEGMENT.match(segment)
            if found is None:
                raise RouteError(
                    f"bad segment {segment!r} in route {pattern!r}; use plain text, "
                    f"':name' for a parameter or '*name' (last) for the rest of the path"
                )
            if found["rest"] and index != len(_split(pattern)) - 1:
                raise RouteError(f"'*{found['rest']}' must be the last segment of {pattern!r}")
            kind = "param" if found["param"] else "rest" if found["rest"] else "text"
            self.segments.append((kind, found["param"] or found["rest"] or segment))

    def match(self, parts: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for index, (kind, value) in enumerate(self.segments):
            if kind == "rest":
                params[value] = "/".join(parts[index:])
                return params
            if index >= len(parts):
                return None
            if kind == "param":
                params[value] = parts[index]
            elif parts[index] != value:
                return None
        return params if len(parts) == len(self.segments) else None


class Router:
    """A widget's route table, or one view served on every path.

    >>> from livewidget import LiveView
    >>> class Home(LiveView): template = "home"
    >>> class User(LiveView): template = "{{ id }}"
    >>> router = Router({"/": Home, "/users/:id": User})
    >>> m = router.match("/users/7?tab=posts")
    >>> m.view.__name__, m.path_params
    ('User', {'id': '7'})
    >>> router.match("/nowhere") is None
    True
    """

    def __init__(self, routes: Mapping[str, type[LiveView]] | type[LiveView]) -> None:
        self.single: type[LiveView] | None = None
        self._routes: list[_Route] = []
        if isinstance(routes, type):
            if not issubclass(routes, LiveView):
                raise RouteError(f"expected a LiveView subclass, got {routes!r}")
            self.single = routes
        elif isinstance(routes, Mapping):
            if not routes:
                raise RouteError("a route table needs at least one route, e.g. {'/': Home}")
            self._routes = [_Route(pattern, view) for pattern, view in routes.items()]
        else:
            raise RouteError(
                f"expected a LiveView subclass or a dict of routes like "
                f"{{'/': Home, '/users/:id': User}}, got {type(routes).__name__}"
            )

    def match(self, url: str) -> Match | None:
        """The view serving ``url`` and its path params, or None when no route matches."""
        path = urlsplit(url).path or "/"
        if self.single is not None:
            return Match(self.single, "*", {})
        parts = _split(path)
        for route in self._routes:
            params = route.match(parts)
            if params is not None:
                return Match(route.view, route.pattern, params)
        return None

    def replace(self, old: type[LiveView], new: type[LiveView]) -> bool:
        """Serve ``new`` wherever ``old`` was served (a redefined class); True if any was."""
        found = False
        if self.single is old:
            self.single, found = new, True
        for route in self._routes:
            if route.view is old:
                route.view, found = new, True
        return found

    def views(self) -> list[type[LiveView]]:
        """Every view class the router serves."""
        return [self.single] if self.single else [route.view for route in self._routes]

    @property
    def patterns(self) -> list[str]:
        """The route patterns, in the order they are tried."""
        return [route.pattern for route in self._routes]


def _split(path: str) -> list[str]:
    return [part for part in path.split("/") if part]
