"""Widgets on livewidget's own loop thread: order, thread safety, snapshots, writes from cells.

``LIVEWIDGET_THREAD=1`` puts widgets on the shared ``livewidget`` thread as in a kernel; the
comm is a recording one (no kernel). The test's main thread plays the running cell: it never
runs an event loop, it blocks in ``time.sleep`` while it waits.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Iterator
from typing import Any

import comm
import pytest

from livewidget import LiveView, LiveWidget, pubsub
from livewidget import _protocol as p
from livewidget._live import kernel as _kernel
from livewidget._live import loop as _loop
from livewidget.template import merge, to_html
from tests.unit._waiting import TIMEOUT, wait_until

from .test_widget import RecordingComm


def page(widget: LiveWidget) -> str:
    """The HTML the page shows after every message the widget sent so far."""
    tree: dict[str, Any] | None = None
    for message in widget.comm.custom():
        if p.RENDERED in message:
            tree = message[p.RENDERED]
        if p.DIFF in message and tree is not None:
            tree = merge(tree, message[p.DIFF])
    return "" if tree is None else to_html(tree)


def event(ref: int, name: str, **value: Any) -> dict[str, Any]:
    return {"k": "event", "ref": ref, "type": "click", "event": name, "value": value}


def answered_refs(widget: LiveWidget) -> list[int]:
    return [m["ref"] for m in widget.comm.custom() if "ref" in m]


class Log(LiveView):
    """Records which thread ran each callback, and the events in the order handled."""

    template = "<p>{{ seen | length }} {{ ticks }} {{ info }}</p>"

    def mount(self, socket, session, params):
        socket.assign(seen=[], ticks=0, info="", a=0, b=0, threads=set(), peeked=[])

    def handle_event(self, event, params, socket):
        where = (threading.current_thread().name, asyncio.get_running_loop() is _loop._loop)
        threads = {*socket.assigns.threads, where}
        socket.assign(seen=[*socket.assigns.seen, params.get("tag")], threads=threads)
        if event == "tick-every":
            socket.every(0.005, "tick")
        elif event == "hold":
            socket.assign(a=socket.assigns.a + 1)
            HOLD.wait(TIMEOUT)  # a blocking handler holds livewidget's loop meanwhile
            socket.assign(b=socket.assigns.b + 1)
            if params.get("fail"):
                raise RuntimeError("rolled back")
        elif event == "sub":
            socket.subscribe("progress")
        elif event == "peek":
            socket.assign(peeked=[*socket.assigns.peeked, socket.assigns.info])

    def handle_info(self, info, socket):
        if info == "tick":
            socket.assign(ticks=socket.assigns.ticks + 1)
        else:
            socket.assign(info=info)


HOLD = threading.Event()


@pytest.fixture
def threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_loop.ENV, "1")
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))


@pytest.fixture
def widget(threaded: None, local_pubsub: Any) -> Iterator[LiveWidget]:
    HOLD.clear()
    widget = LiveWidget(Log)
    widget.comm.from_frontend({"k": "join"})
    yield widget
    HOLD.set()
    widget.close()


def test_a_widget_runs_on_the_livewidget_thread_and_answers_inside_the_comm_handler(widget):
    # The constructor waited for the mount: a cell reads the assigns on its next line.
    assert widget.assigns.ticks == 0
    widget.comm.from_frontend(event(1, "go", tag="x"))
    # No sleep, no loop run here: the comm handler waited for the reply to be sent.
    assert answered_refs(widget) == [1]
    # livewidget's loop was idle: this thread borrowed it and handled the click itself.
    assert widget.assigns.threads == {("MainThread", True)}
    assert widget._live_session._loop is _loop.shared_loop()


def test_a_busy_livewidget_loop_gets_the_message_handed_over(threaded, local_pubsub):
    holder, other = LiveWidget(Log), LiveWidget(Log)
    try:
        HOLD.clear()
        for w in (holder, other):
            w.comm.from_frontend({"k": "join"})
        blocked = threading.Thread(target=holder.comm.from_frontend, args=(event(1, "hold"),))
        blocked.start()
        wait_until(lambda: holder._live_session._idle is False, "the holding handler")
        # A blocking sync handler holds livewidget's loop: the other widget's click waits
        # (the comm handler gives up after a second), then runs on livewidget's thread.
        other.comm.from_frontend(event(1, "go", tag="after"))
        assert answered_refs(other) == []
        HOLD.set()
        blocked.join()
        wait_until(lambda: answered_refs(other) == [1], "the handed-over click")
        assert other.assigns.threads == {("livewidget", True)}
    finally:
        HOLD.set()
        holder.close()
        other.close()


def test_events_from_several_threads_at_once_keep_each_senders_order(widget):
    senders, count = 4, 40
    refs = iter(range(1, 10**6))
    lock = threading.Lock()

    def send(sender: int) -> None:
        for i in range(count):
            with lock:  # the page numbers refs in sending order, as the transport does
                ref = next(refs)
                message = event(ref, "go", tag=[sender, i])
            widget.comm.from_frontend(message)

    threads = [threading.Thread(target=send, args=(s,)) for s in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_until(lambda: len(widget.assigns.seen) == senders * count, "every event")
    seen = widget.assigns.seen
    for sender in range(senders):
        assert [i for s, i in seen if s == sender] == list(range(count))
    refs_answered = answered_refs(widget)
    assert sorted(refs_answered) == list(range(1, senders * count + 1))  # one answer each
    assert {on_loop for _thread, on_loop in widget.assigns.threads} == {True}


def test_a_redefinition_while_events_flow_loses_none_and_takes_over(widget):
    stop = threading.Event()
    sent: list[int] = []

    def flow() -> None:
        ref = 0
        while not stop.is_set():
            ref += 1
            widget.comm.from_frontend(event(ref, "go", tag=ref))
            sent.append(ref)

    thread = threading.Thread(target=flow)
    thread.start()
    wait_until(lambda: len(sent) >= 5, "events to flow")

    class Log(LiveView):  # the same cell run again: same module and qualified name
        template = "<i>{{ seen | length }}</i>"

        def handle_event(self, event, params, socket):
            socket.assign(seen=[*socket.assigns.seen, params.get("tag")])

    Log.__qualname__ = globals()["Log"].__qualname__
    Log.__module__ = globals()["Log"].__module__
    from livewidget import _reload

    _reload.class_defined(Log)
    redefined_at = len(sent)
    wait_until(lambda: len(sent) >= redefined_at + 5, "events after the redefinition")
    stop.set()
    thread.join()
    wait_until(lambda: len(widget.assigns.seen) == len(sent), "every event")
    assert widget.assigns.seen == sent  # in order, none lost, none twice
    assert sorted(answered_refs(widget)) == sent
    assert type(widget.view) is Log
    full = [m for m in widget.comm.custom() if "r" in m]
    assert full[-1]["r"]["s"] == ["<i>", "</i>"]  # the new template went to the page
    assert not [m for m in widget.comm.custom() if p.ERROR in m]


def test_a_cell_reads_a_committed_snapshot_never_a_half_done_or_rolled_back_one(widget):
    before = dict(widget.assigns)
    # The handler runs on livewidget's thread; the comm handler here gives up waiting.
    sender = threading.Thread(target=widget.comm.from_frontend, args=(event(1, "hold", fail=1),))
    sender.start()
    wait_until(lambda: widget.view is not None and widget._live_session._idle is False, "hold")
    # a was assigned and b not yet: the cell still sees the state before the handler.
    assert (widget.assigns.a, widget.assigns.b) == (0, 0)
    HOLD.set()
    sender.join()
    wait_until(lambda: answered_refs(widget) == [1], "the error reply")
    assert dict(widget.assigns) == before  # rolled back, and the snapshot says so
    HOLD.clear()
    threading.Thread(target=widget.comm.from_frontend, args=(event(2, "hold"),)).start()
    wait_until(lambda: widget._live_session._idle is False, "hold")
    assert (widget.assigns.a, widget.assigns.b) == (0, 0)
    HOLD.set()
    wait_until(lambda: widget.assigns.b == 1, "the commit")
    assert widget.assigns.a == 1


def test_assign_and_send_info_from_other_threads_queue_in_order(widget):
    def cell() -> None:
        for i in range(10):
            widget.assign(ticks=i)
            widget.send_info(f"step {i}")

    threads = [threading.Thread(target=cell) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_until(lambda: widget.assigns.info == "step 9", "the last info")
    wait_until(lambda: widget.assigns.ticks == 9, "the last assign")
    # Updates faster than a frame are coalesced (livewidget._live.coalesce): the page ends showing
    # the last state, whatever the number of messages.
    wait_until(lambda: page(widget) == "<p>0 9 step 9</p>", "the page's last state")
    with pytest.raises(ValueError, match="identifiers"):
        widget.assign(**{"not a name": 1})
    with pytest.raises(ValueError, match="reserved"):
        widget.assign(flash={})


def test_what_a_thread_sent_first_is_handled_first_even_when_the_loop_is_idle(widget):
    # send_info is on its way to livewidget's loop when the click comes: the click must not
    # overtake it by being handled right here on this thread.
    for i in range(50):
        widget.send_info(f"info {i}")
        widget.comm.from_frontend(event(i + 1, "peek"))
    wait_until(lambda: len(widget.assigns.peeked) == 50, "every click")
    assert widget.assigns.peeked == [f"info {i}" for i in range(50)]


def test_an_assign_that_cannot_be_sent_is_rolled_back_and_shown(widget):
    widget.assign(info="kept")
    widget.assign(info="x" + chr(0xD800))  # a lone surrogate: UTF-8 cannot carry it
    wait_until(lambda: any(p.ERROR in m for m in widget.comm.custom()), "the error")
    assert widget.assigns.info == "kept"


def test_timers_and_broadcasts_reach_the_page_while_the_main_thread_is_blocked(widget):
    widget.comm.from_frontend(event(1, "tick-every"))
    widget.comm.from_frontend(event(2, "sub"))
    before = len(widget.comm.custom())
    # The "cell" blocks (no event loop runs on this thread) and broadcasts meanwhile.
    for i in range(5):
        pubsub.broadcast("progress", f"epoch {i}")
        wait_until(lambda i=i: widget.assigns.info == f"epoch {i}", f"epoch {i} to arrive")
    wait_until(lambda: widget.assigns.ticks >= 3, "three ticks")
    # Faster than a frame, they are coalesced (livewidget._live.coalesce); the page gets there.
    wait_until(lambda: "epoch 4" in page(widget), "the last epoch on the page")
    assert len(widget.comm.custom()) > before


def test_close_from_another_thread_ends_the_view_on_its_loop(widget):
    ended: list[str] = []
    widget.view.terminate = lambda reason: ended.append(threading.current_thread().name)
    widget.comm.from_frontend(event(1, "tick-every"))
    closer = threading.Thread(target=widget.close)
    closer.start()
    closer.join()
    assert ended == ["livewidget"]
    assert widget.closed


def test_a_message_handled_on_the_livewidget_thread_itself_does_not_wait_for_itself(widget):
    done = threading.Event()

    def on_loop() -> None:
        widget.comm.from_frontend(event(1, "go", tag="inline"))
        done.set()

    _loop.shared_loop().call_soon_threadsafe(on_loop)
    assert done.wait(TIMEOUT)
    assert answered_refs(widget) == [1]


class FakeKernel:
    """Just what livewidget reads of ipykernel's Kernel: the shell parent and the subshells."""

    def __init__(self) -> None:
        self._shell_parent: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar(
            "shell_parent"
        )
        self.subshells = ["sub-a"]
        self.shell_channel_thread = self
        self.manager = self

    def get_parent(self, channel: str) -> dict[str, Any]:
        return self._shell_parent.get({})

    def list_subshell(self) -> list[str]:
        return list(self.subshells)


