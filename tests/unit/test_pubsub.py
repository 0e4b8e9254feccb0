"""In-process PubSub through views: subscribe, broadcast from anywhere, JSON, end of a view,
and choosing the backend (configure, LIVEWIDGET_PUBSUB, a missing redis package)."""

from __future__ import annotations

import socket as sockets
import sys
import threading

import pytest

import livewidget
from livewidget import LiveView, pubsub
from livewidget.pubsub import Disconnected, LocalPubSub, Reconnected
from livewidget.testing import LiveViewTest

pytestmark = pytest.mark.usefixtures("local_pubsub")


class Room(LiveView):
    template = '<ul id="log">{% for m in log %}<li>{{ m }}</li>{% endfor %}</ul>'

    def mount(self, socket, session, params):
        socket.assign(log=[])
        for topic in session.get("topics", ["room"]):
            socket.subscribe(topic)

    def handle_event(self, event, params, socket):
        if event == "say":
            pubsub.broadcast("room", {"text": params["text"]})
        elif event == "leave":
            socket.unsubscribe("room")
        elif event == "away":
            socket.push_redirect("/elsewhere")

    def handle_info(self, info, socket):
        socket.assign(log=[*socket.assigns.log, repr(info)])


class Elsewhere(LiveView):
    template = "elsewhere"


def log(view):
    return [li.get_text() for li in view._soup().select("#log li")]


def test_a_broadcast_from_a_cell_reaches_every_subscribed_view():
    with LiveViewTest(Room) as a, LiveViewTest(Room) as b:
        pubsub.broadcast("room", {"text": "hi"})
        for view in (a, b):
            view.wait_until(lambda v=view: log(v) == ["{'text': 'hi'}"])


def test_a_view_broadcasts_to_the_others_and_to_itself():
    with LiveViewTest(Room) as a, LiveViewTest(Room) as b:
        a.push_event("say", {"text": "from a"})
        for view in (a, b):
            view.wait_until(lambda v=view: log(v) == ["{'text': 'from a'}"])


def test_broadcasts_from_threads_arrive_in_order_per_thread():
    with LiveViewTest(Room) as view:

        def send(name):
            for i in range(20):
                pubsub.broadcast("room", [name, i])

        workers = [threading.Thread(target=send, args=(n,)) for n in ("x", "y")]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        view.wait_until(lambda: len(log(view)) == 40)
        for name in ("x", "y"):
            got = [entry for entry in log(view) if entry.startswith(f"['{name}'")]
            assert got == [f"['{name}', {i}]" for i in range(20)]


def test_messages_are_json_and_arrive_decoded():
    with LiveViewTest(Room) as view:
        pubsub.broadcast("room", {"tuple": (1, 2), "n": None})
        view.wait_until(lambda: log(view) == ["{'tuple': [1, 2], 'n': None}"])
        with pytest.raises(TypeError, match="the message must be JSON"):
            pubsub.broadcast("room", {"when": object()})
        with pytest.raises(TypeError, match="must be JSON"):
            pubsub.broadcast("room", float("nan"))


def test_a_view_gets_only_its_topics_and_stops_after_unsubscribe(local_pubsub):
    with LiveViewTest(Room, session={"topics": ["room", "news"]}) as view:
        assert sorted(local_pubsub.topics()) == ["news", "room"]
        pubsub.broadcast("other", 1)
        pubsub.broadcast("news", 2)
        view.wait_until(lambda: log(view) == ["2"])
        view.push_event("leave")
        pubsub.broadcast("room", 3)
        pubsub.broadcast("news", 4)
        view.wait_until(lambda: log(view) == ["2", "4"])
        assert local_pubsub.topics() == ["news"]


def test_subscribing_twice_delivers_once(local_pubsub):
    with LiveViewTest(Room, session={"topics": ["room", "room"]}) as view:
        assert local_pubsub.subscription_count() == 1
        pubsub.broadcast("room", "once")
        view.run_for(0.02)
        assert log(view) == ["'once'"]


def test_subscriptions_end_with_the_view(local_pubsub):
    view = LiveViewTest(Room, session={"topics": ["room", "news"]})
    assert local_pubsub.subscription_count() == 2
    view.close()
    assert local_pubsub.subscription_count() == 0
    pubsub.broadcast("room", "nobody listens")  # and nothing breaks


def test_subscriptions_end_with_a_redirect(local_pubsub):
    with LiveViewTest({"/": Room, "/elsewhere": Elsewhere}) as view:
        view.push_event("away")
        assert view.html() == "elsewhere"
        assert local_pubsub.subscription_count() == 0


