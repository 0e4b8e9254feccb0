"""The kernel's share of a click: a widget's round trip straight to a kernel, no server, no browser.

    python -m bench.kernel_roundtrip [--clicks 100] [--gap 30]

Starts a real IPython kernel with jupyter_client, creates the three widgets of
``bench/latency.py`` in it (a livewidget counter, the bare anywidget echo, an ipywidgets
Button + Label), the 1,000-row dict table of ``bench/latency_scenarios.py`` (its cell,
append and remove buttons) and its feed (a click streams 100 rows under ``limit=-1000``), and
plays the frontend's part over ZMQ: for each click it sends the comm message the browser
would send and times until the widget's reply reaches the client, then waits for the
kernel's ``idle`` before the next click. Clicks go round robin over the widgets so the
machine's load hits them alike. Prints p50 and p90 per widget, the ratio of its p50 to the
echo's, ``busy→reply`` (the kernel's own clock: from its ``busy`` status to the reply, by the
messages' header dates: the kernel's time on the click, transport excluded) and the kernel's
messages per click on iopub (``busy``, the reply, ``idle``).

This is the floor under every number of ``bench.latency``: the browser and jupyter_server only
add to it. The message counts are deterministic; the times are this machine's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import queue
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from bench._table import print_table
from bench.latency import CELLS, p90
from bench.latency_scenarios import FEED_VIEW, STREAM_BATCH, TABLE_VIEW

BASELINE = "echo"
WARMUP_ROUNDS = 5
TIMEOUT = 30.0

#: Run after each of the cells: keeps the widget it displayed (IPython's ``_``).
KEEP = "_bench_widgets = globals().setdefault('_bench_widgets', []); _bench_widgets.append(_)"

#: The 1,000-row dict table, after the three widgets of bench.latency.
TABLE_CELL = (
    "from livewidget import LiveView, LiveWidget\n" + TABLE_VIEW + "\nLiveWidget(BigTable)\n"
)
#: The feed of bench.latency_scenarios (a click streams 100 rows under ``limit=-1000``).
FEED_CELL = "from livewidget import LiveView, LiveWidget\n" + FEED_VIEW + "\nLiveWidget(Feed)\n"
FEED = f"stream +{STREAM_BATCH}"
#: The table's buttons: scenario → the event it sends.
TABLE_EVENTS = {"table cell": "cell", "table append": "append", "table remove": "remove"}

#: Run after the cells: the comm ids the client talks to.
COMM_IDS = """
import json
livewidget, echo, _, table, feed = _bench_widgets
print(json.dumps({
    "livewidget": livewidget.comm.comm_id,
    "table": table.comm.comm_id,
    "feed": feed.comm.comm_id,
    "echo": echo.comm.comm_id,
    "ipw_button": ipw_button.comm.comm_id,
    "ipw_label": ipw_label.comm.comm_id,
}))
"""


#: Run in the kernel before the split rounds: bench.event_split's stopwatch on the same stages,
#: from the comm's handler on (the kernel's own reading of the message comes before it).
INSTALL_WATCH = """
import sys
sys.path.insert(0, {root!r})
import bench.event_split as _split
_watch = _split.Stopwatch(root="comm dispatch (ipywidgets)")
for _owner, _name, _stage in _split.stages():
    if _owner is not None:
        _watch.wrap(_owner, _name, _stage)
for _view in {{type(w.view) for w in _bench_widgets if hasattr(w, "view")}}:
    _watch.wrap(_view, "handle_event", "handler (the view's own)")
"""
#: Run after the split rounds: the stopwatch's events, as JSON, and the functions put back.
DUMP_WATCH = "_watch.unwrap(); print(json.dumps(_watch.events))"


@dataclass
class Target:
    """One widget as the client drives it: what a click sends, and which comm replies."""

    name: str
    comm_id: str
    reply_comm_id: str
    click: Any
    samples: list[float] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    #: ms from the kernel's busy status to its reply, by the kernel's own header dates
    kernel: list[float] = field(default_factory=list)
    #: stage → µs per click, measured in the kernel (``--split``)
    split: dict[str, list[float]] = field(default_factory=dict)


def start_kernel() -> tuple[KernelManager, BlockingKernelClient]:
    """A fresh python3 kernel and a started client."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    client = manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


def run_cell(client: BlockingKernelClient, code: str) -> str:
    """Run ``code``; its stdout. Raises if it fails."""
    out: list[str] = []

    def output(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            out.append(msg["content"]["text"])

    reply = client.execute_interactive(code, timeout=TIMEOUT, output_hook=output)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the benchmark's cell failed: {reply['content']}")
    return "".join(out)


def targets_in(client: BlockingKernelClient) -> list[Target]:
    """Create the widgets in the kernel and say how to click each."""
    for cell in [*CELLS, TABLE_CELL, FEED_CELL]:
        run_cell(client, cell)
        run_cell(client, KEEP)
    ids = json.loads(run_cell(client, COMM_IDS))
    counter = iter(range(1, 10**9))

    def clicks(event: str) -> Any:
        return lambda: {
            "method": "custom",
            "content": {
                "k": "event",
                "ref": next(counter),
                "type": "click",
                "event": event,
                "value": {},
            },
        }

    lw = Target("livewidget", ids["livewidget"], ids["livewidget"], clicks("inc"))
    tables = [
        Target(name, ids["table"], ids["table"], clicks(e)) for name, e in TABLE_EVENTS.items()
    ]
    echo = Target(
        BASELINE, ids["echo"], ids["echo"], lambda: {"method": "custom", "content": {"n": 1}}
    )
    ipw = Target(
        "ipywidgets",
        ids["ipw_button"],
        ids["ipw_label"],
        lambda: {"method": "custom", "content": {"event": "click"}},
    )
    feed = Target(FEED, ids["feed"], ids["feed"], clicks("more"))
    for comm_id in (lw.comm_id, ids["table"], ids["feed"]):
        send(client, comm_id, {"method": "custom", "content": {"k": "join"}})
        drain(client)
    return [lw, echo, ipw, *tables, feed]


def send(client: BlockingKernelClient, comm_id: str, data: dict[str, Any]) -> None:
    """Send a comm message as the frontend does."""
    client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))


