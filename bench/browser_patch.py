"""Time to merge and patch one update in Chromium, measured in the page.

    python -m bench.browser_patch [--profile] [--bundle PATH] [--against PATH] [--group K]

Loads the built frontend (livewidget/static/widget.js) into a blank page in Debian's Chromium,
renders the 1,000-row table of bench/scenarios.py, then applies each scenario's diff as the
kernel would send it and measures, with performance.now() around the message handler, the time
to merge the diff, patch the DOM and run hooks. Baseline, in the same page and run: replacing
the table's HTML with innerHTML (what a widget without diffs does). Prints medians.

With ``--profile``, Chrome's sampling profiler (CDP ``Profiler.start``/``stop``) runs while
each scenario's updates are applied, and the functions with the most self time are printed
(where the milliseconds of a patch go). With ``--against``, another build of the frontend (an
earlier commit's, say) applies the same updates in a page of its own, and its median is
printed beside this one's: a before / after in one run. With ``--group K``, each of the 15
samples applies K successive updates and counts their mean (the page's clock is rounded to
0.1 ms: a sub-millisecond update reads better as the mean of ten).
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench._table import print_table
from bench.scenarios import SCENARIOS, TABLE_TEMPLATE
from livewidget.template import CompiledTemplate, diff, environment
from tests.e2e._jupyter import CHROMIUM, CHROMIUM_ARGS

BUNDLE = Path(__file__).parents[1] / "livewidget" / "static" / "widget.js"
ROUNDS = 15
PROFILE_ROUNDS = 60
TOP_FUNCTIONS = 16

PAGE_SCRIPT = """
async ([bundleUrl, tree]) => {
  const widget = (await import(bundleUrl)).default;
  const listeners = {};
  const attributes = {url: "/", title: "", sync_url: false, _voila: false, _lw_id: "bench"};
  const model = {
    on: (name, cb) => { (listeners[name] ??= new Set()).add(cb); },
    off: (name, cb) => { listeners[name]?.delete(cb); },
    send: () => {},
    get: (key) => attributes[key],
    set: (key, value) => { attributes[key] = value; },
  };
  window.__emit = (content) => { for (const cb of listeners["msg:custom"] ?? []) cb(content, []); };
  widget.initialize?.({model});
  const el = document.createElement("div");
  document.body.append(el);
  widget.render({model, el});
  window.__emit({r: tree, h: {}});
  return document.querySelectorAll("tbody tr").length;
}
"""

TIME_APPLY = """
(message) => {
  const start = performance.now();
  window.__emit(message);
  return performance.now() - start;
}
"""

TIME_APPLY_GROUP = """
(messages) => {
  const start = performance.now();
  for (const message of messages) window.__emit(message);
  return (performance.now() - start) / messages.length;
}
"""

TIME_INNER_HTML = """
(html) => {
  const host = document.createElement("div");
  document.body.append(host);
  host.innerHTML = html;
  const start = performance.now();
  host.innerHTML = html.replace("Leaderboard", "Leaderboard ");
  const elapsed = performance.now() - start;
  host.remove();
  return elapsed;
}
"""


def scenario_messages(name: str, rounds: int) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The full tree, then ``rounds`` successive diffs of the scenario, and the last HTML."""
    template, make, update, _ = SCENARIOS[name]
    env = environment()
    compiled = CompiledTemplate(env, template)
    assigns = make()
    previous = compiled.render(assigns)
    first = previous.to_json()
    messages = []
    for ref in range(rounds):
        changed = update(assigns)
        after = compiled.render(assigns, changed=changed, previous=previous)
        messages.append({"d": diff(previous, after), "ref": ref})
        previous = after
    return first, messages, str(previous)


