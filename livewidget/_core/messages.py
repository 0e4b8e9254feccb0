"""Validate inbound messages from the frontend: they are untrusted (Voilà serves strangers).

A message is checked for shape and size before anything acts on it; a client string is never
turned into an attribute lookup, an import or code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import _encoding, config
from .. import _protocol as p
from .._params import decode_form
from .._paths import is_widget_path
from .._uploads.wire import UPLOAD, UploadMessage, has_buffers, parse_upload, strip_buffers
from ..errors import BadMessageError

_MAX_REF = 2**53
_EVENT_TYPES = frozenset(
    {p.TYPE_CLICK, p.TYPE_FORM, p.TYPE_HOOK}
    | {p.TYPE_KEYDOWN, p.TYPE_KEYUP, p.TYPE_FOCUS, p.TYPE_BLUR}
)
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class Join:
    """A frontend model asks for the whole tree; ``url`` is the route the page asks for.

    ``first``: the page shows the first reply of the widget's state already, so the tree can
    be left out of the answer if it is still the current one.
    """

    url: str | None = None
    first: bool = False


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
    #: The component it targets (``phx-target``), or None for the view.
    cid: int | None = None


Message = Join | Event | Navigate | UploadMessage
_NAV_KINDS = frozenset({p.NAV_PATCH, p.NAV_REDIRECT, p.NAV_GO})


def ref_of(raw: object) -> int | None:
    """The message's ``ref`` when it has a usable one, to address an error reply."""
    if isinstance(raw, dict):
        ref = raw.get(p.REF)
        if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < _MAX_REF:
            return ref
    return None


def parse(raw: object) -> Message:
    """Check ``raw`` and return the message it stands for, or raise BadMessageError.

    Never raises anything else, whatever ``raw`` holds: a refused message is answered with
    an error reply by the session, and changes nothing.
    """
    if not isinstance(raw, dict):
        raise BadMessageError(f"expected a JSON object, got {type(raw).__name__}")
    # The transport attaches a comm message's binary buffers as bytes, which JSON cannot
    # forge; only an upload chunk may carry them (livewidget/_uploads/wire.py).
    _check_encodable(strip_buffers(raw) if has_buffers(raw) else raw)
    kind = raw.get(p.KIND)
    if kind == UPLOAD:
        return parse_upload(raw, _required_ref(raw, "an upload message"))
    if has_buffers(raw):
        raise BadMessageError("only an upload chunk carries binary buffers")
    if kind == p.JOIN:
        url = raw.get(p.URL)
        first = raw.get(p.JOIN_FIRST, False)
        if not isinstance(first, bool):
            raise BadMessageError(
                f"a join's {p.JOIN_FIRST!r} must be true or false, got {_show(first)}"
            )
        return Join(None if url is None else _url(url), first)
    if kind == p.EVENT:
        return _event(raw)
    if kind == p.NAV:
        return _navigate(raw)
    raise BadMessageError(
        f"unknown message kind {_show(kind)}; expected 'join', 'event', 'nav' or 'upload'"
    )


def _check_encodable(raw: dict[str, Any]) -> None:
    """Size, and what could never be echoed back: lone surrogates, NaN, odd types."""
    limit = config.limits.max_message_bytes
    try:
        size = _encoding.check(raw)
    except _encoding.UnencodableError as exc:
        # A string the kernel could not send back (a lone surrogate) is refused here, at
        # the door, so no handler can echo it into assigns, a reply, an event or a URL.
        raise BadMessageError(f"the message could not be sent back to a page: {exc}") from None
    if size > limit:
        raise BadMessageError(
            f"message of {size} bytes exceeds the limit of {limit} bytes; send less, or raise "
            f"the limit with livewidget.configure(max_message_bytes=...)"
        )


def _show(value: object) -> str:
    """A short, safe rendering of a client value for an error message."""
    if isinstance(value, str | int | float | bool | None):
        return f"{value!r:.50}"
    return f"of type {type(value).__name__}"


def _url(url: object) -> str:
    if not is_widget_path(url):
        raise BadMessageError(f"a URL must be a path starting with '/', got {_show(url)}")
    if len(url) > p.MAX_URL:
        raise BadMessageError(f"a URL may have at most {p.MAX_URL} characters")
    return url


def _required_ref(raw: dict[str, Any], what: str) -> int:
    ref = ref_of(raw)
    if ref is None:
        raise BadMessageError(f"{what} needs an integer 'ref', got {_show(raw.get(p.REF))}")
    return ref


def _one_of(value: Any, allowed: frozenset[str], what: str) -> str:
    # A list or object is unhashable: test the type before the set lookup.
    if not isinstance(value, str) or value not in allowed:
        raise BadMessageError(f"unknown {what} {_show(value)}; expected one of {sorted(allowed)}")
    return value


def _navigate(raw: dict[str, Any]) -> Navigate:
    ref = _required_ref(raw, "a nav message")
    kind = _one_of(raw.get(p.NAV_KIND), _NAV_KINDS, "nav kind")
    replace = raw.get(p.NAV_REPLACE, False)
    if not isinstance(replace, bool):
        raise BadMessageError(f"'replace' must be true or false, got {_show(replace)}")
    if kind == p.NAV_GO:
        index = raw.get(p.NAV_INDEX)
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise BadMessageError(f"a 'go' needs a history index >= 0, got {_show(index)}")
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
            f"characters, got {_show(name)}"
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
    return Event(ref, kind, name, params, _target_cid(raw))


def _target_cid(raw: dict[str, Any]) -> int | None:
    """The cid an event targets: absent for the view, else a positive integer.

    Whether a component has that cid is the session's question (an unknown one is answered
    with an error and changes nothing).
    """
    if p.EVENT_CID not in raw:
        return None
    cid = raw[p.EVENT_CID]
    if isinstance(cid, int) and not isinstance(cid, bool) and 0 < cid < _MAX_REF:
        return cid
    raise BadMessageError(
        f"an event's target 'cid' must be a component's id number (a positive integer), "
        f"got {_show(cid)}; leave 'cid' out to target the view"
    )


def _check_value(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadMessageError(f"an event's value must be an object, got {type(value).__name__}")
    _check_json(value)
    return value


def _check_json(value: object) -> None:
    """Types and depth, walked without recursion (one step per value, never more)."""
    limit = config.limits.max_depth
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise BadMessageError(
                f"an event's value is nested more than {limit} levels deep; send flatter "
                f"data, or raise the limit with livewidget.configure(max_depth=...)"
            )
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise BadMessageError(f"object keys must be strings, got {_show(key)}")
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif not isinstance(item, _SCALARS):
            raise BadMessageError(f"unexpected value of type {type(item).__name__}")
