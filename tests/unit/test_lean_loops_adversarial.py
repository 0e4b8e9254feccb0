"""Adversarial tests of lean loops: odd rows, odd templates, renders diffed against older ones.

A loop whose body never reads ``loop`` iterates only the rows to evaluate and derives its
diff from the render it was planned against (``_loops.lean_plan``, ``_rendered._diff_rows``).
These tests draw rows that are hard to compare (ids that change type, unhashable or repeated
ids, dict subclasses, objects, lists, nested lists mutated in place, NaN, ``-0.0``, ``Markup``
against ``str``, keys in another order) and templates that nest loops, branch inside rows, set
names and call macros, and check the rule of docs/templates.md after every render: the page a
client merges equals a plain Jinja2 render of the same assigns. A render may be planned against
any earlier render (the client then holds that render's page), and a render that raises leaves
the next one free to start again from the last good render.

``LIVEWIDGET_LEAN_EXAMPLES`` sets how many sequences each template draws (default 40). A
failing sequence is reported as drawn; ``LIVEWIDGET_LEAN_SHRINK=1`` shrinks it first (this can
take minutes: each step of a sequence depends on the ones before).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import namedtuple
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from livewidget.template import CompiledTemplate, diff, environment, merge, to_html
from tests.unit._lean_settings import SETTINGS

TEMPLATES = {
    "simple": "<ul>{% for r in rows %}<li>{{ r.id }}:{{ r.v }}|{{ r.w }}</li>{% endfor %}</ul>",
    "if in row": (
        "{% for r in rows %}<li>{% if r.v %}{{ r.v }}{% elif r.w %}w{{ r.w }}{% else %}-"
        "{% endif %}</li>{% endfor %}"
    ),
    "set in row": (
        "{% for r in rows %}{% set x = r.v ~ '/' ~ title %}<li>{{ x }}{{ r.id }}</li>{% endfor %}"
    ),
    "macro in row": (
        "{% macro cell(r) %}<b>{{ r.v }}{{ title }}</b>{% endmacro %}"
        "{% for r in rows %}<li>{{ cell(r) }}{{ r.w }}</li>{% endfor %}"
    ),
    "lean in lean": (
        "{% for r in rows %}<ul>{% for x in r.xs %}<i>{{ x }}{{ r.v }}</i>{% endfor %}</ul>"
        "{% endfor %}"
    ),
    "lean in indexed": (
        "{% for r in rows %}<ul>{{ loop.index }}{% for x in r.xs %}<i>{{ x }}{{ title }}</i>"
        "{% endfor %}</ul>{% endfor %}"
    ),
    "loop in if in row": (
        "{% for r in rows %}<li>{% if r.xs %}{% for x in r.xs %}{{ x }},{% endfor %}"
        "{% else %}none{% endif %}</li>{% endfor %}"
    ),
    "same list twice": (
        "<a>{% for r in rows %}<i>{{ r.v }}</i>{% endfor %}</a>{{ title }}"
        "<b>{% for r in rows %}<i>{{ r.id }}{{ r.w }}</i>{% endfor %}</b>"
    ),
    "inner loop filter reads outer loop": (
        "{% for r in rows %}<li>{% for x in r.xs if loop.index > 1 %}{{ x }}{% endfor %}</li>"
        "{% endfor %}"
    ),
    "cross join": (
        "{% for a in rows %}<tr>{% for b in rows %}<td>{{ a.id }}.{{ b.v }}</td>{% endfor %}</tr>"
        "{% endfor %}"
    ),
    "set read by inner loop": (
        "{% for r in rows %}{% set base = r.v ~ title %}<ul>{% for x in r.xs %}"
        "<i>{{ base }}-{{ x }}</i>{% endfor %}</ul>{% endfor %}"
    ),
    "loop.first and loop.last": (
        "{% for r in rows %}<li>{% if loop.first %}F{% endif %}{{ r.v }}{% if loop.last %}L"
        "{% endif %}</li>{% endfor %}"
    ),
    "filtered copy": (
        "{% set shown = rows | reverse | list %}{% for r in shown %}<i>{{ r.v }}</i>{% endfor %}"
        "{% for r in rows[1:] %}<b>{{ r.w }}</b>{% endfor %}"
    ),
    "filters yielding generators": (
        '{% for r in rows | selectattr("id", "defined") %}<i>{{ r.id }}{{ r.v }}</i>{% endfor %}'
        "{% for r in rows | reverse %}<b>{{ r.w }}</b>{% endfor %}"
        '{% for v in rows | map(attribute="v", default="") %}<u>{{ v }}</u>{% endfor %}'
    ),
    "twin branches": (  # same statics, other blocks: a title step switches between them
        "{% if title | length > 1 %}<a>{% for r in rows %}<i>{{ r.v }}</i>{% endfor %}</a>"
        "{% else %}<a>{% for r in rows %}<i>{{ r.v }}</i>{% endfor %}</a>{% endif %}"
    ),
    "dict keys in row": (
        "{% for r in rows %}<li>{% if r is mapping %}{% for k in r %}{{ k }}={{ r[k] }};"
        "{% endfor %}{% endif %}</li>{% endfor %}"
    ),
    "outer name in rows": (
        "{% for r in rows %}<li>{{ title }}{{ r.v }}</li>{% endfor %}"
        "{% for r in rows %}<li>{{ r.w }}</li>{% endfor %}"
    ),
}


class Bag:
    """A plain object row (attributes in ``__dict__``)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Bag({self.__dict__!r})"


