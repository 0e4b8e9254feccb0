"""Python heap per displayed Counter widget, with tracemalloc.

    python -m bench.memory [COUNT] [--lines N]

Creates COUNT LiveWidget(Counter) (default 1,000) on one event loop, each joined by a frontend
(so each holds its rendered tree), and prints the heap they hold, per widget, against a bare
anywidget widget measured in the same run. With ``--lines N``, also where a LiveWidget's heap
goes: the N source lines that allocated the most of what the widgets still hold.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tracemalloc
from pathlib import Path
from typing import Any

import anywidget
import comm
from comm.base_comm import BaseComm

from bench._table import print_table
from bench.scenarios import COUNTER_TEMPLATE
from livewidget import LiveView, LiveWidget


class Counter(LiveView):
    template = COUNTER_TEMPLATE

    def mount(self, socket, session, params):
        socket.assign(count=0)

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)


class Bare(anywidget.AnyWidget):
    _esm = "export default { render() {} }"


class QuietComm(BaseComm):
    """A comm that publishes nowhere (no kernel), like a displayed widget's."""

    def publish_msg(
        self,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        pass


def heap_per_widget(
    make: Any, count: int, loop: asyncio.AbstractEventLoop, lines: list[Any] | None = None
) -> float:
    """Bytes of heap each of ``count`` widgets from ``make`` holds once joined; with ``lines``,
    fills it with the allocation sites (tracemalloc statistics by line) of what they hold."""
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.take_snapshot() if lines is not None else None
    before = tracemalloc.get_traced_memory()[0]
    widgets = [make() for _ in range(count)]
    loop.run_until_complete(asyncio.sleep(0.05))
    for widget in widgets:
        if isinstance(widget, LiveWidget):
            widget._session.receive({"k": "join"})
    loop.run_until_complete(asyncio.sleep(0.05))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    if start is not None and lines is not None:
        lines.extend(tracemalloc.take_snapshot().compare_to(start, "lineno"))
    tracemalloc.stop()
    assert all(w._session.tree is not None for w in widgets if isinstance(w, LiveWidget))
    for widget in widgets:
        widget.close()
    return (after - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=1000, help="widgets of each kind")
    parser.add_argument("--lines", type=int, default=0, help="show the top N allocation sites")
    args = parser.parse_args()
    count = args.count
    comm.create_comm = lambda **kw: QuietComm(**kw)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    Bare()  # warm up class-level caches
    LiveWidget(Counter).close()
    bare = heap_per_widget(Bare, count, loop)
    sites: list[Any] = []
    live = heap_per_widget(lambda: LiveWidget(Counter), count, loop, sites if args.lines else None)
    print_table(
        f"Python heap per widget ({count} widgets on one loop, tracemalloc)",
        ["widget", "KB per widget", "ratio to bare anywidget"],
        [
            ["anywidget (bare)", round(bare / 1024, 1), 1.0],
            ["LiveWidget(Counter)", round(live / 1024, 1), round(live / bare, 2)],
        ],
    )
    if args.lines:
        rows = [
            [
                f"{_short(stat.traceback[0].filename)}:{stat.traceback[0].lineno}",
                round(stat.size_diff / count),
                round(stat.count_diff / count, 1),
            ]
            for stat in sites[: args.lines]
        ]
        print_table(
            "Where a LiveWidget's heap goes (allocation sites, bytes and blocks per widget)",
            ["site", "B per widget", "blocks"],
            rows,
        )


def _short(filename: str) -> str:
    """A file name from its package folder on (site-packages, the standard library, ours)."""
    parts = Path(filename).parts
    for anchor in ("site-packages", "livewidget", "bench", "python3.11"):
        if anchor in parts:
            skip = anchor in ("site-packages", "python3.11")
            return "/".join(parts[parts.index(anchor) + skip :])
    return Path(filename).name


if __name__ == "__main__":
    main()