def drain(client: BlockingKernelClient) -> int:
    """Read iopub until the kernel is idle again; the number of messages read."""
    count = 0
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        count += 1
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return count


def click(client: BlockingKernelClient, widget: Target) -> tuple[float, int, float]:
    """One click: ms until the reply arrived, the iopub messages it caused, and the ms from
    the kernel's ``busy`` to its reply by the kernel's own clock (NaN if no busy came first).
    """
    start = time.perf_counter()
    send(client, widget.comm_id, widget.click())
    count = 0
    busy: datetime.datetime | None = None
    while True:
        try:
            msg = client.get_iopub_msg(timeout=TIMEOUT)
        except queue.Empty as exc:
            raise TimeoutError(f"{widget.name}: no reply within {TIMEOUT} s") from exc
        count += 1
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "busy":
            busy = msg["header"]["date"]
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == widget.reply_comm_id:
            elapsed = (time.perf_counter() - start) * 1000
            break
    in_kernel = float("nan")
    if busy is not None:
        in_kernel = (msg["header"]["date"] - busy).total_seconds() * 1000
    return elapsed, count + drain(client), in_kernel


def measure(clicks: int, gap_ms: float, split: bool = False) -> list[Target]:
    """Click each widget ``clicks`` times (after warm-up rounds), round robin; with ``split``,
    as many rounds again with the kernel's stages timed (apart, so they cost the times none).
    """
    manager, client = start_kernel()
    try:
        targets = targets_in(client)
        for round_index in range(WARMUP_ROUNDS + clicks):
            for widget in targets:
                elapsed, count, in_kernel = click(client, widget)
                if round_index >= WARMUP_ROUNDS:
                    widget.samples.append(elapsed)
                    widget.messages.append(count)
                    widget.kernel.append(in_kernel)
                time.sleep(gap_ms / 1000)
        if split:
            root = str(Path(__file__).resolve().parents[1])
            run_cell(client, INSTALL_WATCH.format(root=root))
            for _ in range(clicks):
                for widget in targets:
                    click(client, widget)
                    time.sleep(gap_ms / 1000)
            events = json.loads(run_cell(client, DUMP_WATCH))
            for index, event in enumerate(events):  # one per click, in the order clicked
                widget = targets[index % len(targets)]
                for stage, seconds in event.items():
                    widget.split.setdefault(stage, []).append(seconds * 1e6)
                widget.split.setdefault("total", []).append(sum(event.values()) * 1e6)
        return targets
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=100, help="measured clicks per widget")
    parser.add_argument("--gap", type=float, default=30, help="ms between clicks")
    parser.add_argument(
        "--split", action="store_true", help="also time the kernel's stages (extra rounds)"
    )
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load}")
    targets = measure(args.clicks, args.gap, args.split)
    baseline = statistics.median(next(w for w in targets if w.name == BASELINE).samples)
    rows = []
    for widget in targets:
        p50 = statistics.median(widget.samples)
        counts = sorted(set(widget.messages))
        rows.append(
            [
                widget.name,
                len(widget.samples),
                p50,
                p90(widget.samples),
                p50 / baseline,
                statistics.median(widget.kernel),
                "/".join(map(str, counts)),
            ]
        )
    print_table(
        f"Comm round trip straight to the kernel (jupyter_client over ZMQ; no server, no browser), "
        f"ms, {args.gap:g} ms between clicks; busy→reply: p50 by the kernel's own clock",
        ["widget", "clicks", "p50 ms", "p90 ms", "p50/echo", "busy→reply", "iopub msgs/click"],
        rows,
    )

    if args.split:
        print_split(targets, args.clicks)


def print_split(targets: list[Target], clicks: int) -> None:
    """The kernel's stages per click, µs (medians), from the comm's handler to the send."""
    stages = list(dict.fromkeys(stage for w in targets for stage in w.split if stage != "total"))
    rows: list[list[object]] = []
    for stage in [*stages, "total"]:
        rows.append(
            [stage]
            + [
                round(
                    statistics.median(
                        w.split.get(stage, [0.0]) + [0.0] * (clicks - len(w.split.get(stage, [])))
                    ),
                    1,
                )
                for w in targets
            ]
        )
    print_table(
        f"Inside the kernel, µs per click (median of {clicks}; exclusive time per stage, as"
        " bench.event_split; from the comm's handler on, in extra rounds)",
        ["stage", *(w.name for w in targets)],
        rows,
    )


if __name__ == "__main__":
    main()
