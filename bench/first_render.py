"""First render of the 1,000-row table page: mount to the first message's JSON.

    python -m bench.first_render [ROWS]

Two livewidget paths against a plain Jinja2 render of the same page to a string, measured in
the same run (medians): the core (render the template to a tree, ``to_json``, ``json.dumps``),
and the whole path through a widget (a ``LiveWidget`` created on a recording comm, which
mounts and renders, then a frontend's join, answered with the full tree, dumped to JSON).
The widget path includes creating the anywidget itself; a bare anywidget's creation is
measured beside it so the two can be told apart. Issue #15's target: <= 1.2x Jinja2.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import anywidget
import comm

from bench._comm import RecordingComm
from bench._table import print_conditions, print_table
from bench.diff import paired_medians
from bench.scenarios import TABLE_TEMPLATE, table_assigns
from livewidget import LiveView, LiveWidget
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


def first_message(view: type[LiveView], loop: asyncio.AbstractEventLoop) -> str:
    """Create a widget, join it, and return its first message as JSON text."""
    widget = LiveWidget(view)
    widget.comm.feed({"k": "join"})
    while not widget.comm.custom:
        loop.run_until_complete(asyncio.sleep(0))
    text = json.dumps(widget.comm.custom[0])
    widget.close()
    return text


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    comm.create_comm = lambda **kw: RecordingComm(**kw)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    env = environment()
    plain = env.from_string(TABLE_TEMPLATE)
    compiled = CompiledTemplate(env, TABLE_TEMPLATE)
    assigns = table_assigns(rows)
    view = table_view(assigns)
    message = json.loads(first_message(view, loop))
    tree = next(v for v in message.values() if isinstance(v, dict) and "s" in v)
    same = to_html(tree) == plain.render(assigns)
    jinja_ms, core_ms, widget_ms, bare_ms = paired_medians(
        [
            lambda: plain.render(assigns),
            lambda: json.dumps(compiled.render(assigns).to_json()),
            lambda: first_message(view, loop),
            lambda: Bare().close(),
        ],
        15,
    )
    print_conditions()
    print_table(
        f"First render of the {rows:,}-row page (median of 15, interleaved; baseline: a plain"
        f" Jinja2 render to a string, {len(plain.render(assigns).encode()):,} B; same HTML: "
        f"{'yes' if same else 'NO'})",
        ["path", "ms", "/ jinja", "target", "", "JSON B"],
        [
            ["Jinja2 render to a string", round(jinja_ms, 3), 1.0, "", "", ""],
            [
                "render + to_json + json.dumps",
                round(core_ms, 3),
                round(core_ms / jinja_ms, 3),
                TARGET,
                "met" if core_ms / jinja_ms <= TARGET else "not met",
                len(json.dumps(compiled.render(assigns).to_json())),
            ],
            [
                "LiveWidget created + join -> JSON",
                round(widget_ms, 3),
                round(widget_ms / jinja_ms, 3),
                TARGET,
                "met" if widget_ms / jinja_ms <= TARGET else "not met",
                len(json.dumps(message)),
            ],
            [
                "(bare anywidget created)",
                round(bare_ms, 3),
                round(bare_ms / jinja_ms, 3),
                "",
                "",
                "",
            ],
        ],
    )


if __name__ == "__main__":
    main()
