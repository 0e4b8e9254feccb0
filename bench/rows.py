"""Server time of one changed row, by the kind of row: dicts, tuples, named tuples, dataclasses.

    python -m bench.rows [SIZES...]     # default: 1000 10000

The table scenarios (b) one cell, (c) a row appended, (d) a row removed, with the rows held as
dicts (compared by value; also with a float column, and made anew with equal values by each
update, as a fresh query would), plain tuples (the template reads ``row[0]``; no ``id``, so rows are
tracked by position), named tuples and frozen dataclasses (immutable values), on a 1,000-row
and a 10,000-row table. For each: handler + render + diff (median) over a plain Jinja2 render
of the same page in the same run, against issue #15's targets (<= 0.05x for immutable rows,
<= 0.2x for dicts). Before timing, the page livewidget's client shows after the update is
checked against the Jinja2 render. "of it handler" is the handler alone (building the new
list of rows: for rows made anew, 1,000 new dicts), the part of "server ms" that is the view's
own code rather than livewidget's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from bench._table import print_conditions, print_table
from bench.diff import compact, paired_medians
from bench.scenarios import CITIES, TABLE_TEMPLATE
from livewidget.template import CompiledTemplate, diff, environment, merge, to_html

FIELDS = ("id", "name", "email", "city", "score")
TUPLE_TEMPLATE = TABLE_TEMPLATE
for _index, _field in enumerate(FIELDS):
    TUPLE_TEMPLATE = TUPLE_TEMPLATE.replace(f"row.{_field} ", f"row[{_index}] ")
    TUPLE_TEMPLATE = TUPLE_TEMPLATE.replace(f"row.{_field}}}", f"row[{_index}]}}")


class RowTuple(NamedTuple):
    id: int
    name: str
    email: str
    city: str
    score: int


@dataclasses.dataclass(frozen=True, slots=True)
class RowData:
    id: int
    name: str
    email: str
    city: str
    score: int


def _values(i: int) -> tuple[int, str, str, str, int]:
    return (i, f"Person {i}", f"person{i}@example.com", CITIES[i % len(CITIES)], (i * 37) % 100)


class Kind(NamedTuple):
    """How to make a row of one kind, read its id and score, and change its score."""

    template: str
    make: Callable[[int], Any]
    id: Callable[[Any], int]
    rescore: Callable[[Any], Any]
    immutable: bool
    #: Each update's rows made anew, equal values in new objects (a fresh query each time).
    fresh: Callable[[Any], Any] | None = None


def _dict_row(i: int) -> dict[str, Any]:
    return dict(zip(FIELDS, _values(i), strict=True))


def _dict_kind(make: Callable[[int], Any], fresh: Callable[[Any], Any] | None = None) -> Kind:
    """Dict rows, changed by a new dict with the score plus one."""
    return Kind(
        TABLE_TEMPLATE,
        make,
        lambda r: r["id"],
        lambda r: {**r, "score": r["score"] + 1},
        False,
        fresh,
    )


KINDS: dict[str, Kind] = {
    "dict": _dict_kind(_dict_row),
    "dict, a float column": _dict_kind(lambda i: {**_dict_row(i), "score": i * 0.5}),
    "dict, made anew": _dict_kind(_dict_row, lambda r: {**_dict_row(r["id"]), "score": r["score"]}),
    "tuple": Kind(TUPLE_TEMPLATE, _values, lambda r: r[0], lambda r: (*r[:4], r[4] + 1), True),
    "named tuple": Kind(
        TABLE_TEMPLATE,
        lambda i: RowTuple(*_values(i)),
        lambda r: r.id,
        lambda r: r._replace(score=r.score + 1),
        True,
    ),
    "frozen dataclass": Kind(
        TABLE_TEMPLATE,
        lambda i: RowData(*_values(i)),
        lambda r: r.id,
        lambda r: dataclasses.replace(r, score=r.score + 1),
        True,
    ),
}


def updates(kind: Kind, size: int) -> dict[str, Callable[[list[Any]], list[Any]]]:
    """Scenarios b, c, d on a table of ``size`` rows: each returns the new list of rows."""
    middle = size // 2 - 1

    def cell(rows: list[Any]) -> list[Any]:
        new = list(rows)
        new[middle] = kind.rescore(rows[middle])
        return new

    def append(rows: list[Any]) -> list[Any]:
        # Ids ascend, so the next one follows the last row's (a scan of every row here
        # would cost more than the whole render of the change).
        return [*rows, kind.make(kind.id(rows[-1]) + 1)]

    def remove(rows: list[Any]) -> list[Any]:
        return rows[:middle] + rows[middle + 1 :]

    Update = Callable[[list[Any]], list[Any]]
    scenarios: dict[str, Update] = {
        "b one cell": cell,
        "c row appended": append,
        "d row removed": remove,
    }
    fresh = kind.fresh
    if fresh is None:
        return scenarios

    def made_anew(update: Update) -> Update:
        return lambda rows: list(map(fresh, update(rows)))

    return {name: made_anew(update) for name, update in scenarios.items()}


def setup(
    kind: Kind, size: int, name: str
) -> tuple[Callable[[], dict[str, Any]], bool, int, Callable[[], object]]:
    """The timed step of one kind, size and scenario, whether its page is right, its bytes,
    and the step's handler alone (the new list of rows, the user's own work).

    The step is the handler (a new list of rows) + render + diff; the check merges its diff
    into livewidget's client tree and compares the HTML with a plain Jinja2 render.
    """
    env = environment()
    compiled = CompiledTemplate(env, kind.template)
    table = [kind.make(i) for i in range(1, size + 1)]
    assigns = {"title": "Leaderboard", "rows": table}
    update = updates(kind, size)[name]
    previous = compiled.render(assigns)

    def step() -> dict[str, Any]:
        state = {**assigns, "rows": update(table)}
        return diff(previous, compiled.render(state, changed={"rows"}, previous=previous))

    change = step()
    client = merge(json.loads(json.dumps(previous.to_json())), json.loads(json.dumps(change)))
    expected = env.from_string(kind.template).render({**assigns, "rows": update(table)})
    return step, to_html(client) == expected, compact(change), lambda: update(table)


def measure(kind: Kind, size: int, name: str) -> dict[str, Any]:
    """One kind, one size, one scenario: the check, the bytes, the medians."""
    step, same, size_bytes, handler = setup(kind, size, name)
    plain = environment().from_string(kind.template)
    assigns = {"title": "Leaderboard", "rows": [kind.make(i) for i in range(1, size + 1)]}
    jinja_ms, server_ms, handler_ms = paired_medians(
        [lambda: plain.render(assigns), step, handler], 30 if size <= 1000 else 9
    )
    return {
        "same": same,
        "bytes": size_bytes,
        "jinja ms": jinja_ms,
        "server ms": server_ms,
        "handler ms": handler_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10_000], help="rows per table")
    sizes = parser.parse_args().sizes
    print_conditions()
    for size in sizes:
        table = []
        for kind_name, kind in KINDS.items():
            target = 0.05 if kind.immutable else 0.2
            for name in updates(kind, size):
                f = measure(kind, size, name)
                ratio = f["server ms"] / f["jinja ms"]
                table.append(
                    [
                        kind_name,
                        name,
                        "yes" if f["same"] else "NO",
                        f["bytes"],
                        round(f["jinja ms"], 3),
                        round(f["server ms"], 3),
                        round(f["handler ms"], 3),
                        round(ratio, 3),
                        target,
                        "met" if ratio <= target else "not met",
                    ]
                )
        print_table(
            f"One changed row of {size:,}: handler + render + diff / a plain Jinja2 render",
            [
                "rows",
                "scenario",
                "same HTML",
                "diff B",
                "jinja ms",
                "server ms",
                "of it handler",
                "server/jinja",
                "target",
                "",
            ],
            table,
        )


if __name__ == "__main__":
    main()
