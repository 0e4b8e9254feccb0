"""Kernel-wide settings: ``livewidget.configure(...)``."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from . import _protocol as p
from . import pubsub as _pubsub


class _Unset(enum.Enum):
    UNSET = enum.auto()


@dataclass(slots=True)
class Limits:
    """What an inbound message may hold before it is refused (see docs/security.md)."""

    #: Bytes of JSON in one inbound message.
    max_message_bytes: int = p.MAX_MESSAGE_BYTES
    #: Fields in one form body or query string (``_unused_`` markers count).
    max_form_fields: int = p.MAX_FORM_FIELDS
    #: Levels of nesting in an event's value, or brackets in a form field's name.
    max_depth: int = p.MAX_DEPTH


#: The limits in force in this kernel; change them with :func:`configure`.
limits = Limits()


def configure(
    *,
    pubsub: str | _pubsub.PubSubBackend | _Unset | None = _Unset.UNSET,
    max_form_fields: int | None = None,
    max_message_bytes: int | None = None,
    max_depth: int | None = None,
) -> None:
    """Set livewidget's options for this kernel; options not given stay as they are.

    ``pubsub`` chooses where :func:`livewidget.pubsub.broadcast` goes: ``"local"`` (in-process,
    the default), a Redis URL such as ``"redis://127.0.0.1:6379/0"`` to reach every kernel on
    that Redis (``pip install "livewidget[redis]"``), a :class:`~livewidget.pubsub.PubSubBackend`
    of your own, or ``None`` to go back to the environment variable ``LIVEWIDGET_PUBSUB``
    (read when ``configure`` was not called). Views already subscribed move to the new backend.

    The limits on what a page may send (each a positive int; see docs/security.md):
    ``max_form_fields`` (default 10,000) fields in one form body or query string,
    ``_unused_`` markers included; ``max_message_bytes`` (default 1,000,000) bytes of JSON in
    one inbound message; ``max_depth`` (default 32) levels of nesting in an event's value
    or brackets in a form field's name. A message over a limit is refused with an error
    reply and changes nothing.

    >>> import livewidget
    >>> livewidget.configure(pubsub="local", max_form_fields=10_000)
    """
    given = {
        "max_form_fields": max_form_fields,
        "max_message_bytes": max_message_bytes,
        "max_depth": max_depth,
    }
    for name, value in given.items():
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            raise ValueError(
                f"configure({name}=...) takes a positive int, got {value!r}; "
                f"e.g. livewidget.configure({name}={getattr(Limits(), name)})"
            )
    for name, value in given.items():
        if value is not None:
            setattr(limits, name, value)
    if pubsub is not _Unset.UNSET:
        _pubsub.use(pubsub)
