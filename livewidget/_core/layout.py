"""A widget's page layout: one template around every view, in one diffed tree.

``LiveWidget(routes, page_layout=...)`` wraps each view of the widget in a layout holding
``{{ inner_content }}``: shared navigation, the flash, the page title. The layout is compiled
with the views' compiler and rendered into the *same* tree as the view, the view's tree sitting
in the layout's ``inner_content`` slot::

    layout  {"s": ["<nav>…</nav><main>", "</main><p>", "</p>"],
             "0": {view's tree},          # inner_content
             "1": "Saved"}                # flash.info

so the ordinary diff does the rest: a click that changes only the view's count sends only that
count, a flash sends only the layout's flash slot, and a redirect to another view (the layout's
statics unchanged) sends only the new inner tree.

How: the layout renders with ``inner_content`` bound to a marker (``Markup``, so it is never
escaped), and the view's tree is spliced in where the marker came out. The layout keeps its own
tree, with the marker, for change tracking: it renders again only when one of the names it sees
(``flash``, ``page_title``, ``url``) changed, and then only the slots reading it. A marker that
ended up inside a larger string (``{{ inner_content }}`` inside a ``{% with %}`` or a filtered
loop, rendered whole) is replaced there by the view's HTML: still right, just not diffed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import meta
from markupsafe import Markup

from ..errors import LayoutError, TemplateNotFoundError
from ..template import CompiledTemplate, Comprehension, Rendered, environment
from ..template._rendered import Dynamic

#: The name the layout's template reads the view's HTML from.
INNER_CONTENT = "inner_content"
#: The names a layout sees besides ``inner_content``.
LAYOUT_NAMES = ("flash", "page_title", "url")

# Where the view's tree goes: no template prints this by accident (NUL is not HTML text).
_MARKER = Markup("\x00livewidget-inner-content\x00")


@dataclass(frozen=True, slots=True)
class _Shown:
    """The last page this layout built: what the next render compares against."""

    page: Rendered  # the layout's tree with the view's tree spliced in
    layout: Rendered  # the layout's own tree, marker in place (change tracking reuses it)
    inner: Rendered  # the view's tree inside ``page``
    values: dict[str, Any]  # flash, page_title and url as rendered


class PageLayout:
    """A compiled page layout; :meth:`wrap` puts a view's tree inside it.

    ``source`` is a :class:`pathlib.Path` (a template file; ``{% include %}`` finds files
    beside it) or a ``str`` of template source, as for hooks.

    >>> layout = PageLayout("<nav>{{ url }}</nav><main>{{ inner_content }}</main>")
    >>> page = layout.wrap(Rendered(("<b>", "</b>"), ["1"]), flash={}, page_title=None,
    ...                    url="/", previous=None)
    >>> str(page)
    '<nav>/</nav><main><b>1</b></main>'
    """

    def __init__(self, source: str | Path) -> None:
        if isinstance(source, Path):
            path = source.expanduser()
            if not path.is_file():
                raise TemplateNotFoundError(
                    f"page_layout is the file {str(source)!r}, which does not exist; give the "
                    f"path of a template file, or the template's source as a str"
                )
            text = path.read_text(encoding="utf-8")
            env = environment(str(path.resolve().parent))
            name = path.name
        elif isinstance(source, str):
            text, env, name = source, environment(None), "page_layout"
        else:
            raise TypeError(
                f"page_layout must be a template's source (str) or a template file "
                f"(pathlib.Path), got {type(source).__name__}"
            )
        if INNER_CONTENT not in meta.find_undeclared_variables(env.parse(text)):
            raise LayoutError(
                f"the page layout {name!r} never shows the view: it has no "
                f"{{{{ {INNER_CONTENT} }}}}. Put {{{{ {INNER_CONTENT} }}}} where each view's "
                f"HTML goes, e.g. '<nav>…</nav><main>{{{{ {INNER_CONTENT} }}}}</main>'"
            )
        self.name = name
        self.compiled = CompiledTemplate(env, text, name=name, file=isinstance(source, Path))
        self._shown: _Shown | None = None
        # A first render now, so that a layout that hides the view (a filter on
        # inner_content) is refused when the widget is made, not on its first page.
        trial = self._render({"flash": {}, "page_title": "", "url": "/"}, None, None)
        _splice_top(trial, Rendered(("",), []))

    def inner_of(self, page: Rendered | None) -> Rendered | None:
        """The view's tree inside ``page``, when ``page`` is the last one :meth:`wrap` built."""
        shown = self._shown
        return shown.inner if shown is not None and page is shown.page else None

    def wrap(
        self,
        inner: Rendered,
        *,
        flash: Mapping[str, Any],
        page_title: str | None,
        url: str,
        previous: Rendered | None,
    ) -> Rendered:
        """The page: the layout rendered around ``inner`` (the view's tree).

        ``previous`` is the page the session holds (the last render). When it is the last page
        built here, the layout renders only what reads a name that changed, or not at all.
        """
        values: dict[str, Any] = {
            "flash": dict(flash),
            "page_title": "" if page_title is None else page_title,
            "url": url,
        }
        shown = self._shown if self._shown is not None and previous is self._shown.page else None
        if shown is None:
            layout = self._render(values, None, None)
        else:
            changed = {name for name in LAYOUT_NAMES if values[name] != shown.values[name]}
            layout = shown.layout if not changed else self._render(values, changed, shown.layout)
        page = _splice_top(layout, inner)
        self._shown = _Shown(page, layout, inner, values)
        return page

    def _render(
        self, values: dict[str, Any], changed: set[str] | None, previous: Rendered | None
    ) -> Rendered:
        return self.compiled.render(
            {**values, INNER_CONTENT: _MARKER}, changed=changed, previous=previous
        )


def _splice_top(layout: Rendered, inner: Rendered) -> Rendered:
    spliced = _splice(layout, inner, str(inner))
    if spliced is None:
        raise LayoutError(
            "the page layout did not print {{ inner_content }} as it is (a filter or an "
            "expression changed it), so the view has nowhere to go; write "
            "{{ inner_content }} on its own"
        )
    assert isinstance(spliced, Rendered)
    return spliced


def _splice(value: Dynamic, inner: Rendered, html: str) -> Dynamic | None:
    """``value`` with the marker replaced by ``inner``; None when there is no marker in it.

    Only the containers on the way to a marker are copied: everything else is the same
    object as in the layout's tree, so the diff skips it by identity.
    """
    if isinstance(value, str):
        if value == _MARKER:
            return inner
        return value.replace(_MARKER, html) if _MARKER in value else None
    if isinstance(value, Rendered):
        dynamics = _splice_all(value.dynamics, inner, html)
        if dynamics is None:
            return None
        return Rendered(value.statics, dynamics, value.block)
    if isinstance(value, int):
        return None  # a component's cid (the layout's own components hold no view)
    rows: list[list[Dynamic]] = []
    found = False
    for row in value.rows:
        spliced = _splice_all(row, inner, html)
        found = found or spliced is not None
        rows.append(row if spliced is None else spliced)
    if not found:
        return None
    return Comprehension(
        value.statics, rows, value.keys, value.snapshots, value.block, value.positions, value.keying
    )


def _splice_all(values: list[Dynamic], inner: Rendered, html: str) -> list[Dynamic] | None:
    out: list[Dynamic] | None = None
    for index, value in enumerate(values):
        spliced = _splice(value, inner, html)
        if spliced is not None:
            if out is None:
                out = list(values)
            out[index] = spliced
    return out
