"""Lean loops: rows paired in work proportional to the change, and their diffs.

A loop whose body never reads ``loop`` finds its unchanged rows at both ends of the list in
C-speed passes and pairs only the rows between (``_loops.lean_plan``); its diff looks only at
those rows (``_rendered._diff_rows``). These tests generate lists and edits, and check the
page against a plain Jinja2 render, the diff against the row-by-row diff, and the Python-level
comparisons against the number of rows that changed.
"""

from __future__ import annotations

import dataclasses
import json
from collections import namedtuple
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import livewidget.template._loops as loops
import livewidget.template._scan as scan
from livewidget.template import CompiledTemplate, Comprehension, diff, environment, merge, to_html

TEMPLATE = (
    "<h1>{{ title }}</h1><ul>{% for row in rows %}"
    '<li id="r{{ row.id }}">{{ row.name }} {{ row.score }}</li>{% endfor %}</ul>'
)
# Dict rows also print their keys, in order: a key added or moved in place shows.
DICT_TEMPLATE = TEMPLATE.replace("{{ row.score }}", "{{ row.score }} {{ row|join(',') }}")
TUPLE_TEMPLATE = (
    "<ul>{% for row in rows %}<li>{{ row[0] }} {{ row[1] }} {{ row[2] }}</li>{% endfor %}</ul>"
)

Person = namedtuple("Person", "id name score")


@dataclasses.dataclass(frozen=True)
class Frozen:
    id: int
    name: str
    score: Any


KINDS = {
    "dict": lambda i, name, score: {"id": i, "name": name, "score": score},
    "named tuple": Person,
    "frozen dataclass": Frozen,
    "tuple": lambda i, name, score: (i, name, score),
}

scores = st.one_of(st.integers(0, 3), st.booleans(), st.sampled_from([1.0, 0.0, -0.0, "1", "x"]))
edits = st.lists(
    st.tuples(
        st.sampled_from(
            [
                *("replace", "insert", "delete", "move", "same", "rebuild"),
                *("mutate", "reorder", "widen", "rekey"),
            ]
        ),
        st.integers(0, 40),
        scores,
    ),
    min_size=1,
    max_size=6,
)


def _apply(kind: str, rows: list[Any], edit: tuple[str, int, Any], fresh_id: int) -> list[Any]:
    what, at, score = edit
    make = KINDS[kind]
    rows = list(rows)
    index = at % len(rows) if rows else 0
    if what == "replace" and rows:
        old = rows[index]
        ident = old[0] if kind == "tuple" else old["id"] if kind == "dict" else old.id
        rows[index] = make(ident, f"n{ident}", score)
    elif what == "insert":
        rows.insert(index, make(fresh_id, f"n{fresh_id}", score))
    elif what == "delete" and rows:
        del rows[index]
    elif what == "move" and rows:
        rows.insert(at % (len(rows) + 1), rows.pop(index))
    elif what in ("mutate", "reorder", "widen", "rekey") and rows and kind == "dict":
        # In place: the row is the very object the previous render had.
        row = rows[index]
        if what == "mutate":
            row["score"] = score
        elif what == "reorder":  # the first key moved last ("name" may be renamed by now)
            first = next(iter(row))
            row[first] = row.pop(first)
        elif what == "widen":
            row[f"k{at}"] = score
        else:  # the last key renamed, its value kept
            last = list(row)[-1]
            if last != "id":
                row[f"k{at}"] = row.pop(last)
    elif what == "rebuild":  # every row a new, equal object
        if kind == "dict":
            rows = [dict(row) for row in rows]
        elif kind == "frozen dataclass":
            rows = [dataclasses.replace(row) for row in rows]
        elif kind == "named tuple":
            rows = [Person(*row) for row in rows]
        else:
            rows = [tuple(row) for row in rows]
    return rows


def _without_derivation(tree: Comprehension) -> Comprehension:
    return dataclasses.replace(tree, derivation=None)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 30), steps=st.lists(edits, min_size=1, max_size=4))
def test_lean_loops_show_the_jinja2_page(kind: str, size: int, steps: list[Any]) -> None:
    env = environment()
    source = {"tuple": TUPLE_TEMPLATE, "dict": DICT_TEMPLATE}.get(kind, TEMPLATE)
    compiled = CompiledTemplate(env, source)
    plain = env.from_string(source)
    rows = [KINDS[kind](i, f"n{i}", i % 3) for i in range(size)]
    assigns = {"title": "T", "rows": rows}
    previous = compiled.render(assigns)
    client = json.loads(json.dumps(previous.to_json()))
    fresh_id = 1000
    for step in steps:
        for edit in step:
            rows = _apply(kind, rows, edit, fresh_id)
            fresh_id += 1
        assigns = {"title": "T", "rows": rows}
        new = compiled.render(assigns, changed={"rows"}, previous=previous)
        change = diff(previous, new)
        client = merge(client, json.loads(json.dumps(change)))
        assert to_html(client) == plain.render(assigns)
        loop_old, loop_new = _loop(previous), _loop(new)
        if loop_new.derivation is not None and loop_old.keying == loops.KEYS:
            # Rows keyed by id: the derived diff is exactly the row-by-row one.
            slow = diff(previous, _replace_loop(new, _without_derivation(loop_new)))
            assert change == slow
        previous = new