def test_what_livewidget_sends_carries_the_parent_of_the_widgets_last_inbound_message(
    threaded, local_pubsub, monkeypatch
):
    kernel = FakeKernel()
    monkeypatch.setattr(_kernel, "kernel", lambda: kernel)
    parents: list[Any] = []
    original = RecordingComm.publish_msg

    def publish(self, *args, **kwargs):
        parents.append(kernel._shell_parent.get(None))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RecordingComm, "publish_msg", publish)
    kernel._shell_parent.set({"header": {"msg_id": "cell", "subshell_id": None}})
    widget = LiveWidget(Log)
    try:

        def from_subshell(ref: int, subshell: str) -> None:
            def run() -> None:
                kernel._shell_parent.set({"header": {"msg_id": ref, "subshell_id": subshell}})
                widget.comm.from_frontend({"k": "join"} if ref == 0 else event(ref, "go"))

            thread = threading.Thread(target=run)  # a subshell's thread, its own context
            thread.start()
            thread.join()

        from_subshell(0, "sub-a")
        assert parents[-1]["header"] == {"msg_id": 0, "subshell_id": "sub-a"}
        from_subshell(1, "sub-a")
        assert parents[-1]["header"] == {"msg_id": 1, "subshell_id": "sub-a"}
        count = len(parents)
        widget.send_info("from the cell")  # sent later, on livewidget's thread
        wait_until(lambda: widget.assigns.info == "from the cell", "the info")
        # Assigned first, sent after: within a frame of the last update the send may be
        # held for up to one (see _live.coalesce).
        wait_until(lambda: len(parents) >= count + 1, "the info on the page")
        assert len(parents) == count + 1
        assert parents[-1]["header"]["subshell_id"] == "sub-a"
        kernel.subshells = []  # the page went away and its subshell with it
        widget.send_info("again")
        # Within a frame of the last update, it may be held for up to one (see _live.coalesce).
        wait_until(lambda: len(parents) == count + 2, "the info on the page")
        assert parents[-1]["header"]["subshell_id"] is None  # never routed to a dead subshell
    finally:
        widget.close()


