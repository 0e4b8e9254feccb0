"""Decode URL-encoded form fields and query strings into the params handlers receive.

Repeated names become lists, ``user[address][city]`` becomes nested dicts and ``tags[]``
a list, as Phoenix decodes them.
"""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import parse_qsl

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def decode_form(encoded: str) -> dict[str, Any]:
    """Decode ``application/x-www-form-urlencoded`` text into nested params.

    >>> decode_form("n=5&tag=a&tag=b&user[name]=Ada&ids[]=1&ids[]=2")
    {'n': '5', 'tag': ['a', 'b'], 'user': {'name': 'Ada'}, 'ids': ['1', '2']}
    """
    params: dict[str, Any] = {}
    for name, value in parse_qsl(encoded, keep_blank_values=True):
        _put(params, _path(name), value)
    return params


def _path(name: str) -> list[str]:
    head, bracket, rest = name.partition("[")
    if not bracket or not head:
        return [name]
    rest = "[" + rest
    segments = _SEGMENT.findall(rest)
    if "".join(f"[{s}]" for s in segments) != rest:
        return [name]
    return [head, *segments]


def _put(params: dict[str, Any], path: list[str], value: str) -> None:
    node = params
    for key, child in itertools.pairwise(path):
        if child == "":
            existing = node.get(key)
            node[key] = [*existing, value] if isinstance(existing, list) else [value]
            return
        sub = node.get(key)
        if not isinstance(sub, dict):
            sub = node[key] = {}
        node = sub
    last = path[-1]
    if last in node:
        existing = node[last]
        node[last] = [*existing, value] if isinstance(existing, list) else [existing, value]
    else:
        node[last] = value