def profile_times(profile: dict[str, Any]) -> dict[str, list[float]]:
    """Milliseconds of [self, total] time by function ("name:line") in a CDP CPU profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parents = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}

    def label(node_id: int) -> str:
        frame = nodes[node_id]["callFrame"]
        line = f":{frame['lineNumber'] + 1}" if frame["url"] else ""
        name = f"{frame['functionName'] or '(anonymous)'}{line}"
        # A built-in (querySelectorAll, remove) is named with the function that called it.
        if not frame["url"] and node_id in parents:
            parent = nodes[parents[node_id]]["callFrame"]
            name = f"{name} <- {parent['functionName'] or '(anonymous)'}:{parent['lineNumber'] + 1}"
        return name

    times: dict[str, list[float]] = {}
    deltas = profile.get("timeDeltas", [])
    for sample, delta in zip(profile.get("samples", []), [*deltas[1:], 0], strict=True):
        ms = delta / 1000
        times.setdefault(label(sample), [0.0, 0.0])[0] += ms
        on_stack = set()
        node: int | None = sample
        while node is not None:
            on_stack.add(label(node))
            node = parents.get(node)
        for name in on_stack:
            times.setdefault(name, [0.0, 0.0])[1] += ms
    return times


def print_profile(name: str, times: dict[str, list[float]], rounds: int) -> None:
    """The functions with the most self time, per update, with their total time."""
    ranked = sorted(times.items(), key=lambda item: -item[1][0])
    skip = ("(idle)", "(program)", "(root)")
    ranked = [item for item in ranked if not item[0].startswith(skip)][:TOP_FUNCTIONS]
    print_table(
        f"Profile: {name}, time per update (mean of {rounds}; self, and with what it calls)",
        ["function", "self ms", "total ms"],
        [[fn, round(own / rounds, 3), round(total / rounds, 3)] for fn, (own, total) in ranked],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", action="store_true", help="print where each update's time goes"
    )
    parser.add_argument(
        "--bundle",
        type=Path,
        default=BUNDLE,
        help="the frontend bundle to load (an unminified build names functions in --profile)",
    )
    parser.add_argument(
        "--against", type=Path, help="another bundle to time on the same updates, side by side"
    )
    parser.add_argument(
        "--group", type=int, default=1, help="updates per timed sample (their mean is counted)"
    )
    args = parser.parse_args()
    group = max(1, args.group)
    profile = args.profile
    bundle_url = data_url(args.bundle)
    against_url = data_url(args.against) if args.against else None
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name in SCENARIOS:
            if SCENARIOS[name][0] != TABLE_TEMPLATE:
                continue
            page = browser.new_page()
            page.set_content("<html><body></body></html>")
            timed = ROUNDS * group
            first, messages, html = scenario_messages(
                name, timed + (PROFILE_ROUNDS if profile else 0)
            )
            assert page.evaluate(PAGE_SCRIPT, [bundle_url, first]) > 0
            times = apply_timed(page, messages[:timed], group)
            if profile:
                cdp = page.context.new_cdp_session(page)
                cdp.send("Profiler.enable")
                cdp.send("Profiler.setSamplingInterval", {"interval": 50})
                cdp.send("Profiler.start")
                for message in messages[timed:]:
                    page.evaluate(TIME_APPLY, message)
                result = cdp.send("Profiler.stop")
                print_profile(name, profile_times(result["profile"]), PROFILE_ROUNDS)
            baseline = [page.evaluate(TIME_INNER_HTML, html) for _ in range(5)]
            applied = page.evaluate("document.querySelector('.lw-view').innerHTML.length")
            assert applied > 0
            patch_ms, base_ms = statistics.median(times), statistics.median(baseline)
            row: list[object] = [name, len(json.dumps(messages[-1])), round(patch_ms, 2)]
            if against_url is not None:
                other = browser.new_page()
                other.set_content("<html><body></body></html>")
                assert other.evaluate(PAGE_SCRIPT, [against_url, first]) > 0
                other_ms = statistics.median(apply_timed(other, messages[:timed], group))
                # Both builds show the same page after the same updates (--profile applied more).
                shown = "document.querySelector('.lw-view').innerHTML"
                if not profile:
                    assert other.evaluate(shown) == page.evaluate(shown)
                other.close()
                row += [round(other_ms, 2), round(patch_ms / other_ms, 2)]
            rows.append([*row, round(base_ms, 2), round(patch_ms / base_ms, 2)])
            page.close()
        browser.close()
    against = ["against ms", "apply/against"] if against_url is not None else []
    print_table(
        f"Browser: merge + patch one update in Chromium (median of {ROUNDS}"
        + (f" samples, each the mean of {group} updates" if group > 1 else "")
        + "; baseline: "
        "innerHTML of the full table, same page"
        + (f"; against: {args.against.name}, same updates" if against_url else "")
        + ")",
        ["scenario", "message B", "apply ms", *against, "innerHTML ms", "apply/innerHTML"],
        rows,
    )


def apply_timed(page: Page, messages: list[dict[str, Any]], group: int) -> list[float]:
    """Apply ``messages`` in order, ``group`` per timed sample: ms per update, per sample."""
    if group == 1:
        return [page.evaluate(TIME_APPLY, m) for m in messages]
    return [
        page.evaluate(TIME_APPLY_GROUP, messages[i : i + group])
        for i in range(0, len(messages), group)
    ]


def data_url(bundle: Path) -> str:
    """The bundle as a URL a blank page can import."""
    return "data:text/javascript;base64," + base64.b64encode(bundle.read_bytes()).decode()


if __name__ == "__main__":
    main()
