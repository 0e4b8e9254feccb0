"""First render of the 1,000-row table page: mount to the first message's JSON.

    python -m bench.first_render [ROWS]

Two livewidget paths against a plain Jinja2 render of the same page to a string, measured in
the same run (medians): the core (render the template to a tree, ``to_json``, ``json.dumps``),
and the whole path through a widget (a ``LiveWidget`` created on a recording comm, which
mounts and renders on livewidget's thread as in a kernel, its ``comm_open`` (the state, the
first render in it) dumped to JSON, then a frontend's join, answered without the tree).
The widget path includes creating the anywidget itself; a bare anywidget's creation is
measured beside it so the two can be told apart. Issue #15's target: <= 1.2x Jinja2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from typing import Any

import anywidget
import comm

from bench._comm import RecordingComm
from bench._table import print_conditions, print_table
from bench.diff import paired_medians
from bench.rows import RowTuple
from bench.scenarios import TABLE_TEMPLATE, table_assigns
from livewidget import LiveView, LiveWidget
from livewidget._live import loop as _loop
from livewidget.template import CompiledTemplate, environment, to_html

TARGET = 1.2


def table_view(assigns: dict[str, Any]) -> type[LiveView]:
    """A view whose mount assigns the (already built) table."""

    class Table(LiveView):
        template = TABLE_TEMPLATE

        def mount(self, socket: Any, session: Any, params: Any) -> None:
            socket.assign(assigns)

    return Table


class Bare(anywidget.AnyWidget):
    _esm = "export default { render() {} }"


def first_message(view: type[LiveView], loop: asyncio.AbstractEventLoop) -> tuple[str, bytes]:
    """Create a widget and return its first message as JSON text: the ``comm_open``, whose
    state carries the first render (on livewidget's thread, as in a kernel, the constructor
    waits for the mount); then a page's join, which shows that render (answered without it)."""
    widget = LiveWidget(view)
    text = json.dumps(widget.comm.opened)
    (first,) = widget.comm.opened_buffers  # the first render: JSON in a binary buffer
    widget.comm.feed({"k": "join", "first": True})
    while not widget.comm.custom:
        loop.run_until_complete(asyncio.sleep(0))
    widget.close()
    return text, bytes(first)


def measure(
    assigns: dict[str, Any], loop: asyncio.AbstractEventLoop
) -> tuple[bool, list[float], list[int]]:
    """Whether livewidget's first message shows Jinja2's page, the medians (Jinja2, core,
    widget, bare anywidget) and the JSON sizes (core, widget)."""
    env = environment()
    plain = env.from_string(TABLE_TEMPLATE)
    compiled = CompiledTemplate(env, TABLE_TEMPLATE)
    view = table_view(assigns)
    text, first = first_message(view, loop)
    tree = json.loads(first)["r"]
    same = to_html(tree) == plain.render(assigns)
    medians = paired_medians(
        [
            lambda: plain.render(assigns),
            lambda: json.dumps(compiled.render(assigns).to_json()),
            lambda: first_message(view, loop),
            lambda: Bare().close(),
        ],
        15,
    )
    sizes = [len(json.dumps(compiled.render(assigns).to_json())), len(text) + len(first)]
    return same, medians, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=1000, help="rows in the table")
    rows = parser.parse_args().rows
    comm.create_comm = lambda **kw: RecordingComm(**kw)
    os.environ[_loop.ENV] = "1"  # livewidget's own loop thread, as in a kernel
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    dicts = table_assigns(rows)
    kinds = {
        "dict": dicts,
        # Attributes Jinja2 finds at once: no dict lookup for livewidget to do faster.
        "named tuple": {**dicts, "rows": [RowTuple(**row) for row in dicts["rows"]]},
    }
    print_conditions()
    table = []
    html_bytes = len(environment().from_string(TABLE_TEMPLATE).render(dicts).encode())
    for kind, assigns in kinds.items():
        same, (jinja_ms, core_ms, widget_ms, bare_ms), (core_b, widget_b) = measure(assigns, loop)
        for path, ms, size in (
            ("Jinja2 render to a string", jinja_ms, ""),
            ("render + to_json + json.dumps", core_ms, core_b),
            ("LiveWidget created -> comm_open JSON, joined", widget_ms, widget_b),
            ("(bare anywidget created)", bare_ms, ""),
        ):
            ratio = ms / jinja_ms
            judged = path.startswith(("render", "LiveWidget"))
            table.append(
                [
                    kind,
                    path,
                    "yes" if same else "NO",
                    round(ms, 3),
                    round(ratio, 3),
                    TARGET if judged else "",
                    ("met" if ratio <= TARGET else "not met") if judged else "",
                    size,
                ]
            )
    print_table(
        f"First render of the {rows:,}-row page (median of 15, interleaved; baseline: a plain"
        f" Jinja2 render to a string, {html_bytes:,} B)",
        ["rows", "path", "same HTML", "ms", "/ jinja", "target", "", "JSON B"],
        table,
    )


if __name__ == "__main__":
    main()
