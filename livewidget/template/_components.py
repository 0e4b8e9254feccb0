"""Components in templates: the ``live_component`` global, the one-root rule, cids in trees.

``{{ live_component(Card, id="c1", title=title) }}`` asks the *component host* of the render
(the session's component set, installed with :func:`hosting` around a page's render) to place
the component. A stateful one (with an ``id``) answers with its cid, and the slot's dynamic
becomes that number, Phoenix's shape for "component here" (the builder takes it from
:meth:`~._blocks.Builder.mark_component`). A stateless one answers with its HTML.

The host is reached through a context variable, not an import: this module sits with the
foundations, below the session that hosts components.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from html.parser import HTMLParser
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from ._blocks import BUILDER
from ._rendered import Comprehension, Dynamic, Rendered


class ComponentHost(Protocol):
    """Who places components during a render (the session's component set)."""

    def place(self, component: Any, id: Any, assigns: Mapping[str, Any]) -> int | Markup:
        """A stateful component's cid, or a stateless one's HTML."""
        ...


_HOST: ContextVar[ComponentHost | None] = ContextVar("livewidget_component_host", default=None)


@contextmanager
def hosting(host: ComponentHost) -> Iterator[None]:
    """Let ``live_component`` calls of the renders inside this block reach ``host``."""
    token = _HOST.set(host)
    try:
        yield
    finally:
        _HOST.reset(token)


@jinja2.pass_context
def live_component(
    context: jinja2.runtime.Context, component: Any, id: Any = None, **assigns: Any
) -> Markup:
    """Template global: place ``component`` (a LiveComponent class) here with ``assigns``.

    With ``id`` it is stateful: mounted once, updated when these assigns change, its events
    handled by itself (``phx-target="{{ myself }}"``). Use it as a whole ``{{ }}``.
    """
    host = _HOST.get()
    builder = context.get(BUILDER)
    if host is None or builder is None:
        raise RuntimeError(
            "live_component(...) renders only inside a LiveView's template shown by a "
            "LiveWidget or LiveViewTest; got a render outside one (e.g. a plain Jinja2 render)"
        )
    placed = host.place(component, id, assigns)
    if isinstance(placed, int):
        builder.mark_component(placed)
        return Markup("")
    return placed


COMPONENT_HELPERS: dict[str, Any] = {"live_component": live_component}


def cids_in(tree: Rendered, components: Mapping[int, Rendered]) -> list[int]:
    """Every cid the page shows, reached from ``tree`` through the components' own trees,
    in order of first appearance; a cid found twice raises (one id placed twice)."""
    found: list[int] = []
    seen: set[int] = set()
    stack: list[Dynamic] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, int):
            if node in seen:
                raise ValueError(
                    f"component cid {node} appears twice on the page: one component id was "
                    f"placed twice; give each live_component(...) call its own id"
                )
            seen.add(node)
            found.append(node)
            inner = components.get(node)
            if inner is not None:
                stack.append(inner)
        elif isinstance(node, Rendered):
            stack.extend(reversed(node.dynamics))
        elif isinstance(node, Comprehension):
            for row in reversed(node.rows):
                stack.extend(reversed(row))
    return found


class OneRootError(ValueError):
    """A stateful component's template does not have exactly one root element."""


def check_one_root(statics: tuple[str, ...], name: str) -> None:
    """Refuse a component template without exactly one root element (as Phoenix does).

    Read from the top-level statics, each dynamic standing for an opaque value: the first
    tag must open the root, close it at the very end, and nothing but space (or comments)
    may sit outside it, neither text nor a dynamic (an ``if``, a loop, a ``{{ }}``).
    """
    checker = _RootChecker()
    checker.feed(_DYNAMIC.join(statics))
    checker.close()
    problem = checker.problem or (None if checker.roots == 1 else "it has no element")
    if problem is not None:
        raise OneRootError(
            f"{name}: a stateful component's template needs exactly one root element (so the "
            f"page can tell which element is the component), but {problem}; wrap it all in "
            f"one element, e.g. <div>...</div>"
        )


_DYNAMIC = "\x00"
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


class _RootChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.roots = 0
        self.problem: str | None = None

    def _open_root(self, tag: str) -> None:
        if self.depth == 0:
            self.roots += 1
            if self.roots == 2 and self.problem is None:
                self.problem = f"a second element <{tag}> follows the first one"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open_root(tag)
        if tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open_root(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and data.strip() and self.problem is None:
            self.problem = (
                "a dynamic part ({{ }}, if or for) sits outside the root element"
                if _DYNAMIC in data
                else f"text {data.strip()[:40]!r} sits outside the root element"
            )
