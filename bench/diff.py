"""Bytes on the wire and server time per update, for the five scenarios of bench/scenarios.py.

    python -m bench.diff

For each scenario: the diff's JSON size (compact, as the targets count it), the whole comm
message (diff plus envelope) as the session sends it, the size of a full HTML re-send, and the
server time of handler + render + diff against a plain Jinja2 render of the same template,
measured in the same run (median of many runs; a ratio, since machines differ).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench._table import print_table
from bench.scenarios import SCENARIOS
from livewidget import LiveView
from livewidget.template import CompiledTemplate, diff, environment
from livewidget.testing import LiveViewTest

RUNS = 30


def compact(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")))


def median_ms(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def scenario_view(template: str, make: Callable[[], dict[str, Any]], update: Any) -> type[LiveView]:
    class Page(LiveView):
        def mount(self, socket, session, params):
            socket.assign(make())

        def handle_event(self, event, params, socket):
            state = dict(socket.assigns)
            changed = update(state)
            socket.assign({name: state[name] for name in changed})

    Page.template = template
    return Page


def main() -> None:
    env = environment()
    rows = []
    for name, (template, make, update, target) in SCENARIOS.items():
        compiled = CompiledTemplate(env, template)
        plain = env.from_string(template)
        assigns = make()
        jinja_ms = median_ms(lambda: plain.render(assigns))  # noqa: B023
        previous = compiled.render(assigns)

        def step() -> dict[str, Any]:
            state = dict(assigns)  # noqa: B023
            changed = update(state)  # noqa: B023
            after = compiled.render(state, changed=changed, previous=previous)  # noqa: B023
            return diff(previous, after)  # noqa: B023

        server_ms = median_ms(step)
        change = step()
        state = dict(assigns)
        update(state)
        full_html = len(plain.render(state).encode())
        with LiveViewTest(scenario_view(template, make, update)) as view:
            view.push_event("update")
            message = view.messages[-1]
        rows.append(
            [
                name,
                compact(change),
                target,
                compact(message),
                compact(message) - compact(change),
                full_html,
                round(server_ms, 3),
                round(jinja_ms, 3),
                round(server_ms / jinja_ms, 3),
            ]
        )
    print_table(
        "Diff bytes and server time per update (diff: compact JSON; message: the comm payload)",
        [
            "scenario",
            "diff B",
            "target B",
            "message B",
            "envelope B",
            "full HTML B",
            "server ms",
            "jinja ms",
            "server/jinja",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