def _loop(tree: Any) -> Comprehension:
    found = [d for d in tree.dynamics if isinstance(d, Comprehension)]
    assert len(found) == 1
    return found[0]


def _replace_loop(tree: Any, loop: Comprehension) -> Any:
    dynamics = [loop if isinstance(d, Comprehension) else d for d in tree.dynamics]
    return dataclasses.replace(tree, dynamics=dynamics)


def _compare_counter(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = loops.same

    def counted(snap: Any, value: Any, depth: int = 0) -> bool:
        calls.append(1)
        return real(snap, value, depth)

    # The scan of the kept ends and the pairing of the rows between them both compare.
    monkeypatch.setattr(loops, "same", counted)
    monkeypatch.setattr(scan, "same", counted)
    return calls


@pytest.mark.parametrize("kind", ["dict", "named tuple", "frozen dataclass", "tuple"])
@pytest.mark.parametrize("update", ["cell", "append", "remove"])
def test_one_changed_row_of_a_thousand_compares_a_few_rows_in_python(
    kind: str, update: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row is still checked (in C), but Python-level comparisons stay with the change."""
    source = TUPLE_TEMPLATE if kind == "tuple" else TEMPLATE
    compiled = CompiledTemplate(environment(), source)
    rows = [KINDS[kind](i, f"n{i}", i % 3) for i in range(1000)]
    previous = compiled.render({"title": "T", "rows": rows})
    calls = _compare_counter(monkeypatch)
    if update == "cell":
        rows = list(rows)
        rows[499] = KINDS[kind](499, "n499", 7)
    elif update == "append":
        rows = [*rows, KINDS[kind](1000, "n1000", 0)]
    else:
        rows = rows[:499] + rows[500:]
    new = compiled.render({"title": "T", "rows": rows}, changed={"rows"}, previous=previous)
    assert len(calls) <= 3, f"{len(calls)} rows compared one by one in Python"
    assert len(json.dumps(diff(previous, new))) <= 130
    loop = _loop(new)
    assert loop.derivation is not None and loop.derivation.base is _loop(previous)


@pytest.mark.parametrize("size", [100, 3000])
def test_dict_rows_are_laid_end_to_end_once_per_render(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dict rows of plain values: each update lays the new rows end to end once (the
    previous render's lists are kept) and finds the changed row in a few comparisons of
    stretches, as many at 3,000 rows as the halving needs, never one per row."""
    made: list[int] = []
    compared: list[int] = []

    class Counted(scan.Flat):
        __slots__ = ()

        def __init__(self, rows: list[dict[Any, Any]], width: int) -> None:
            made.append(len(rows))
            super().__init__(rows, width)

        def same(self, *args: Any, **kwargs: Any) -> bool:
            compared.append(1)
            return super().same(*args, **kwargs)

    monkeypatch.setattr(scan, "Flat", Counted)
    compiled = CompiledTemplate(environment(), TEMPLATE)
    rows = [{"id": i, "name": f"n{i}", "score": i % 3} for i in range(size)]
    previous = compiled.render({"title": "T", "rows": rows})
    for step in range(3):
        rows = list(rows)
        rows[size // 3] = {**rows[size // 3], "score": step + 5}
        made.clear(), compared.clear()
        new = compiled.render({"title": "T", "rows": rows}, changed={"rows"}, previous=previous)
        assert made == ([size, size] if step == 0 else [size])  # the first: the old ones too
        assert 0 < len(compared) <= 4 * size.bit_length() + 4
        assert _loop(new).flat is not None and _loop(new).flat is not scan.NO_FLAT
        previous = new
    page = environment().from_string(TEMPLATE).render(title="T", rows=rows)
    assert to_html(previous.to_json()) == page


@pytest.mark.parametrize("update", ["cell", "append", "remove"])
def test_rows_paired_by_position_keep_their_positions_as_keys(update: str) -> None:
    """Tuple rows have no id: they are keyed 0 … n - 1. An update of the same count reuses
    the previous render's list (it is never changed in place); any other builds it anew."""
    compiled = CompiledTemplate(environment(), TUPLE_TEMPLATE)
    rows = [(i, f"n{i}", 0) for i in range(50)]
    previous = compiled.render({"rows": rows})
    if update == "cell":
        rows = [*rows[:20], (20, "x", 1), *rows[21:]]
    elif update == "append":
        rows = [*rows, (50, "n50", 0)]
    else:
        rows = rows[:20] + rows[21:]
    new = compiled.render({"rows": rows}, changed={"rows"}, previous=previous)
    assert _loop(new).keys == list(range(len(rows)))
    assert (_loop(new).keys is _loop(previous).keys) == (update == "cell")
    assert _loop(new).derivation is not None  # the lean plan made it


def test_a_render_keeps_only_its_parent_alive() -> None:
    compiled = CompiledTemplate(environment(), TEMPLATE)
    rows = [{"id": i, "name": "a", "score": 0} for i in range(10)]
    first = compiled.render({"title": "T", "rows": rows})
    rows = [*rows, {"id": 10, "name": "b", "score": 0}]
    second = compiled.render({"title": "T", "rows": rows}, changed={"rows"}, previous=first)
    rows = [*rows, {"id": 11, "name": "c", "score": 0}]
    third = compiled.render({"title": "T", "rows": rows}, changed={"rows"}, previous=second)
    assert _loop(third).derivation is not None
    assert _loop(second).derivation is None  # no chain back to the first render


def test_a_loop_reading_loop_visits_every_row() -> None:
    """A body that reads ``loop`` is not lean: Jinja2 gives it the real index."""
    source = "{% for row in rows %}<i>{{ loop.index }}{{ row.id }}</i>{% endfor %}"
    compiled = CompiledTemplate(environment(), source)
    rows = [{"id": i} for i in range(5)]
    first = compiled.render({"rows": rows})
    rows = rows[:2] + rows[3:]
    second = compiled.render({"rows": rows}, changed={"rows"}, previous=first)
    assert str(second) == environment().from_string(source).render(rows=rows)
    assert _loop(second).derivation is None


@pytest.mark.parametrize(("before", "after"), [(1, True), (1, 1.0), (0.0, -0.0), ("a", "a ")])
@pytest.mark.parametrize("kind", ["dict", "named tuple", "frozen dataclass"])
def test_an_equal_value_of_another_type_is_a_change(kind: str, before: Any, after: Any) -> None:
    """``1 == True`` and ``0.0 == -0.0``, yet they print differently: compared type-strict."""
    env = environment()
    compiled = CompiledTemplate(env, TEMPLATE)
    rows = [KINDS[kind](i, f"n{i}", before) for i in range(20)]
    previous = compiled.render({"title": "T", "rows": rows})
    rows = [KINDS[kind](i, f"n{i}", after if i == 7 else before) for i in range(20)]
    new = compiled.render({"title": "T", "rows": rows}, changed={"rows"}, previous=previous)
    client = merge(previous.to_json(), diff(previous, new))
    assert to_html(client) == env.from_string(TEMPLATE).render(title="T", rows=rows)


def test_a_dict_with_its_keys_in_another_order_is_a_change() -> None:
    source = "{% for row in rows %}<i>{% for k in row %}{{ k }}{% endfor %}</i>{% endfor %}"
    env = environment()
    compiled = CompiledTemplate(env, source)
    rows = [{"id": i, "a": 1, "b": 2} for i in range(5)]
    previous = compiled.render({"rows": rows})
    rows = [*rows[:2], {"id": 2, "b": 2, "a": 1}, *rows[3:]]
    new = compiled.render({"rows": rows}, changed={"rows"}, previous=previous)
    assert to_html(merge(previous.to_json(), diff(previous, new))) == env.from_string(
        source
    ).render(rows=rows)


@pytest.mark.parametrize(
    "then",
    [
        [{"id": 1}, {"id": 2}, {"id": 2}, {"id": 3}],  # a repeated key: planned row by row
        [{"id": 1}, {"id": 2}, {"x": 9}, {"id": 3}],  # a row without a key
        [{"id": 3}, {"id": 1}],  # nothing kept at either end
    ],
)
@pytest.mark.parametrize("first", [[], [{"id": 1}, {"id": 2}, {"id": 3}]])
def test_a_filter_s_generator_is_read_once_whatever_the_plan(
    first: list[Any], then: list[Any]
) -> None:
    """``rows | selectattr(...)`` is a generator: a plan that gives up and plans row by row
    must not read it a second time (it would be empty)."""
    source = '{% for r in rows | selectattr("id", "defined") %}<i>{{ r.id }}</i>{% endfor %}'
    env = environment()
    compiled = CompiledTemplate(env, source)
    previous = compiled.render({"rows": first})
    new = compiled.render({"rows": then}, changed={"rows"}, previous=previous)
    page = to_html(merge(previous.to_json(), diff(previous, new)))
    assert page == env.from_string(source).render(rows=then)


class _Tagged:
    def __init__(self, tag: str, n: int) -> None:
        self.tag = tag
        self.n = n


def test_rows_keyed_by_an_attribute_of_objects_are_keyed_afresh_without_error() -> None:
    """Objects are copied by their attributes; keying the previous render's copies afresh
    must not fail when the copies do not show the key the template names."""
    source = '{% for r in rows | keyed("tag") %}<i>{{ r.tag }}{{ r.n }}</i>{% endfor %}'
    env = environment()
    compiled = CompiledTemplate(env, source)
    rows: list[Any] = [{"tag": "a", "n": 1}, _Tagged("a", 2)]  # a repeat: paired by position
    previous = compiled.render({"rows": rows})
    rows = [_Tagged(f"t{i}", i) for i in range(20)]
    new = compiled.render({"rows": rows}, changed={"rows"}, previous=previous)
    page = to_html(merge(previous.to_json(), diff(previous, new)))
    assert page == env.from_string(source).render(rows=rows)
