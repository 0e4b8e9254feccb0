"""Decode URL-encoded form fields and query strings into the params handlers receive.

Repeated names become lists, ``user[address][city]`` becomes nested dicts and ``tags[]``
a list, as Phoenix decodes them. And the other way: :func:`build_url` adds params to a path's
query, and :func:`url_params` gives a view what its URL says.

The text comes from strangers (a Voilà page's visitors), so decoding costs work linear in its
size: each field walks its own name once and adds its value in place (no list is copied to
grow it), and a body with more fields than ``livewidget.configure(max_form_fields=...)``
(10,000 by default), or a name nested deeper than ``max_depth``, is refused before decoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import config
from .errors import BadMessageError, RouteError

#: What ``push_patch``, ``push_redirect`` and :func:`build_url` take as params.
ParamsLike = Mapping[str, Any] | Iterable[tuple[str, Any]] | str | None

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


class _Work:
    """Counts the decoder's steps: one per field, per name segment and per value placed.

    Tests read it to pin decoding as linear (a count, never a time).
    """

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = 0


def decode_form(encoded: str) -> dict[str, Any]:
    """Decode ``application/x-www-form-urlencoded`` text into nested params.

    >>> decode_form("n=5&tag=a&tag=b&user[name]=Ada&ids[]=1&ids[]=2")
    {'n': '5', 'tag': ['a', 'b'], 'user': {'name': 'Ada'}, 'ids': ['1', '2']}

    Raises :class:`~livewidget.errors.BadMessageError` for more fields than the configured
    ``max_form_fields``, or a field name nested deeper than ``max_depth``.
    """
    return _decode(encoded, _Work())


def _decode(encoded: str, work: _Work) -> dict[str, Any]:
    limit = config.limits.max_form_fields
    # An upper bound on the fields, counted before any is decoded: parse_qsl splits on "&".
    if encoded.count("&") >= limit:
        fields = sum(1 for part in encoded.split("&") if part)
        if fields > limit:
            raise BadMessageError(
                f"a form or query string may have at most {limit} fields (_unused_ markers "
                f"count), got {fields}; send fewer fields, or raise the limit with "
                f"livewidget.configure(max_form_fields=...)"
            )
    params: dict[str, Any] = {}
    for name, value in parse_qsl(encoded, keep_blank_values=True):
        path = _path(name)
        if len(path) > config.limits.max_depth + 1:
            raise BadMessageError(
                f"a form field's name may be nested at most {config.limits.max_depth} levels "
                f"deep, got {len(path) - 1} in {name!r:.80}"
            )
        work.steps += 1 + len(path)
        _put(params, path, value, work)
    return params


def _path(name: str) -> list[str]:
    head, bracket, rest = name.partition("[")
    if not bracket or not head:
        return [name]
    rest = "[" + rest
    segments = _SEGMENT.findall(rest)
    if sum(len(s) + 2 for s in segments) != len(rest):
        return [name]
    return [head, *segments]


def _put(params: dict[str, Any], path: list[str], value: str, work: _Work) -> None:
    node = params
    for index in range(len(path) - 1):
        key, child = path[index], path[index + 1]
        if child == "":
            _add(node, key, value, work, always_list=True)
            return
        sub = node.get(key)
        if not isinstance(sub, dict):
            sub = node[key] = {}
        node = sub
    _add(node, path[-1], value, work, always_list=False)


def _add(node: dict[str, Any], key: str, value: str, work: _Work, *, always_list: bool) -> None:
    """Put ``value`` under ``key``: a list grows in place; a second value makes a list."""
    work.steps += 1
    if key not in node:
        node[key] = [value] if always_list else value
        return
    existing = node[key]
    if isinstance(existing, list):
        existing.append(value)  # in place: copying it would make n fields cost n² steps
    else:
        # ``a=1&a=2`` collects both; ``a=1&a[]=2`` lets the list form win, as before.
        node[key] = [value] if always_list else [existing, value]


def build_url(path: str, params: ParamsLike = None) -> str:
    """``path`` with ``params`` (a dict, pairs or a query string) added to its query.

    >>> build_url("/foo", {"bar": "baz"})
    '/foo?bar=baz'
    >>> build_url("/foo?a=1", [("b", 2), ("b", 3)])
    '/foo?a=1&b=2&b=3'
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise RouteError(f"expected a path starting with '/', got {path!r}")
    if params is None or params == "" or params == {}:
        return path
    if isinstance(params, str):
        query = params.lstrip("?")
    else:
        pairs = params.items() if isinstance(params, Mapping) else params
        flat: list[tuple[str, Any]] = []
        for key, value in pairs:
            values = value if isinstance(value, list | tuple) else [value]
            flat.extend((key, item) for item in values)
        query = urlencode(flat)
    return f"{path}{'&' if '?' in path else '?'}{query}"


def url_params(url: str, path_params: Mapping[str, str]) -> dict[str, Any]:
    """What mount and handle_params receive: query params merged with path params."""
    return {**decode_form(urlsplit(url).query), **path_params}
