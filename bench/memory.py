"""Python heap per displayed Counter widget, with tracemalloc.

    python -m bench.memory [COUNT]

Creates COUNT LiveWidget(Counter) (default 1,000) on one event loop, each joined by a frontend
(so each holds its rendered tree), and prints the heap they hold, per widget, against a bare
anywidget widget measured in the same run.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc
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


def heap_per_widget(make: Any, count: int, loop: asyncio.AbstractEventLoop) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    widgets = [make() for _ in range(count)]
    loop.run_until_complete(asyncio.sleep(0.05))
    for widget in widgets:
        if isinstance(widget, LiveWidget):
            widget._session.receive({"k": "join"})
    loop.run_until_complete(asyncio.sleep(0.05))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert all(w._session.tree is not None for w in widgets if isinstance(w, LiveWidget))
    for widget in widgets:
        widget.close()
    return (after - before) / count


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    comm.create_comm = lambda **kw: QuietComm(**kw)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    Bare()  # warm up class-level caches
    LiveWidget(Counter).close()
    bare = heap_per_widget(Bare, count, loop)
    live = heap_per_widget(lambda: LiveWidget(Counter), count, loop)
    print_table(
        f"Python heap per widget ({count} widgets on one loop, tracemalloc)",
        ["widget", "KB per widget", "ratio to bare anywidget"],
        [
            ["anywidget (bare)", round(bare / 1024, 1), 1.0],
            ["LiveWidget(Counter)", round(live / 1024, 1), round(live / bare, 2)],
        ],
    )


if __name__ == "__main__":
    main()
