"""Hypothesis strategies for a page's assigns and for sequences of updates to them.

The assigns are the vocabulary :mod:`tests._jinja_grammar` reads: scalars (``str`` with
``<>&"'``, ``int``, ``bool``, floats such as ``2.0``, ``None``, ``Markup``), ``rows`` (dicts,
dicts in another key order, named tuples, frozen dataclasses, plain tuples), ``names``,
``d`` and the helper callables ``label`` / ``fmt``, which read the current assigns.

An update sequence is a list of steps; a step is a tuple of operations. Operations are plain
tuples (so a failing example prints readably) that :func:`apply_step` turns into the
assigns to set: rows inserted, deleted, moved, shuffled, edited (dict rows in place, then the
list re-assigned), replaced by another kind of row, values changing type (``1`` -> ``True``,
``2`` -> ``2.0``, ``str`` -> ``Markup``), dicts whose key order changes, and no-op
re-assignments of the same object or an equal copy. Every name an operation touches is
re-assigned, as ``socket.assign`` would be; nothing is changed in place without that.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from hypothesis import strategies as st
from markupsafe import Markup

from tests._jinja_grammar import GLOBAL_NAMED, SCALARS

ALL_SCALARS = SCALARS + GLOBAL_NAMED
ROW_KINDS = ("dict", "dict_reversed", "named", "frozen", "tuple")
FIELDS = ("name", "score", "vip", "tags")


class RowT(NamedTuple):
    """A row as a named tuple."""

    id: int
    name: Any
    score: Any
    vip: Any
    tags: tuple[Any, ...]


@dataclasses.dataclass(frozen=True)
class RowD:
    """A row as a frozen dataclass."""

    id: int
    name: Any
    score: Any
    vip: Any
    tags: tuple[Any, ...]


class Label:
    """``{{ label() }}``: a helper callable reading the current assigns (not an argument)."""

    def __init__(self, assigns: Callable[[], Mapping[str, Any]]) -> None:
        self.assigns = assigns

    def __call__(self) -> str:
        now = self.assigns()
        return f"{now.get('a')}:{len(now.get('rows') or ())}"

    def __repr__(self) -> str:
        return "Label()"


class Fmt:
    """``{{ fmt(v) }}``: a helper callable mixing its argument with the current assigns."""

    def __init__(self, assigns: Callable[[], Mapping[str, Any]]) -> None:
        self.assigns = assigns

    def __call__(self, value: Any) -> Markup:
        return Markup("<u>{}</u>{}").format(value, self.assigns().get("b"))

    def __repr__(self) -> str:
        return "Fmt()"


def scalars() -> st.SearchStrategy[Any]:
    """Scalars that render differently though some compare equal."""
    return st.one_of(
        st.sampled_from(("", "Ann", "a<b>", "x & y", '"q"', "it's", "2", "True")),
        st.integers(-2, 12),
        st.booleans(),
        st.sampled_from((2.0, 0.5, -1.5, 1.0)),
        st.none(),
        st.sampled_from((Markup("<i>m</i>"), Markup("Ann"), Markup("a&amp;b"))),
    )


def make_row(kind: str, id_: int, name: Any, score: Any, vip: Any, tags: Any) -> Any:
    """A row of ``kind`` (see ``ROW_KINDS``): tags a list in dicts, a tuple in immutable rows
    (or a scalar, once an edit made them one)."""
    if isinstance(tags, list | tuple):
        tags = list(tags) if kind.startswith("dict") else tuple(tags)
    return _row_of_kind(kind, id_, name, score, vip, tags)


def _row_of_kind(kind: str, id_: int, name: Any, score: Any, vip: Any, tags: Any) -> Any:
    if kind == "dict":
        return {"id": id_, "name": name, "score": score, "vip": vip, "tags": tags}
    if kind == "dict_reversed":
        return {"tags": tags, "vip": vip, "score": score, "name": name, "id": id_}
    if kind == "named":
        return RowT(id_, name, score, vip, tags)
    if kind == "frozen":
        return RowD(id_, name, score, vip, tags)
    return (id_, name, score, vip, tags)


def row_fields(row: Any) -> dict[str, Any]:
    """A row's fields, whatever its kind."""
    if isinstance(row, dict):
        return dict(row)
    if isinstance(row, RowT):
        return row._asdict()
    if isinstance(row, RowD):
        return dataclasses.asdict(row)
    return dict(zip(("id", *FIELDS), row, strict=True))


