"""A stream growing through a widget: each batch against Jinja2, and the kernel's heap.

    python -m bench.stream_batches [ROWS] [BATCH] [--split]

A LiveWidget on a comm that counts and drops what it sends (so the page's rows are not kept
by the benchmark) shows a view whose ``handle_event`` builds BATCH items (default 1,000) and
appends them with ``socket.stream``; a burst of events appends ROWS rows (default 100,000).
Printed: the time of a batch, from the event reaching the comm to its answer being sent
(handler + render + diff + message), against a plain Jinja2 render of that batch's rows alone
(the same row markup, items like the handler's, built before the clock starts), each Jinja2
render taken just before its batch so both see the same load; medians over the first ten
batches, the last ten and all, of the times and of each batch's ratio to its render; the
bytes of one batch's message; and, in a second run under tracemalloc (tracing slows it, so
it is not timed), the heap the kernel holds after every ten batches, against the rows' HTML
the page holds by then. Times are the process's CPU time (``time.process_time``: the whole
path runs in this thread), which other work on a shared machine inflates far less than the
wall clock; the wall-clock ratio is printed beside it.
Issue #15's targets: each batch <= 1.5x the Jinja2 render of the batch, heap flat.

``--split`` adds a third run that prints where a batch's CPU time goes, step by step (the
functions named in :data:`STEPS`, wrapped for that run only; each step's median against the
Jinja2 render of the batch, and what lies between the steps: the message's parsing, the
queue, the handler's transaction).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import import_module
from typing import Any

import comm

from bench._comm import CountingComm
from bench._table import print_conditions, print_table
from livewidget import LiveView, LiveWidget
from livewidget.template import environment

TARGET = 1.5
ROW = '<li id="msgs-{{ m.id }}">{{ m.text }}</li>'
STREAM_VIEW = (
    '<ul id="msgs" phx-update="stream">{% for dom_id, m in streams.msgs %}'
    '<li id="{{ dom_id }}">{{ m.text }}</li>{% endfor %}</ul>'
)
BATCH_ALONE = '<ul id="msgs">{% for m in batch %}' + ROW + "{% endfor %}</ul>"


class Message:
    """One row: what a chat or log line looks like to a template."""

    __slots__ = ("id", "text")

    def __init__(self, id: int) -> None:
        self.id = id
        self.text = f"message number {id}"


class Feed(LiveView):
    """Appends ``value["n"]`` messages from ``value["start"]`` per ``more`` event."""

    template = STREAM_VIEW

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        socket.stream("msgs", [])

    def handle_event(self, event: str, params: Mapping[str, Any], socket: Any) -> None:
        start, n = int(params["start"]), int(params["n"])
        socket.stream("msgs", [Message(i) for i in range(start, start + n)])


def grow(
    rows: int,
    batch: int,
    loop: asyncio.AbstractEventLoop,
    heap_every: int = 0,
    *,
    baseline: bool = False,
) -> dict[str, Any]:
    """Append ``rows`` rows through a widget; per-batch seconds (with ``baseline``, a Jinja2
    render of each batch's rows just before it), or the heap every few batches."""
    comm.create_comm = lambda **kw: _SizingComm(**kw)
    widget = LiveWidget(Feed)
    channel: _SizingComm = widget.comm
    channel.feed({"k": "join"})
    loop.run_until_complete(asyncio.sleep(0.01))
    plain = environment().from_string(BATCH_ALONE)
    seconds: list[float] = []
    jinja: list[float] = []
    cpu_seconds: list[float] = []
    jinja_cpu: list[float] = []
    heap: list[tuple[int, int]] = []
    base = 0
    if heap_every:
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    for number, start in enumerate(range(0, rows, batch), 1):
        if baseline:
            items = [Message(i) for i in range(start, start + batch)]
            began, cpu = time.perf_counter(), time.process_time()
            plain.render(batch=items)
            jinja.append(time.perf_counter() - began)
            jinja_cpu.append(time.process_time() - cpu)
            del items
        channel.size_next = number == 2
        answered = channel.sent + 1
        began, cpu = time.perf_counter(), time.process_time()
        value = {"start": start, "n": batch}
        channel.feed(
            {"k": "event", "ref": number, "type": "click", "event": "more", "value": value}
        )
        while channel.sent < answered:
            loop.run_until_complete(asyncio.sleep(0))
        seconds.append(time.perf_counter() - began)
        cpu_seconds.append(time.process_time() - cpu)
        if heap_every and number % heap_every == 0:
            gc.collect()
            heap.append((start + batch, tracemalloc.get_traced_memory()[0] - base))
    if heap_every:
        tracemalloc.stop()
    figures = {
        "seconds": seconds,
        "jinja": jinja,
        "cpu": cpu_seconds,
        "jinja cpu": jinja_cpu,
        "heap": heap,
        "messages": channel.sent,
        "batch bytes": channel.sized,
    }
    widget.close()
    loop.run_until_complete(asyncio.sleep(0.01))
    return figures


class _SizingComm(CountingComm):
    """Counts the messages, and measures one (as compact JSON) when asked: the second batch's,
    a typical one (measuring every message would add its encoding to every batch's time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.size_next = False
        self.sized = 0
        super().__init__(*args, **kwargs)

    def received(self, content: Any) -> None:
        super().received(content)
        if self.size_next:
            self.sized = len(json.dumps(content, separators=(",", ":")).encode())
            self.size_next = False


#: The steps of a batch, in the order they run: (module, attribute path, label); module ""
#: is this one, however it was run. Nested steps (indented labels) are part of the step above.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("", "Feed.handle_event", "handler: the view's items, socket.stream"),
    ("livewidget._core.rendering", "Renderer.render", "render: the template's new rows"),
    ("livewidget.template._blocks", "stream_comprehension", "  of which rows packed, recorded"),
    ("livewidget._core.session", "diff", "diff: the rows in Phoenix's shape"),
    ("livewidget._core.replies", "Replies.check", "the message's check"),
    ("livewidget._core.replies", "Replies.commit_tree", "commit (last batch's rows freed)"),
    ("livewidget._core.replies", "Replies.finish", "the message completed and sent"),
)


@contextmanager
def _stopwatch(times: dict[str, list[float]]) -> Iterator[None]:
    """Wrap each of :data:`STEPS` to add its CPU seconds per call to ``times``, then unwrap."""
    undo: list[tuple[Any, str, Any]] = []

    def timed(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                times.setdefault(label, []).append(time.process_time() - began)

        return step

    try:
        for module, path, label in STEPS:
            *owners, name = path.split(".")
            owner: Any = import_module(module) if module else None
            for part in owners:
                owner = globals()[part] if owner is None else getattr(owner, part)
            undo.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, timed(getattr(owner, name), label))
        yield
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)


def print_split(rows: int, batch: int, loop: asyncio.AbstractEventLoop) -> None:
    """Grow a stream once more with :data:`STEPS` timed; print each step's median."""
    times: dict[str, list[float]] = {}
    with _stopwatch(times):
        figures = grow(rows, batch, loop, baseline=True)
    jinja = statistics.median(figures["jinja cpu"])
    whole = statistics.median(figures["cpu"])
    table = []
    top = 0.0
    for _, _, label in STEPS:
        seconds = statistics.median(times.get(label, [0.0]))
        top += 0 if label.startswith(" ") else seconds
        table.append([label, round(seconds * 1000, 3), round(seconds / jinja, 3)])
    table.append(
        ["between the steps", round((whole - top) * 1000, 3), round((whole - top) / jinja, 3)]
    )
    table.append(["whole batch", round(whole * 1000, 3), round(whole / jinja, 3)])
    print_table(
        f"Where a batch's CPU time goes (medians over {len(figures['cpu'])} batches, steps"
        f" timed by wrapping them; baseline: the Jinja2 render of the batch,"
        f" {jinja * 1000:.3f} ms)",
        ["step", "ms", "/ jinja"],
        table,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000, help="rows in all")
    parser.add_argument("batch", nargs="?", type=int, default=1_000, help="rows per batch")
    parser.add_argument("--split", action="store_true", help="also time each step of a batch")
    args = parser.parse_args()
    rows, batch, split = args.rows, args.batch, args.split
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    plain = environment().from_string(BATCH_ALONE)
    items = [Message(i) for i in range(batch)]
    row_html = len(plain.render(batch=items).encode()) - len('<ul id="msgs"></ul>')
    timed = grow(rows, batch, loop, baseline=True)
    ms = [s * 1000 for s in timed["cpu"]]
    jinja = [s * 1000 for s in timed["jinja cpu"]]
    ratios = [mine / theirs for mine, theirs in zip(ms, jinja, strict=True)]
    wall = [a / b for a, b in zip(timed["seconds"], timed["jinja"], strict=True)]
    print_conditions()
    table = []
    parts = (("first 10", slice(0, 10)), ("last 10", slice(-10, None)), ("all", slice(None)))
    for label, part in parts:
        ratio = statistics.median(ratios[part])
        verdict = "met" if ratio <= TARGET else "not met"
        table.append(
            [
                label,
                len(ms[part]),
                round(statistics.median(ms[part]), 3),
                round(statistics.median(jinja[part]), 3),
                round(ratio, 3),
                round(statistics.median(wall[part]), 3),
                TARGET,
                verdict,
            ]
        )
    print_table(
        f"Appending {rows:,} rows to a stream in batches of {batch:,} through a widget"
        f" (CPU ms; baseline: Jinja2 rendering the batch alone, just before it;"
        f" {timed['messages']} messages sent, {timed['batch bytes']:,} B in a batch's message)",
        ["batches", "count", "batch ms", "jinja ms", "batch/jinja", "wall clock", "target", ""],
        table,
    )
    traced = grow(rows, batch, loop, heap_every=10)
    print_table(
        f"Kernel heap after every 10 batches (tracemalloc; the page holds ~{row_html // batch} B"
        " of HTML per row)",
        ["rows", "heap B", "B per row", "growth since last"],
        [
            [n, size, round(size / n, 1), size - (traced["heap"][i - 1][1] if i else 0)]
            for i, (n, size) in enumerate(traced["heap"])
        ],
    )
    if split:
        print_split(rows, batch, loop)


if __name__ == "__main__":
    main()
