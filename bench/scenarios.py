"""The update scenarios of the diff benchmark, shared with the tests that pin their sizes.

A page with a ``title`` above a 1,000-row by 5-column table (rows are dicts: id, name, email,
city, score), and a counter page. Each scenario is a function that changes the state the way
a handler would and returns the names of the assigns it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TABLE_TEMPLATE = """<h1>{{ title }}</h1>
<table>
  <thead><tr><th>id</th><th>name</th><th>email</th><th>city</th><th>score</th></tr></thead>
  <tbody>
  {% for row in rows %}
    <tr id="row-{{ row.id }}"><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.email }}</td><td>{{ row.city }}</td><td>{{ row.score }}</td></tr>
  {% endfor %}
  </tbody>
</table>
"""  # noqa: E501

COUNTER_TEMPLATE = """<button phx-click="dec">-</button>
<span id="count">{{ count }}</span>
<button phx-click="inc">+</button>
"""

CITIES = ["Oslo", "Lima", "Pune", "Kyiv", "Accra", "Quito", "Hanoi", "Porto"]


def make_row(i: int) -> dict[str, Any]:
    """Row ``i`` of the table (ids start at 1)."""
    return {
        "id": i,
        "name": f"Person {i}",
        "email": f"person{i}@example.com",
        "city": CITIES[i % len(CITIES)],
        "score": (i * 37) % 100,
    }


def table_assigns(rows: int = 1000) -> dict[str, Any]:
    """The table page's assigns."""
    return {"title": "Leaderboard", "rows": [make_row(i) for i in range(1, rows + 1)]}


Scenario = Callable[[dict[str, Any]], set[str]]


def counter_inc(assigns: dict[str, Any]) -> set[str]:
    """(a) a counter page, +1."""
    assigns["count"] += 1
    return {"count"}


def cell_changes(assigns: dict[str, Any]) -> set[str]:
    """(b) one cell of row 500 changes."""
    rows = list(assigns["rows"])
    rows[499] = {**rows[499], "score": rows[499]["score"] + 1}
    assigns["rows"] = rows
    return {"rows"}


def row_appended(assigns: dict[str, Any]) -> set[str]:
    """(c) one row appended."""
    rows = assigns["rows"]
    assigns["rows"] = [*rows, make_row(rows[-1]["id"] + 1)]  # ids ascend
    return {"rows"}


def row_removed(assigns: dict[str, Any]) -> set[str]:
    """(d) row 500 removed (the 500th row of the current table, so it repeats)."""
    rows = assigns["rows"]
    assigns["rows"] = rows[:499] + rows[500:]
    return {"rows"}


def title_changes(assigns: dict[str, Any]) -> set[str]:
    """(e) only the title changes (back and forth, so that it repeats)."""
    live = "Leaderboard (live)"
    assigns["title"] = "Leaderboard" if assigns["title"] == live else live
    return {"title"}


#: name → (template, initial assigns factory, update, target diff bytes)
SCENARIOS: dict[str, tuple[str, Callable[[], dict[str, Any]], Scenario, int]] = {
    "a counter +1": (COUNTER_TEMPLATE, lambda: {"count": 0}, counter_inc, 12),
    "b one cell": (TABLE_TEMPLATE, table_assigns, cell_changes, 48),
    "c row appended": (TABLE_TEMPLATE, table_assigns, row_appended, 130),
    "d row removed": (TABLE_TEMPLATE, table_assigns, row_removed, 120),
    "e title only": (TABLE_TEMPLATE, table_assigns, title_changes, 30),
}
