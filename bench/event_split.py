"""Where a click's kernel time goes: one event through the widget, split by stage, in process.

    python -m bench.event_split [--events 300] [--profile SCENARIO] [--gap MS]

The kernel's part of a click, without a kernel process, a server or a browser, but through
the real code on both sides of livewidget: an ipykernel ``Kernel`` instance whose jupyter_client
``Session`` signs and packs every message (its iopub socket only counts the frames), ipykernel's
own comm class, ipywidgets' dispatch, and livewidget's widget, session, queue and thread (the
widget runs on livewidget's loop thread, as in a kernel, and the "kernel's" thread borrows it).
Each event is delivered as the kernel delivers a ``comm_msg``: the client's frames are
deserialized (HMAC checked, JSON parsed), the parent header set, the comm's handler called.

Scenarios: the bare anywidget echo (the baseline), a Counter +1, and the 1,000-row dict table's
cell / append / remove and the feed's 100 rows streamed under ``limit=-1000`` (the views of
``bench.latency_scenarios``). Events go round robin, so the machine's load hits all alike.
Printed: the median µs of each stage per event (exclusive time: a stage's callees that are
stages of their own are not counted in it), the median total, and its ratio to the echo's.
``--profile`` adds a cProfile of one scenario's events.

The stages are timed by wrapping the functions named in :data:`STAGES` for the run; the wrappers
cost ~1 µs each, charged to the stage that calls them. Times are this machine's (shared, noisy):
compare the ratios.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import comm
from ipykernel.comm.comm import BaseComm as KernelComm
from ipykernel.kernelbase import Kernel
from jupyter_client.session import Session as WireSession

from bench._table import print_conditions, print_table

BASELINE = "echo"
#: scenario → (view class in bench.latency_scenarios' sources, event name); None: the echo
SCENARIOS: dict[str, tuple[str, str] | None] = {
    BASELINE: None,
    "counter": ("Counter", "inc"),
    "table cell": ("BigTable", "cell"),
    "table append": ("BigTable", "append"),
    "table remove": ("BigTable", "remove"),
    "stream +100": ("Feed", "more"),
}
WARMUP = 20
KEY = b"bench-key"


class Frames:
    """An iopub socket that counts what the kernel would send, and its bytes."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    def send_multipart(self, parts: list[Any], copy: bool = True, **_: Any) -> None:
        """Count one message (its frames' bytes)."""
        self.messages += 1
        self.bytes += sum(len(part) for part in parts)


class StubKernel:
    """An ipykernel Kernel instance that packs and signs messages for a counting socket.

    While it exists, ``comm.create_comm`` makes ipykernel's own comms, and livewidget sees a
    kernel (its widgets run on livewidget's thread). :meth:`deliver` hands the kernel a
    frontend's ``comm_msg`` as its shell channel would.
    """

    def __init__(self) -> None:
        self.iopub = Frames()
        self.kernel = Kernel.instance(session=WireSession(key=KEY), iopub_socket=self.iopub)
        self.client = WireSession(key=KEY)
        self.comms: dict[str, Any] = {}
        self._created = comm.create_comm

        def create(**kwargs: Any) -> Any:
            channel = KernelComm(**kwargs)
            self.comms[channel.comm_id] = channel
            return channel

        comm.create_comm = create

    def close(self) -> None:
        """Forget the kernel: later code in this process sees none."""
        comm.create_comm = self._created
        Kernel.clear_instance()

    def frames(self, comm_id: str, content: dict[str, Any]) -> list[bytes]:
        """The frames a frontend's ``model.send(content)`` reaches the kernel as."""
        data = {"comm_id": comm_id, "data": {"method": "custom", "content": content}}
        return self.client.serialize(self.client.msg("comm_msg", data))

    def deliver(self, frames: list[bytes]) -> None:
        """Handle ``frames`` as the kernel's shell channel does a ``comm_msg``."""
        session = self.kernel.session
        idents, rest = session.feed_identities(frames, copy=True)
        msg = session.deserialize(rest, content=True, copy=True)
        self.kernel.set_parent(idents, msg, "shell")
        self.comms[msg["content"]["comm_id"]].handle_msg(msg)


