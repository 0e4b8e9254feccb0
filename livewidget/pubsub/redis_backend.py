"""PubSub across kernels through Redis, with redis-py's asyncio client (``livewidget[redis]``).

One backend per kernel holds two connections on its own event loop, in a daemon thread (so the
kernel's loop never waits on the network): one PubSub connection subscribed to every topic of the
kernel's views, and one for publishing. A broadcast reaches this kernel's subscribers at once and
is published to Redis as ``{"livewidget": 1, "node": <this kernel>, "message": ...}`` on the
channel ``livewidget:<topic>``; the other kernels deliver it, this one skips its own. Any other
JSON published on such a channel (``redis-cli PUBLISH livewidget:chat '{"text": "hi"}'``) is
delivered as it is; a payload that is not JSON is logged and dropped.

When Redis goes away, local views keep working and local broadcasts still arrive; each broadcast
that cannot reach Redis is counted in ``failed_broadcasts`` and logged; subscribers get
``Disconnected(reason)`` in ``handle_info``. The reader reconnects with exponential backoff,
subscribes to every topic again, and subscribers get ``Reconnected()`` (sent after the first
connection too, so that a view that mounted while the kernel was connecting learns it is up).

A Redis that hangs is noticed by its silence (:mod:`livewidget.pubsub._health`), and every
command (connecting, publishing) waits at most ``health_timeout`` seconds for its answer.
Nothing is ever sent twice: a broadcast whose publish timed out is counted as failed (it may
still reach the other kernels if that Redis wakes up, once).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ._health import HEALTH_INTERVAL, HEALTH_TIMEOUT, check_settings, listen
from .base import Disconnected, PubSubBackend, Reconnected

logger = logging.getLogger("livewidget")

MISSING_REDIS = (
    "the Redis PubSub backend needs the redis package (redis-py), which is not installed; "
    'install it with: pip install "livewidget[redis]"'
)
CHANNEL_PREFIX = "livewidget:"
_ENVELOPE = "livewidget"
_LOUD_FAILURES = 10  # per outage; further failed broadcasts are logged at DEBUG


class RedisPubSub(PubSubBackend):
    """Broadcasts that reach every kernel subscribed to the same Redis.

    ``url`` is a redis-py URL (``redis://127.0.0.1:6379/0``, ``rediss://…``, ``unix://…``).
    ``max_backoff`` caps the wait between reconnection attempts (seconds);
    ``connect_timeout`` bounds opening a connection. ``health_interval`` is how long the
    subscribed connection may stay quiet before the reader pings Redis, ``health_timeout`` how
    long it may stay without any answer (and how long any command waits) before the connection
    counts as lost: a hung Redis is noticed within about ``health_timeout`` seconds.
    """

    def __init__(
        self,
        url: str,
        *,
        max_backoff: float = 5.0,
        connect_timeout: float = 2.0,
        health_interval: float = HEALTH_INTERVAL,
        health_timeout: float = HEALTH_TIMEOUT,
    ) -> None:
        check_settings(health_interval, health_timeout)
        try:
            import redis.asyncio  # noqa: F401
            from redis.asyncio.connection import parse_url
        except ImportError:
            raise ImportError(MISSING_REDIS) from None
        try:
            parse_url(url)
        except ValueError as exc:
            raise ValueError(
                f"the PubSub setting {url!r} is not a Redis URL ({exc}); write e.g. "
                f"redis://127.0.0.1:6379/0"
            ) from None
        super().__init__()
        self.url = url
        #: This kernel's id in the envelope of what it publishes.
        self.node = uuid.uuid4().hex
        #: Payloads from Redis that were not JSON (logged and dropped).
        self.dropped_messages = 0
        self._max_backoff = max_backoff
        self._connect_timeout = connect_timeout
        self._health_interval = health_interval
        self._health_timeout = health_timeout
        self._control = f"{CHANNEL_PREFIX}_node:{self.node}"
        self._state: bool | None = None  # None until the first attempt ends
        self._up = threading.Event()
        self._confirmed: set[str] = set()
        self._subscribed: set[str] = set()
        self._pubsub: Any = None
        self._down_since = 0.0
        self._outage_failures = 0
        self._closed = False
        self._background: set[asyncio.Task[None]] = set()
        self._outbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._attempted = asyncio.Event()  # set once the first connection attempt ended
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="livewidget-pubsub-redis", daemon=True
        )
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result()

    def __repr__(self) -> str:
        state = {None: "connecting", True: "connected", False: "disconnected"}[self._state]
        return f"<RedisPubSub {_safe(self.url)} {state} topics={len(self.topics())}>"

    @property
    def connected(self) -> bool:
        """True while the PubSub connection is up and subscribed."""
        return self._state is True

    def is_subscribed(self, topic: str) -> bool:
        """True once Redis confirmed this kernel's subscription to ``topic``."""
        return CHANNEL_PREFIX + topic in self._confirmed

    def wait_connected(self, timeout: float = 5.0) -> bool:
        """Block until connected (True) or ``timeout`` seconds passed (False)."""
        return self._up.wait(timeout)

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until every broadcast made so far was published (or failed); False on timeout."""
        if self._closed:
            return True
        future = asyncio.run_coroutine_threadsafe(self._outbox.join(), self._loop)
        try:
            future.result(timeout)
        except TimeoutError:
            future.cancel()
            return False
        return True

    def close(self) -> None:
        """Publish what is pending (up to 1 s), then close both connections and the thread."""
        if self._closed:
            return
        self.flush(1.0)
        self._closed = True
        future = asyncio.run_coroutine_threadsafe(self._stop(), self._loop)
        try:
            future.result(5.0)
        except Exception:
            logger.exception("livewidget.pubsub: closing the Redis connections failed")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5.0)
        if not self._thread.is_alive():
            self._loop.close()

    # -- from PubSubBackend (any thread) ----------------------------------------------------

    def _publish(self, topic: str, payload: str) -> None:
        envelope = f'{{"{_ENVELOPE}":1,"node":"{self.node}","message":{payload}}}'
        try:
            if self._closed:
                raise RuntimeError("closed")
            self._loop.call_soon_threadsafe(self._outbox.put_nowait, (topic, envelope))
        except RuntimeError:  # closed, or its loop closed meanwhile
            self.failed_broadcasts += 1
            logger.warning(
                "livewidget.pubsub: a broadcast to %r reached only this kernel: the Redis "
                "backend was closed (livewidget.configure(pubsub=...) replaced it)",
                topic,
            )

    def _topic_added(self, topic: str) -> None:
        if not self._closed:
            self._loop.call_soon_threadsafe(self._spawn, self._sync())

    def _topic_removed(self, topic: str) -> None:
        self._topic_added(topic)

    # -- on the backend's loop --------------------------------------------------------------

    async def _start(self) -> None:
        self._spawn(self._read_forever())
        self._spawn(self._publish_forever())

    def _spawn(self, coroutine: Any) -> None:
        task = self._loop.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _stop(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    def _client(self, role: str) -> Any:
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        return aioredis.Redis.from_url(
            self.url,
            retry=Retry(NoBackoff(), 0),  # we reconnect ourselves, with backoff
            socket_connect_timeout=self._connect_timeout,
            # No answer within this is a hung Redis: connecting (the client name is set with
            # a command) and publishing fail instead of waiting for ever.
            socket_timeout=self._health_timeout,
            socket_keepalive=True,
            # The subscriber checks its own connection (_health); redis-py's check covers the
            # publishing one, idle between broadcasts.
            health_check_interval=0 if role == "subscribe" else 10,
            single_connection_client=True,
            client_name=f"livewidget:{role}:{self.node}",  # visible in CLIENT LIST
        )

    async def _read_forever(self) -> None:
        backoff = 0.05
        while True:
            client = self._client("subscribe")
            pubsub = client.pubsub()
            try:
                channels = [CHANNEL_PREFIX + t for t in self.topics()]
                # The control channel comes last: its confirmation means all were confirmed.
                self._subscribed = {*channels, self._control}
                await asyncio.wait_for(
                    pubsub.subscribe(*channels, self._control), self._health_timeout
                )
                self._pubsub = pubsub
                await self._sync()  # topics that came or went while we subscribed
                await listen(
                    pubsub,
                    self._on_message,
                    interval=self._health_interval,
                    timeout=self._health_timeout,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._state is True:
                    backoff = 0.05  # it was up: the first retry comes soon
                self._went_down(exc)
            finally:
                self._pubsub = None
                self._confirmed.clear()
                await _quietly(pubsub.aclose())
                await _quietly(client.aclose())
            await asyncio.sleep(backoff * random.uniform(0.75, 1.25))
            backoff = min(backoff * 2, self._max_backoff)

    async def _sync(self) -> None:
        """Subscribe to new topics and unsubscribe from gone ones, on the live connection."""
        pubsub = self._pubsub
        if pubsub is None:
            return  # (re)connecting: the reader subscribes to every topic when it connects
        wanted = {CHANNEL_PREFIX + t for t in self.topics()} | {self._control}
        new, gone = wanted - self._subscribed, self._subscribed - wanted
        self._subscribed = wanted
        try:
            if new:
                await pubsub.subscribe(*new)
            if gone:
                await pubsub.unsubscribe(*gone)
        except Exception as exc:  # the reader sees the broken connection and reconnects
            logger.debug("livewidget.pubsub: (un)subscribing failed: %s", exc)

    async def _publish_forever(self) -> None:
        client = self._client("publish")
        try:
            while True:
                topic, envelope = await self._outbox.get()
                try:
                    await self._attempted.wait()  # the first connection attempt has ended
                    if self._state is not True:
                        self._failed(topic, "Redis is unreachable")
                    else:
                        # Never retried: a publish that timed out may have reached Redis.
                        await client.publish(CHANNEL_PREFIX + topic, envelope)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    self._failed(topic, f"{type(exc).__name__}: {exc}")
                finally:
                    self._outbox.task_done()
        finally:
            await _quietly(client.aclose())

    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        channel = _text(message.get("channel"))
        if kind == "subscribe":
            self._confirmed.add(channel)
            if channel == self._control:
                self._came_up()
        elif kind == "unsubscribe":
            self._confirmed.discard(channel)
        elif kind == "message" and channel.startswith(CHANNEL_PREFIX):
            topic = channel[len(CHANNEL_PREFIX) :]
            data = message.get("data")
            try:
                body = json.loads(data if isinstance(data, str | bytes) else "")
            except ValueError:
                self.dropped_messages += 1
                logger.warning(
                    "livewidget.pubsub: dropped a message on %r that is not JSON: %.200r",
                    topic,
                    data,
                )
                return
            if isinstance(body, dict) and body.get(_ENVELOPE) == 1 and "message" in body:
                if body.get("node") == self.node:
                    return  # ours: delivered locally when it was broadcast
                body = body["message"]
            self._fan_out(topic, body)

    def _came_up(self) -> None:
        was = self._state
        self._state = True
        self._down_reason = None
        self._up.set()
        self._attempted.set()
        if was is False:
            logger.warning(
                "livewidget.pubsub: reconnected to Redis at %s after %.1f s; %d topics subscribed "
                "again; %d broadcasts made meanwhile reached only this kernel",
                _safe(self.url),
                time.monotonic() - self._down_since,
                len(self._subscribed) - 1,
                self._outage_failures,
            )
        if was is not True:  # also after the first connection: views mounted meanwhile learn it
            self._notify(Reconnected())
        self._outage_failures = 0

    def _went_down(self, exc: BaseException) -> None:
        was = self._state
        self._state = False
        self._up.clear()
        self._attempted.set()
        if was is False:
            return
        reason = f"{type(exc).__name__}: {exc}"
        self._down_reason = reason
        self._down_since = time.monotonic()
        lost = "lost" if was else "cannot reach"
        logger.warning(
            "livewidget.pubsub: %s Redis at %s (%s); local views keep working and local "
            "broadcasts still arrive, but other kernels are cut off; reconnecting",
            lost,
            _safe(self.url),
            reason,
        )
        self._notify(Disconnected(reason))

    def _failed(self, topic: str, reason: str) -> None:
        self.failed_broadcasts += 1
        self._outage_failures += 1
        loud = self._outage_failures <= _LOUD_FAILURES
        logger.log(
            logging.WARNING if loud else logging.DEBUG,
            "livewidget.pubsub: a broadcast to %r reached only this kernel (%s); "
            "%d failed broadcasts so far%s",
            topic,
            reason,
            self.failed_broadcasts,
            "; further ones in this outage are logged at DEBUG"
            if self._outage_failures == _LOUD_FAILURES
            else "",
        )


async def _quietly(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception as exc:
        logger.debug("livewidget.pubsub: closing a Redis connection: %s", exc)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else ""


def _safe(url: str) -> str:
    """``url`` without its password, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
