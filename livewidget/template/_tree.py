"""The client's view of a rendered tree: merge diffs into JSON trees and turn them into HTML.

This is the Python twin of ``js/src/rendered.js``; both are tested against the JSON files in
``tests/fixtures/render``. :mod:`livewidget.testing` uses it to see exactly what a browser
would show.
"""

from __future__ import annotations

from typing import Any

from .._protocol import DYNAMICS, STATICS

JSONTree = dict[str, Any]


class MalformedTreeError(ValueError):
    """A tree or diff from the server does not have Phoenix LiveView's JSON shape."""


def merge(tree: JSONTree | None, diff: JSONTree) -> JSONTree:
    """Return ``tree`` with ``diff`` applied; neither argument is modified.

    >>> merge({"s": ["<b>", "</b>"], "0": "1"}, {"0": "2"})
    {'s': ['<b>', '</b>'], '0': '2'}
    """
    if not isinstance(diff, dict):
        raise MalformedTreeError(f"expected a diff object, got {type(diff).__name__}")
    if tree is None or STATICS in diff:
        return _copy(diff)
    if DYNAMICS in tree and DYNAMICS in diff:
        return {STATICS: tree[STATICS], DYNAMICS: diff[DYNAMICS]}
    out = dict(tree)
    for key, value in diff.items():
        before = out.get(key)
        if isinstance(value, dict) and isinstance(before, dict):
            out[key] = merge(before, value)
        else:
            out[key] = _copy(value) if isinstance(value, dict) else value
    return out


def to_html(tree: JSONTree | str) -> str:
    """The HTML a tree stands for.

    >>> to_html({"s": ["<ul>", "</ul>"], "0": {"s": ["<li>", "</li>"], "d": [["a"], ["b"]]}})
    '<ul><li>a</li><li>b</li></ul>'
    """
    if isinstance(tree, str):
        return tree
    if not isinstance(tree, dict) or not isinstance(tree.get(STATICS), list):
        raise MalformedTreeError(f"expected a tree with statics 's', got {tree!r:.200}")
    statics: list[str] = tree[STATICS]
    if DYNAMICS in tree:
        rows = tree[DYNAMICS]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise MalformedTreeError(f"a comprehension's 'd' must be a list of rows: {rows!r:.200}")
        return "".join(_join(statics, row) for row in rows)
    values = [tree.get(str(index), "") for index in range(len(statics) - 1)]
    return _join(statics, values)


def _join(statics: list[str], values: list[Any]) -> str:
    if len(values) != len(statics) - 1:
        raise MalformedTreeError(
            f"{len(statics)} statics need {len(statics) - 1} dynamics, got {len(values)}"
        )
    parts = [statics[0]]
    for value, static in zip(values, statics[1:], strict=True):
        parts.append(to_html(value))
        parts.append(static)
    return "".join(parts)


def _copy(value: JSONTree) -> JSONTree:
    return {k: _copy(v) if isinstance(v, dict) else v for k, v in value.items()}
