"""send_info_after and every: delivery through the queue, order, cancel, and the end of a view."""

from __future__ import annotations

import threading

import pytest

from livewidget import LiveView, Socket, Timer
from livewidget.testing import LiveViewTest


class Ticker(LiveView):
    template = '<p id="ticks">{{ ticks }}</p><p id="log">{{ log | join(",") }}</p>'

    def mount(self, socket, session, params):
        socket.assign(ticks=0, log=[])
        self.timers: dict[str, Timer] = {}
        interval = session.get("every")
        if interval:
            self.timers["tick"] = socket.every(interval, "tick")

    def handle_event(self, event, params, socket):
        if event == "later":
            self.timers["later"] = socket.send_info_after(float(params["s"]), "later")
        elif event == "order":
            socket.send_info("a")
            self.timers["b"] = socket.send_info_after(0, "b")
            socket.send_info("c")
        elif event == "stop":
            self.timers["tick"].cancel()
        elif event == "go":
            socket.push_redirect("/quiet")

    def handle_info(self, info, socket):
        if info == "tick":
            socket.assign(ticks=socket.assigns.ticks + 1)
        else:
            socket.assign(log=[*socket.assigns.log, info])


class Quiet(LiveView):
    template = "<p>quiet</p>"


def test_send_info_after_delivers_later_not_now():
    with LiveViewTest(Ticker) as view:
        view.push_event("later", {"s": 0.15})
        assert view.find("#log").get_text() == ""
        view.wait_until(lambda: view.has_element("#log", "later"))
        assert view.view.timers["later"].fired == 1
        assert not view.view.timers["later"].active


def test_a_timer_message_comes_after_what_the_handler_queued():
    with LiveViewTest(Ticker) as view:
        view.push_event("order")
        view.wait_until(lambda: view.find("#log").get_text() == "a,c,b")


def test_each_tick_is_one_diff_through_the_queue():
    with LiveViewTest(Ticker, session={"every": 0.02}) as view:
        view.wait_until(lambda: view.assigns.ticks >= 3)
        ticks = [m for m in view.messages if "d" in m and "ref" not in m]
        assert len(ticks) >= 3
        assert all(set(m) == {"d"} for m in ticks)


def test_every_stops_when_cancelled():
    with LiveViewTest(Ticker, session={"every": 0.01}) as view:
        view.wait_until(lambda: view.assigns.ticks >= 2)
        view.push_event("stop")
        timer = view.view.timers["tick"]
        assert not timer.active
        stopped_at = view.assigns.ticks
        view.run_for(0.08)
        assert view.assigns.ticks == stopped_at
        timer.cancel()  # again: harmless


def test_cancel_from_another_thread():
    with LiveViewTest(Ticker, session={"every": 0.01}) as view:
        view.wait_until(lambda: view.assigns.ticks >= 1)
        worker = threading.Thread(target=view.view.timers["tick"].cancel)
        worker.start()
        worker.join()
        view.run_for(0.03)
        stopped_at = view.assigns.ticks
        view.run_for(0.05)
        assert view.assigns.ticks == stopped_at


class Slow(LiveView):
    template = "{{ n }}"

    def mount(self, socket, session, params):
        socket.assign(n=0)
        self.timer = socket.every(0.005, "tick")

    async def handle_info(self, info, socket):
        import asyncio

        await asyncio.sleep(0.03)  # six times the interval
        socket.assign(n=socket.assigns.n + 1)


def test_a_slow_handle_info_does_not_pile_up_ticks():
    with LiveViewTest(Slow) as view:
        view.run_for(0.3)
        timer = view.view.timer
        assert timer.skipped > 0
        assert view.session._queue.qsize() <= 1
        assert timer.fired - view.assigns.n <= 1


def test_timers_end_with_a_redirect():
    with LiveViewTest({"/": Ticker, "/quiet": Quiet}, session={"every": 0.01}) as view:
        view.wait_until(lambda: view.assigns.ticks >= 1)
        timer = view.view.timers["tick"]
        view.push_event("go")
        assert view.html() == "<p>quiet</p>"
        assert not timer.active
        before = len(view.messages)
        view.run_for(0.05)
        assert len(view.messages) == before


def test_timers_end_when_the_mount_fails():
    class Broken(LiveView):
        template = "x"

        def mount(self, socket, session, params):
            self.timer = socket.every(0.01, "tick")
            raise RuntimeError("no")

    with LiveViewTest(Broken, raise_errors=False) as view:
        assert "no" in view.errors[0]["message"]
        before = len(view.messages)
        view.run_for(0.05)
        assert len(view.messages) == before


def test_timers_end_when_the_view_closes():
    view = LiveViewTest(Ticker, session={"every": 0.01})
    timer = view.view.timers["tick"]
    view.close()
    assert not timer.active
    assert view.session.socket._live.timers == set()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda s: s.every(0, "x"), ValueError, r"every\(seconds, info\) needs seconds > 0, got 0"),
        (lambda s: s.every(-1, "x"), ValueError, "> 0"),
        (lambda s: s.send_info_after(-1, "x"), ValueError, ">= 0"),
        (lambda s: s.send_info_after("1", "x"), TypeError, "as a number, got str"),
        (lambda s: s.every(float("nan"), "x"), ValueError, "> 0"),
        (lambda s: s.every(True, "x"), TypeError, "got bool"),
    ],
)
def test_bad_delays_say_what_was_expected(call, error, match):
    with LiveViewTest(Ticker) as view, pytest.raises(error, match=match):
        call(view.session.socket)


def test_a_socket_without_a_session_says_where_timers_work():
    with pytest.raises(RuntimeError, match=r"socket\.every\(\) needs a running view"):
        Socket("lone").every(1, "tick")


def test_ticks_before_any_page_joined_send_nothing_and_the_join_shows_them():
    import asyncio

    from livewidget import Session

    loop = asyncio.new_event_loop()
    sent = []
    session = Session(Ticker, send=sent.append, session={"every": 0.005}, loop=loop)

    async def scenario():
        session.start()
        await asyncio.sleep(0.05)
        assert sent == []  # no page yet: no diffs into the void
        session.receive({"k": "join"})
        await session.drain()
        session.close()

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()
    join = sent[0]
    assert int(join["r"]["0"]) >= 2  # the full tree carries the ticks that happened before
