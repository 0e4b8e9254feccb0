"""The one check that a message can travel: JSON and UTF-8, the way a Jupyter kernel packs it.

ipykernel sends every comm message through jupyter_client's JSON packer, which writes JSON
with ``allow_nan=False`` and encodes it as UTF-8. A message holding ``NaN`` or ``Infinity``,
a lone surrogate such as ``"\\ud800"`` (Python strings may hold one, UTF-8 cannot), or a value
JSON has no form for, cannot be sent: the kernel fails while packing it, after livewidget
handed it over, and the page never hears of it.

Both transports use :func:`encode`: the session checks each outbound message before the
state that produced it is committed (and rolls back, as for a raising handler, when it
fails), the test client round-trips every message through it, and inbound messages are
checked with it at the door, so a visitor's string that could not be echoed is refused
before any handler sees it. This check is stricter than the packer in one way: it has no
fallback for non-JSON values (datetimes, sets, bytes), which the packer would convert.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from .errors import LiveWidgetError

# No check for circles: a circular payload ends in RecursionError, reported as too deep.
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), check_circular=False
)
# The C encoder behind _ENCODER, made once: JSONEncoder.encode builds a new one on every
# call, a third of the cost of encoding a click's small message. Same settings, same output.
# (json.encoder's C parts are not in its type stubs: looked up by name, None without them.)
_MAKE = getattr(json.encoder, "c_make_encoder", None)
_BASESTRING = getattr(json.encoder, "c_encode_basestring", None)
_C_ENCODER: Callable[[Any, int], list[str]] | None = (
    None
    if _MAKE is None or _BASESTRING is None
    # no circle bookkeeping, _ENCODER's default, indent, separators, sort_keys, skipkeys, allow_nan
    else _MAKE(None, _ENCODER.default, _BASESTRING, None, ":", ",", False, False, False)
)
# How far the walk that names the culprit goes before giving up on naming it.
_MAX_PATH_SEARCH = 100_000


class UnencodableError(LiveWidgetError, ValueError):
    """A message holds something a Jupyter kernel cannot send (NaN, a lone surrogate, …)."""


def encode(message: Any) -> bytes:
    """``message`` as the UTF-8 JSON bytes a kernel would send; raises UnencodableError.

    >>> encode({"a": [1, "é"]})
    b'{"a":[1,"\\xc3\\xa9"]}'
    >>> try:
    ...     check({"a": ["\\ud800"]})
    ... except UnencodableError as exc:
    ...     print(str(exc)[:64])
    cannot send a string holding a lone surrogate (U+D800 at index 0
    """
    try:
        if _C_ENCODER is not None:
            return "".join(_C_ENCODER(message, 0)).encode("utf-8")
        return _ENCODER.encode(message).encode("utf-8")
    except RecursionError:
        raise UnencodableError(
            "the message is nested too deeply to be encoded as JSON; keep nesting shallow"
        ) from None
    except (TypeError, ValueError) as exc:
        raise UnencodableError(_explain(message, exc)) from None


def check(message: Any) -> int:
    """Raise UnencodableError unless ``message`` can be sent; its size in bytes."""
    return len(encode(message))


def lone_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate in ``text``, or None (UTF-8 can encode it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _explain(message: Any, exc: Exception) -> str:
    found = _culprit(message)
    if found is None:
        return f"cannot encode the message as JSON: {exc}"
    path, value = found
    where = "".join(f"[{json.dumps(step, ensure_ascii=True)}]" for step in path) or "the top"
    if isinstance(value, float):
        return (
            f"cannot send NaN or Infinity in JSON (at {where}); "
            f"replace it with None or a string before it reaches the page"
        )
    if isinstance(value, str):
        index = lone_surrogate(value)
        return (
            f"cannot send a string holding a lone surrogate (U+{ord(value[index or 0]):04X} "
            f"at index {index}, at {where}) as UTF-8; clean it first, e.g. "
            f"text.encode('utf-8', 'replace').decode('utf-8')"
        )
    return (
        f"cannot send a {type(value).__name__} in JSON (at {where}); "
        f"convert it to str, int, float, bool, None, list or dict first"
    )


def _culprit(message: Any) -> tuple[list[Any], Any] | None:
    """The path to the first value that cannot be encoded, walking without recursion."""
    stack: list[tuple[list[Any], Any]] = [([], message)]
    seen = 0
    while stack and seen < _MAX_PATH_SEARCH:
        path, value = stack.pop()
        seen += 1
        if isinstance(value, str):
            if lone_surrogate(value) is not None:
                return path, value
        elif isinstance(value, bool | int | type(None)):
            continue
        elif isinstance(value, float):
            if not math.isfinite(value):
                return path, value
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if isinstance(key, str) and lone_surrogate(key) is not None:
                    return [*path, key], key
                if not isinstance(key, str | int | float | bool | type(None)):
                    return [*path, repr(key)], key
                stack.append(([*path, key], item))
        elif isinstance(value, list | tuple):
            for index in reversed(range(len(value))):
                stack.append(([*path, index], value[index]))
        else:
            return path, value
    return None