class Stopwatch:
    """Exclusive time per stage: each wrapped call is charged to its stage, minus the
    wrapped calls inside it, which are charged to theirs.

    Only calls on the thread that made it count, and only inside ``root`` when one is given
    (in a kernel, the status messages around a click pack messages too). Each time the
    outermost stage ends, the event's times are appended to :attr:`events`.
    """

    def __init__(self, root: str | None = None) -> None:
        self.root = root
        self.event: dict[str, float] = defaultdict(float)
        #: One dict per event: stage → seconds.
        self.events: list[dict[str, float]] = []
        self._stack: list[str] = []
        self._mark = 0.0
        self._undo: list[tuple[Any, str, Any]] = []
        self._thread = threading.get_ident()

    def counts(self, stage: str) -> bool:
        """Whether a call of ``stage`` here and now is timed."""
        if threading.get_ident() != self._thread:
            return False
        return bool(self._stack) or self.root is None or stage == self.root

    def enter(self, stage: str) -> None:
        """Start ``stage`` (charging the time so far to the stage it interrupts)."""
        now = time.perf_counter()
        if self._stack:
            self.event[self._stack[-1]] += now - self._mark
        self._stack.append(stage)
        self._mark = now

    def leave(self) -> None:
        """End the innermost stage."""
        now = time.perf_counter()
        self.event[self._stack.pop()] += now - self._mark
        self._mark = now
        if not self._stack:
            self.events.append(dict(self.event))
            self.event.clear()

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        """Time every call of ``owner.name`` as ``stage`` until :meth:`unwrap`."""
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        function = original.__func__ if isinstance(original, staticmethod) else original

        def timed(*args: Any, **kwargs: Any) -> Any:
            if not self.counts(stage):
                return function(*args, **kwargs)
            self.enter(stage)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        self._undo.append((owner, name, original))
        setattr(owner, name, staticmethod(timed) if isinstance(original, staticmethod) else timed)

    def unwrap(self) -> None:
        """Put every wrapped function back."""
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def stages() -> list[tuple[Any, str, str]]:
    """(owner, function name, stage): the functions timed, from the outside in."""
    import comm.base_comm
    import ipykernel.comm.comm
    import ipykernel.iostream

    from livewidget import widget
    from livewidget._core import messages, queue, rendering, replies, session
    from livewidget._live import kernel

    return [
        (comm.base_comm.BaseComm, "handle_msg", "comm dispatch (ipywidgets)"),
        (session.Session, "receive", "queue: hand-off to livewidget's loop"),
        (queue.Inbox, "_handle_now", "session: transaction bookkeeping"),
        (messages, "parse", "parse + validate"),
        (None, "handle_event", "handler (the view's own)"),
        (rendering.Renderer, "render", "render"),
        (session, "diff", "diff"),
        (replies.Replies, "check", "sendability check"),
        (replies.Replies, "finish", "reply assembly"),
        (widget.LiveWidget, "_send_message", "send: widget → comm"),
        (kernel, "run_with_parent", "send: widget → comm"),
        (KernelComm, "publish_msg", "ipykernel publish"),
        (ipykernel.comm.comm, "json_clean", "ipykernel json_clean"),
        (WireSession, "serialize", "JSON pack + HMAC"),
        (ipykernel.iostream.BackgroundSocket, "send_multipart", "iopub: hand-off to its thread"),
    ]


@contextmanager
def widgets(kernel: StubKernel) -> Iterator[dict[str, Any]]:
    """Scenario → (widget, its comm id, make the content of event ``ref``); joined."""
    from bench.latency_scenarios import COUNTER_VIEW, FEED_VIEW, TABLE_VIEW
    from bench.throughput import Echo
    from livewidget import LiveView, LiveWidget

    names: dict[str, Any] = {"LiveView": LiveView}
    for source in (COUNTER_VIEW, TABLE_VIEW, FEED_VIEW):
        exec(source, names)  # our own constant sources: the cells' classes, here
    made: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for scenario, spec in SCENARIOS.items():
        if spec is None:
            out[scenario] = (Echo(), lambda ref: {"n": ref})
            continue
        view, event = spec
        if view not in made:
            made[view] = LiveWidget(names[view], session={"i": 1})
            kernel.deliver(kernel.frames(made[view].comm.comm_id, {"k": "join"}))

        def content(ref: int, event: str = event) -> dict[str, Any]:
            return {"k": "event", "ref": ref, "type": "click", "event": event, "value": {}}

        out[scenario] = (made[view], content)
    try:
        yield out
    finally:
        for widget_, _ in out.values():
            widget_.close()


