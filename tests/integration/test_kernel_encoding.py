"""Encoding through a REAL ipykernel: what its JSON packer cannot send is answered, not lost.

The test client packs messages with livewidget's own check; here a real kernel does it, with
jupyter_client's packer (``allow_nan=False``, UTF-8 without lone surrogates), so a message
that slipped past livewidget's check would vanish and the click below would get no answer.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Iterator
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.session import json_default

from bench.kernel_roundtrip import TIMEOUT, run_cell, send, start_kernel

VIEW = r"""
import livewidget
from livewidget import LiveView, LiveWidget

class Echo(LiveView):
    template = "<p>{{ text }}</p>"

    def mount(self, socket, session, params):
        socket.assign(text="start")

    def handle_event(self, event, params, socket):
        if event == "lone":
            socket.assign(text="x" + chr(0xD800))   # what a kernel cannot send as UTF-8
        elif event == "nan":
            return {"n": float("nan")}
        else:
            socket.assign(text=params.get("t", ""))

widget = LiveWidget(Echo)
print(widget.comm.comm_id)
"""


@pytest.fixture(scope="module")
def kernel() -> Iterator[tuple[BlockingKernelClient, str]]:
    manager, client = start_kernel()
    try:
        comm_id = run_cell(client, VIEW).strip()
        yield client, comm_id
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def answers(client: BlockingKernelClient, comm_id: str) -> list[dict[str, Any]]:
    """The widget's custom messages on iopub until the kernel is idle again."""
    found = []
    while True:
        try:
            msg = client.get_iopub_msg(timeout=TIMEOUT)
        except queue.Empty as exc:
            raise AssertionError("the kernel did not go idle") from exc
        content = msg["content"]
        if msg["msg_type"] == "comm_msg" and content["comm_id"] == comm_id:
            data = content["data"]
            if data.get("method") == "custom":
                found.append(data["content"])
        if msg["msg_type"] == "status" and content["execution_state"] == "idle":
            return found


def event(client: BlockingKernelClient, comm_id: str, ref: int, name: str, **value: Any) -> Any:
    message = {"k": "event", "ref": ref, "type": "click", "event": name, "value": value}
    send(client, comm_id, {"method": "custom", "content": message})
    return answers(client, comm_id)


def test_a_lone_surrogate_echoed_by_a_handler_is_an_error_reply_and_the_next_event_works(kernel):
    client, comm_id = kernel
    send(client, comm_id, {"method": "custom", "content": {"k": "join"}})
    (joined,) = answers(client, comm_id)
    assert joined["r"]["0"] == "start"

    (refused,) = event(client, comm_id, 1, "lone")
    assert refused["ref"] == 1 and "lone surrogate" in refused["err"]["message"]

    (refused,) = event(client, comm_id, 2, "nan")
    assert refused["ref"] == 2 and "NaN" in refused["err"]["message"]

    assert event(client, comm_id, 3, "set", t="after") == [{"ref": 3, "d": {"0": "after"}}]
    state = run_cell(client, "import json; print(json.dumps(dict(widget.assigns)))")
    assert json.loads(state) == {"flash": {}, "text": "after"}


def test_a_lone_surrogate_sent_by_a_visitor_is_refused_at_the_door(kernel):
    client, comm_id = kernel
    # On the wire as JSON's escape: what JSON.stringify sends for a lone surrogate.
    raw = '{"k": "event", "ref": 4, "type": "click", "event": "set", "value": {"t": "\\ud800"}}'
    packer = client.session.pack
    client.session.pack = lambda obj: json.dumps(obj, default=json_default).encode("ascii")
    try:
        send(client, comm_id, {"method": "custom", "content": json.loads(raw)})
    finally:
        client.session.pack = packer
    (refused,) = answers(client, comm_id)
    assert refused["ref"] == 4 and "Bad message" in refused["err"]["message"]
    assert event(client, comm_id, 5, "set", t="still fine") == [
        {"ref": 5, "d": {"0": "still fine"}}
    ]
