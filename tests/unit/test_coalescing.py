"""Pacing under Jupyter's iopub rate limit: updates that answer no event are coalesced.

Simulated time throughout: the session's pacer reads a fake clock and schedules its flushes
on it, and the tests count messages (never wall time).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from livewidget import LiveView, Session, pubsub
from livewidget import _protocol as p
from livewidget._live.coalesce import FRAME, Budget, Pacer
from livewidget.template import merge, to_html


class _Handle:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class SimClock:
    """A clock that moves only when told, with the timers a pacer schedules on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self._due: list[tuple[float, int, _Handle, Callable[[], None]]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    def call_later(self, seconds: float, fn: Callable[[], None]) -> _Handle:
        handle = _Handle()
        heapq.heappush(self._due, (self.now + seconds, next(self._seq), handle, fn))
        return handle

    def advance(self, seconds: float) -> None:
        self.now += seconds
        while self._due and self._due[0][0] <= self.now:
            _, _, handle, fn = heapq.heappop(self._due)
            if not handle.cancelled:
                fn()


class Ticker(LiveView):
    template = '<p id="n">{{ n }}</p><p id="last">{{ last }}</p><button phx-click="poke">x</button>'

    def mount(self, socket, session, params):
        socket.assign(n=0, last="", pokes=0)
        if session.get("topic"):
            socket.subscribe(session["topic"])

    def handle_info(self, info, socket):
        socket.assign(n=socket.assigns.n + 1, last=str(info))
        if isinstance(info, str) and info.startswith("push"):
            socket.push_event("seen", {"info": info})

    def handle_event(self, event, params, socket):
        socket.assign(pokes=socket.assigns.pokes + 1)
        return {"n": socket.assigns.n}


class Page:
    """A session on a simulated clock and the page its messages build."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        clock: SimClock | None = None,
        budget: Budget | None = None,
        **session: Any,
    ) -> None:
        self.loop = loop
        self.clock = clock or SimClock()
        budget = budget or Budget(clock=self.clock)
        self.pacer = Pacer(budget, clock=self.clock, call_later=self.clock.call_later)
        self.messages: list[dict[str, Any]] = []
        self.session = Session(
            Ticker, send=self.messages.append, session=session, loop=loop, pacer=self.pacer
        )
        self.tree: dict[str, Any] | None = None
        self.events: list[tuple[str, Any]] = []
        self.refs = itertools.count(1)
        self.session.start()
        self.run(self.session.drain())
        self.send({p.KIND: p.JOIN})

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def settle(self) -> None:
        """Handle what is queued, leaving held updates to their scheduled flush."""
        self.run(self.session.drain(send_held=False))
        self._read()

    def send(self, message: dict[str, Any]) -> None:
        self.session.receive(message)
        self.settle()

    def click(self) -> list[dict[str, Any]]:
        before = len(self.messages)
        ref = next(self.refs)
        self.send(
            {
                p.KIND: p.EVENT,
                p.REF: ref,
                p.EVENT_TYPE: p.TYPE_CLICK,
                p.EVENT_NAME: "poke",
                p.EVENT_VALUE: {},
            }
        )
        return self.messages[before:]

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.settle()

    def _read(self) -> None:
        for message in self.messages[self._seen :]:
            if p.RENDERED in message:
                self.tree = message[p.RENDERED]
            if p.DIFF in message:
                assert self.tree is not None
                self.tree = merge(self.tree, message[p.DIFF])
            self.events.extend((name, payload) for name, payload in message.get(p.EVENTS, []))
        self._seen = len(self.messages)

    _seen = 0

    def html(self) -> str:
        assert self.tree is not None
        return to_html(self.tree)

    def expected_html(self) -> str:
        tree = self.session.tree
        assert tree is not None
        return to_html(tree.to_json())


@pytest.fixture
def page(loop):
    made: list[Page] = []

    def make(**session: Any) -> Page:
        made.append(Page(loop, **session))
        return made[-1]

    yield make
    for each in made:
        each.session.close()


def test_10000_ticks_in_10_seconds_stay_near_one_message_per_frame(page):
    view = page()
    joined = len(view.messages)
    for i in range(10_000):
        view.clock.advance(0.001)
        view.session.send_info(i)
        view.settle()
    view.advance(1.0)  # the last held update flushes
    sent = len(view.messages) - joined
    assert sent <= 10.0 / FRAME + 2  # ~600, against 10,000 without pacing
    assert sent >= 10.0 / FRAME / 2  # the page keeps moving: about one update per frame
    assert view.session.assigns["n"] == 10_000
    assert view.html() == view.expected_html()
    assert '<p id="n">10000</p>' in view.html()


def test_the_first_update_after_a_quiet_moment_goes_at_once(page):
    view = page()
    view.advance(1.0)  # the join's full render started a frame: let it pass
    for _ in range(3):
        before = len(view.messages)
        view.session.send_info("tick")
        view.settle()
        assert len(view.messages) == before + 1  # no frame wait, no flush needed
        view.advance(1.0)
        assert len(view.messages) == before + 1  # nothing held: no second message


def test_an_update_that_changes_nothing_sends_nothing(page):
    view = page()
    view.session.send_info("same")
    view.advance(1.0)
    before = len(view.messages)
    view.session.assign({"last": "same", "n": 1})  # the values it has already
    view.settle()
    view.advance(1.0)
    assert len(view.messages) == before


def test_a_burst_of_broadcasts_is_coalesced(page, local_pubsub):
    view = page(topic="news")
    view.advance(1.0)
    before = len(view.messages)
    for i in range(5_000):
        pubsub.broadcast("news", f"b{i}")
    view.settle()
    assert len(view.messages) - before == 1  # the first goes at once, the rest are held
    view.advance(FRAME)
    assert len(view.messages) - before == 2  # one frame later: one message for the rest
    assert view.session.assigns["n"] == 5_000
    assert view.html() == view.expected_html()
    assert "b4999" in view.html()


def test_an_event_during_a_burst_gets_one_reply_carrying_what_was_held(page):
    view = page()
    view.session.send_info("first")
    view.session.send_info("second")
    view.settle()
    assert "second" not in view.html()  # held: it came within a frame of the first
    replies = view.click()
    assert len(replies) == 1
    reply = replies[0]
    assert reply[p.REF] == 1 and reply[p.REPLY] == {"n": 2}
    assert "second" in view.html()  # the held update rode in the reply's own diff
    assert view.html() == view.expected_html()
    view.advance(1.0)
    assert view.messages[-1] is reply  # nothing was left to flush after it


def test_pushed_events_are_neither_lost_nor_reordered(page):
    view = page()
    for i in range(50):
        view.session.send_info(f"push{i}")
        view.settle()
        if i == 20:
            view.click()
        view.clock.advance(0.001)
    view.advance(1.0)
    assert [payload["info"] for _, payload in view.events] == [f"push{i}" for i in range(50)]
    assert len(view.messages) < 50
    assert view.html() == view.expected_html()


def test_the_kernel_wide_budget_bounds_many_views_together(page):
    clock = SimClock()
    budget = Budget(rate=500, burst=100, clock=clock)
    views = [page(clock=clock, budget=budget) for _ in range(20)]
    clock.advance(1.0)  # a full bucket
    before = sum(len(view.messages) for view in views)
    for step in range(500):  # 0.5 s: every view ticks every millisecond
        clock.advance(0.001)
        for view in views:
            view.session.send_info(step)
            view.settle()
    sent = sum(len(view.messages) for view in views) - before
    # 20 views at one update a frame would be 600; the kernel's budget allows 250 + a burst.
    assert sent <= 500 * 0.5 + 100 + 1
    assert sent >= 500 * 0.5
    clock.advance(1.0)
    for view in views:
        view.settle()
        assert view.session.assigns["n"] == 500
        assert view.html() == view.expected_html()


def test_budget_refills_and_bounds_debt():
    clock = SimClock()
    budget = Budget(rate=10, burst=2, clock=clock)
    assert budget.wait() == 0
    for _ in range(10):
        budget.spend()  # replies that could not wait: debt, but at most one burst
    assert budget.wait() == pytest.approx((1 + 2) / 10)
    clock.advance(0.3)
    assert budget.wait() == 0
    with pytest.raises(ValueError, match="rate > 0"):
        Budget(rate=0)
