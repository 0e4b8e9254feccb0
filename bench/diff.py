"""Bytes on the wire and server time per update, for the five scenarios of bench/scenarios.py.

    python -m bench.diff

For each scenario, livewidget beside its two peers, plain Jinja2 and PyView (after checking
that the three show the same page; see bench/pyview_peer.py): the diff's JSON size (compact,
as the targets count it), the whole message as each sends it, the size of a full HTML re-send,
and the server time of handler + render + diff against a plain Jinja2 render of the same template,
measured in the same run (median of many runs; a ratio, since machines differ).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import pyview_peer
from bench._table import print_conditions, print_table
from bench.pyview_peer import PyViewPage
from bench.scenarios import SCENARIOS, Scenario
from livewidget import LiveView
from livewidget.template import CompiledTemplate, diff, environment, merge, to_html
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


def paired_medians(fns: list[Callable[[], object]], runs: int = RUNS) -> list[float]:
    """Median milliseconds of each of ``fns``, run in turn within every round.

    Interleaving puts the baseline and what is compared with it under the same load at the
    same moments, so their ratio holds on a busy machine better than two separate medians.
    """
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, out in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return [statistics.median(out) * 1000 for out in times]


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


def check_same_html(
    template: str, make: Callable[[], dict[str, Any]], update: Scenario
) -> tuple[bool, PyViewPage, dict[str, Any]]:
    """Whether Jinja2, livewidget's client and PyView's show the same page, before and after.

    Returns the verdict, a PyView page holding the tree before the update, and the assigns
    before it.
    """
    env = environment()
    compiled = CompiledTemplate(env, template)
    plain = env.from_string(template)
    assigns = make()
    before = compiled.render(assigns)
    page = PyViewPage(template, assigns)
    pages = [plain.render(assigns), to_html(before.to_json()), pyview_peer.to_html(page.tree)]
    state = dict(assigns)
    changed = update(state)
    after = compiled.render(state, changed=changed, previous=before)
    client = merge(
        json.loads(json.dumps(before.to_json())), json.loads(json.dumps(diff(before, after)))
    )
    pyview_client = pyview_peer.merge(page.tree, page.diff_from(page.tree, state))
    pages += [plain.render(state), to_html(client), pyview_peer.to_html(pyview_client)]
    same = pyview_peer.same_html(*pages[:3]) and pyview_peer.same_html(*pages[3:])
    return same, page, assigns


def measure(name: str) -> dict[str, Any]:
    """Bytes and medians of one scenario for the three peers."""
    template, make, update, target = SCENARIOS[name]
    env = environment()
    compiled = CompiledTemplate(env, template)
    plain = env.from_string(template)
    same, page, assigns = check_same_html(template, make, update)
    previous = compiled.render(assigns)

    def step() -> dict[str, Any]:
        state = dict(assigns)
        changed = update(state)
        after = compiled.render(state, changed=changed, previous=previous)
        return diff(previous, after)

    def pyview_step() -> dict[str, Any]:
        state = dict(assigns)
        update(state)
        return page.diff_from(page.tree, state)

    jinja_ms, server_ms, pyview_ms = paired_medians(
        [lambda: plain.render(assigns), step, pyview_step]
    )
    change = step()
    pyview_change = pyview_step()
    state = dict(assigns)
    update(state)
    with LiveViewTest(scenario_view(template, make, update)) as view:
        view.push_event("update")
        sent = view.messages[-1]
    return {
        "same": same,
        "diff": compact(change),
        "target": target,
        "message": compact(sent),
        "pyview diff": compact(pyview_change),
        "pyview message": len(pyview_peer.message(pyview_change).encode()),
        "full html": len(plain.render(state).encode()),
        "jinja ms": jinja_ms,
        "server ms": server_ms,
        "pyview ms": pyview_ms,
    }


def main() -> None:
    print_conditions()
    figures = {name: measure(name) for name in SCENARIOS}
    print_table(
        "Bytes per update (diff: compact JSON; message: what travels, livewidget's comm payload"
        " / PyView's websocket text)",
        [
            "scenario",
            "same HTML",
            "diff B",
            "target B",
            "message B",
            "PyView diff B",
            "PyView message B",
            "full HTML B",
        ],
        [
            [
                name,
                "yes" if f["same"] else "NO",
                f["diff"],
                f["target"],
                f["message"],
                f["pyview diff"],
                f["pyview message"],
                f["full html"],
            ]
            for name, f in figures.items()
        ],
    )
    print_table(
        f"Server time per update: handler + render + diff (median of {RUNS}; baseline: a plain"
        " Jinja2 render of the page)",
        ["scenario", "jinja ms", "livewidget ms", "PyView ms", "livewidget/jinja", "PyView/jinja"],
        [
            [
                name,
                round(f["jinja ms"], 3),
                round(f["server ms"], 3),
                round(f["pyview ms"], 3) if f["same"] else "n/a (HTML differs)",
                round(f["server ms"] / f["jinja ms"], 3),
                round(f["pyview ms"] / f["jinja ms"], 3) if f["same"] else "n/a",
            ]
            for name, f in figures.items()
        ],
    )


if __name__ == "__main__":
    main()
