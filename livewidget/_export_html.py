"""The static snapshot of a view: its last render as inert HTML, for saved notebooks.

A saved notebook is read where no kernel runs: by ``jupyter nbconvert``, GitHub, nbviewer, or
JupyterLab after a restart. There a LiveWidget's view is blank (nothing renders a widget view
offline), so livewidget also shows its render as plain ``text/html``
(:mod:`livewidget._export`). This module turns a render into that HTML.

The render is already safe where it matters: assigns are escaped by the template, and raw
HTML enters only through an explicit ``Markup``. What is left to do is make it *static*:
nothing in a snapshot runs or reaches out. :func:`static_html` re-serializes the HTML through
a parser and drops ``<script>`` elements and other active content, ``on*`` handlers, script
URLs and the ``phx-*`` bindings (they would do nothing there). :func:`snapshot_block` wraps the
result in a ``data-livewidget-snapshot`` element with a quiet note saying what it is. In a
live JupyterLab, Notebook 7 or classic Notebook page, where the widget itself shows (its
output area holds a live ``.lw-root``), the frontend's stylesheet (``js/src/widget.css``,
added once per page) hides the snapshot. The rule is not in each snapshot: every ``<style>``
an output adds makes the browser restyle the whole page (docs/performance.md, "Many widgets").
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

#: The attribute that marks a snapshot (its value is the widget's id).
SNAPSHOT_ATTRIBUTE = "data-livewidget-snapshot"
#: The class of a snapshot's outer element (``js/src/widget.css`` hides it beside a live view,
#: whose root is ``.lw-root``).
SNAPSHOT_CLASS = "lw-snapshot"
#: What a snapshot says about itself.
NOTE = "static snapshot, run the notebook to interact"
#: Renders longer than this (in characters) are not copied into the notebook: every cell's
#: end would send them again, and Jupyter's iopub data rate limit (about 1 MB/s) drops
#: outputs above it.
MAX_CHARS = 500_000

# Elements dropped with their content: they would run, load or embed something.
_DROPPED = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet"})
# Elements dropped, their content kept: they act on the page around the snapshot.
_UNWRAPPED = frozenset({"base", "meta", "link", "plaintext", "xmp", "noscript", "html", "body"})
# Elements that never have content or an end tag.
_VOID = frozenset(
    {"area", "br", "col", "hr", "img", "input", "param", "source", "track", "wbr", "keygen"}
)
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data"}
)
# Attributes holding ids of other elements (space-separated lists for some).
_ID_REFERENCES = frozenset(
    {
        "for",
        "form",
        "list",
        "headers",
        "popovertarget",
        "aria-labelledby",
        "aria-describedby",
        "aria-controls",
        "aria-owns",
        "aria-activedescendant",
        "aria-details",
        "aria-errormessage",
        "aria-flowto",
    }
)
_URL_REFERENCE = re.compile(r"""url\((['"]?)#""")
_SCRIPT_SCHEME = re.compile(r"^(?:javascript:|vbscript:|data:text/html)", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_NAME = re.compile(r"^[a-z][a-z0-9_.:-]*$")

_NOTE_STYLE = "margin-top:0.25em;font-size:0.8em;font-style:italic;opacity:0.6"


def static_html(rendered: str, id_prefix: str = "") -> str:
    """``rendered`` (a view's HTML) with everything that could run or load removed.

    >>> static_html('<button phx-click="inc" onclick="x()">1 &lt; 2</button><script>x()</script>')
    '<button>1 &lt; 2</button>'

    ``id_prefix`` goes before every id and every reference to one (``for``, ``aria-*``,
    ``href="#…"``, ``url(#…)``): in a live notebook the snapshot sits, hidden, beside the
    view it copies, and must not give the page a second element of the same id.

    >>> static_html('<label for="n">N</label><input id="n">', id_prefix="s-")
    '<label for="s-n">N</label><input id="s-n">'
    """
    parser = _StaticWriter(id_prefix)
    parser.feed(rendered)
    parser.close()
    return parser.result()


def snapshot_block(rendered: str | None, widget_id: str, name: str) -> str:
    """The ``text/html`` a saved notebook shows for a widget whose last render is ``rendered``.

    ``None`` (the view has not rendered, or failed to mount) shows the note alone.
    """
    if rendered is None:
        body = ""
    elif len(rendered) > MAX_CHARS:
        body = (
            f"<p>({html.escape(name)} rendered {len(rendered):,} characters, more than a "
            f"snapshot keeps)</p>"
        )
    else:
        body = static_html(rendered, id_prefix=f"lw-snapshot-{_token(widget_id)}-")
    return (
        f'<div class="{SNAPSHOT_CLASS}" {SNAPSHOT_ATTRIBUTE}="{html.escape(widget_id)}">'
        f'<div class="lw-snapshot-view">{body}</div>'
        f'<div class="lw-snapshot-note" style="{_NOTE_STYLE}">'
        f"{html.escape(name)}: {NOTE}</div></div>"
    )


def _token(widget_id: str) -> str:
    """The widget id as id characters (it comes from the widget; keep ids well formed)."""
    return re.sub(r"[^A-Za-z0-9_-]", "", widget_id)[:32] or "view"


class _StaticWriter(HTMLParser):
    """Re-serializes HTML as it parses it, leaving out what :func:`static_html` drops.

    Writing from parsed tags (never copying the input's text) makes the output well formed:
    every attribute quoted and escaped, every text escaped, every open element closed.
    """

    def __init__(self, id_prefix: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self._id_prefix = id_prefix
        self._out: list[str] = []
        self._open: list[str] = []  # the elements written and not closed yet
        self._dropping: list[str] = []  # the dropped elements we are inside of
        self._raw = False  # inside <style>: its text is CSS, written as it came

    def result(self) -> str:
        """The HTML written so far, with the elements still open closed."""
        return "".join(self._out) + "".join(f"</{tag}>" for tag in reversed(self._open))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
            return
        if tag in self._open:
            # Close what the markup left open inside it, as a browser would.
            while self._open:
                last = self._open.pop()
                self._out.append(f"</{last}>")
                if last == tag:
                    break
        self._raw = False

    def handle_data(self, data: str) -> None:
        if self._dropping:
            return
        self._out.append(data if self._raw else html.escape(data, quote=False))

    # Comments, doctypes and processing instructions are left out (no handler writes them).

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, self_closing: bool) -> None:
        if self._dropping:
            if tag == self._dropping[-1] and not self_closing:
                self._dropping.append(tag)  # nested in itself: wait for both end tags
            return
        if tag in _DROPPED:
            if not self_closing and tag not in _VOID:
                self._dropping.append(tag)
            return
        if tag in _UNWRAPPED or not _NAME.match(tag):
            return
        written = "".join(
            _attribute(name, _prefixed_ids(name, value, self._id_prefix)) for name, value in attrs
        )
        if self_closing or tag in _VOID:
            self._out.append(f"<{tag}{written}{' /' if self_closing else ''}>")
            return
        self._out.append(f"<{tag}{written}>")
        self._open.append(tag)
        self._raw = tag == "style"


def _prefixed_ids(name: str, value: str | None, prefix: str) -> str | None:
    """``value`` with ``prefix`` before the ids it is or names (unchanged without a prefix)."""
    if not prefix or value is None:
        return value
    if name == "id":
        return prefix + value
    if name in _ID_REFERENCES:
        return " ".join(prefix + token for token in value.split())
    if name in ("href", "xlink:href") and value.startswith("#") and len(value) > 1:
        return "#" + prefix + value[1:]
    return _URL_REFERENCE.sub(lambda m: f"url({m.group(1)}#{prefix}", value)


def _attribute(name: str, value: str | None) -> str:
    """`` name="value"`` escaped, or "" for an attribute a snapshot leaves out."""
    if (
        not _NAME.match(name)
        or name.startswith(("on", "phx-", "data-phx-"))
        or name == "autofocus"
        or name == "srcdoc"
        or (
            value is not None
            and name in _URL_ATTRIBUTES
            and _SCRIPT_SCHEME.match(_INVISIBLE.sub("", value))
        )
    ):
        return ""
    if value is None:
        return f" {name}"
    return f' {name}="{html.escape(value, quote=True)}"'
