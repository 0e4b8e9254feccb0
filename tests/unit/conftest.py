"""Views used across the unit tests."""

from __future__ import annotations

import asyncio

import pytest

import livewidget
from livewidget import LiveView, pubsub
from livewidget.testing import LiveViewTest

COUNTER_TEMPLATE = """
<button phx-click="dec">-</button>
<span id="count">{{ count }}</span>
<button phx-click="inc" phx-value-by="5">+5</button>
<form phx-submit="set"><input name="n" value="{{ count }}"><button>set</button></form>
"""


class Counter(LiveView):
    """The README's counter."""

    template = COUNTER_TEMPLATE

    def mount(self, socket, session, params):
        socket.assign(count=session.get("start", 0))

    def handle_event(self, event, params, socket):
        if event == "inc":
            socket.assign(count=socket.assigns.count + int(params["by"]))
        elif event == "dec":
            socket.assign(count=socket.assigns.count - 1)
        elif event == "set":
            socket.assign(count=int(params["n"]))
        elif event == "boom":
            socket.assign(count=999)
            raise RuntimeError("kaboom")


@pytest.fixture
def counter():
    with LiveViewTest(Counter) as client:
        yield client


@pytest.fixture
def local_pubsub(monkeypatch):
    """In-process PubSub for the test, whatever the environment says; in-process after it."""
    monkeypatch.delenv(pubsub.ENV, raising=False)
    livewidget.configure(pubsub="local")
    yield pubsub.backend()
    livewidget.configure(pubsub="local")


@pytest.fixture
def loop():
    """A fresh event loop, set as the current one, closed after the test."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    asyncio.set_event_loop(None)
