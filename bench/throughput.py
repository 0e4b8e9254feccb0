"""Throughput: one widget handling a burst of events, against a bare anywidget echo.

    python -m bench.throughput [EVENTS]

A LiveWidget(Counter) on a recording comm (no kernel) is joined, then receives a burst of
EVENTS click events (default 10,000) through the comm's message handler, as the kernel would
deliver them; the burst ends when every event has its answer. A bare ``anywidget.AnyWidget``
whose ``on_msg`` sends each message back handles the same burst the same way, in the same
run. Printed: events per second of each (median of a few bursts), their ratio, and the
messages each sent for the burst (deterministic: one answer per event).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import anywidget
import comm

from bench._comm import RecordingComm
from bench._table import print_conditions, print_table
from bench.memory import Counter
from livewidget import LiveWidget

BURSTS = 5


class Echo(anywidget.AnyWidget):
    """A bare anywidget that answers every message with the message itself."""

    _esm = "export default { render() {} }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(lambda widget, content, buffers: widget.send(content))


def click(ref: int) -> dict[str, Any]:
    """The frontend's message for a click on the counter's + button."""
    return {"k": "event", "ref": ref, "type": "click", "event": "inc", "value": {}}


def burst(widget: Any, events: int, loop: asyncio.AbstractEventLoop) -> tuple[float, int]:
    """Feed ``events`` clicks; seconds until all are answered, and the messages sent."""
    channel: RecordingComm = widget.comm
    start_count = len(channel.custom)
    began = time.perf_counter()
    for ref in range(1, events + 1):
        channel.feed(click(ref))
    while len(channel.custom) - start_count < events:
        loop.run_until_complete(asyncio.sleep(0))
    elapsed = time.perf_counter() - began
    loop.run_until_complete(asyncio.sleep(0.01))  # anything sent late still counts
    return elapsed, len(channel.custom) - start_count


def live_widget(loop: asyncio.AbstractEventLoop) -> LiveWidget:
    """A joined LiveWidget(Counter) on a recording comm."""
    widget = LiveWidget(Counter)
    widget.comm.feed({"k": "join"})
    loop.run_until_complete(asyncio.sleep(0.01))
    return widget


def measure(events: int, bursts: int = BURSTS) -> dict[str, dict[str, float]]:
    """Events per second and messages per burst, for livewidget and the echo."""
    comm.create_comm = lambda **kw: RecordingComm(**kw)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    makers: dict[str, Callable[[], Any]] = {
        "anywidget echo": lambda: Echo(),
        "LiveWidget(Counter)": lambda: live_widget(loop),
    }
    rates: dict[str, list[float]] = {name: [] for name in makers}
    sent: dict[str, int] = {}
    for _ in range(bursts):  # in turn, so that both see the same load
        for name, make in makers.items():
            widget = make()
            seconds, sent[name] = burst(widget, events, loop)
            rates[name].append(events / seconds)
            widget.close()
            loop.run_until_complete(asyncio.sleep(0.01))  # the view's task ends
    out = {
        name: {"rate": statistics.median(rates[name]), "messages": sent[name]} for name in makers
    }
    loop.close()
    return out


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print_conditions()
    figures = measure(events)
    echo = figures["anywidget echo"]["rate"]
    print_table(
        f"A burst of {events:,} events into one widget (median of {BURSTS} bursts each, in turn;"
        " baseline: a bare anywidget echo)",
        ["widget", "events/s", "/ echo", "messages sent"],
        [
            [name, round(f["rate"]), round(f["rate"] / echo, 3), int(f["messages"])]
            for name, f in figures.items()
        ],
    )


if __name__ == "__main__":
    main()
