"""LiveWidget over a recording comm: the Jupyter transport without a kernel or browser."""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import sys
import threading
import types

import comm
import ipywidgets
import pytest
from comm.base_comm import BaseComm
from ipywidgets.widgets.widget import _put_buffers

from livewidget import LiveView, LiveWidget, _frontend
from livewidget.errors import RouteError

from .conftest import Counter


class RecordingComm(BaseComm):
    """A comm that keeps what the kernel would publish."""

    def __init__(self, *args, **kwargs):
        self.published: list[dict] = []
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        self.published.append({"msg_type": msg_type, "data": data or {}, "buffers": buffers})

    def state_of(self, message: dict) -> dict:
        """A comm_open's or update's state with its binary buffers put back, as a page gets it."""
        state = copy.deepcopy(message["data"]["state"])
        _put_buffers(state, message["data"].get("buffer_paths", []), message["buffers"] or [])
        return state

    def custom(self) -> list[dict]:
        return [
            m["data"]["content"]
            for m in self.published
            if m["msg_type"] == "comm_msg" and m["data"].get("method") == "custom"
        ]

    def from_frontend(self, content: dict) -> None:
        self.handle_msg(
            {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
        )


@pytest.fixture
def widget(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    widget = LiveWidget(Counter, session={"start": 3})
    settle(loop)
    yield widget
    widget.close()


def settle(loop):
    loop.run_until_complete(asyncio.sleep(0.01))


def test_join_then_click(widget, loop):
    widget.comm.from_frontend({"k": "join"})
    settle(loop)
    widget.comm.from_frontend(
        {"k": "event", "ref": 1, "type": "click", "event": "inc", "value": {"by": "5"}}
    )
    settle(loop)
    first, reply = widget.comm.custom()
    assert first["r"]["0"] == "3"
    assert reply == {"ref": 1, "d": {"0": "8", "1": "8"}}
    assert widget.assigns.count == 8
    assert repr(widget) == "<LiveWidget Counter url='/'>"


def test_messages_from_another_thread_are_handled_on_the_loop(widget, loop):
    seen = []
    original = widget.view.handle_event

    def record(event, params, socket):
        seen.append(threading.current_thread() is threading.main_thread())
        return original(event, params, socket)

    widget.view.handle_event = record
    message = {"k": "event", "ref": 1, "type": "click", "event": "dec", "value": {}}
    thread = threading.Thread(target=widget.comm.from_frontend, args=(message,))
    thread.start()
    thread.join()
    settle(loop)
    assert seen == [True]
    assert widget.assigns.count == 2


def test_close_terminates_the_view_and_later_messages_are_dropped(widget, loop, caplog):
    ended = []
    widget.view.terminate = ended.append
    comm_ = widget.comm
    widget.close()
    assert ended == ["closed"]
    comm_.from_frontend({"k": "join"})
    settle(loop)
    assert comm_.custom() == []


def test_synced_url_trait(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    widget = LiveWidget(Counter, path="/x?y=1")
    assert widget.url == "/x?y=1"
    assert widget.get_state()["url"] == "/x?y=1"
    widget.close()


def test_a_displayed_counter_holds_at_most_100_kb_and_1_5x_a_bare_anywidget(monkeypatch, loop):
    from bench.memory import Bare, QuietComm, heap_per_widget
    from bench.memory import Counter as BenchCounter

    monkeypatch.setattr(comm, "create_comm", lambda **kw: QuietComm(**kw))
    Bare().close()
    LiveWidget(BenchCounter).close()  # warm up the template cache and the shared bundle
    bare = heap_per_widget(Bare, 200, loop)
    per_widget = heap_per_widget(lambda: LiveWidget(BenchCounter), 200, loop)
    assert per_widget <= 100 * 1024
    # Issue #15: anywidget's traits on the class (not a class per instance), one keys list
    # per class; measured with tracemalloc, a size, the same in every run.
    assert per_widget <= 1.5 * bare, f"{per_widget:.0f} B per LiveWidget, {bare:.0f} B bare"


class OpenRecorder:
    """Makes RecordingComms and keeps them all, to count what every comm_open carried."""

    def __init__(self) -> None:
        self.comms: list[RecordingComm] = []

    def __call__(self, **kwargs) -> RecordingComm:
        made = RecordingComm(**kwargs)
        self.comms.append(made)
        return made

    def opened_bytes(self) -> list[int]:
        return [
            len(json.dumps(m["data"]))
            for c in self.comms
            for m in c.published
            if m["msg_type"] == "comm_open"
        ]


def test_fifty_widgets_open_with_one_copy_of_the_frontend_bundle(monkeypatch, loop):
    opened = OpenRecorder()
    monkeypatch.setattr(comm, "create_comm", opened)
    monkeypatch.setattr(_frontend, "_shared", None)  # a fresh kernel
    bundle = _frontend.static_text("widget.js")
    widgets = [LiveWidget(Counter) for _ in range(50)]
    settle(loop)
    sizes = opened.opened_bytes()
    assert len(sizes) == 1 + 2 * 50  # the bundle model; each widget and its layout
    total = sum(sizes)
    states = [m["data"]["state"] for c in opened.comms for m in c.published if "state" in m["data"]]
    assert sum(bundle in state.values() for state in states) == 1
    # Today: ~4 KB per widget and its layout, plus one bundle; 50 bundles were ~3.9 MB.
    assert total <= len(bundle) + 50 * 6 * 1024
    assert total < 50 * len(bundle) / 10
    for widget in widgets:
        widget.close()


def test_a_widget_names_the_shared_bundle_and_its_loader_the_digest(widget):
    state = widget.get_state()
    shared = _frontend.shared_bundle()
    assert state["_lw_bundle"] == f"IPY_MODEL_{shared.model_id}"
    assert _frontend.bundle_digest() in state["_esm"]
    assert _frontend.DIGEST_PLACEHOLDER not in state["_esm"]
    assert len(state["_esm"]) < 4 * 1024 and state["_css"] == ""
    assert shared.source == _frontend.static_text("widget.js")
    assert shared.css == _frontend.static_text("widget.css")
    assert shared.digest == _frontend.bundle_digest()


def test_a_loader_that_cannot_reach_the_shared_model_gets_the_bundle_from_the_kernel(widget, loop):
    widget.comm.from_frontend({"k": "bundle"})
    settle(loop)
    (reply,) = widget.comm.custom()
    assert reply == {
        "k": "bundle",
        "src": _frontend.static_text("widget.js"),
        "css": _frontend.static_text("widget.css"),
        "digest": _frontend.bundle_digest(),
    }
    assert widget.assigns.count == 3  # the view saw nothing of it


def test_a_closed_bundle_model_is_opened_again_for_the_next_widget(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    older = LiveWidget(Counter)
    first = _frontend.shared_bundle()
    first.close()
    # The widget that names it still gives its state (Voila asks for all of them at once):
    # without the reference, so its loader asks the kernel.
    assert older.get_state()["_lw_bundle"] is None
    widget = LiveWidget(Counter)
    assert widget._lw_bundle is not first and widget._lw_bundle.comm is not None
    assert widget.get_state()["_lw_bundle"] == f"IPY_MODEL_{widget._lw_bundle.model_id}"
    widget.close()
    older.close()


def test_the_page_cannot_change_the_bundle_model(monkeypatch, loop, caplog):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    monkeypatch.setattr(_frontend, "_shared", None)
    shared = _frontend.shared_bundle()
    update = {"method": "update", "state": {"source": "alert(1)"}, "buffer_paths": []}
    shared.comm.handle_msg({"content": {"data": update}, "buffers": []})
    assert shared.source == _frontend.static_text("widget.js")
    assert "refused" in caplog.text
    shared.close()


@pytest.mark.parametrize("how", ["marimo", "environment"])
def test_in_marimo_or_when_asked_a_widget_carries_the_whole_bundle(monkeypatch, loop, how):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    if how == "marimo":
        fake = types.SimpleNamespace(running_in_notebook=lambda: True)
        monkeypatch.setitem(sys.modules, "marimo", fake)
    else:
        monkeypatch.setenv("LIVEWIDGET_INLINE_BUNDLE", "1")
    widget = LiveWidget(Counter)
    state = widget.get_state()
    assert state["_esm"] == _frontend.static_text("widget.js")
    assert state["_css"] == _frontend.static_text("widget.css")
    assert state["_lw_bundle"] is None
    widget.close()


class Ticking(LiveView):
    """A view that starts a timer and a subscription, to see them end."""

    template = "<p>{{ n }}</p>"

    def mount(self, socket, session, params):
        socket.assign(n=0)
        socket.every(0.001, "tick")
        socket.subscribe("ticking")

    def handle_info(self, info, socket):
        socket.assign(n=socket.assigns.n + 1)


def page_closes(comm_: RecordingComm) -> None:
    """What the kernel does with a comm_close from the frontend (ipykernel's own path)."""
    msg = {"content": {"comm_id": comm_.comm_id, "data": {}}}
    comm.get_comm_manager().comm_close(None, None, msg)


def test_the_page_closing_the_comm_ends_the_view_as_close_does(monkeypatch, loop, local_pubsub):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    widget = LiveWidget(Ticking)
    widget.comm.from_frontend({"k": "join"})
    settle(loop)
    ended = []
    widget.view.terminate = ended.append
    live = widget._session.socket._live
    assert live.timers and live.topics and widget.assigns.n > 0
    comm_, layout = widget.comm, widget.layout
    page_closes(comm_)
    assert ended == ["closed"]
    assert widget.closed and widget.comm is None and layout.comm is None
    settle(loop)  # cancelled timers let go of their loop handles on the loop's next step
    assert live.stopped and not live.timers and not live.topics
    assert local_pubsub.subscription_count() == 0
    assert comm_.comm_id not in comm.get_comm_manager().comms
    assert [m for m in comm_.published if m["msg_type"] == "comm_close"] == []  # no echo
    ticks = widget.assigns.n
    comm_.from_frontend({"k": "join"})
    settle(loop)
    assert widget.assigns.n == ticks  # nothing runs any more
    widget.close()  # and closing from Python afterwards is a no-op
    assert ended == ["closed"]


def test_a_comm_close_on_another_thread_ends_the_view_on_its_loop(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    widget = LiveWidget(Counter)
    settle(loop)
    on_main = []
    widget.view.terminate = lambda reason: on_main.append(
        threading.current_thread() is threading.main_thread()
    )
    thread = threading.Thread(target=page_closes, args=(widget.comm,))
    thread.start()
    thread.join()
    settle(loop)
    assert on_main == [True]
    assert widget.closed


def hostile_value(name, value, other_layout):
    if name == "layout":
        return f"IPY_MODEL_{other_layout.model_id}"
    if isinstance(value, bool):
        return not value
    if isinstance(value, list | tuple):
        return ["evil"]
    return "javascript:alert(1)"


def updates_sent(comm_: RecordingComm) -> list[dict]:
    return [
        comm_.state_of(m)
        for m in comm_.published
        if m["msg_type"] == "comm_msg" and m["data"].get("method") == "update"
    ]


def test_the_page_cannot_set_any_synced_trait(widget, loop, caplog):
    kernel_owned = {"url", "title", "sync_url", "_esm", "_css", "_lw_id", "_voila", "layout"}
    assert kernel_owned <= set(widget.keys)
    other = ipywidgets.Layout()
    before = widget.get_state()
    sent_before = len(updates_sent(widget.comm))  # the state's first reply (_lw_first)
    for name in widget.keys:  # one update per trait, the way a page sends it
        value = hostile_value(name, before[name], other)
        update = {"method": "update", "state": {name: value}, "buffer_paths": []}
        widget.comm.handle_msg({"content": {"data": update}, "buffers": []})
    settle(loop)
    assert widget.get_state() == before
    assert widget.layout.comm is not None and widget.layout is not other
    # Each refused update is answered with the kernel's value: the page is back in step.
    assert updates_sent(widget.comm)[sent_before:] == [{name: before[name]} for name in widget.keys]
    assert caplog.text.count("refused: the kernel owns") == len(widget.keys)
    other.close()


def test_the_page_cannot_restyle_the_widgets_own_layout(widget, loop, caplog):
    layout = widget.layout
    update = {"method": "update", "state": {"display": "none", "width": "0px"}}
    layout.comm.handle_msg({"content": {"data": update}, "buffers": []})
    assert layout.display is None and layout.width is None
    assert updates_sent(layout.comm) == [{"display": None, "width": None}]
    assert "refused" in caplog.text


def test_a_widget_whose_view_cannot_start_leaves_no_comm_open(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    _frontend.shared_bundle()  # the kernel's one bundle model may open now: not the widget's
    open_before = len(comm.get_comm_manager().comms)
    with pytest.raises(RouteError):
        LiveWidget(42)
    assert len(comm.get_comm_manager().comms) == open_before  # the widget's and its layout's


def test_hot_reload_sends_the_rebuilt_bundle_once_and_each_widget_a_new_loader(
    monkeypatch, loop, tmp_path
):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    monkeypatch.setenv("ANYWIDGET_HMR", "1")
    monkeypatch.setattr(_frontend, "_start_watchers", lambda: None)  # no file-watching thread
    for name in ("widget.js", "widget.css", "loader.js"):
        (tmp_path / name).write_text(_frontend.static_text(name))
    monkeypatch.setattr(_frontend, "_STATIC", tmp_path)
    monkeypatch.setattr(_frontend, "_shared", None)
    monkeypatch.setattr(_frontend, "_reloading", type(_frontend._reloading)())
    _frontend.bundle_changed()  # read the copies
    widgets = [LiveWidget(Counter) for _ in range(3)]
    shared = _frontend.shared_bundle()
    (tmp_path / "widget.js").write_text("export default { render() {} }\n")
    try:
        _frontend.bundle_changed()
        digest = _frontend.bundle_digest()
        assert shared.source == "export default { render() {} }\n" and shared.digest == digest
        assert all(digest in w._esm and len(w._esm) < 4 * 1024 for w in widgets)
        assert updates_sent(widgets[0].comm)[-1] == {"_esm": widgets[0]._esm}
        for widget in widgets:
            widget.close()
        del widgets, widget
        settle(loop)  # the views end on their loop
        gc.collect()
        assert len(_frontend._reloading) == 0  # weak references only
    finally:
        monkeypatch.undo()
        _frontend.bundle_changed()  # back to the real bundle's caches
