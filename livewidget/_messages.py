"""Validate inbound messages from the frontend: they are untrusted (Voilà serves strangers).

A message is checked for shape and size before anything acts on it; a client string is never
turned into an attribute lookup, an import or code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import _protocol as p
from ._params import decode_form
from .errors import BadMessageError

_MAX_REF = 2**53
_EVENT_TYPES = frozenset(
    {p.TYPE_CLICK, p.TYPE_FORM, p.TYPE_HOOK}
    | {p.TYPE_KEYDOWN, p.TYPE_KEYUP, p.TYPE_FOCUS, p.TYPE_BLUR}
)
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class Join:
    """A frontend model asks for the whole tree; ``url`` is the route the page asks for."""

    url: str | None = None


@dataclass(frozen=True, slots=True)
class Navigate:
    """A link was followed (``patch`` / ``redirect``) or the page moved in history (``go``)."""

    ref: int
    kind: str
    url: str | None
    replace: bool
    index: int | None


@dataclass(frozen=True, slots=True)
class Event:
    """An event for the view's ``handle_event``."""

    ref: int
    type: str
    name: str
    params: dict[str, Any]


Message = Join | Event | Navigate
_NAV_KINDS = frozenset({p.NAV_PATCH, p.NAV_REDIRECT, p.NAV_GO})


def ref_of(raw: object) -> int | None:
    """The message's ``ref`` when it has a usable one, to address an error reply."""
    if isinstance(raw, dict):
        ref = raw.get(p.REF)
        if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < _MAX_REF:
            return ref
    return None


def parse(raw: object) -> Message:
    """Check ``raw`` and return the message it stands for, or raise BadMessageError."""
    if not isinstance(raw, dict):
        raise BadMessageError(f"expected a JSON object, got {type(raw).__name__}")
    size = len(json.dumps(raw, default=str))
    if size > p.MAX_MESSAGE_BYTES:
        raise BadMessageError(
            f"message of {size} bytes exceeds the limit of {p.MAX_MESSAGE_BYTES} bytes"
        )
    kind = raw.get(p.KIND)
    if kind == p.JOIN:
        url = raw.get(p.URL)
        return Join(None if url is None else _url(url))
    if kind == p.EVENT:
        return _event(raw)
    if kind == p.NAV:
        return _navigate(raw)
    raise BadMessageError(f"unknown message kind {kind!r:.50}; expected 'join', 'event' or 'nav'")


def _url(url: object) -> str:
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//"):
        raise BadMessageError(f"a URL must be a path starting with '/', got {url!r:.80}")
    if len(url) > p.MAX_URL:
        raise BadMessageError(f"a URL may have at most {p.MAX_URL} characters")
    return url


def _required_ref(raw: dict[str, Any], what: str) -> int:
    ref = ref_of(raw)
    if ref is None:
        raise BadMessageError(f"{what} needs an integer 'ref', got {raw.get(p.REF)!r:.50}")
    return ref


def _one_of(value: Any, allowed: frozenset[str], what: str) -> str:
    if value not in allowed:
        raise BadMessageError(f"unknown {what} {value!r:.50}; expected one of {sorted(allowed)}")
    return str(value)


def _navigate(raw: dict[str, Any]) -> Navigate:
    ref = _required_ref(raw, "a nav message")
    kind = _one_of(raw.get(p.NAV_KIND), _NAV_KINDS, "nav kind")
    replace = raw.get(p.NAV_REPLACE, False)
    if not isinstance(replace, bool):
        raise BadMessageError(f"'replace' must be true or false, got {replace!r:.50}")
    if kind == p.NAV_GO:
        index = raw.get(p.NAV_INDEX)
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise BadMessageError(f"a 'go' needs a history index >= 0, got {index!r:.50}")
        url = raw.get(p.URL)
        return Navigate(ref, kind, None if url is None else _url(url), False, index)
    return Navigate(ref, kind, _url(raw.get(p.URL)), replace, None)


def _event(raw: dict[str, Any]) -> Event:
    ref = _required_ref(raw, "an event")
    kind = _one_of(raw.get(p.EVENT_TYPE), _EVENT_TYPES, "event type")
    name = raw.get(p.EVENT_NAME)
    if not isinstance(name, str) or not name or len(name) > p.MAX_EVENT_NAME:
        raise BadMessageError(
            f"an event name must be a non-empty string of at most {p.MAX_EVENT_NAME} "
            f"characters, got {name!r:.50}"
        )
    value = raw.get(p.EVENT_VALUE, {})
    if kind == p.TYPE_FORM:
        if not isinstance(value, str):
            raise BadMessageError(
                f"a form event's value must be URL-encoded text, got {type(value).__name__}"
            )
        params = decode_form(value)
    else:
        params = _check_value(value)
    return Event(ref, kind, name, params)


def _check_value(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadMessageError(f"an event's value must be an object, got {type(value).__name__}")
    _check_json(value, depth=0)
    return value


def _check_json(value: object, depth: int) -> None:
    if depth > 32:
        raise BadMessageError("an event's value is nested more than 32 levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise BadMessageError(f"object keys must be strings, got {key!r:.50}")
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif not isinstance(value, _SCALARS):
        raise BadMessageError(f"unexpected value of type {type(value).__name__}")
