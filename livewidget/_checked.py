"""Parts of a message already proven sendable, and the check that does not encode them again.

Every outbound message is checked before it is sent (:mod:`livewidget._encoding`): encoded as
the JSON a Jupyter kernel would write, as UTF-8. Some parts are proven sendable more cheaply
where they are made: a mounted tree's strings are encoded in one pass when it mounts, and a
stream's new rows and DOM ids when the kernel packs them as text for pages that join later
(so a batch's change, and all of a stream's rows for a page that joins, are proven already).
Such a part is a :class:`Checked` JSON object: a plain ``dict`` to everything else (the
transport, the test client, ``json``), and a flag to :func:`check`, which encodes the message
with each ``Checked`` part left out, so a batch of a thousand stream rows is not written as
JSON a second time only to be thrown away.

The flag is earned, never assumed: only code that has just encoded every string and number of
a value as UTF-8 JSON makes one, and the value is not changed afterwards. Anything not so
flagged is checked in full, as before, so a lone surrogate or a NaN anywhere else still raises
:class:`~livewidget._encoding.UnencodableError` with its path.
"""

from __future__ import annotations

import contextlib
from typing import Any

from . import _encoding
from ._protocol import KEYED

__all__ = ["Checked", "check", "checked"]


class Checked(dict[str, Any]):
    """A JSON object whose every key and value was proven sendable where it was made.

    >>> part = checked({"0": "a"})
    >>> check({"d": {"0": part}, "e": []})
    >>> part == {"0": "a"}, isinstance(part, dict)
    (True, True)
    """

    __slots__ = ()


# How many Checked objects were made, and how many the last check had seen made: while they
# are equal, no message can hold one made since, and the check skips looking for one.
_made = 0
_seen = 0


def checked(value: dict[str, Any]) -> Checked:
    """``value`` (a JSON object just proven sendable: every string UTF-8-encodable, no NaN,
    only JSON types) flagged so that :func:`check` does not encode it again."""
    global _made
    _made += 1
    return Checked(value)


def check(message: Any) -> None:
    """Raise UnencodableError unless ``message`` can be sent; its :class:`Checked` parts are
    taken as checked (see the module's text).

    The parts are looked for in the message's objects, not in a comprehension's rows (``"k"``)
    nor in lists, so the look costs the template's shape, not its rows; a part not found is
    encoded like any other value, which costs time but never misses an error.
    """
    global _seen
    made = _made
    if made != _seen:
        _seen = made
        # Too deep to search: the full check below reports the nesting as the error.
        with contextlib.suppress(RecursionError):
            message = _without_checked(message)
    _encoding.check(message)


def _without_checked(value: Any) -> Any:
    """``value`` with each :class:`Checked` object it holds replaced by None (the objects on
    the way to one are copied; ``value`` itself is left as it is)."""
    kind = type(value)
    if kind is Checked:
        return None
    if kind is list:
        copied: list[Any] | None = None
        for index, item in enumerate(value):
            if isinstance(item, dict):
                stripped = _without_checked(item)
                if stripped is not item:
                    if copied is None:
                        copied = list(value)
                    copied[index] = stripped
        return value if copied is None else copied
    if kind is dict:
        copy: dict[Any, Any] | None = None
        for key, item in value.items():
            if key != KEYED and isinstance(item, dict):
                stripped = _without_checked(item)
                if stripped is not item:
                    if copy is None:
                        copy = dict(value)
                    copy[key] = stripped
        return value if copy is None else copy
    return value