def row_kind(row: Any) -> str:
    """Which of ``ROW_KINDS`` a row is."""
    if isinstance(row, dict):
        return "dict" if next(iter(row), None) == "id" else "dict_reversed"
    return {RowT: "named", RowD: "frozen"}.get(type(row), "tuple")


_tags = st.lists(scalars(), max_size=3)
_names = st.sampled_from(("Ann", "Bob", "<Cy>", "Dé", "", "Ann")) | st.sampled_from(
    (Markup("Ann"), Markup("<b>Bob</b>"))
)


@st.composite
def rows(draw: Callable[[st.SearchStrategy[Any]], Any], first_id: int = 1) -> list[Any]:
    """A list of rows with distinct ids, of mixed kinds."""
    count = draw(st.integers(0, 5))
    kinds = st.sampled_from(ROW_KINDS[:4]) | st.just("tuple")
    return [
        make_row(
            draw(kinds), first_id + i, draw(_names), draw(scalars()), draw(scalars()), draw(_tags)
        )
        for i in range(count)
    ]


@st.composite
def states(draw: Callable[[st.SearchStrategy[Any]], Any]) -> dict[str, Any]:
    """Initial assigns, without the helper callables (see :func:`with_helpers`)."""
    state: dict[str, Any] = {name: draw(scalars()) for name in ALL_SCALARS}
    state["rows"] = draw(rows())
    state["names"] = draw(st.lists(scalars(), max_size=5))
    keys = draw(st.permutations(["k1", "k2", "k3"]))
    state["d"] = {key: draw(scalars()) for key in keys[: draw(st.integers(0, 3))]}
    return state


