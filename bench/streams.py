"""What a stream costs the kernel as it grows: memory kept, bytes sent, time per batch.

    python -m bench.streams [ROWS] [BATCH]

Appends ROWS rows (default 100,000) in batches of BATCH (default 1,000) to a stream, rendering
and diffing after each batch as a session does, and prints, at a few sizes: the heap the
kernel keeps (tracemalloc, taken in a second run so tracing does not slow the timed one),
the HTML of the rows the page shows, their ratio, the bytes of the last batch's diff, and the
time of the last batch. A plain list assign of the same rows is measured beside it: it keeps
every item and sends the rows once too, but keeps them all in the kernel.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from typing import Any

from bench._table import print_table
from livewidget._streams import Streams
from livewidget.template import CompiledTemplate, Rendered, diff, environment

STREAM = (
    '<ul id="msgs" phx-update="stream">{% for dom_id, m in streams.msgs %}'
    '<li id="{{ dom_id }}">{{ m.text }}</li>{% endfor %}</ul>'
)
LIST = (
    '<ul id="msgs">{% for m in msgs %}<li id="msgs-{{ m.id }}">{{ m.text }}</li>{% endfor %}</ul>'
)


class Message:
    __slots__ = ("id", "text")

    def __init__(self, id: int) -> None:
        self.id = id
        self.text = f"message number {id}"


def grow_stream(rows: int, batch: int, checkpoints: set[int]) -> list[dict[str, Any]]:
    """Append ``rows`` rows to a stream; figures at each checkpoint."""
    compiled = CompiledTemplate(environment(), STREAM)
    streams = Streams()
    streams.stream("msgs", [])
    tree = compiled.render({"streams": streams.namespace})
    streams.rendered()
    out = []
    for start in range(0, rows, batch):
        began = time.perf_counter()
        streams.stream("msgs", [Message(i) for i in range(start, start + batch)])
        new = compiled.render({"streams": streams.namespace}, changed={"streams"}, previous=tree)
        sent = len(json.dumps(diff(tree, new)))
        tree = new
        streams.rendered()
        elapsed = time.perf_counter() - began
        if start + batch in checkpoints:
            out.append({"rows": start + batch, "tree": tree, "sent": sent, "ms": elapsed * 1000})
    return out


def grow_list(rows: int, batch: int, checkpoints: set[int]) -> list[dict[str, Any]]:
    """The same rows as a plain list assign, appended to and re-rendered each batch."""
    compiled = CompiledTemplate(environment(), LIST)
    items: list[Message] = []
    tree = compiled.render({"msgs": items})
    out = []
    for start in range(0, rows, batch):
        began = time.perf_counter()
        items.extend(Message(i) for i in range(start, start + batch))
        new = compiled.render({"msgs": items}, changed={"msgs"}, previous=tree)
        sent = len(json.dumps(diff(tree, new)))
        tree = new
        elapsed = time.perf_counter() - began
        if start + batch in checkpoints:
            out.append({"rows": start + batch, "tree": tree, "sent": sent, "ms": elapsed * 1000})
    return out


def kept(grow: Any, rows: int, batch: int) -> int:
    """Bytes the kernel keeps after ``grow`` appended ``rows`` rows (its own tree included)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = grow(rows, batch, {rows})
        gc.collect()
        size = tracemalloc.get_traced_memory()[0] - before
        del result
    finally:
        tracemalloc.stop()
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000, help="rows in all")
    parser.add_argument("batch", nargs="?", type=int, default=1_000, help="rows per batch")
    args = parser.parse_args()
    rows, batch = args.rows, args.batch
    checkpoints = {n for n in (rows // 10, rows // 2, rows) if n % batch == 0}
    table = []
    for name, grow in (("stream", grow_stream), ("list assign", grow_list)):
        for figures in grow(rows, batch, checkpoints):
            tree: Rendered = figures["tree"]
            html = len(str(tree).encode()) - len('<ul id="msgs" phx-update="stream"></ul>')
            table.append([name, figures["rows"], html, figures["sent"], figures["ms"]])
    memory = {
        name: kept(grow, rows, batch)
        for name, grow in (("stream", grow_stream), ("list assign", grow_list))
    }
    print_table(
        f"Appending {rows:,} rows in batches of {batch:,}",
        ["", "rows", "row HTML bytes", "last diff bytes", "last batch ms"],
        table,
    )
    html_total = table[len(checkpoints) - 1][2]
    print_table(
        f"Heap kept after {rows:,} rows (tracemalloc; the rows' HTML is {html_total:,} bytes)",
        ["", "bytes kept", "/ row HTML"],
        [[name, size, size / html_total] for name, size in memory.items()],
    )


if __name__ == "__main__":
    main()
