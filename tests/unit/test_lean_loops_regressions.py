"""Stale renders found by ``test_lean_loops_adversarial.py``, each as its smallest case.

Fixed: in 6b04f1d an inner loop's filter reading the enclosing loop's ``loop``, rows that are
subclasses of dict, list, str…; in 9e36111 subclasses of date, datetime, timedelta, Decimal,
Fraction and UUID; in 405e665 a loop over jinja2 ``Undefined`` items (it raised).
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import fractions
import json
import uuid
from collections import Counter, OrderedDict, namedtuple
from typing import Any

import pytest

from livewidget.template import CompiledTemplate, diff, environment, merge, to_html


class SubDict(dict[str, Any]):
    """A dict subclass row."""


Named = namedtuple("Named", "id v w xs")


def _wire(message: Any) -> Any:
    return json.loads(json.dumps(message))


def _page_after(source: str, first: dict[str, Any], then: dict[str, Any]) -> tuple[str, str]:
    """The merged page after one update, and Jinja2's page of the same assigns."""
    env = environment()
    compiled = CompiledTemplate(env, source)
    before = compiled.render(first)
    after = compiled.render(then, changed=set(then), previous=before)
    page = merge(_wire(before.to_json()), _wire(diff(before, after)))
    return to_html(page), env.from_string(source).render(then)


@pytest.mark.parametrize("move", [False, True])
def test_an_inner_loop_filter_reading_the_outer_loop(move: bool) -> None:
    source = (
        "{% for r in rows %}<li>{% for x in r.xs if loop.index > 1 %}{{ x }}{% endfor %}</li>"
        "{% endfor %}"
    )
    first = {"rows": [{"id": 1, "xs": [1]}, {"id": 2, "xs": [2]}]}
    if move:  # row 1 moves to index 2: kept as it was, though loop.index changed
        then = {"rows": [{"id": 0, "xs": [0]}, {"id": 1, "xs": [1]}, {"id": 2, "xs": [2]}]}
    else:  # row 2 changes: evaluated alone, Jinja2's loop.index is 1 for it
        then = {"rows": [{"id": 1, "xs": [1]}, {"id": 2, "xs": [5]}]}
    page, expected = _page_after(source, first, then)
    assert page == expected


class _SubList(list[Any]):
    pass


class _Name(str):
    pass


@dataclasses.dataclass
class _Plain:
    id: int
    name: str


@pytest.mark.parametrize(
    "kind",
    ["dict subclass", "OrderedDict", "Counter", "list subclass", "str subclass", "in a dataclass"],
)
def test_a_row_of_a_builtin_subclass_that_changed(kind: str) -> None:
    make: Any = {
        "dict subclass": lambda v: SubDict(id=1, v=v),
        "OrderedDict": lambda v: OrderedDict(id=1, v=v),
        "Counter": lambda v: Counter(id=1, v=v),
        "list subclass": lambda v: _SubList([1, v]),
        "str subclass": lambda v: _Name(f"name {v}"),
        "in a dataclass": lambda v: _Plain(1, _Name(f"name {v}")),
    }[kind]
    source = "{% for r in rows %}<i>{{ r }}</i>{% endfor %}"
    page, expected = _page_after(source, {"rows": [make(0)]}, {"rows": [make(5)]})
    assert page == expected


class _Day(datetime.date):
    pass


class _Instant(datetime.datetime):
    pass


class _Span(datetime.timedelta):
    pass


class _Amount(decimal.Decimal):
    pass


class _Ratio(fractions.Fraction):
    pass


class _Ident(uuid.UUID):
    pass


@pytest.mark.parametrize("where", ["row", "dataclass field"])
@pytest.mark.parametrize(
    ("before", "after"),
    [
        (_Day(2020, 1, 1), _Day(2021, 1, 1)),
        (_Instant(2020, 1, 1), _Instant(2021, 1, 1)),
        (_Span(1), _Span(2)),
        (_Amount("1.5"), _Amount("2.5")),
        (_Ratio(1, 2), _Ratio(1, 3)),
        (_Ident(int=1), _Ident(int=2)),
    ],
    ids=["date", "datetime", "timedelta", "Decimal", "Fraction", "UUID"],
)
def test_a_row_of_an_atom_subclass_that_changed(where: str, before: Any, after: Any) -> None:
    def wrap(value: Any) -> Any:
        return value if where == "row" else _Plain(1, value)

    source = "{% for r in rows %}<i>{{ r }}</i>{% endfor %}"
    page, expected = _page_after(source, {"rows": [wrap(before)]}, {"rows": [wrap(after)]})
    assert page == expected


@pytest.mark.parametrize(
    ("source", "assigns"),
    [
        ("{% for v in [missing] %}<u>{{ v }}</u>{% endfor %}", {}),
        (
            "{% for v in rows | map(attribute='nick') %}<u>{{ v }}</u>{% endfor %}",
            {"rows": [{"nick": "a"}, {"name": "b"}]},
        ),
    ],
)
def test_a_loop_over_undefined_items(source: str, assigns: dict[str, Any]) -> None:
    """Jinja2 prints an Undefined item as nothing; reading its key raised."""
    env = environment()
    assert str(CompiledTemplate(env, source).render(assigns)) == env.from_string(source).render(
        assigns
    )
