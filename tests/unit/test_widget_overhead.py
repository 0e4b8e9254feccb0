"""What one click costs a widget, in counts: thread wake-ups, JSON encodes, messages.

The times are ``bench.event_split``'s and ``bench.throughput``'s to print; these tests pin the
counts behind them. Widgets run on livewidget's own thread as in a kernel
(``LIVEWIDGET_THREAD=1``), on a recording comm; this thread plays the kernel's, which borrows
livewidget's idle loop to answer each click inside the comm handler.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import comm
import pytest

from livewidget import LiveView, LiveWidget, _encoding
from livewidget._live import coalesce
from livewidget._live import loop as _loop
from tests.unit._waiting import TIMEOUT, wait_until

from .test_widget import RecordingComm

CLICKS = 50


class Clicks(LiveView):
    """A counter; ``tick`` starts a timer whose infos count up in ``ticks``; ``where`` names
    the thread that handled the last click."""

    template = "<p>{{ count }} {{ ticks }}</p>"

    def mount(self, socket, session, params):
        socket.assign(count=0, ticks=0, where="")

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1, where=threading.current_thread().name)
        if event == "tick":
            socket.send_info_after(0.01, "tick")

    def handle_info(self, info, socket):
        socket.assign(ticks=socket.assigns.ticks + 1)


def click(ref: int, name: str = "inc") -> dict[str, Any]:
    return {"k": "event", "ref": ref, "type": "click", "event": name, "value": {}}


@pytest.fixture(autouse=True)
def own_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bursts here spend a budget of their own: the kernel-wide one, which paces every
    later update (livewidget._live.coalesce), is left as it was for the tests after these."""
    monkeypatch.setattr(coalesce, "_shared", None)


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


def test_a_click_answered_on_the_borrowed_loop_does_not_wake_livewidgets_thread(widget, wakes):
    for ref in range(1, CLICKS + 1):
        widget.comm.from_frontend(click(ref))
    # Every click answered inside its comm handler, on this thread ...
    assert [m["ref"] for m in widget.comm.custom() if "ref" in m] == list(range(1, CLICKS + 1))
    assert widget.assigns.count == CLICKS
    # ... and livewidget's thread, waiting for I/O, was never woken for nothing (a wake-up
    # runs on that thread: a round trip to it first lets any that was sent arrive).
    assert _loop.call_and_wait(_loop.shared_loop(), lambda done: done(), TIMEOUT)
    assert wakes == []


def test_a_click_that_starts_a_timer_on_the_borrowed_loop_gets_its_timer_run(widget):
    # A click borrows the loop only while livewidget's thread waits for I/O; else it is
    # handed over. Click until one was answered on this thread.
    for ref in range(1, 21):
        wait_until(lambda: not _loop._running.locked(), "livewidget's thread to wait")
        widget.comm.from_frontend(click(ref, "tick"))
        if widget.assigns.where == threading.current_thread().name:
            break
    assert widget.assigns.where == threading.current_thread().name
    # No event loop runs on this thread: only livewidget's thread, woken for the new timer
    # (or for one due before it), can deliver the info.
    wait_until(lambda: widget.assigns.ticks == ref, "the timer's info")


def test_the_borrowed_loops_thread_is_woken_only_for_work_due_sooner():
    loop = asyncio.new_event_loop()
    try:
        assert not _loop._woken_by(loop, _loop._next_due(loop))  # nothing queued
        loop.call_later(5, lambda: None)
        assert _loop._woken_by(loop, None)  # a first timer: its wait had no end
        due = _loop._next_due(loop)
        loop.call_later(60, lambda: None)
        assert not _loop._woken_by(loop, due)  # due after the one it waits for
        loop.call_later(1, lambda: None)
        assert _loop._woken_by(loop, due)  # due before it
        due = _loop._next_due(loop)
        loop.call_soon(lambda: None)
        assert _loop._woken_by(loop, due)  # a callback ready to run
    finally:
        loop.close()


def test_work_on_the_borrowed_loop_that_watches_a_new_file_wakes_livewidgets_thread(wakes):
    loop = _loop.shared_loop()
    reader, writer = socket.socketpair()
    readable = threading.Event()
    try:
        for _ in range(20):  # borrowed only while livewidget's thread waits for I/O
            wait_until(lambda: not _loop._running.locked(), "livewidget's thread to wait")
            with _loop.borrowed(loop) as here:
                if here:
                    loop.add_reader(reader.fileno(), readable.set)
            if here:
                break
        assert here
        # Its wait, begun before, did not watch the new file: woken (the wake-up runs there).
        wait_until(lambda: len(wakes) > 0, "livewidget's thread to be woken")
        assert wakes == [1]
        writer.send(b"x")
        assert readable.wait(TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.remove_reader, reader.fileno())
        time.sleep(0.05)
        reader.close()
        writer.close()


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
