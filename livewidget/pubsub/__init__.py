"""PubSub: broadcast to the views subscribed to a topic, in this kernel or, with Redis, in all.

A view subscribes with ``socket.subscribe("chat")`` (usually in ``mount``) and receives every
broadcast to that topic in ``handle_info(message, socket)``; its subscriptions end with it.
:func:`broadcast` works from anywhere in the kernel: a cell, a thread, a view's handler.

>>> from livewidget import pubsub
>>> pubsub.broadcast("chat", {"from": "a cell", "text": "hello"})

Messages are JSON (dicts, lists, str, numbers, bools, None), and arrive decoded; subscribers of
one kernel share the decoded message, so do not change it in place.

The backend is chosen once per kernel: ``livewidget.configure(pubsub=...)`` wins, else the
environment variable ``LIVEWIDGET_PUBSUB``, else in-process. ``"local"`` (or empty) is the
in-process :class:`LocalPubSub`; a Redis URL such as ``redis://127.0.0.1:6379/0`` is
:class:`~livewidget.pubsub.redis_backend.RedisPubSub`, which spans kernels (needs
``pip install "livewidget[redis]"``). With Redis, subscribed views get :class:`Disconnected`
and :class:`Reconnected` in ``handle_info`` when the connection goes and comes back.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from .base import (
    Disconnected,
    LocalPubSub,
    PubSubBackend,
    Reconnected,
    Subscriber,
    check_topic,
)

__all__ = [
    "ENV",
    "Disconnected",
    "LocalPubSub",
    "PubSubBackend",
    "Reconnected",
    "Subscriber",
    "backend",
    "broadcast",
    "check_topic",
    "connected",
    "make_backend",
    "subscribe",
    "unsubscribe",
    "use",
]

#: The environment variable read when ``configure(pubsub=...)`` was not called.
ENV = "LIVEWIDGET_PUBSUB"
_LOCAL_NAMES = ("", "local", "memory", "memory://", "in-process")
_REDIS_SCHEMES = ("redis", "rediss", "unix")

_lock = threading.RLock()
_backend: PubSubBackend | None = None
_setting: str | PubSubBackend | None = None


def broadcast(topic: str, message: Any) -> None:
    """Send ``message`` (JSON) to every view subscribed to ``topic``; callable from anywhere."""
    backend().broadcast(topic, message)


def connected() -> bool:
    """Whether broadcasts reach the other kernels right now (always True in-process)."""
    return backend().connected


def subscribe(topic: str, subscriber: Subscriber) -> None:
    """Subscribe your own :class:`Subscriber` (views use ``socket.subscribe``)."""
    backend().subscribe(topic, subscriber)


def unsubscribe(topic: str, subscriber: Subscriber) -> None:
    """Undo :func:`subscribe`."""
    backend().unsubscribe(topic, subscriber)


def backend() -> PubSubBackend:
    """This kernel's backend, made from the setting on first use."""
    global _backend
    with _lock:
        if _backend is None:
            _backend = make_backend(_setting if _setting is not None else os.environ.get(ENV))
        return _backend


def use(setting: str | PubSubBackend | None) -> PubSubBackend:
    """Switch this kernel's backend (``configure(pubsub=...)`` calls this).

    ``None`` goes back to ``LIVEWIDGET_PUBSUB`` or in-process. The views' subscriptions move
    to the new backend, and the old one is closed.
    """
    global _backend, _setting
    new = make_backend(setting if setting is not None else os.environ.get(ENV))
    with _lock:
        old, _backend, _setting = _backend, new, setting
    if old is not None and old is not new:
        for topic, subscriber in old.subscriptions():
            new.subscribe(topic, subscriber)
        old.close()
    return new


def make_backend(setting: str | PubSubBackend | None) -> PubSubBackend:
    """A backend for a setting: a backend object, ``"local"``/``None``, or a Redis URL."""
    if isinstance(setting, PubSubBackend):
        return setting
    if setting is None or setting.strip().lower() in _LOCAL_NAMES:
        return LocalPubSub()
    if not isinstance(setting, str):
        raise TypeError(
            f"the PubSub setting must be a str or a PubSubBackend, got {type(setting).__name__}"
        )
    scheme = setting.split("://", 1)[0].lower() if "://" in setting else ""
    if scheme in _REDIS_SCHEMES:
        from .redis_backend import RedisPubSub

        return RedisPubSub(setting.strip())
    raise ValueError(
        f"unknown PubSub setting {setting!r} (from configure(pubsub=...) or {ENV}); use "
        f'"local" for in-process (the default) or a Redis URL such as redis://127.0.0.1:6379/0'
    )


@atexit.register
def _close_at_exit() -> None:
    # Publish what is still pending (Redis) before the interpreter goes.
    with _lock:
        current = _backend
    if current is not None:
        current.close()