def with_helpers(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A fresh deep copy of ``spec`` with ``label`` and ``fmt`` reading the copy itself."""
    state: dict[str, Any] = copy.deepcopy(dict(spec))
    state["label"] = Label(lambda: state)
    state["fmt"] = Fmt(lambda: state)
    return state


_index = st.integers(0, 7)  # taken modulo the list's length
_row_ops = st.one_of(
    st.tuples(st.just("insert"), _index, st.sampled_from(ROW_KINDS), _names, scalars(), _tags),
    st.tuples(st.just("delete"), _index),
    st.tuples(st.just("move"), _index, _index),
    st.tuples(st.just("shuffle"), st.integers(0, 99)),
    st.tuples(st.just("edit"), _index, st.sampled_from(FIELDS), scalars()),
    st.tuples(st.just("tags"), _index, _tags),
    st.tuples(st.just("rekind"), _index, st.sampled_from(ROW_KINDS)),
    st.tuples(st.just("dup_id"), _index),
    st.sampled_from((("reverse",), ("clear",), ("as_tuple",), ("same_rows",))),
)
_scalar_ops = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(ALL_SCALARS), scalars()),
    st.tuples(st.sampled_from(("retype", "same", "copy")), st.sampled_from(ALL_SCALARS)),
)
_list_ops = st.one_of(
    st.tuples(st.just("names_set"), _index, scalars()),
    st.tuples(st.just("names_insert"), _index, scalars()),
    st.tuples(st.just("names_delete"), _index),
    st.tuples(st.just("names_retype"), _index),
    st.tuples(st.just("names_shuffle"), st.integers(0, 99)),
    st.tuples(st.just("d_set"), st.sampled_from(("k1", "k2", "k3")), scalars()),
    st.tuples(st.just("d_del"), st.sampled_from(("k1", "k2", "k3"))),
    st.sampled_from((("d_reorder",), ("d_retype",))),
)
operations = st.one_of(_row_ops, _row_ops, _scalar_ops, _scalar_ops, _list_ops)


def steps(max_steps: int = 6) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    """A sequence of steps, each one to three operations applied in one event."""
    return st.lists(st.lists(operations, min_size=1, max_size=3).map(tuple), max_size=max_steps)


def retype(value: Any) -> Any:
    """A value of another type that compares equal (or renders alike) where one exists."""
    if value is True or value is False:
        return int(value)
    if isinstance(value, int):
        return bool(value) if value in (0, 1) else float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(value)
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, str):
        return Markup(value)
    return "None" if value is None else value


def apply_step(state: Mapping[str, Any], step: tuple[Any, ...]) -> dict[str, Any]:
    """The assigns one event sets for ``step``; dict rows and lists change in place."""
    update: dict[str, Any] = {}
    for op in step:
        name, value = _apply(state, update, op)
        update[name] = value
    return update


def _apply(
    state: Mapping[str, Any], update: dict[str, Any], op: tuple[Any, ...]
) -> tuple[str, Any]:
    def current(name: str) -> Any:
        return update[name] if name in update else state[name]

    kind = op[0]
    if kind == "set":
        return op[1], op[2]
    if kind in ("retype", "same", "copy"):
        now = current(op[1])
        return op[1], {"retype": retype, "same": lambda v: v, "copy": copy.copy}[kind](now)
    if kind.startswith("names_"):
        return "names", _names_op(list(current("names")), op)
    if kind.startswith("d_"):
        return "d", _dict_op(current("d"), op)
    return "rows", _rows_op(current("rows"), op)


def _rows_op(rows: Any, op: tuple[Any, ...]) -> Any:
    kind = op[0]
    if kind == "as_tuple":
        return tuple(rows)
    rows = rows if isinstance(rows, list) else list(rows)
    n = len(rows)
    if kind == "insert":
        ids = [row_fields(r)["id"] for r in rows]
        new_id = max(ids, default=0) + 1
        rows.insert(op[1] % (n + 1), make_row(op[2], new_id, op[3], op[4], False, op[5]))
    elif kind == "shuffle":
        random.Random(op[1]).shuffle(rows)
    elif kind == "reverse":
        rows.reverse()
    elif kind == "clear":
        rows.clear()
    elif n and kind == "delete":
        del rows[op[1] % n]
    elif n and kind == "move":
        rows.insert(op[2] % n, rows.pop(op[1] % n))
    elif n and kind in ("edit", "tags", "rekind", "dup_id"):
        i = op[1] % n
        fields = row_fields(rows[i])
        target = row_kind(rows[i])
        if kind == "edit":
            fields[op[2]] = op[3]
        elif kind == "tags":
            fields["tags"] = op[2]
        elif kind == "rekind":
            target = op[2]
        else:
            fields["id"] = row_fields(rows[(i + 1) % n])["id"]
        if isinstance(rows[i], dict) and target.startswith("dict"):
            rows[i].update(fields)  # in place: the list is re-assigned below
            if isinstance(rows[i]["tags"], tuple):  # dict rows hold lists
                rows[i]["tags"] = list(rows[i]["tags"])
        else:
            rows[i] = make_row(
                target,
                fields["id"],
                fields["name"],
                fields["score"],
                fields["vip"],
                fields["tags"],
            )
    return rows


def _names_op(names: list[Any], op: tuple[Any, ...]) -> list[Any]:
    kind, n = op[0], len(names)
    if kind == "names_insert":
        names.insert(op[1] % (n + 1), op[2])
    elif kind == "names_shuffle":
        random.Random(op[1]).shuffle(names)
    elif n and kind == "names_set":
        names[op[1] % n] = op[2]
    elif n and kind == "names_delete":
        del names[op[1] % n]
    elif n and kind == "names_retype":
        names[op[1] % n] = retype(names[op[1] % n])
    return names


def _dict_op(d: dict[str, Any], op: tuple[Any, ...]) -> dict[str, Any]:
    kind = op[0]
    if kind == "d_reorder":
        return dict(reversed(list(d.items())))
    if kind == "d_retype":
        return {key: retype(value) for key, value in d.items()}
    d = dict(d)
    if kind == "d_set":
        d[op[1]] = op[2]
    else:
        d.pop(op[1], None)
    return d
