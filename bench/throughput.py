"""Throughput: one widget handling a burst of events, against a bare anywidget echo.

    python -m bench.throughput [EVENTS]

A LiveWidget(Counter) is joined, then receives a burst of EVENTS click events (default
10,000) through its comm, as the kernel would deliver them; the burst ends when every event
has its answer. A bare ``anywidget.AnyWidget`` whose ``on_msg`` sends each message back
handles the same burst the same way, in the same run. Two settings:

- **recording comm**: widgets on a comm that keeps what they send (no kernel): livewidget's
  own work against the echo's, with nothing around them;
- **kernel's packing**: widgets on ipykernel's own comms in a stub kernel
  (:class:`bench.event_split.StubKernel`): every event arrives as signed frames the kernel
  deserializes, every answer is packed and signed as a kernel sends it, and the LiveWidget
  runs on livewidget's thread as in a kernel. What a real kernel pays per message, minus ZMQ.

Printed: events per second of each (median of a few bursts), their ratio, and the messages
each sent for the burst (deterministic: one answer per event).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

import anywidget
import comm

from bench._comm import RecordingComm
from bench._table import print_conditions, print_table
from bench.event_split import StubKernel
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


def kernel_burst(kernel: StubKernel, widget: Any, events: int) -> tuple[float, int]:
    """Deliver ``events`` clicks as kernel frames; seconds until all are answered, and the
    messages sent. The frames are made before the clock starts (the client's work)."""
    frames = [kernel.frames(widget.comm.comm_id, click(ref)) for ref in range(1, events + 1)]
    start_count = kernel.iopub.messages
    began = time.perf_counter()
    for one in frames:
        kernel.deliver(one)
    while kernel.iopub.messages - start_count < events:  # any handed to livewidget's thread
        time.sleep(0.001)
    elapsed = time.perf_counter() - began
    time.sleep(0.01)  # anything sent late still counts
    return elapsed, kernel.iopub.messages - start_count


def measure_in_kernel(events: int, bursts: int = BURSTS) -> dict[str, dict[str, float]]:
    """As :func:`measure`, through ipykernel's comms and packing in a stub kernel."""
    kernel = StubKernel()
    rates: dict[str, list[float]] = {"anywidget echo": [], "LiveWidget(Counter)": []}
    sent: dict[str, int] = {}
    try:
        for _ in range(bursts):  # in turn, so that both see the same load
            for name in rates:
                if name == "anywidget echo":
                    widget: Any = Echo()
                else:
                    widget = LiveWidget(Counter)
                    kernel.deliver(kernel.frames(widget.comm.comm_id, {"k": "join"}))
                seconds, sent[name] = kernel_burst(kernel, widget, events)
                rates[name].append(events / seconds)
                widget.close()
    finally:
        kernel.close()
    return {
        name: {"rate": statistics.median(rates[name]), "messages": sent[name]} for name in rates
    }


def measure(events: int, bursts: int = BURSTS) -> dict[str, dict[str, float]]:
    """Events per second and messages per burst, for livewidget and the echo (recording comm)."""
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("events", nargs="?", type=int, default=10_000, help="events in the burst")
    events = parser.parse_args().events
    print_conditions()
    for setting, figures in (
        ("recording comm, no kernel", measure(events)),
        ("ipykernel's comms, unpacking and packing (stub kernel)", measure_in_kernel(events)),
    ):
        echo = figures["anywidget echo"]["rate"]
        print_table(
            f"A burst of {events:,} events into one widget, {setting} (median of {BURSTS}"
            " bursts each, in turn; baseline: a bare anywidget echo)",
            ["widget", "events/s", "µs/event", "/ echo", "messages sent"],
            [
                [
                    name,
                    round(f["rate"]),
                    round(1e6 / f["rate"], 1),
                    round(f["rate"] / echo, 3),
                    int(f["messages"]),
                ]
                for name, f in figures.items()
            ],
        )


if __name__ == "__main__":
    main()
