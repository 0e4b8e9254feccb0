"""PubSub through a real redis-server: two kernels talk, Redis dies and comes back.

Each test starts its own redis-server on a free loopback port (see conftest.py).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import livewidget
from livewidget import LiveView, pubsub
from livewidget.pubsub import Disconnected, Reconnected
from livewidget.pubsub.redis_backend import RedisPubSub
from livewidget.testing import LiveViewTest

pytestmark = pytest.mark.redis

ROOT = Path(__file__).parents[2]


class Chat(LiveView):
    """What a shared dashboard does: a log of messages, a status line, a local counter."""

    template = """<p id="status">{{ status }}</p><p id="clicks">{{ clicks }}</p>\
<ul id="log">{% for m in log %}<li>{{ m }}</li>{% endfor %}</ul>"""

    def mount(self, socket, session, params):
        socket.assign(status="online" if pubsub.connected() else "offline", clicks=0, log=[])
        for topic in session.get("topics", ["room"]):
            socket.subscribe(topic)

    def handle_event(self, event, params, socket):
        socket.assign(clicks=socket.assigns.clicks + 1)

    def handle_info(self, info, socket):
        if isinstance(info, Disconnected):
            socket.assign(status="offline")
        elif isinstance(info, Reconnected):
            socket.assign(status="online")
        else:
            socket.assign(log=[*socket.assigns.log, json.dumps(info, sort_keys=True)])


def log(view):
    return [li.get_text() for li in view._soup().select("#log li")]


def use_redis(server, **options) -> RedisPubSub:
    backend = RedisPubSub(server.url, **options)
    livewidget.configure(pubsub=backend)
    assert backend.wait_connected(10), f"could not connect to {server.url}"
    return backend


def read_line(process: subprocess.Popen, timeout: float) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        process.kill()
        raise AssertionError(f"the peer said nothing within {timeout} s")
    return process.stdout.readline().strip()


def test_two_kernels_exchange_messages(redis_server):
    backend = use_redis(redis_server)
    peer = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.peer", redis_server.url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        with LiveViewTest(Chat, session={"topics": ["replies"]}) as view:
            view.wait_until(lambda: backend.is_subscribed("replies"))
            assert read_line(peer, 30) == "READY"
            pubsub.broadcast("room", {"text": "hello"})
            view.wait_until(lambda: len(log(view)) == 1, timeout=10)
            reply = json.loads(log(view)[0])
            assert reply["echo"] == "hello" and reply["pid"] == peer.pid
            pubsub.broadcast("room", {"text": "bye"})
            assert read_line(peer, 10) == "DONE 2"
            view.wait_until(lambda: len(log(view)) == 2, timeout=10)
        assert peer.wait(10) == 0
    finally:
        peer.kill()
        peer.wait()
        peer.stdout.close()


def test_views_of_one_kernel_share_one_subscription_and_two_connections(redis_server):
    backend = use_redis(redis_server)
    views = [LiveViewTest(Chat, session={"topics": ["room", f"own{i}"]}) for i in range(10)]
    try:
        views[0].wait_until(lambda: all(backend.is_subscribed(f"own{i}") for i in range(10)))
        admin = redis_server.admin()
        ours = [c for c in admin.client_list() if backend.node in c.get("name", "")]
        assert sorted(c["name"].split(":")[1] for c in ours) == ["publish", "subscribe"] or (
            # the publishing connection opens with the first broadcast
            [c["name"].split(":")[1] for c in ours] == ["subscribe"]
        )
        assert admin.pubsub_numsub("livewidget:room") == [(b"livewidget:room", 1)]
        pubsub.broadcast("room", {"n": 1})
        for view in views:
            view.wait_until(lambda v=view: log(v) == ['{"n": 1}'])
        backend.flush()
        ours = [c for c in admin.client_list() if backend.node in c.get("name", "")]
        assert sorted(c["name"].split(":")[1] for c in ours) == ["publish", "subscribe"]
        for view in views:
            view.run_for(0.05)
            assert log(view) == ['{"n": 1}']  # once: our own echo from Redis is skipped
    finally:
        for view in views:
            view.close()
    assert backend.subscription_count() == 0
    admin = redis_server.admin()
    deadline = time.monotonic() + 5
    while admin.pubsub_numsub("livewidget:room")[0][1] != 0:  # the last view left: unsubscribed
        assert time.monotonic() < deadline, "the kernel did not unsubscribe from Redis"
        time.sleep(0.01)


def test_other_publishers_json_arrives_and_a_bad_payload_is_dropped(redis_server, caplog):
    backend = use_redis(redis_server)
    with LiveViewTest(Chat) as view:
        view.wait_until(lambda: backend.is_subscribed("room"))
        admin = redis_server.admin()
        admin.publish("livewidget:room", b"\xff not json")
        admin.publish("livewidget:room", '{"text": "from redis-cli"}')
        view.wait_until(lambda: log(view) == ['{"text": "from redis-cli"}'])
        assert backend.dropped_messages == 1
        assert "that is not JSON" in caplog.text
        assert view.errors == []


def test_redis_stops_and_restarts(redis_server, caplog):
    backend = use_redis(redis_server, max_backoff=0.2)
    admin = redis_server.admin()
    with LiveViewTest(Chat) as view:
        view.wait_until(lambda: backend.is_subscribed("room"))
        assert view.find("#status").get_text() == "online"
        admin.publish("livewidget:room", '{"text": "before"}')
        view.wait_until(lambda: log(view) == ['{"text": "before"}'])

        redis_server.stop(hard=True)
        view.wait_until(lambda: view.find("#status").get_text() == "offline", timeout=10)
        assert not backend.connected
        assert "lost Redis" in caplog.text
        # The local view keeps working: events, and broadcasts made in this kernel.
        view.push_event("click")
        assert view.find("#clicks").get_text() == "1"
        pubsub.broadcast("room", {"text": "during"})
        view.wait_until(lambda: log(view)[-1] == '{"text": "during"}')
        assert backend.flush()
        assert backend.failed_broadcasts == 1
        assert "a broadcast to 'room' reached only this kernel" in caplog.text

        redis_server.start()
        view.wait_until(lambda: view.find("#status").get_text() == "online", timeout=15)
        view.wait_until(lambda: backend.is_subscribed("room"))
        assert "reconnected to Redis" in caplog.text
        admin = redis_server.admin()
        admin.publish("livewidget:room", '{"text": "after"}')
        view.wait_until(lambda: log(view)[-1] == '{"text": "after"}')
        # and our broadcasts reach Redis again
        listener = admin.pubsub()
        listener.subscribe("livewidget:room")
        assert listener.get_message(timeout=5)["type"] == "subscribe"
        pubsub.broadcast("room", {"text": "out"})
        message = listener.get_message(timeout=5)
        assert json.loads(message["data"])["message"] == {"text": "out"}
        listener.close()
        assert backend.failed_broadcasts == 1


def test_a_view_that_mounts_while_redis_is_away_learns_it(redis_server):
    backend = use_redis(redis_server, max_backoff=0.2)
    redis_server.stop(hard=True)
    with LiveViewTest(Chat) as first:
        first.wait_until(lambda: first.find("#status").get_text() == "offline", timeout=10)
    with LiveViewTest(Chat) as late:
        late.wait_until(lambda: late.find("#status").get_text() == "offline")
        redis_server.start()
        late.wait_until(lambda: late.find("#status").get_text() == "online", timeout=15)
    assert backend.subscription_count() == 0


def test_a_view_that_mounts_while_the_kernel_connects_learns_it_is_online(redis_server):
    livewidget.configure(pubsub=redis_server.url)  # no waiting for the connection
    with LiveViewTest(Chat) as view:
        view.wait_until(lambda: view.find("#status").get_text() == "online", timeout=10)
        pubsub.broadcast("room", {"text": "first"})  # waits for the connection, then publishes
        assert pubsub.backend().flush()
        assert pubsub.backend().failed_broadcasts == 0


class Watch(LiveView):
    """Records every handle_info, in order: what a hung Redis does to a view, counted."""

    template = "<p>{{ seen|length }}</p>"

    def mount(self, socket, session, params):
        socket.assign(seen=[])
        socket.subscribe("room")

    def handle_info(self, info, socket):
        what = type(info).__name__ if isinstance(info, Disconnected | Reconnected) else info
        socket.assign(seen=[*socket.assigns.seen, what])

    def handle_event(self, event, params, socket):
        socket.assign(seen=[*socket.assigns.seen, f"event {event}"])


def test_a_hung_redis_is_noticed_and_its_return_too(redis_server):
    backend = use_redis(redis_server, max_backoff=0.2)
    admin = redis_server.admin()
    pid = redis_server.process.pid
    with LiveViewTest(Watch) as view:
        view.wait_until(lambda: backend.is_subscribed("room"))
        admin.publish("livewidget:room", '{"text": "before"}')
        view.wait_until(lambda: {"text": "before"} in view.assigns.seen)
        start = list(view.assigns.seen)
        os.kill(pid, signal.SIGSTOP)
        try:
            view.wait_until(lambda: "Disconnected" in view.assigns.seen, timeout=5)
            assert not pubsub.connected()
            # Local work flows: events, and this kernel's own broadcasts.
            view.push_event("click")
            pubsub.broadcast("room", {"text": "during"})
            view.wait_until(lambda: {"text": "during"} in view.assigns.seen)
        finally:
            os.kill(pid, signal.SIGCONT)
        view.wait_until(lambda: view.assigns.seen[-1] == "Reconnected", timeout=15)
        assert pubsub.connected()
        view.wait_until(lambda: backend.is_subscribed("room"))
        admin.publish("livewidget:room", '{"text": "after"}')
        view.wait_until(lambda: {"text": "after"} in view.assigns.seen)
        pubsub.broadcast("room", {"text": "last"})  # a round trip through Redis: all arrived
        assert backend.flush()
        view.run_for(0.2)
        assert view.assigns.seen == [
            *start,
            "Disconnected",
            "event click",
            {"text": "during"},
            "Reconnected",
            {"text": "after"},
            {"text": "last"},
        ]  # each once: nothing delivered twice, nothing late from the frozen connection
