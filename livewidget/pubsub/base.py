"""The small interface every PubSub backend implements, and the local fan-out they share.

A backend keeps, per topic, the subscribers of this kernel (each view subscribed through
``socket.subscribe`` is one). ``broadcast`` checks that the message is JSON, hands a decoded copy
to this kernel's subscribers at once, and gives the encoded message to :meth:`_publish`, where a
backend that spans kernels sends it on (the Redis backend). A subscriber is called on its own
event loop's thread; subscribers on one loop get a message in one hop, in broadcast order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import weakref
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger("livewidget")

#: Topics longer than this are refused (they travel as Redis channel names).
MAX_TOPIC_LENGTH = 256


class Subscriber(Protocol):
    """Something that receives broadcasts: a view's runtime, or your own object."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop ``receive`` is called on."""
        ...

    def receive(self, message: Any) -> None:
        """Take one message (called on ``loop``'s thread)."""
        ...


@dataclass(frozen=True, slots=True)
class Disconnected:
    """``handle_info`` gets this when the kernel lost the PubSub broker (Redis).

    Local views keep working and local broadcasts still arrive; broadcasts to and from other
    kernels do not until :class:`Reconnected`. ``reason`` says what went wrong.
    """

    reason: str


@dataclass(frozen=True, slots=True)
class Reconnected:
    """``handle_info`` gets this when the broker is (back) up and every topic is subscribed.

    Also sent once after the kernel's first connection, so that a view that mounted while the
    kernel was still connecting (``pubsub.connected()`` was False) learns that it is up.
    """


def check_topic(topic: object) -> str:
    """``topic`` if it is a usable topic name, else a clear error.

    >>> check_topic("chat:lobby")
    'chat:lobby'
    """
    if not isinstance(topic, str) or not topic:
        raise TypeError(f'a topic is a non-empty str such as "chat:lobby", got {topic!r}')
    if len(topic) > MAX_TOPIC_LENGTH:
        raise ValueError(
            f"a topic is at most {MAX_TOPIC_LENGTH} characters, got {len(topic)}: {topic[:40]!r}…"
        )
    return topic


def encode(topic: str, message: Any) -> str:
    """``message`` as JSON text, or a TypeError that says how to make it JSON."""
    try:
        return json.dumps(message, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"broadcast({topic!r}, message): the message must be JSON (dicts, lists, str, "
            f"numbers, bools, None) so that every kernel reads it the same way; {exc}"
        ) from None