def test_a_widgets_messages_go_where_the_frontend_sent_them_never_to_a_vanished_subshell(
    monkeypatch,
):
    kernel = FakeKernel()
    monkeypatch.setattr(_kernel, "kernel", lambda: kernel)

    class Comm:
        def _reply_subshell_for(self, data, default):
            return "sub-gone"  # ipykernel's choice: the subshell of the last outgoing message

    c = Comm()
    _kernel.route_as_addressed(c)
    _kernel.route_as_addressed(c)  # once is enough
    assert c._reply_subshell_for({}, "sub-a") == "sub-a"  # the frontend's choice
    assert c._reply_subshell_for({}, None) is None  # the main shell, as addressed
    assert c._reply_subshell_for({}, "sub-other") is None  # neither exists: the main shell
    kernel.subshells = ["sub-gone"]
    assert c._reply_subshell_for({}, "sub-other") == "sub-gone"


def test_closed_threaded_widgets_leave_nothing_on_livewidgets_loop(threaded, local_pubsub):
    import asyncio
    import gc
    import weakref

    refs = []
    for _ in range(20):
        widget = LiveWidget(Log)
        widget.comm.from_frontend({"k": "join"})
        widget.comm.from_frontend(event(1, "tick-every"))
        widget.comm.from_frontend(event(2, "sub"))
        refs.append(weakref.ref(widget))
        widget.close()
        del widget
    # The loop's thread may still be returning from the close it ran for the last one.
    wait_until(lambda: gc.collect() >= 0 and all(r() is None for r in refs), "widgets freed")

    async def ours() -> list[str]:
        return [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("livewidget")]

    loop = _loop.shared_loop()
    assert asyncio.run_coroutine_threadsafe(ours(), loop).result(TIMEOUT) == []
    assert local_pubsub.subscription_count() == 0


