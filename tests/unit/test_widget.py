"""LiveWidget over a recording comm: the Jupyter transport without a kernel or browser."""

from __future__ import annotations

import asyncio
import threading

import comm
import pytest
from comm.base_comm import BaseComm

from livewidget import LiveWidget

from .conftest import Counter


class RecordingComm(BaseComm):
    """A comm that keeps what the kernel would publish."""

    def __init__(self, *args, **kwargs):
        self.published: list[dict] = []
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        self.published.append({"msg_type": msg_type, "data": data or {}})

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
def loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    asyncio.set_event_loop(None)


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


def test_a_displayed_counter_holds_at_most_100_kb_of_heap(monkeypatch, loop):
    from bench.memory import Counter as BenchCounter
    from bench.memory import QuietComm, heap_per_widget

    monkeypatch.setattr(comm, "create_comm", lambda **kw: QuietComm(**kw))
    LiveWidget(BenchCounter).close()  # warm up the template cache
    per_widget = heap_per_widget(lambda: LiveWidget(BenchCounter), 200, loop)
    assert per_widget <= 100 * 1024
