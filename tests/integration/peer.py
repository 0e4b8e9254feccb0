"""A second kernel for the Redis tests: ``python -m tests.integration.peer URL``.

It shows an ``Echo`` view (through the test client) subscribed to ``room``; every
``{"text": ...}`` broadcast there is answered on ``replies`` with ``{"echo": text, "pid": ...}``.
It prints ``READY`` once Redis confirmed the subscription, and ``DONE <count>`` after it got
``{"text": "bye"}``, then exits.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import livewidget
from livewidget import LiveView, pubsub
from livewidget.testing import LiveViewTest


class Echo(LiveView):
    template = "{{ seen }}"

    def mount(self, socket, session, params):
        socket.assign(seen=0, done=False)
        socket.subscribe("room")

    def handle_info(self, info: Any, socket):
        if isinstance(info, dict) and isinstance(info.get("text"), str):
            socket.assign(seen=socket.assigns.seen + 1, done=info["text"] == "bye")
            pubsub.broadcast("replies", {"echo": info["text"], "pid": os.getpid()})


def wait(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            print("TIMEOUT", flush=True)
            sys.exit(1)
        time.sleep(0.01)


def main(url: str) -> None:
    livewidget.configure(pubsub=url)
    backend = pubsub.backend()
    with LiveViewTest(Echo) as view:
        wait(lambda: backend.is_subscribed("room"), 10)
        print("READY", flush=True)
        wait(lambda: view.assigns.done, 30)
        backend.flush()
        print(f"DONE {view.assigns.seen}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