class SubDict(dict[str, Any]):
    """A dict subclass row."""


@dataclasses.dataclass(frozen=True)
class Frozen:
    """A frozen dataclass row (shared with its snapshot when all its fields are atoms)."""

    id: Any
    v: Any
    w: Any
    xs: Any = ()


Named = namedtuple("Named", "id v w xs")

IDS = [0, 1, True, "1", 1.0, 2, None, Markup("2"), "2", (1, 2), -0.0]
VALUES = [
    0,
    1,
    True,
    False,
    1.0,
    -0.0,
    0.0,
    float("nan"),
    "",
    "a",
    "<b>",
    Markup("<b>"),
    Markup("a"),
    None,
    [1, 2],
    [],
    {"a": 1},
]
KINDS = ["dict", "dict other order", "subdict", "bag", "frozen", "named", "list", "no id"]


def _make(kind: str, ident: Any, v: Any, w: Any, xs: list[Any]) -> Any:
    if kind == "dict":
        return {"id": ident, "v": v, "w": w, "xs": xs}
    if kind == "dict other order":
        return {"xs": xs, "w": w, "v": v, "id": ident}
    if kind == "subdict":
        return SubDict(id=ident, v=v, w=w, xs=xs)
    if kind == "bag":
        return Bag(id=ident, v=v, w=w, xs=xs)
    if kind == "frozen":
        return Frozen(ident, v, w, tuple(xs))
    if kind == "named":
        return Named(ident, v, w, tuple(xs))
    if kind == "list":
        return [ident, v, w, xs]
    return {"v": v, "w": w, "xs": xs}


ids = st.one_of(st.sampled_from(IDS), st.integers(0, 6), st.just([1]))
values = st.sampled_from(VALUES).map(copy.deepcopy)
rows = st.builds(
    _make, st.sampled_from(KINDS), ids, values, values, st.lists(st.integers(0, 3), max_size=3)
)
row_lists = st.lists(rows, max_size=8)

# One step: what changes, and from which earlier render the new one is planned (0: the
# latest, k: k renders further back).
steps = st.tuples(
    st.sampled_from(
        [
            "replace",
            "insert",
            "delete",
            "move",
            "mutate",
            "nested",
            "reassign same",
            "copy",
            "reverse",
            "empty",
            "new list",
            "title",
            "raise",
            "retype",
            "retype",
            "twice",
        ]
    ),
    st.integers(0, 20),
    rows,
    row_lists,
    st.integers(0, 3),
)


class Boom:
    """A value whose rendering raises, as a template that fails midway."""

    def __str__(self) -> str:
        raise RuntimeError("boom")

    __html__ = __str__


def _mutate(row: Any, value: Any) -> None:
    """Change ``row`` in place where it can be changed."""
    if isinstance(row, dict):
        row["v"] = value
    elif isinstance(row, list):
        row[1] = value
    elif isinstance(row, Bag):
        row.__dict__["v"] = value


