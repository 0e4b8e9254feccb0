"""Time to merge and patch each stream batch in Chromium, against inserting the batch's HTML.

    python -m bench.stream_patch [ROWS] [BATCH] [--beside] [--limit N] [--profile]
                                 [--bundle PATH] [--against PATH]

The page side of ``bench.stream_batches``: the same stream view appends ROWS rows (default
100,000) in batches of BATCH (default 1,000). The kernel's messages are made in Python (the
view's template, its streams and the diff, exactly what the widget sends, ``{"d": diff,
"ref": n}``), then the built frontend (livewidget/static/widget.js) is loaded into a blank
page in Debian's Chromium, as ``bench.browser_patch`` does, and applies them one by one,
timed with performance.now() around the message handler (merge the diff, apply the stream
instruction, patch the DOM). Baseline, in the same page and interleaved with it: inserting
the same batch's HTML (a plain Jinja2 render of its rows) at the end of a list that grows the
same way, with ``insertAdjacentHTML``. Prints medians over the first ten batches, the last
ten and all, and checks that both lists end up with the same HTML.

``--beside`` adds a counter beside the list that each batch changes too (a chat's message
count): the rest of the view is then patched as well. ``--limit N`` streams with
``limit=N`` (``bench.latency_scenarios``' feed: 100,000 rows in batches of 100 with
``--limit -1000`` keeps the last 1,000, each batch dropping the 100 oldest); the baseline then
drops the same rows after its insert. ``--profile`` prints where the batches' time goes
(Chrome's sampling profiler, as ``bench.browser_patch --profile``; give an unminified
``--bundle`` to read function names). ``--bundle PATH`` loads another build of the frontend;
``--against PATH`` times another build on the same batches in a page of its own and prints
its medians beside this one's.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench._table import print_conditions, print_table
from bench.browser_patch import (
    BUNDLE,
    PAGE_SCRIPT,
    TIME_APPLY,
    data_url,
    print_profile,
    profile_times,
)
from bench.stream_batches import ROW, STREAM_VIEW, Message
from livewidget._streams import Streams
from livewidget.template import CompiledTemplate, diff, environment
from tests.e2e._jupyter import CHROMIUM, CHROMIUM_ARGS

ROWS_ALONE = "{% for m in batch %}" + ROW + "{% endfor %}"
# The same list with a counter beside it that every batch changes (--beside).
VIEW_BESIDE = STREAM_VIEW + '<p id="count">{{ count }}</p>'


ADD_PLAIN_LIST = """
() => {
  const list = document.createElement("ul");
  list.id = "plain";
  document.body.append(list);
}
"""

TIME_INSERT = """
([html, keep]) => {
  const list = document.getElementById("plain");
  const start = performance.now();
  list.insertAdjacentHTML("beforeend", html);
  // A negative limit keeps the last rows: the oldest leave, as the stream's do.
  if (keep !== null) while (list.children.length > keep) list.firstElementChild.remove();
  return performance.now() - start;
}
"""

COMPARE = """
() => {
  const shown = document.getElementById("msgs");
  const plain = document.getElementById("plain");
  return [shown.children.length, plain.children.length, shown.innerHTML === plain.innerHTML];
}
"""


def stream_messages(
    rows: int, batch: int, beside: bool = False, limit: int | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The view's first tree (an empty stream), then one message per batch, as sent."""
    compiled = CompiledTemplate(environment(), VIEW_BESIDE if beside else STREAM_VIEW)
    streams = Streams()
    streams.stream("msgs", [])
    tree = compiled.render({"streams": streams.namespace, "count": 0})
    streams.rendered()
    first = tree.to_json()
    messages = []
    changed = {"streams", "count"} if beside else {"streams"}
    for ref, start in enumerate(range(0, rows, batch), 1):
        streams.stream("msgs", [Message(i) for i in range(start, start + batch)], limit=limit)
        assigns = {"streams": streams.namespace, "count": start + batch}
        after = compiled.render(assigns, changed=changed, previous=tree)
        streams.rendered()
        # Through JSON, as the page receives it.
        messages.append(json.loads(json.dumps({"d": diff(tree, after), "ref": ref})))
        tree = after
    return first, messages


def load(page: Page, bundle_url: str, first: dict[str, Any]) -> None:
    """Load a build of the frontend into ``page`` and show the view's first tree."""
    page.set_content("<html><body></body></html>")
    page.evaluate(PAGE_SCRIPT, [bundle_url, first])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("batch", nargs="?", type=int, default=1_000)
    parser.add_argument("--beside", action="store_true", help="a counter beside the list")
    parser.add_argument("--limit", type=int, help="the stream's limit (negative: keep the last)")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="the frontend to load")
    parser.add_argument("--against", type=Path, help="another build, timed on the same batches")
    args = parser.parse_args()
    rows, batch, limit = args.rows, args.batch, args.limit
    first, messages = stream_messages(rows, batch, args.beside, limit)
    plain = environment().from_string(ROWS_ALONE)
    keep = -limit if limit is not None and limit < 0 else None
    applied: list[float] = []
    inserted: list[float] = []
    against: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        load(page, data_url(args.bundle), first)
        page.evaluate(ADD_PLAIN_LIST)
        other = None
        if args.against is not None:
            other = browser.new_page()
            load(other, data_url(args.against), first)
        cdp = None
        if args.profile:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 50})
            cdp.send("Profiler.start")
        for number, start in enumerate(range(0, rows, batch)):
            html = plain.render(batch=[Message(i) for i in range(start, start + batch)])
            applied.append(page.evaluate(TIME_APPLY, messages[number]))
            inserted.append(page.evaluate(TIME_INSERT, [html, keep]))
            if other is not None:
                against.append(other.evaluate(TIME_APPLY, messages[number]))
        if cdp is not None:
            result = cdp.send("Profiler.stop")
            print_profile("stream batches", profile_times(result["profile"]), len(messages))
        shown, listed, same = page.evaluate(COMPARE)
        if other is not None:
            # Both builds show the same page after the same batches.
            html_of = "document.getElementById('msgs').innerHTML"
            assert other.evaluate(html_of) == page.evaluate(html_of)
        browser.close()
    print_conditions()
    table = []
    ratios = [mine / theirs for mine, theirs in zip(applied, inserted, strict=True)]
    parts = (("first 10", slice(0, 10)), ("last 10", slice(-10, None)), ("all", slice(None)))
    for label, part in parts:
        line: list[object] = [
            label,
            len(applied[part]),
            round(statistics.median(applied[part]), 2),
            round(statistics.median(inserted[part]), 2),
            round(statistics.median(ratios[part]), 2),
        ]
        if against:
            line += [round(statistics.median(against[part]), 2)]
        table.append(line)
    size = len(json.dumps(messages[1], separators=(",", ":")).encode())
    print_table(
        f"Browser: merge + patch each stream batch of {batch:,} rows"
        f"{' (and a counter beside the list)' if args.beside else ''}"
        f"{f' with limit={limit:,}' if limit is not None else ''} in Chromium, up to "
        f"{rows:,} rows (baseline: insertAdjacentHTML of the batch's HTML, same page; "
        f"{size:,} B in a batch's message; rows shown {shown:,} / {listed:,}, "
        f"same HTML: {'yes' if same else 'NO'}"
        f"{f'; against: {args.against.name}, same batches' if args.against else ''})",
        ["batches", "count", "apply ms", "insert ms", "apply/insert"]
        + (["against ms"] if against else []),
        table,
    )


if __name__ == "__main__":
    main()
