"""Everything a view starts ends with it: 1,000 mount/close cycles leave no task, no timer
handle, no subscription and no session behind; 1,000 widgets displayed and closed (from Python
and by the page) leave nothing of themselves alive."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref

import comm
import ipywidgets
import pytest

from livewidget import LiveView, LiveWidget, Session, pubsub
from livewidget._frontend import shared_bundle

from .test_widget import RecordingComm, page_closes

CYCLES = 1000


pytestmark = pytest.mark.usefixtures("local_pubsub")


class Busy(LiveView):
    """Starts one of everything."""

    template = "{{ n }} {{ data.loading }}"

    def mount(self, socket, session, params):
        socket.assign(n=0)
        socket.every(0.001, "tick")
        socket.send_info_after(60, "never")
        socket.start_async("forever", asyncio.sleep(60))
        socket.start_async("sleepy", self.sleepy)
        socket.assign_async("data", lambda: 1)
        socket.subscribe("leaks")
        socket.subscribe(f"own-{socket.id}")

    async def sleepy(self):
        await asyncio.sleep(60)

    def handle_info(self, info, socket):
        socket.assign(n=socket.assigns.n + 1)

    def handle_async(self, name, result, socket):
        pass


def live_timer_handles(loop):
    return [h for h in loop._scheduled if not h.cancelled()]


def test_a_thousand_mount_close_cycles_leave_nothing_behind(local_pubsub):
    loop = asyncio.new_event_loop()
    sessions: list[weakref.ref[Session]] = []
    sent: list[dict] = []

    async def cycles():
        for i in range(CYCLES):
            session = Session(Busy, send=sent.append, loop=loop)
            session.start()
            session.receive({"k": "join"})
            await session.drain()
            if i % 50 == 0:  # now and then let ticks fire and threads finish mid-life
                await asyncio.sleep(0.005)
            pubsub.broadcast("leaks", i)
            assert local_pubsub.subscription_count() == 2
            session.close()
            sessions.append(weakref.ref(session))
        await asyncio.sleep(0.05)  # cancelled tasks finish

    try:
        loop.run_until_complete(cycles())
        assert asyncio.all_tasks(loop) == set()
        assert live_timer_handles(loop) == []
        assert local_pubsub.subscription_count() == 0
        assert local_pubsub.topics() == []
        gc.collect()
        assert [ref for ref in sessions if ref() is not None] == []
        assert len(sent) >= CYCLES  # they did run: a full render per join, and ticks
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def test_closing_the_widget_stops_its_timers_tasks_and_subscriptions(monkeypatch, local_pubsub):
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    try:
        widget = LiveWidget(Busy)
        loop.run_until_complete(asyncio.sleep(0.02))
        live = widget._session.socket._live
        assert live.timers and len(live.tasks) and live.topics
        widget.close()
        loop.run_until_complete(asyncio.sleep(0.01))
        assert live.stopped and not live.timers and not len(live.tasks) and not live.topics
        assert live_timer_handles(loop) == []
        assert local_pubsub.subscription_count() == 0
        assert asyncio.all_tasks(loop) == set()
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)


class Blob:
    """An assign we can hold a weak reference to: what a view keeps must go with it."""

    def __len__(self) -> int:
        return 3


class Hooked(Busy):
    """One of everything, a client hook that pushes events, and a big assign."""

    template = '<div id="c" phx-hook="Chart">{{ n }} {{ data.loading }} {{ blob|length }}</div>'
    hooks = {"Chart": "export default { mounted() { this.pushEvent('ping', {}) } }"}

    def mount(self, socket, session, params):
        super().mount(socket, session, params)
        socket.assign(blob=session["blob"])

    def handle_event(self, event, params, socket):
        socket.push_event("pong", {"n": socket.assigns.n})
        return {"ok": True}


def open_widgets() -> int:
    # ipywidgets' registry of open widgets (Widget.widgets, deprecated, reads the same dict)
    return len(ipywidgets.widgets.widget._instances)


def test_a_thousand_widgets_displayed_and_closed_leave_nothing_alive(monkeypatch, local_pubsub):
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    manager = comm.get_comm_manager()
    shared_bundle()  # the kernel's one frontend bundle model stays open: not a widget's
    widgets_before, comms_before = open_widgets(), len(manager.comms)
    threads_before = set(threading.enumerate())
    alive: list[weakref.ref] = []
    by_page = hook_replies = 0

    async def cycles() -> None:
        nonlocal by_page, hook_replies
        for i in range(CYCLES):
            blob = Blob()
            widget = LiveWidget(Hooked, session={"blob": blob}, hooks={"Own": "export default {}"})
            widget._repr_mimebundle_()  # displayed
            page = widget.comm
            page.from_frontend({"k": "join"})
            page.from_frontend({"k": "event", "ref": 1, "type": "hook", "event": "ping"})
            await widget._session.drain()
            if i % 50 == 0:  # now and then let ticks fire and threads finish mid-life
                await asyncio.sleep(0.005)
            hook_replies += sum(m.get("rep") == {"ok": True} for m in page.custom())
            session = widget._session
            alive.extend(
                weakref.ref(x)
                for x in (widget, session, widget.view, session.socket, widget.layout, page, blob)
            )
            assert local_pubsub.subscription_count() == 2
            if i % 2:
                page_closes(page)
                by_page += 1
            else:
                widget.close()
            assert widget.closed
            del widget, session, page, blob
        await asyncio.sleep(0.05)  # cancelled tasks finish

    try:
        loop.run_until_complete(cycles())
        assert by_page == CYCLES // 2
        assert hook_replies == CYCLES  # they did run: joined, and the hook's event answered
        assert asyncio.all_tasks(loop) == set()
        assert live_timer_handles(loop) == []
        assert local_pubsub.subscription_count() == 0
        gc.collect()
        assert [ref() for ref in alive if ref() is not None] == []
        assert len(alive) == 7 * CYCLES
        assert open_widgets() == widgets_before
        assert len(manager.comms) == comms_before
        # Worker threads of the loop's shared executor may idle on; none is the widgets' own.
        extra = set(threading.enumerate()) - threads_before
        assert [t.name for t in extra if not t.name.startswith("asyncio_")] == []
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