def _nested(row: Any, at: int) -> None:
    """Change the list inside ``row`` in place."""
    xs = row.get("xs") if isinstance(row, dict) else row[3] if isinstance(row, list) else None
    if xs is None and isinstance(row, Bag):
        xs = row.__dict__["xs"]
    if isinstance(xs, list):
        if at % 2:
            xs.append(at)
        elif xs:
            xs[0] = -at
    v = row.get("v") if isinstance(row, dict) else None
    if isinstance(v, list):
        v.append(at)
    elif isinstance(v, dict):
        v[f"k{at}"] = at


#: Equal values that print differently (1 == True == 1.0, 0.0 == -0.0, "a" == Markup("a")).
_TWINS: list[tuple[Any, Any]] = [
    (True, 1),
    (False, 0),
    (1.0, 1),
    (0.0, -0.0),
    (-0.0, 0.0),
    (0, False),
    (1, True),
    (Markup("a"), "a"),
    ("a", Markup("a")),
    (Markup("<b>"), "<b>"),
    ("<b>", Markup("<b>")),
]


def _twin(value: Any) -> Any:
    """A value equal to ``value`` with ``==`` that prints differently, or ``value``."""
    for before, after in _TWINS:
        if type(value) is type(before) and value == before and repr(value) == repr(before):
            return after
    return value


def _retyped(row: Any) -> Any:
    """A new row equal to ``row`` with ``==`` (same id) that renders differently: its ``v``
    swapped for its twin, or a dict's keys in another order."""
    if isinstance(row, Bag):
        return Bag(**{**row.__dict__, "v": _twin(row.__dict__.get("v"))})
    if isinstance(row, Frozen | Named):
        return (
            dataclasses.replace(row, v=_twin(row.v))
            if isinstance(row, Frozen)
            else row._replace(v=_twin(row.v))
        )
    if isinstance(row, list):
        return [row[0], _twin(row[1]), *row[2:]]
    if isinstance(row, dict):
        twin = _twin(row.get("v"))
        if twin is row.get("v"):
            return type(row)(reversed(list(row.items())))
        return type(row)({**row, "v": twin})
    return row


def _step(state: dict[str, Any], step: tuple[Any, ...]) -> set[str]:
    """Apply ``step`` to ``state``; the names it assigned."""
    what, at, row, new_rows, _ = step
    items: list[Any] = state["rows"]
    index = at % len(items) if items else 0
    if what == "title":
        state["title"] = f"t{at}"
        return {"title"}
    if what == "replace" and items:
        items[index] = row  # in place, then assigned again
    elif what == "insert":
        items.insert(index, row)
    elif what == "delete" and items:
        del items[index]
    elif what == "move" and items:
        items.insert(at % (len(items) + 1), items.pop(index))
    elif what == "twice" and items:
        items.insert(at % (len(items) + 1), items[index])  # one object at two places
    elif what == "retype" and items:
        items[index] = _retyped(items[index])
    elif what == "mutate" and items:
        _mutate(items[index], row if at % 3 == 0 else VALUES[at % len(VALUES)])
    elif what == "nested" and items:
        _nested(items[index], at)
    elif what == "copy":
        state["rows"] = list(items)
    elif what == "reverse":
        items.reverse()
    elif what == "empty":
        state["rows"] = []
    elif what == "new list":
        state["rows"] = new_rows
    return {"rows"}


class Client:
    """Renders as a session makes them, each planned against a chosen earlier render."""

    def __init__(self, source: str, state: dict[str, Any]) -> None:
        env = environment()
        self.compiled = CompiledTemplate(env, source)
        self.plain = env.from_string(source)
        first = self.compiled.render(state)
        self.renders = [first]
        self.pages = [_wire(first.to_json())]
        self.touched: list[set[str]] = [set()]
        self.check(state, 0)

    def check(self, state: dict[str, Any], index: int) -> None:
        """The rule: the merged page (and the server's own string) is Jinja2's page."""
        expected = self.plain.render(state)
        assert to_html(self.pages[index]) == expected, self.report(state)
        assert str(self.renders[index]) == expected

    def report(self, state: dict[str, Any]) -> str:
        return f"\nSTATE: {state!r}\nGOT: {to_html(self.pages[-1])!r}"

    def render(self, state: dict[str, Any], names: set[str], back: int) -> None:
        """Render ``state`` planned against the render ``back`` renders ago (the client
        holds that render's page), after ``names`` were assigned."""
        self.touched.append(set(names))
        base = max(0, len(self.renders) - 1 - back)
        changed = set().union(*self.touched[base + 1 :])
        new = self.compiled.render(state, changed=changed, previous=self.renders[base])
        page = merge(copy.deepcopy(self.pages[base]), _wire(diff(self.renders[base], new)))
        self.renders.append(new)
        self.pages.append(page)
        self.check(state, len(self.renders) - 1)

    def render_failing(self, state: dict[str, Any]) -> None:
        """A render that raises midway (as Jinja2 does): nothing is kept of it."""
        boom = {"id": "boom", "v": Boom(), "w": Boom(), "xs": [Boom()]}
        before = {"id": "before", "v": 1, "w": 2, "xs": []}
        bad = {**state, "rows": [before, *state["rows"][:1], boom]}
        with pytest.raises(RuntimeError, match="boom"):
            self.plain.render(bad)
        with pytest.raises(RuntimeError, match="boom"):
            self.compiled.render(bad, changed={"rows"}, previous=self.renders[-1])