def measure(
    events: int, profile: str | None = None, gap_ms: float = 0.0
) -> dict[str, dict[str, float]]:
    """Scenario → stage → median µs per event, and messages sent per event.

    Three passes over the same widgets, each round robin over the scenarios: plain (no
    stopwatch: ``"plain total"``, the figure the ratio uses), split (the stages, and their sum
    ``"total"``), and with ``profile``, that scenario under cProfile.
    """
    kernel = StubKernel()
    watch = Stopwatch()
    samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    sent: dict[str, int] = defaultdict(int)
    try:
        with widgets(kernel) as targets:

            def rounds(
                count: int, each: Callable[[str, list[bytes]], None], only: str | None = None
            ) -> None:
                for ref in range(1, count + 1):
                    for scenario, (widget_, content) in targets.items():
                        if only is None or scenario == only:
                            frames = kernel.frames(widget_.comm.comm_id, content(ref))
                            if gap_ms:
                                time.sleep(gap_ms / 1000)
                            each(scenario, frames)

            def plain(scenario: str, frames: list[bytes]) -> None:
                before, began = kernel.iopub.messages, time.perf_counter()
                kernel.deliver(frames)
                samples[scenario]["plain total"].append((time.perf_counter() - began) * 1e6)
                sent[scenario] += kernel.iopub.messages - before

            def split(scenario: str, frames: list[bytes]) -> None:
                watch.enter("kernel in: deserialize, dispatch")
                kernel.deliver(frames)
                watch.leave()
                event = watch.events[-1]
                for stage, seconds in event.items():
                    samples[scenario][stage].append(seconds * 1e6)
                samples[scenario]["total"].append(sum(event.values()) * 1e6)

            rounds(WARMUP, lambda scenario, frames: kernel.deliver(frames))
            rounds(events, plain)
            for owner, name, stage in stages():
                if owner is not None:  # None: a stage wrapped per view class below
                    watch.wrap(owner, name, stage)
            for view in {type(w.view) for w, _ in targets.values() if hasattr(w, "view")}:
                watch.wrap(view, "handle_event", "handler (the view's own)")
            rounds(events, split)
            watch.unwrap()
            if profile is not None:
                profiler = cProfile.Profile()
                profiler.enable()
                rounds(events, lambda scenario, frames: kernel.deliver(frames), profile)
                profiler.disable()
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
                print(f"\ncProfile of {events} '{profile}' events:\n{out.getvalue()}")
    finally:
        watch.unwrap()
        kernel.close()
    figures: dict[str, dict[str, float]] = {}
    for scenario, by_stage in samples.items():
        figures[scenario] = {
            stage: statistics.median(values + [0.0] * (events - len(values)))
            for stage, values in by_stage.items()
        }
        figures[scenario]["messages"] = sent[scenario] / events
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=300, help="measured events per scenario")
    parser.add_argument("--profile", choices=list(SCENARIOS), help="cProfile one scenario")
    parser.add_argument(
        "--gap",
        type=float,
        default=0.0,
        help="ms idle before each event, as between a user's clicks (default 0: back to back)",
    )
    args = parser.parse_args()
    print_conditions()
    figures = measure(args.events, args.profile, args.gap)
    names = list(figures)
    order = [stage for _, _, stage in stages()]
    rows_ = ["kernel in: deserialize, dispatch", *dict.fromkeys(order), "total"]
    echo = figures[BASELINE]["plain total"]
    table: list[list[object]] = []
    for stage in rows_:
        table.append([stage, *(round(figures[n].get(stage, 0.0), 1) for n in names)])
    table.append(
        ["plain total (no stopwatch)", *(round(figures[n]["plain total"], 1) for n in names)]
    )
    table.append(
        ["plain total / echo", *(round(figures[n]["plain total"] / echo, 2) for n in names)]
    )
    table.append(["messages per event", *(figures[n]["messages"] for n in names)])
    print_table(
        f"One event through the kernel's side, µs (median of {args.events} per scenario, round"
        " robin; exclusive time per stage, each wrapper adding ~1 µs to its caller's; in"
        " process, ipykernel's packing and signing included)",
        ["stage", *names],
        table,
    )


if __name__ == "__main__":
    main()
