"""PyView (``pyview-web``) as a benchmark peer: its template engine, its diff, its wire message.

PyView renders with its own template engine (a vendored ``ibis``), not Jinja2. Its server
path for an event (``pyview.ws_handler``) is: run the handler, render the view's template to a
tree (``Template.tree``: Phoenix-style ``"s"`` statics and numbered dynamics, a loop as
``{"s": [...], "d": [[row dynamics], ...]}``), diff it against the previous tree
(``pyview.template.render_diff.calc_diff``), and send ``json.dumps`` of a Phoenix channel
reply. None of that needs a server, so the benchmark calls the same functions directly.

``calc_diff`` compares loops as a whole: when any row changes, the loop's every row travels.
Templates are ported per scenario (the benchmark's templates use only ``{{ x.y }}`` and
``{% for %}``, which ibis reads the same way) and :func:`same_html` checks that PyView, plain
Jinja2 and livewidget produce the same page before anything is timed.
"""

from __future__ import annotations

import json
from typing import Any

from pyview.template.render_diff import calc_diff
from pyview.vendor.ibis import Template

#: The Phoenix channel reply PyView sends for an event: join ref, message ref, topic, event.
_JOIN_REF = "4"
_MESSAGE_REF = "17"
_TOPIC = "lv:phx-F8kXqJ2vYc1aB3dE"


def port(jinja_template: str) -> str:
    """The scenario's template in PyView's (ibis) syntax.

    The benchmark's templates use only the syntax both engines share, so the port is the
    text itself; anything else (filters, macros, ``loop.index``) would need rewriting here.
    """
    return jinja_template


class PyViewPage:
    """One PyView page: its compiled template and the tree it last sent."""

    def __init__(self, jinja_template: str, assigns: dict[str, Any]) -> None:
        self.template = Template(port(jinja_template), template_id="bench")
        self.tree: dict[str, Any] = self.template.tree(assigns)

    def update(self, assigns: dict[str, Any]) -> dict[str, Any]:
        """Render ``assigns`` and return the diff PyView sends (the page keeps the new tree)."""
        new: dict[str, Any] = self.template.tree(assigns)
        change: dict[str, Any] = calc_diff(self.tree, new)
        self.tree = new
        return change

    def diff_from(self, before: dict[str, Any], assigns: dict[str, Any]) -> dict[str, Any]:
        """The diff from the tree ``before`` to a render of ``assigns`` (nothing kept)."""
        change: dict[str, Any] = calc_diff(before, self.template.tree(assigns))
        return change


def message(change: dict[str, Any]) -> str:
    """The websocket text PyView sends for an event's reply carrying ``change``."""
    reply = {"response": {"diff": change}, "status": "ok"}
    return json.dumps([_JOIN_REF, _MESSAGE_REF, _TOPIC, "phx_reply", reply])


def merge(tree: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """What Phoenix's client holds after merging PyView's ``change`` into ``tree``.

    Enough for PyView's shapes: a key present in the diff replaces or merges into the old
    one, and a loop's ``"d"`` replaces all of its rows (``"s"`` only when sent).
    """
    out = dict(tree)
    for key, value in change.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = merge(old, value)
        else:
            out[key] = value
    return out


def to_html(tree: Any) -> str:
    """The HTML a PyView tree stands for (statics around dynamics, loops row by row)."""
    if isinstance(tree, str):
        return tree
    statics: list[str] = tree["s"]
    if "d" in tree:  # a loop: every row shares the statics
        return "".join(_join(statics, row) for row in tree["d"])
    return _join(statics, [tree[str(i)] for i in range(len(statics) - 1)])


def _join(statics: list[str], dynamics: list[Any]) -> str:
    parts = [statics[0]]
    for static, dynamic in zip(statics[1:], dynamics, strict=True):
        parts.append(to_html(dynamic))
        parts.append(static)
    return "".join(parts)


def same_html(*pages: str) -> bool:
    """Whether the pages are the same HTML, whitespace runs normalised to one space."""
    return len({" ".join(page.split()) for page in pages}) == 1
