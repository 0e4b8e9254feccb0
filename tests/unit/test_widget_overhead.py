"""What one click costs a widget, in counts: thread wake-ups, JSON encodes, messages.

The times are ``bench.event_split``'s and ``bench.throughput``'s to print; these tests pin the
counts behind them. Widgets run on livewidget's own thread as in a kernel
(``LIVEWIDGET_THREAD=1``), on a recording comm; this thread plays the kernel's, which borrows
livewidget's idle loop to answer each click inside the comm handler.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import comm
import pytest

from livewidget import LiveView, LiveWidget, _encoding
from livewidget._live import loop as _loop

from .test_widget import RecordingComm

CLICKS = 50
TIMEOUT = 10.0


class Clicks(LiveView):
    """A counter; ``tick`` starts a timer whose infos count up in ``ticks``."""

    template = "<p>{{ count }} {{ ticks }}</p>"

    def mount(self, socket, session, params):
        socket.assign(count=0, ticks=0)

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)
        if event == "tick":
            socket.send_info_after(0.01, "tick")

    def handle_info(self, info, socket):
        socket.assign(ticks=socket.assigns.ticks + 1)


def click(ref: int, name: str = "inc") -> dict[str, Any]:
    return {"k": "event", "ref": ref, "type": "click", "event": name, "value": {}}


@pytest.fixture
def widget(monkeypatch: pytest.MonkeyPatch, local_pubsub: Any) -> Iterator[LiveWidget]:
    monkeypatch.setenv(_loop.ENV, "1")
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    widget = LiveWidget(Clicks)
    widget.comm.from_frontend({"k": "join"})
    yield widget
    widget.close()


@pytest.fixture
def wakes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts each time a borrowing thread wakes livewidget's thread."""
    woken: list[int] = []
    monkeypatch.setattr(_loop, "_nothing", lambda: woken.append(1))
    return woken


def wait_until(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def test_a_click_answered_on_the_borrowed_loop_does_not_wake_livewidgets_thread(widget, wakes):
    for ref in range(1, CLICKS + 1):
        widget.comm.from_frontend(click(ref))
    # Every click answered inside its comm handler, on this thread ...
    assert [m["ref"] for m in widget.comm.custom() if "ref" in m] == list(range(1, CLICKS + 1))
    assert widget.assigns.count == CLICKS
    # ... and livewidget's thread, waiting for I/O, was never woken for nothing.
    assert wakes == []


def test_a_click_that_starts_a_timer_wakes_livewidgets_thread_to_run_it(widget, wakes):
    widget.comm.from_frontend(click(1, "tick"))
    assert len(wakes) == 1  # the timer is due before anything livewidget's thread waited for
    # No event loop runs on this thread: only livewidget's thread can deliver the info.
    wait_until(lambda: widget.assigns.ticks == 1, "the timer's info")
    assert threading.current_thread() is threading.main_thread()


def test_a_click_is_encoded_twice_by_livewidget(widget, monkeypatch):
    """Once to check the message from the page, once to check the reply before commit."""
    encodes: list[int] = []
    encode = _encoding.encode

    def counting(message: Any) -> bytes:
        encodes.append(1)
        return encode(message)

    monkeypatch.setattr(_encoding, "encode", counting)
    for ref in range(1, CLICKS + 1):
        widget.comm.from_frontend(click(ref))
    assert len(encodes) == 2 * CLICKS
    assert len([m for m in widget.comm.custom() if "ref" in m]) == CLICKS
