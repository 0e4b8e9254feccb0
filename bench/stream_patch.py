"""Time to merge and patch each stream batch in Chromium, against inserting the batch's HTML.

    python -m bench.stream_patch [ROWS] [BATCH] [--beside] [--bundle PATH]

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
count): the rest of the view is then patched as well. ``--bundle PATH`` loads another build
of the frontend (an older one, to compare).
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench._table import print_conditions, print_table
from bench.browser_patch import BUNDLE, PAGE_SCRIPT, TIME_APPLY
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
(html) => {
  const list = document.getElementById("plain");
  const start = performance.now();
  list.insertAdjacentHTML("beforeend", html);
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
    rows: int, batch: int, beside: bool = False
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
        streams.stream("msgs", [Message(i) for i in range(start, start + batch)])
        assigns = {"streams": streams.namespace, "count": start + batch}
        after = compiled.render(assigns, changed=changed, previous=tree)
        streams.rendered()
        # Through JSON, as the page receives it.
        messages.append(json.loads(json.dumps({"d": diff(tree, after), "ref": ref})))
        tree = after
    return first, messages


def main() -> None:
    args = sys.argv[1:]
    beside = "--beside" in args
    bundle = BUNDLE
    if "--bundle" in args:
        bundle = Path(args[args.index("--bundle") + 1])
        del args[args.index("--bundle") : args.index("--bundle") + 2]
    numbers = [arg for arg in args if not arg.startswith("--")]
    rows = int(numbers[0]) if numbers else 100_000
    batch = int(numbers[1]) if len(numbers) > 1 else 1_000
    first, messages = stream_messages(rows, batch, beside)
    plain = environment().from_string(ROWS_ALONE)
    bundle_url = "data:text/javascript;base64," + base64.b64encode(bundle.read_bytes()).decode()
    applied: list[float] = []
    inserted: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        page.evaluate(PAGE_SCRIPT, [bundle_url, first])
        page.evaluate(ADD_PLAIN_LIST)
        for number, start in enumerate(range(0, rows, batch)):
            html = plain.render(batch=[Message(i) for i in range(start, start + batch)])
            applied.append(page.evaluate(TIME_APPLY, messages[number]))
            inserted.append(page.evaluate(TIME_INSERT, html))
        shown, listed, same = page.evaluate(COMPARE)
        browser.close()
    print_conditions()
    table = []
    ratios = [mine / theirs for mine, theirs in zip(applied, inserted, strict=True)]
    parts = (("first 10", slice(0, 10)), ("last 10", slice(-10, None)), ("all", slice(None)))
    for label, part in parts:
        table.append(
            [
                label,
                len(applied[part]),
                round(statistics.median(applied[part]), 2),
                round(statistics.median(inserted[part]), 2),
                round(statistics.median(ratios[part]), 2),
            ]
        )
    size = len(json.dumps(messages[1], separators=(",", ":")).encode())
    print_table(
        f"Browser: merge + patch each stream batch of {batch:,} rows"
        f"{' (and a counter beside the list)' if beside else ''} in Chromium, up to "
        f"{rows:,} rows (baseline: insertAdjacentHTML of the batch's HTML, same page; "
        f"{size:,} B in a batch's message; rows shown {shown:,} / {listed:,}, "
        f"same HTML: {'yes' if same else 'NO'})",
        ["batches", "count", "apply ms", "insert ms", "apply/insert"],
        table,
    )


if __name__ == "__main__":
    main()
