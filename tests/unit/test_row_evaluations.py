"""Work proportional to the change: how many loop rows a render evaluates, counted.

Rows are objects whose ``label`` property counts its reads, so the count is exactly the
number of row bodies the compiler ran (a plain Jinja2 render would run all of them)."""

from __future__ import annotations

import pytest

from livewidget.template import CompiledTemplate, environment

TEMPLATE = """<h1>{{ title }}</h1><ul>{% for row in rows %}
<li id="r{{ row.id }}">{{ row.label }} {{ row.score }}</li>{% endfor %}</ul>"""

COUNT: list[int] = []


class Row:
    def __init__(self, id, name, score=0):
        self.id = id
        self.name = name
        self.score = score

    @property
    def label(self):
        COUNT.append(self.id)
        return self.name.upper()


def rows(n=1000):
    return [Row(i, f"p{i}") for i in range(n)]


def change_one(state):
    state["rows"] = list(state["rows"])
    old = state["rows"][499]
    state["rows"][499] = Row(old.id, old.name, old.score + 1)
    return {"rows"}


def change_in_place(state):
    state["rows"][10].score += 5  # in place, then assigned again: seen by value
    return {"rows"}


def append(state):
    state["rows"] = [*state["rows"], Row(10_000, "new")]
    return {"rows"}


def remove(state):
    state["rows"] = state["rows"][:499] + state["rows"][500:]
    return {"rows"}


def title(state):
    state["title"] = "other"
    return {"title"}


def reassign_same(state):
    return {"rows"}  # assigned again, unchanged


@pytest.mark.parametrize(
    ("update", "evaluated"),
    [
        (change_one, 1),
        (change_in_place, 1),
        (append, 1),
        (remove, 0),
        (title, 0),
        (reassign_same, 0),
    ],
)
def test_an_update_evaluates_only_the_rows_it_changed(update, evaluated):
    compiled = CompiledTemplate(environment(), TEMPLATE)
    state = {"title": "t", "rows": rows()}
    before = compiled.render(state)
    COUNT.clear()
    changed = update(state)
    after = compiled.render(state, changed=changed, previous=before)
    assert len(COUNT) == evaluated
    assert str(after) == environment().from_string(TEMPLATE).render(state)


def test_a_row_using_loop_index_is_evaluated_again_when_it_moves():
    source = "{% for row in rows %}<i>{{ loop.index }}{{ row.label }}</i>{% endfor %}"
    compiled = CompiledTemplate(environment(), source)
    state = {"rows": rows(100)}
    before = compiled.render(state)
    COUNT.clear()
    state["rows"] = state["rows"][1:]  # every row moves up one place
    after = compiled.render(state, changed={"rows"}, previous=before)
    assert len(COUNT) == 99
    assert str(after) == environment().from_string(source).render(state)