def _wire(message: Any) -> Any:
    return json.loads(json.dumps(message))


def _renders(source: str, state: dict[str, Any]) -> bool:
    try:
        environment().from_string(source).render(state)
    except (TypeError, jinja2.UndefinedError):
        return False
    return True


@pytest.mark.parametrize("name", TEMPLATES)
@SETTINGS
@given(first=row_lists, sequence=st.lists(steps, min_size=1, max_size=8))
def test_every_render_shows_the_jinja2_page(
    name: str, first: list[Any], sequence: list[tuple[Any, ...]]
) -> None:
    source = TEMPLATES[name]
    state: dict[str, Any] = {"title": "t", "rows": first}
    if not _renders(source, state):
        return
    client = Client(source, state)
    for step in sequence:
        if step[0] == "raise":
            client.render_failing(state)
            continue
        names = _step(state, step)
        if not _renders(source, state):
            return
        client.render(state, names, step[4])


KEYED = (
    '{% for r in rows | keyed("k") %}<li id="{{ r.k }}">{{ r.v }}'
    "{% for x in r.xs %}<i>{{ x }}</i>{% endfor %}</li>{% endfor %}"
)
# Keys that are equal across types (1, True, 1.0), print alike ("2", Markup("2")), are
# unhashable ([1]) or repeat: never None, which ``keyed`` refuses.
KEYS = [0, 1, True, 1.0, "1", 2, "2", Markup("2"), (1, 2), -0.0, 0.0]
keyed_rows = st.lists(
    st.builds(
        lambda kind, k, v, xs: (
            _make(kind, None, v, 0, xs) | {"k": k} if kind == "dict" else Bag(k=k, v=v, xs=xs)
        ),
        st.sampled_from(["dict", "bag"]),
        st.one_of(st.sampled_from(KEYS), st.integers(0, 5), st.just([1])),
        values,
        st.lists(st.integers(0, 3), max_size=3),
    ),
    max_size=8,
)


@SETTINGS
@given(
    first=keyed_rows,
    sequence=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 20), keyed_rows), min_size=1, max_size=8
    ),
)
def test_rows_keyed_by_an_attribute_show_the_jinja2_page(
    first: list[Any], sequence: list[tuple[int, int, list[Any]]]
) -> None:
    """``keyed("k")`` with keys that change type, repeat, or cannot be hashed."""
    state: dict[str, Any] = {"title": "t", "rows": first}
    if not _renders(KEYED, state):
        return
    client = Client(KEYED, state)
    for what, at, more in sequence:
        rows = list(state["rows"])
        if what == 0:
            rows = more
        elif what == 1:
            rows[at % (len(rows) + 1) : at % (len(rows) + 1)] = more[:2]
        elif what == 2 and rows:
            del rows[at % len(rows)]
        elif what == 3 and rows:
            rows.insert(at % (len(rows) + 1), rows.pop(at % len(rows)))
        elif what == 4 and rows:
            row = rows[at % len(rows)]
            rows[at % len(rows)] = (
                {**row, "k": _twin(row["k"])}
                if isinstance(row, dict)
                else Bag(**{**row.__dict__, "k": _twin(row.k)})
            )
        state["rows"] = rows
        if not _renders(KEYED, state):
            return
        client.render(state, {"rows"}, at % 3)
