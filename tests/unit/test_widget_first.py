"""The first reply in the widget's state (``_lw_first``): sent once, right after the comm
opens; a join that says the page shows it gets no tree unless the page moved meanwhile."""

from __future__ import annotations

import json
import threading

import comm
import pytest

import livewidget.widget as widget_module
from livewidget import LiveView, LiveWidget
from livewidget._core.session import Session
from livewidget._live import loop as _loop
from tests.unit._waiting import TIMEOUT, wait_until

from .conftest import Counter
from .test_streams import Chat
from .test_widget import RecordingComm, settle, updates_sent


@pytest.fixture
def make(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    made: list[LiveWidget] = []

    def make(view=Counter, **kwargs) -> LiveWidget:
        widget = LiveWidget(view, **kwargs)
        made.append(widget)
        settle(loop)
        return widget

    yield make
    for widget in made:
        widget.close()


def state_updates(widget: LiveWidget) -> list[dict]:
    return updates_sent(widget.comm)


def decoded(value) -> dict | None:
    """The first reply as the page reads it: UTF-8 JSON in a binary buffer."""
    return None if value is None else json.loads(bytes(value))


def settle_until(loop, done) -> None:
    """Run the loop (paced updates go out on its timers) until ``done()``."""
    for _ in range(200):
        settle(loop)
        if done():
            return
    raise AssertionError("the loop settled without it")


def first_of(widget: LiveWidget) -> dict | None:
    return decoded(widget.get_state("_lw_first")["_lw_first"])


def test_the_first_reply_follows_the_comm_open_once(make):
    widget = make(session={"start": 3})
    kinds = [m["msg_type"] for m in widget.comm.published]
    assert kinds[0] == "comm_open"
    assert widget.comm.published[0]["data"]["state"]["_lw_first"] is None  # not mounted yet
    (update,) = state_updates(widget)
    assert decoded(update["_lw_first"]) == first_of(widget)
    first = first_of(widget)
    assert first["r"]["0"] == "3"
    assert set(first) == {"r", "h", "nav"}
    assert first["nav"] == {"url": "/", "replace": False, "index": 0}
    assert widget.comm.custom() == []  # nothing on the comm until a page joins


def test_it_is_what_a_plain_join_would_send(make, loop):
    shown, plain = make(session={"start": 3}), make(session={"start": 3})
    plain.comm.from_frontend({"k": "join"})
    settle(loop)
    (reply,) = plain.comm.custom()
    assert json.dumps(first_of(shown), sort_keys=True) == json.dumps(reply, sort_keys=True)


def test_a_join_showing_it_gets_no_tree_and_the_next_click_a_diff(make, loop):
    widget = make(session={"start": 3})
    widget.comm.from_frontend({"k": "join", "first": True})
    settle(loop)
    widget.comm.from_frontend(
        {"k": "event", "ref": 1, "type": "click", "event": "inc", "value": {"by": "5"}}
    )
    settle(loop)
    assert widget.comm.custom() == [
        {"nav": {"url": "/", "replace": False, "index": 0}},
        {"ref": 1, "d": {"0": "8", "1": "8"}},
    ]
    assert first_of(widget) is None  # a reloaded page asks for the tree
    first, gone = state_updates(widget)  # ... and so does a model made from a replayed state
    assert decoded(first["_lw_first"])["r"]["0"] == "3" and gone == {"_lw_first": None}


def test_the_first_change_before_any_join_is_a_diff_from_it_marked_first(make, loop):
    widget = make(session={"start": 3})
    widget.assign(count=7)
    settle(loop)
    assert widget.comm.custom() == [{"d": {"0": "7", "1": "7"}, "first": True}]
    assert first_of(widget) is None  # a page opening now must not show 3
    *_, gone = state_updates(widget)
    assert gone == {"_lw_first": None}  # a model made from the state later joins
    widget.comm.from_frontend({"k": "join", "first": True})  # a page that missed it
    settle(loop)
    *_, whole = widget.comm.custom()
    assert whole["r"]["0"] == "7"
    widget.assign(count=8)
    settle_until(loop, lambda: widget.comm.custom()[-1] == {"d": {"0": "8", "1": "8"}})


def test_a_join_first_after_a_first_join_gets_the_whole_tree_and_clears_the_state(make, loop):
    widget = make(session={"start": 3})
    widget.comm.from_frontend({"k": "join", "first": True})
    settle(loop)
    assert state_updates(widget)[-1] == {"_lw_first": None}
    widget.comm.from_frontend({"k": "join", "first": True})  # a state replayed from a cache
    settle(loop)
    _, whole = widget.comm.custom()
    assert whole["r"]["0"] == "3"


class Pusher(LiveView):
    template = "<p>{{ n }}</p>"

    def mount(self, socket, session, params):
        socket.assign(n=0)

    def handle_info(self, info, socket):
        socket.push_event("ping", {"i": info})


def test_events_pushed_before_any_join_go_out_with_the_first_change(make, loop):
    widget = make(Pusher)
    widget.send_info(1)
    settle(loop)
    assert widget.comm.custom() == [{"e": [["ping", {"i": 1}]], "first": True}]
    widget.send_info(2)
    settle_until(loop, lambda: len(widget.comm.custom()) == 2)  # paced as usual
    assert widget.comm.custom()[1] == {"e": [["ping", {"i": 2}]]}


def test_a_view_no_page_was_given_sends_nothing_before_a_join(loop):
    # The state never carried the first reply (no page displayed it): no page can show it.
    sent: list[dict] = []
    gone: list[str] = []
    session = Session(Counter, send=sent.append, loop=loop, on_first_gone=lambda: gone.append("x"))
    session.start()
    settle(loop)
    session.assign({"count": 9})
    settle(loop)
    assert (sent, gone) == ([], [])
    assert session.first_reply() is None  # the tree moved: a page now joins by itself
    session.assign({"count": 10})
    settle(loop)
    assert sent == []  # still no page that could apply a diff
    session.close("done")


def test_pythons_navigate_before_any_join_is_a_diff_from_the_first_reply(make, loop):
    widget = make(Paged)
    widget.navigate("/?page=2")
    settle(loop)
    (message,) = widget.comm.custom()
    assert message["first"] is True
    assert message["d"] == {"0": "2"} and message["nav"]["url"] == "/?page=2"


def test_a_message_waits_for_a_state_being_sent(make, loop):
    # A state read before the view changed carries the first reply: the page must get it
    # before the diff from it, or that diff would reach a model not made yet, and be lost.
    widget = make(session={"start": 3})
    reading, release = threading.Event(), threading.Event()
    get_state = widget.get_state

    def slow_get_state(key=None):
        state = get_state(key)
        reading.set()
        release.wait(TIMEOUT)
        return state

    widget.get_state = slow_get_state
    sender = threading.Thread(target=widget.send_state)
    sender.start()
    assert reading.wait(TIMEOUT)
    diff = threading.Thread(target=widget._send_message, args=({"d": {}, "first": True},))
    diff.start()
    diff.join(0.2)
    assert diff.is_alive(), "it was sent while the state was being sent"
    release.set()
    sender.join(TIMEOUT)
    diff.join(TIMEOUT)
    kinds = [m["data"].get("method") for m in widget.comm.published[-2:]]
    assert kinds == ["update", "custom"]


def test_a_reloaded_page_joins_without_it_and_gets_the_tree(make, loop):
    widget = make(session={"start": 3})
    widget.comm.from_frontend({"k": "join", "first": True})
    widget.comm.from_frontend({"k": "join"})
    widget.comm.from_frontend({"k": "join", "first": True})  # a second page with an old state
    settle(loop)
    shown, *reloads = widget.comm.custom()
    assert "r" not in shown
    assert [r["r"]["0"] for r in reloads] == ["3", "3"]


@pytest.mark.parametrize("value", [1, "yes", None, [], {}])
def test_a_join_with_a_bad_first_flag_is_refused_and_changes_nothing(make, loop, value):
    widget = make(session={"start": 3})
    widget.comm.from_frontend({"k": "join", "first": value})
    settle(loop)
    (refused,) = widget.comm.custom()
    assert "first" in refused["err"]["message"] and "true or false" in refused["err"]["message"]
    assert first_of(widget) is not None  # not joined: the state still draws the view
    widget.comm.from_frontend({"k": "join", "first": True})
    settle(loop)
    assert "r" not in widget.comm.custom()[-1]


class Paged(LiveView):
    template = "<p>{{ page }}</p>"

    def mount(self, socket, session, params):
        socket.assign(page="1")

    def handle_params(self, params, url, socket):
        socket.assign(page=params.get("page", "1"))


class Broken(LiveView):
    template = "<p>{{ x }}</p>"

    def mount(self, socket, session, params):
        raise RuntimeError("no database")


def test_a_failed_mount_puts_nothing_in_the_state_and_the_join_brings_the_error(make, loop):
    widget = make(Broken)
    assert state_updates(widget) == []
    widget.comm.from_frontend({"k": "join", "first": True})
    settle(loop)
    (reply,) = widget.comm.custom()
    assert "no database" in reply["err"]["message"]
    assert "r" in reply


def test_a_streams_rows_come_with_the_first_reply_and_with_a_later_plain_join(make, loop):
    widget = make(Chat)
    rows = json.dumps(first_of(widget))
    assert '"msgs-1"' in rows and '"msgs-2"' in rows
    widget.comm.from_frontend({"k": "join"})  # a page without the state's copy
    settle(loop)
    (reply,) = widget.comm.custom()
    assert json.dumps(reply["r"], sort_keys=True) == json.dumps(
        json.loads(rows)["r"], sort_keys=True
    )


class Titled(LiveView):
    template = "<p>{{ n }}</p>"

    def mount(self, socket, session, params):
        socket.assign(n=1)
        socket.page_title = "Hello"


def test_the_title_travels_with_it_and_again_with_the_join(make, loop):
    widget = make(Titled)
    assert first_of(widget)["t"] == "Hello"
    widget.comm.from_frontend({"k": "join", "first": True})
    settle(loop)
    (reply,) = widget.comm.custom()
    assert reply["t"] == "Hello" and "r" not in reply


def test_on_livewidgets_thread_the_comm_open_itself_carries_it(monkeypatch, local_pubsub):
    # As in a kernel: the view mounts on livewidget's thread while the constructor waits, so
    # the comm opens after the mount, with the first reply in its state; nothing follows it.
    monkeypatch.setenv(_loop.ENV, "1")
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    widget = LiveWidget(Counter, session={"start": 5})
    try:
        opened = widget.comm.published[0]
        assert opened["msg_type"] == "comm_open"
        assert opened["data"]["buffer_paths"] == [["_lw_first"]]  # not walked by ipywidgets
        first = decoded(widget.comm.state_of(opened)["_lw_first"])
        assert first["r"]["0"] == "5"
        assert first["later"] is True  # the comm_open's: its page may join later
        assert "later" not in first_of(widget)  # a state a page asks for: it joins at once
        assert state_updates(widget) == []
        widget.comm.from_frontend({"k": "join", "first": True})
        wait_until(lambda: widget.comm.custom() != [], "the join's answer")
        assert widget.comm.custom() == [{"nav": {"url": "/", "replace": False, "index": 0}}]
    finally:
        widget.close()


class Slow(LiveView):
    template = "<p>{{ n }}</p>"

    def mount(self, socket, session, params):
        SLOW.wait(TIMEOUT)
        socket.assign(n=1)


SLOW = threading.Event()


def test_a_mount_slower_than_the_cells_wait_sends_it_after_the_comm_open(monkeypatch, local_pubsub):
    monkeypatch.setenv(_loop.ENV, "1")
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    monkeypatch.setattr(widget_module, "REPLY_WAIT_SECONDS", 0.05)
    SLOW.clear()
    widget = LiveWidget(Slow)
    try:
        assert widget.comm.published[0]["data"]["state"]["_lw_first"] is None
        SLOW.set()
        wait_until(lambda: state_updates(widget) != [], "the first reply's update")
        assert decoded(state_updates(widget)[0]["_lw_first"])["r"]["0"] == "1"
    finally:
        SLOW.set()
        widget.close()
