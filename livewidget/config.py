"""Kernel-wide settings: ``livewidget.configure(...)``."""

from __future__ import annotations

import enum

from . import pubsub as _pubsub


class _Unset(enum.Enum):
    UNSET = enum.auto()


def configure(*, pubsub: str | _pubsub.PubSubBackend | _Unset | None = _Unset.UNSET) -> None:
    """Set livewidget's options for this kernel; options not given stay as they are.

    ``pubsub`` chooses where :func:`livewidget.pubsub.broadcast` goes: ``"local"`` (in-process,
    the default), a Redis URL such as ``"redis://127.0.0.1:6379/0"`` to reach every kernel on
    that Redis (``pip install "livewidget[redis]"``), a :class:`~livewidget.pubsub.PubSubBackend`
    of your own, or ``None`` to go back to the environment variable ``LIVEWIDGET_PUBSUB``
    (read when ``configure`` was not called). Views already subscribed move to the new backend.

    >>> import livewidget
    >>> livewidget.configure(pubsub="local")
    """
    if pubsub is not _Unset.UNSET:
        _pubsub.use(pubsub)
