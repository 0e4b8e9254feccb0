"""The chat notebook's view, driven by the test client: two views talk through PubSub."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import livewidget
from livewidget import pubsub
from livewidget.pubsub import Disconnected, Reconnected
from livewidget.testing import LiveViewTest

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "chat.ipynb"


@pytest.fixture
def chat(monkeypatch):
    """The notebook's ``Chat`` class, defined by running its code cells but the last."""
    monkeypatch.delenv(pubsub.ENV, raising=False)
    livewidget.configure(pubsub="local")
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    assert cells[-1].strip() == "LiveWidget(Chat)"
    namespace: dict = {}
    for source in cells[:-1]:
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    yield namespace["Chat"]
    livewidget.configure(pubsub="local")


def test_a_message_reaches_every_view_and_clears_the_sender_box(chat):
    with LiveViewTest(chat) as alice, LiveViewTest(chat) as bob:
        assert alice.find("#chat-status").get_text().split(":")[1].strip().startswith("online")
        alice.submit("#chat-form", text="hello <b>bob</b>")
        assert alice.pushed_events == [("chat-sent", {})]
        for view in (alice, bob):
            view.wait_until(lambda v=view: v.has_element("#chat-log li", "hello <b>bob</b>"))
        assert "<b>bob</b>" not in bob.html()  # escaped
        assert "ClearOnSend" in alice.hooks
        alice.submit("#chat-form", text="   ")  # blank: nothing sent
        alice.run_for(0.02)
        assert len(bob._soup().select("#chat-log li")) == 1


def test_clicks_are_heard_by_every_view(chat):
    with LiveViewTest(chat) as alice, LiveViewTest(chat) as bob:
        alice.click("button#click")
        bob.click("button#click")
        for view in (alice, bob):
            view.wait_until(lambda v=view: v.find("#clicks").get_text() == "2")
        assert bob.find("button#chat-send")["type"] == "submit"
        assert bob.find("input[name=text]")["id"] == "chat-text"


def test_the_status_follows_the_broker(chat):
    with LiveViewTest(chat) as view:
        view.send_info(Disconnected("gone"))
        assert "offline" in view.find("#chat-status").get_text()
        view.send_info(Reconnected())
        assert "offline" not in view.find("#chat-status").get_text()
