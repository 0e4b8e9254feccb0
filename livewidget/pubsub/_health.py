"""Noticing a hung Redis: a subscribed connection that stays silent is a lost one.

A Redis that goes away closes its connections and the reader hears it at once. A Redis that
hangs (a frozen process, a host gone behind a live network path) closes nothing: a subscribed
connection just stays quiet, as it does when nobody broadcasts. Redis answers a PING on a
subscribed connection in line with the messages, so :func:`listen` pings a quiet connection
every ``interval`` seconds, and any answer proves it alive; one that answered nothing for
``timeout`` seconds raises :class:`TimeoutError`, and the reader reconnects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

#: Ping Redis when the subscribed connection was quiet this long (seconds).
HEALTH_INTERVAL = 1.0
#: A connection without any answer this long is lost; no command waits longer (seconds).
HEALTH_TIMEOUT = 3.0
#: The PING's argument; its answer is a ``pong`` message, which :func:`listen` swallows.
PING = "livewidget-health"


def check_settings(interval: float, timeout: float) -> None:
    """A ValueError unless ``0 < interval < timeout``."""
    if not 0 < interval < timeout:
        raise ValueError(
            f"RedisPubSub needs 0 < health_interval < health_timeout (seconds), got "
            f"health_interval={interval!r}, health_timeout={timeout!r}; "
            f"the defaults are {HEALTH_INTERVAL} and {HEALTH_TIMEOUT}"
        )


async def listen(
    pubsub: Any, deliver: Callable[[dict[str, Any]], None], *, interval: float, timeout: float
) -> None:
    """Hand ``pubsub``'s messages to ``deliver``; raise TimeoutError once Redis went silent."""
    clock = asyncio.get_running_loop().time
    heard = pinged = clock()
    while True:
        now = clock()
        if now - heard > timeout:
            raise TimeoutError(
                f"Redis answered nothing for {now - heard:.1f} s (health_timeout={timeout} s)"
            )
        if now - max(heard, pinged) >= interval:
            await asyncio.wait_for(pubsub.ping(PING), timeout)
            pinged = now
        wait = min(interval, max(heard + timeout - now, 0.0))
        message = await pubsub.get_message(timeout=wait + 0.01)
        if message is not None:
            heard = clock()
            if message.get("type") != "pong":
                deliver(message)
