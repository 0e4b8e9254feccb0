"""Lean loops across render histories: diffs against older renders, failed renders, memory.

A lean loop's comprehension remembers the render it was planned against (its
``Derivation``), so its diff against that render looks only at the rows between the unchanged
ends. These tests pin what that must never cost: a diff against any other render is still
right, a render that raises midway leaves the previous one usable, and a long run of renders
keeps no chain of old renders (or their rows) alive.
"""

from __future__ import annotations

import gc
import json
import weakref
from dataclasses import dataclass
from typing import Any

import pytest

from livewidget.template import (
    CompiledTemplate,
    Comprehension,
    Rendered,
    diff,
    environment,
    merge,
    to_html,
)

TABLE = "<h1>{{ title }}</h1><ul>{% for r in rows %}<li>{{ r.id }} {{ r.v }}</li>{% endfor %}</ul>"
NESTED = (
    "{% for g in groups %}<ul>{{ g.id }}{% for r in g.rows %}<li>{{ r.v }}</li>{% endfor %}"
    "</ul>{% endfor %}"
)


def _rows(count: int, start: int = 0, v: str = "a") -> list[dict[str, Any]]:
    return [{"id": i, "v": v} for i in range(start, start + count)]


def _wire(message: Any) -> Any:
    return json.loads(json.dumps(message))


def _loop(tree: Rendered) -> Comprehension:
    (found,) = [d for d in tree.dynamics if isinstance(d, Comprehension)]
    return found


class _History:
    """Renders of one template, each planned against the previous one."""

    def __init__(self, source: str, assigns: dict[str, Any]) -> None:
        self.env = environment()
        self.source = source
        self.compiled = CompiledTemplate(self.env, source)
        self.renders = [self.compiled.render(assigns)]
        self.states = [dict(assigns)]

    def next(self, assigns: dict[str, Any], base: int = -1) -> Rendered:
        tree = self.compiled.render(assigns, changed=set(assigns), previous=self.renders[base])
        self.renders.append(tree)
        self.states.append(dict(assigns))
        return tree

    def page(self, old: int, new: int) -> str:
        """The page a client holding render ``old`` shows after ``diff(old, new)``."""
        start = _wire(self.renders[old].to_json())
        return to_html(merge(start, _wire(diff(self.renders[old], self.renders[new]))))

    def expected(self, index: int) -> str:
        return self.env.from_string(self.source).render(self.states[index])


@pytest.mark.parametrize(
    "edits",
    [
        "append",
        "remove first",
        "remove middle",
        "change middle",
        "move first to end",
        "empty",
        "reverse",
    ],
)
def test_a_diff_against_an_older_render_than_the_base(edits: str) -> None:
    """A, B from A, C from B: diff(A, C) (C's derivation names B) still gives C's page, and
    so do diff(A, B) and diff(B, C) after C was made."""
    rows = _rows(12)
    history = _History(TABLE, {"title": "t", "rows": rows})
    b_rows = [*rows[:5], {"id": 5, "v": "b"}, *rows[6:]]
    history.next({"title": "t", "rows": b_rows})
    c_rows = {
        "append": [*b_rows, *_rows(2, 100)],
        "remove first": b_rows[1:],
        "remove middle": b_rows[:5] + b_rows[7:],
        "change middle": [*b_rows[:6], {"id": 6, "v": "c"}, *b_rows[7:]],
        "move first to end": [*b_rows[1:], b_rows[0]],
        "empty": [],
        "reverse": b_rows[::-1],
    }[edits]
    history.next({"title": "t", "rows": c_rows})
    assert _loop(history.renders[2]).derivation is not None or edits in ("empty", "reverse")
    for old, new in ((0, 2), (0, 1), (1, 2)):
        assert history.page(old, new) == history.expected(new), (old, new)


def test_two_renders_planned_against_the_same_render() -> None:
    """B from A, then B' from A (B was never sent, as after a rollback): both diffs hold."""
    rows = _rows(10)
    history = _History(TABLE, {"title": "t", "rows": rows})
    history.next({"title": "t", "rows": [*rows[:3], *rows[4:]]})
    history.next({"title": "u", "rows": [*rows, *_rows(1, 50)]}, base=0)
    assert _loop(history.renders[2]).derivation is not None
    assert history.page(0, 2) == history.expected(2)
    assert history.page(0, 1) == history.expected(1)
    assert history.page(1, 2) == history.expected(2)


class _Boom:
    def __str__(self) -> str:
        raise RuntimeError("boom")

    __html__ = __str__


@pytest.mark.parametrize("source", [TABLE, NESTED])
def test_a_render_that_raises_midway_leaves_the_previous_render_usable(source: str) -> None:
    """The failed render reached the loop (and its end for the rows before the bad one);
    the next render from the last good one is right, its diff against it too."""
    if source == TABLE:

        def state(rows: list[Any]) -> dict[str, Any]:
            return {"title": "t", "rows": rows}

    else:

        def state(rows: list[Any]) -> dict[str, Any]:
            return {"groups": [{"id": 0, "rows": rows[:3]}, {"id": 1, "rows": rows[3:]}]}

    rows = _rows(8)
    history = _History(source, state(rows))
    changed = [*rows[:2], {"id": 2, "v": "b"}, *rows[3:]]
    history.next(state(changed))
    bad = [*changed[:4], {"id": 4, "v": _Boom()}, *changed[5:]]
    with pytest.raises(RuntimeError, match="boom"):
        history.compiled.render(state(bad), changed=set(state(bad)), previous=history.renders[1])
    history.next(state([*changed[:6], {"id": 6, "v": "c"}, *changed[7:]]))
    assert history.page(1, 2) == history.expected(2)
    assert history.page(0, 2) == history.expected(2)