class PubSubBackend:
    """Topics → this kernel's subscribers, and the fan-out; subclasses add the transport.

    Subclasses may override :meth:`_publish` (send an encoded broadcast to other kernels),
    :meth:`_topic_added` / :meth:`_topic_removed` (the first subscriber of a topic came, the
    last one left), :attr:`connected` and :meth:`close`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._topics: dict[str, dict[Subscriber, None]] = {}
        #: Broadcasts that reached only this kernel because the broker was unreachable.
        self.failed_broadcasts = 0
        #: Why the broker is unreachable, while it is (subclasses set it).
        self._down_reason: str | None = None

    @property
    def connected(self) -> bool:
        """Whether broadcasts reach the other kernels (always True for in-process)."""
        return True

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Deliver ``topic``'s broadcasts to ``subscriber`` (once, however often called)."""
        check_topic(topic)
        with self._lock:
            known = any(subscriber in subs for subs in self._topics.values())
            subscribers = self._topics.setdefault(topic, {})
            first = not subscribers
            subscribers[subscriber] = None
        if first:
            self._topic_added(topic)
        down = self._down_reason
        if down is not None and not known:  # a newcomer learns that the broker is away
            self._deliver([subscriber], Disconnected(down))

    def unsubscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Stop delivering ``topic`` to ``subscriber``; no-op if it was not subscribed."""
        with self._lock:
            subscribers = self._topics.get(topic)
            if subscribers is None or subscriber not in subscribers:
                return
            del subscribers[subscriber]
            last = not subscribers
            if last:
                del self._topics[topic]
        if last:
            self._topic_removed(topic)

    def broadcast(self, topic: str, message: Any) -> None:
        """Send ``message`` (JSON) to every subscriber of ``topic``; callable from any thread."""
        check_topic(topic)
        payload = encode(topic, message)
        self._fan_out(topic, json.loads(payload))
        self._publish(topic, payload)

    def topics(self) -> list[str]:
        """The topics this kernel subscribes to."""
        with self._lock:
            return list(self._topics)

    def subscribers(self, topic: str) -> list[Subscriber]:
        """This kernel's subscribers of ``topic``."""
        with self._lock:
            return list(self._topics.get(topic, ()))

    def subscriptions(self) -> list[tuple[str, Subscriber]]:
        """Every (topic, subscriber) pair of this kernel."""
        with self._lock:
            return [(topic, sub) for topic, subs in self._topics.items() for sub in subs]

    def subscription_count(self) -> int:
        """How many (topic, subscriber) pairs there are; 0 once every view ended."""
        with self._lock:
            return sum(len(subs) for subs in self._topics.values())

    def close(self) -> None:
        """Release the backend's connections (subscriptions are kept, for a successor)."""

    # -- for subclasses ---------------------------------------------------------------------

    def _publish(self, topic: str, payload: str) -> None:
        """Send an encoded broadcast to the other kernels (nothing to do in-process)."""

    def _topic_added(self, topic: str) -> None:
        """The first subscriber of ``topic`` in this kernel arrived."""

    def _topic_removed(self, topic: str) -> None:
        """The last subscriber of ``topic`` in this kernel left."""

    def _fan_out(self, topic: str, message: Any) -> None:
        """Hand ``message`` to this kernel's subscribers of ``topic``."""
        self._deliver(self.subscribers(topic), message)

    def _notify(self, event: Disconnected | Reconnected) -> None:
        """Tell every subscriber (once each, whatever its topics) about the broker."""
        with self._lock:
            everyone = {sub: None for subs in self._topics.values() for sub in subs}
        self._deliver(everyone, event)

    @staticmethod
    def _deliver(subscribers: Iterable[Subscriber], message: Any) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscriber]] = {}
        for subscriber in subscribers:
            by_loop.setdefault(subscriber.loop, []).append(subscriber)
        if not by_loop:
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, group in by_loop.items():
            if loop is running:
                _receive_all(group, message)
            else:
                _inbox(loop).put(group, message)


class _Inbox:
    """Messages from other threads for one loop, handed over a bounded number per loop step.

    A burst from Redis or a worker thread then costs the loop one wake-up, not one per
    message, and never one long step that would stall the kernel's other work.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = weakref.ref(loop)  # the inbox is the value of a weak key: no cycle
        self.items: deque[tuple[list[Subscriber], Any]] = deque()
        self.lock = threading.Lock()
        self.scheduled = False

    def put(self, subscribers: list[Subscriber], message: Any) -> None:
        with self.lock:
            self.items.append((subscribers, message))
            if self.scheduled:
                return
            self.scheduled = True
        self._schedule(threadsafe=True)

    def _schedule(self, *, threadsafe: bool) -> None:
        loop = self.loop()
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            if threadsafe:
                loop.call_soon_threadsafe(self._drain)
            else:
                loop.call_soon(self._drain)

    def _drain(self) -> None:
        budget = DELIVERIES_PER_STEP
        while budget > 0:
            with self.lock:
                if not self.items:
                    self.scheduled = False
                    return
                subscribers, message = self.items.popleft()
            _receive_all(subscribers, message)
            budget -= len(subscribers)
        self._schedule(threadsafe=False)  # more next step, after the loop's other work


#: How many subscriber deliveries one loop step takes from another thread's messages.
DELIVERIES_PER_STEP = 256
_inboxes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Inbox] = weakref.WeakKeyDictionary()
_inboxes_lock = threading.Lock()


def _inbox(loop: asyncio.AbstractEventLoop) -> _Inbox:
    with _inboxes_lock:
        inbox = _inboxes.get(loop)
        if inbox is None:
            inbox = _inboxes[loop] = _Inbox(loop)
        return inbox


def _receive_all(subscribers: list[Subscriber], message: Any) -> None:
    for subscriber in subscribers:
        try:
            subscriber.receive(message)
        except Exception:
            logger.exception(
                "livewidget.pubsub: subscriber %r failed to take a message", subscriber
            )


class LocalPubSub(PubSubBackend):
    """The default backend: broadcasts reach the subscribers of this kernel only.

    Zero setup and no broker; messages are JSON all the same, so that views behave the same
    when the kernel switches to Redis.
    """

    def __repr__(self) -> str:
        return (
            f"<LocalPubSub topics={len(self.topics())} subscriptions={self.subscription_count()}>"
        )