class Awaiting(LiveView):
    """An async handler that waits for the test to let it go."""

    template = "<p>{{ n }}</p>"

    def mount(self, socket, session, params):
        socket.assign(n=0)
        self.release = asyncio.Event()

    async def handle_event(self, event, params, socket):
        if event == "wait":
            await self.release.wait()
        socket.assign(n=socket.assigns.n + 1)


def test_an_async_handler_that_awaits_does_not_hold_the_comm_handler(threaded, monkeypatch):
    from livewidget import widget as widget_module

    # A comm handler that waited for the awaiting handler would wait until the watchdog.
    monkeypatch.setattr(widget_module, "REPLY_WAIT_SECONDS", 60.0)
    slow, other = LiveWidget(Awaiting), LiveWidget(Awaiting)
    loop = _loop.shared_loop()
    watchdog = threading.Timer(5.0, lambda: loop.call_soon_threadsafe(slow.view.release.set))
    try:
        watchdog.start()
        for w in (slow, other):
            w.comm.from_frontend({"k": "join"})
        slow.comm.from_frontend(event(1, "wait"))
        assert answered_refs(slow) == []  # returned while the handler still awaits
        slow.comm.from_frontend(event(2, "go"))  # behind it: queued, not waited for
        assert answered_refs(slow) == []
        other.comm.from_frontend(event(1, "go"))  # another widget: answered at once
        assert answered_refs(other) == [1]
        loop.call_soon_threadsafe(slow.view.release.set)
        wait_until(lambda: answered_refs(slow) == [1, 2], "the awaiting handler and the next")
        assert slow.assigns.n == 2
    finally:
        watchdog.cancel()
        slow.close()
        other.close()


class SlowMount(LiveView):
    """A mount that takes a while, as one creating a plotly FigureWidget does."""

    template = "<p>{{ ready }}</p>"
    release = threading.Event()

    def mount(self, socket, session, params):
        SlowMount.release.wait(10)
        socket.assign(ready=True)


@pytest.mark.parametrize("voila", [True, False])
def test_in_voila_the_cell_waits_for_the_whole_first_mount(threaded, monkeypatch, voila):
    from livewidget import widget as widget_module

    # Voila serves the page (and its manager walks the kernel's widgets) once the cell ends:
    # a mount still creating widgets on livewidget's thread then would race that walk.
    if voila:
        monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5")
    else:
        monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    monkeypatch.setattr(widget_module, "REPLY_WAIT_SECONDS", 0.05)
    SlowMount.release.clear()
    timer = threading.Timer(0.5, SlowMount.release.set)
    timer.start()
    try:
        widget = LiveWidget(SlowMount)
        assert widget._voila is voila
        assert widget.assigns.get("ready") is (True if voila else None)
    finally:
        SlowMount.release.set()
        timer.cancel()
    wait_until(lambda: widget.assigns.get("ready") is True, "the mount")
    widget.close()