def test_a_list_growing_from_empty_and_back() -> None:
    history = _History(TABLE, {"title": "t", "rows": []})
    sizes = [0, 1, 3, 3, 0, 2, 5]
    for step, size in enumerate(sizes[1:], 1):
        history.next({"title": "t", "rows": _rows(size, v=f"v{step % 2}")})
        assert history.page(step - 1, step) == history.expected(step)


def test_a_list_that_started_empty_is_keyed_once_its_rows_have_ids() -> None:
    """Found here, fixed in 9e36111: a lean loop kept the keying of the render it was
    planned against, so moving one row of 1,000 re-sent ~999 rows (45 KB)."""
    rows = [{"id": i, "v": f"n{i}"} for i in range(1000)]
    history = _History(TABLE, {"title": "t", "rows": []})
    history.next({"title": "t", "rows": rows})
    history.next({"title": "t", "rows": [*rows[1:], rows[0]]})
    assert history.page(1, 2) == history.expected(2)
    assert len(json.dumps(diff(history.renders[1], history.renders[2]))) < 200


# -- memory ---------------------------------------------------------------------------------


def _comprehensions_of(compiled: CompiledTemplate) -> int:
    """Comprehensions alive that came from ``compiled``'s loops."""
    gc.collect()
    bodies: set[int] = set()
    stack: list[Any] = list(compiled.root.slots)
    while stack:
        slot = stack.pop()
        if slot.body is not None:
            bodies.add(id(slot.body))
            stack.extend(slot.body.slots)
        for branch in slot.branches:
            stack.extend(branch.slots)
    return sum(
        1 for obj in gc.get_objects() if type(obj) is Comprehension and id(obj.block) in bodies
    )


@pytest.mark.parametrize("update", ["append", "change one", "remove first", "title only"])
def test_a_long_run_of_renders_keeps_no_chain_of_old_loops(update: str) -> None:
    compiled = CompiledTemplate(environment(), TABLE)
    rows = _rows(20)
    tree = compiled.render({"title": "t", "rows": rows})
    for step in range(200):
        if update == "append":
            rows = [*rows, {"id": 1000 + step, "v": "n"}]
        elif update == "change one":
            rows = [*rows[:7], {"id": 7, "v": f"v{step}"}, *rows[8:]]
        elif update == "remove first":
            rows = [*rows[1:], {"id": 1000 + step, "v": "n"}]
        names = {"title"} if update == "title only" else {"rows"}
        tree = compiled.render({"title": f"t{step}", "rows": rows}, changed=names, previous=tree)
    # The last render's loop, and at most the one it was planned against.
    assert _comprehensions_of(compiled) <= 2


def test_nested_lean_loops_keep_no_chain_of_old_rows() -> None:
    compiled = CompiledTemplate(environment(), NESTED)
    groups: list[dict[str, Any]] = [{"id": g, "rows": _rows(5, 10 * g)} for g in range(4)]
    tree = compiled.render({"groups": groups})
    for step in range(150):
        g = step % 4
        group = {"id": g, "rows": [*groups[g]["rows"][1:], {"id": 500 + step, "v": "x"}]}
        groups = [*groups[:g], group, *groups[g + 1 :]]
        tree = compiled.render({"groups": groups}, changed={"groups"}, previous=tree)
    # One outer loop and one inner loop per group, each with at most its base.
    assert _comprehensions_of(compiled) <= 2 * (1 + len(groups))


@dataclass(frozen=True)
class _Row:
    """An immutable row: shared with its snapshot, so its comprehension holds it."""

    id: int
    v: str


class _Mutable:
    """A mutable row: its snapshot is a copy, which must not hold the row."""

    def __init__(self, id: int, v: str) -> None:
        self.id = id
        self.v = v


@pytest.mark.parametrize("kind", [_Row, _Mutable])
def test_rows_gone_from_the_list_are_freed(kind: type) -> None:
    compiled = CompiledTemplate(environment(), TABLE)
    rows = [kind(i, "a") for i in range(10)]
    tree = compiled.render({"title": "t", "rows": rows})
    gone = [weakref.ref(row) for row in rows]
    for step in range(30):
        rows = [*rows[1:], kind(100 + step, "b")]
        if step < 10:
            gone.append(weakref.ref(rows[-1]))
        tree = compiled.render({"title": "t", "rows": rows}, changed={"rows"}, previous=tree)
    assert str(tree) == environment().from_string(TABLE).render(title="t", rows=rows)
    del rows
    gc.collect()
    alive = [ref for ref in gone if ref() is not None]
    assert not alive, f"{len(alive)} of {len(gone)} rows removed long ago are still alive"


def test_a_list_that_once_repeated_an_id_is_keyed_once_the_ids_are_unique() -> None:
    """Found here, fixed in 405e665: while rows at either end were kept, the loop stayed
    keyed by position, and moving one row of 1,000 by 490 places re-sent 490 rows (22 KB)."""
    rows = [{"id": i, "v": f"n{i}"} for i in range(1000)]
    repeated = [*rows[:500], {"id": 501, "v": "again"}, *rows[501:]]
    history = _History(TABLE, {"title": "t", "rows": repeated})
    history.next({"title": "t", "rows": rows})
    moved = list(rows)
    moved.insert(10, moved.pop(500))
    history.next({"title": "t", "rows": moved})
    assert history.page(1, 2) == history.expected(2)
    assert len(json.dumps(diff(history.renders[1], history.renders[2]))) < 200