@pytest.mark.parametrize(
    ("topic", "error"), [("", TypeError), (5, TypeError), ("x" * 300, ValueError)]
)
def test_topics_are_checked(topic, error):
    with pytest.raises(error, match="topic"):
        pubsub.broadcast(topic, 1)


def test_configure_moves_subscriptions_to_the_new_backend(local_pubsub):
    with LiveViewTest(Room) as view:
        fresh = LocalPubSub()
        livewidget.configure(pubsub=fresh)
        assert pubsub.backend() is fresh
        assert fresh.subscription_count() == 1
        pubsub.broadcast("room", "moved")
        view.wait_until(lambda: log(view) == ["'moved'"])
    assert fresh.subscription_count() == 0


def test_the_environment_variable_picks_the_backend(monkeypatch):
    monkeypatch.setenv(pubsub.ENV, "local")
    livewidget.configure(pubsub=None)
    assert isinstance(pubsub.backend(), LocalPubSub)
    monkeypatch.setenv(pubsub.ENV, "kafka://nope")
    with pytest.raises(ValueError, match=r"unknown PubSub setting 'kafka://nope'.*redis://"):
        livewidget.configure(pubsub=None)


def test_a_missing_redis_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ImportError, match=r'pip install "livewidget\[redis\]"'):
        livewidget.configure(pubsub="redis://127.0.0.1:6379/0")
    assert isinstance(pubsub.backend(), LocalPubSub)  # the old backend stays


def test_a_bad_redis_url_says_what_a_good_one_looks_like():
    with pytest.raises(ValueError, match="is not a Redis URL"):
        livewidget.configure(pubsub="redis://127.0.0.1:notaport/0")


def free_port() -> int:
    with sockets.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_redis_local_views_keep_working(caplog):
    """No Redis listens on the port: views hear Disconnected, local broadcasts still arrive."""
    from livewidget.pubsub.redis_backend import RedisPubSub

    backend = RedisPubSub(f"redis://127.0.0.1:{free_port()}/0", max_backoff=0.2)
    livewidget.configure(pubsub=backend)
    with LiveViewTest(Room) as view:
        view.wait_until(lambda: any("Disconnected" in e for e in log(view)))
        assert not pubsub.connected()
        pubsub.broadcast("room", "still local")
        view.wait_until(lambda: "'still local'" in log(view))
        assert backend.flush()
        assert backend.failed_broadcasts == 1
        assert "reached only this kernel" in caplog.text
    livewidget.configure(pubsub="local")  # closes it: no thread left behind
    assert not backend._thread.is_alive()


def test_disconnected_and_reconnected_reach_each_subscriber_once(local_pubsub):
    with LiveViewTest(Room, session={"topics": ["a", "b"]}) as view:
        local_pubsub._notify(Disconnected("gone"))
        local_pubsub._notify(Reconnected())
        view.wait_until(lambda: len(log(view)) == 2)
        view.run_for(0.02)
        assert log(view) == ["Disconnected(reason='gone')", "Reconnected()"]


def test_a_redis_that_never_answers_is_noticed(caplog):
    """A socket that takes connections and says nothing: what a frozen Redis looks like."""
    from livewidget.pubsub.redis_backend import RedisPubSub

    with sockets.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # the kernel completes the handshakes; nobody ever reads or answers
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        backend = RedisPubSub(url, max_backoff=0.2, health_interval=0.1, health_timeout=0.3)
        livewidget.configure(pubsub=backend)
        with LiveViewTest(Room) as view:
            view.wait_until(lambda: any("Disconnected" in e for e in log(view)))
            assert not pubsub.connected()
            assert "Timeout" in log(view)[0]
            pubsub.broadcast("room", "still local")
            view.wait_until(lambda: "'still local'" in log(view))
            assert backend.flush()
            assert backend.failed_broadcasts == 1
        livewidget.configure(pubsub="local")
    assert not backend._thread.is_alive()


@pytest.mark.parametrize(("interval", "timeout"), [(0, 3.0), (3.0, 3.0), (5.0, 1.0)])
def test_health_settings_are_checked(interval, timeout):
    from livewidget.pubsub.redis_backend import RedisPubSub

    with pytest.raises(ValueError, match="0 < health_interval < health_timeout"):
        RedisPubSub("redis://127.0.0.1:1/0", health_interval=interval, health_timeout=timeout)
