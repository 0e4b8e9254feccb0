"""Lean loops inside whole views: components in rows, a layout around, streams and temporary
assigns beside, driven by events through ``LiveViewTest`` (so ``socket.assign``'s own change
bookkeeping decides what each render is planned against).

After every event the page the test client merged must show a plain Jinja2 render of the
view's template with its current assigns (components rendered as plain templates, their
``data-phx-component`` attributes left out).
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from markupsafe import Markup

from livewidget import LiveComponent, LiveView
from livewidget.template import environment
from livewidget.testing import LiveViewTest

LAYOUT = '<header>{{ page_title }}</header><main id="page">{{ inner_content }}</main><footer/>'
CELL = '<td class="cell">{{ v }}</td>'
TABLE = (
    "<h2>{{ title }}</h2><table>{% for r in rows %}"
    '<tr id="r-{{ r.id }}">{{ live_component(Cell, id=r.id, v=r.v) }}<td>{{ r.n }}</td></tr>'
    "{% endfor %}</table>"
    "<ol>{% for r in rows %}<li>{% if r.n %}{{ r.n }}{% else %}-{% endif %}</li>{% endfor %}</ol>"
)
# The same table with the component inside an {% if %}: rows are not simple then.
BRANCHING = (
    "<h2>{{ title }}</h2><table>{% for r in rows %}"
    '<tr id="r-{{ r.id }}">{% if r.n %}{{ live_component(Cell, id=r.id, v=r.v) }}{% else %}'
    "<td>none</td>{% endif %}<td>{{ r.n }}</td></tr>{% endfor %}</table>"
)
_CIDS = re.compile(r' data-phx-component="\d+"')
# Equal values that print differently, so a row that changes only this way must render again.
TWINS: list[Any] = [1, True, 1.0, 0.0, -0.0, "a", Markup("a"), "<b>", Markup("<b>")]


class Cell(LiveComponent):
    """A stateless cell: shows what it was passed."""

    template = CELL


class Table(LiveView):
    """A table whose rows events change, one component per row."""

    components = {"Cell": Cell}
    template = TABLE

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        socket.assign(title="t", rows=[_row(i, "a", i) for i in range(6)])
        socket.page_title = "Table"

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        rows = list(socket.assigns.rows)
        at = int(params.get("at", 0)) % (len(rows) or 1)
        value = TWINS[int(params.get("v", 0)) % len(TWINS)]
        if event == "title":
            socket.assign(title=f"t{params['at']}")
            return
        if event == "insert":
            rows.insert(at, _row(100 + int(params["fresh"]), value, at))
        elif event == "delete" and rows:
            del rows[at]
        elif event == "change" and rows:
            rows[at] = {**rows[at], "v": value}
        elif event == "number" and rows:
            rows[at] = {**rows[at], "n": value}
        elif event == "move" and rows:
            rows.insert(int(params["to"]) % (len(rows) + 1), rows.pop(at))
        elif event == "in place" and rows:
            socket.assigns.rows[at]["n"] = value  # changed in place, then assigned again
            rows = socket.assigns.rows
        elif event == "clear":
            rows = []
        socket.assign(rows=rows)


def _row(ident: int, v: Any, n: Any) -> dict[str, Any]:
    return {"id": ident, "v": v, "n": n}


def _plain_cell(component: Any, id: Any, **assigns: Any) -> Markup:
    return Markup(environment().from_string(CELL).render(**assigns))


class BranchingTable(Table):
    """The table whose rows hold a component only when their ``n`` is truthy."""

    template = BRANCHING


def _expected(assigns: Any, template: str = TABLE) -> str:
    state = {"title": assigns.title, "rows": assigns.rows}
    inner = (
        environment().from_string(template).render(**state, Cell=Cell, live_component=_plain_cell)
    )
    return f'<main id="page">{inner}</main>'


EVENTS = ["insert", "delete", "change", "number", "move", "in place", "clear", "title"]


@pytest.mark.parametrize("view_class", [Table, BranchingTable])
@pytest.mark.parametrize("seed", range(4))
def test_components_in_lean_rows_inside_a_layout(seed: int, view_class: type[Table]) -> None:
    rng = random.Random(seed)
    template = view_class.template
    with LiveViewTest(view_class, page_layout=LAYOUT) as view:
        assert _expected(view.assigns, template) in _CIDS.sub("", view.html())
        for fresh in range(40):
            event = rng.choice(EVENTS)
            params = {
                "at": rng.randrange(20),
                "v": rng.randrange(len(TWINS)),
                "to": rng.randrange(20),
                "fresh": fresh,
            }
            view.push_event(event, params)
            page = _CIDS.sub("", view.html())
            assert page.startswith("<header>Table</header>")
            assert _expected(view.assigns, template) in page, (event, params)
            # One component per row that shows one, and no other.
            shown = [r for r in view.assigns.rows if view_class is Table or r["n"]]
            assert len(view.find_all("td.cell")) == len(shown)


STREAM_AND_LIST = (
    '<ul id="feed" phx-update="stream">{% for dom_id, m in streams.msgs %}'
    '<li id="{{ dom_id }}">{{ m.text }}</li>{% endfor %}</ul>'
    "<ol>{% for r in rows %}<li>{{ r.id }}:{{ r.v }}</li>{% endfor %}</ol>"
)
LIST_ONLY = "<ol>{% for r in rows %}<li>{{ r.id }}:{{ r.v }}</li>{% endfor %}</ol>"


class Both(LiveView):
    """A stream and a list over the same items: events touch one, the other or both."""

    template = STREAM_AND_LIST

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        rows = [{"id": i, "v": "a", "text": f"m{i}"} for i in range(4)]
        socket.assign(rows=rows)
        socket.stream("msgs", rows)

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        rows = list(socket.assigns.rows)
        ident = int(params["id"])
        if event in ("drop", "both") and rows:
            gone = rows.pop(ident % len(rows))
            socket.stream_delete("msgs", gone)
        if event in ("add", "both"):
            item = {"id": ident, "v": TWINS[ident % len(TWINS)], "text": f"m{ident}"}
            socket.stream("msgs", [item])
            rows.append(item)
        if event == "retype" and rows:
            index = ident % len(rows)
            rows[index] = {**rows[index], "v": TWINS[(ident + 1) % len(TWINS)]}
        socket.assign(rows=rows)


@pytest.mark.parametrize("seed", range(4))
def test_a_stream_beside_a_lean_list(seed: int) -> None:
    rng = random.Random(seed)
    shown: dict[str, str] = {f"msgs-{i}": f"m{i}" for i in range(4)}
    with LiveViewTest(Both) as view:
        for step in range(30):
            event = rng.choice(["add", "drop", "both", "retype"])
            ident = 10 + step if event in ("add", "both") else rng.randrange(50)
            before = list(view.assigns.rows)
            view.push_event(event, {"id": ident})
            if event in ("drop", "both") and before:
                shown.pop(f"msgs-{before[ident % len(before)]['id']}", None)
            if event in ("add", "both"):
                shown[f"msgs-{ident}"] = f"m{ident}"
            page = view.html()
            rows_html = environment().from_string(LIST_ONLY).render(rows=view.assigns.rows)
            assert page.endswith(rows_html), (event, ident)
            items = {li["id"]: li.get_text() for li in view.find_all("#feed li")}
            assert items == shown


class Feed(LiveView):
    """Temporary assigns under phx-update="append": each render sends only the new rows."""

    temporary_assigns = {"messages": []}
    template = (
        '<div id="feed" phx-update="append">{% for m in messages %}'
        '<p id="m-{{ m.id }}">{{ m.text }}</p>{% endfor %}</div><span>{{ count }}</span>'
    )

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        socket.assign(count=0, messages=[{"id": 0, "text": "a"}])

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        if event == "post":
            batch = [{"id": i, "text": TWINS[i % len(TWINS)]} for i in params["ids"]]
            socket.assign(messages=batch)
        socket.assign(count=socket.assigns.count + 1)


FEED_ROWS = '<div id="feed" phx-update="append">{% for m in messages %}<p id="m-{{ m.id }}">'


@pytest.mark.parametrize("seed", range(3))
def test_temporary_assigns_appended_through_a_lean_loop(seed: int) -> None:
    """Each batch the page receives merges into exactly the batch's rows (the page then
    appends them by id), whatever rows the batch before had: repeats, equal values of other
    types, an empty batch, a tick with no batch."""
    rng = random.Random(seed)
    template = environment().from_string(Feed.template)
    with LiveViewTest(Feed) as view:
        for _ in range(25):
            if rng.random() < 0.2:
                view.push_event("tick")
                continue
            ids = [rng.randrange(12) for _ in range(rng.randrange(4))]
            ids = list(dict.fromkeys(ids))  # one row per DOM id in a batch
            view.push_event("post", {"ids": ids})
            batch = [{"id": i, "text": TWINS[i % len(TWINS)]} for i in ids]
            count = view.html().rsplit("<span>", 1)[1]
            expected = template.render(messages=batch, count=int(count.split("<")[0]))
            assert view.html() == expected, ids
            assert view.assigns["messages"] == []
