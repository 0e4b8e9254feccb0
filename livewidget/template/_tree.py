"""The client's view of a rendered tree: merge diffs into JSON trees and turn them into HTML.

This is the Python twin of ``js/src/rendered.js``; both are tested against the JSON files in
``tests/fixtures/render``. :mod:`livewidget.testing` uses it to see exactly what a browser
would show. The shapes are described in :mod:`livewidget.template._rendered`.
"""

from __future__ import annotations

from typing import Any

from .._protocol import DYNAMICS, KEY_COUNT, KEYED, MOVES, STATICS

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
    if DYNAMICS in tree:
        if KEYED in diff:
            return {STATICS: tree[STATICS], DYNAMICS: _merge_rows(tree[DYNAMICS], diff[KEYED])}
        if DYNAMICS in diff:
            return {STATICS: tree[STATICS], DYNAMICS: diff[DYNAMICS]}
        raise MalformedTreeError(f"a comprehension diff needs 'k' or 'd': {diff!r:.200}")
    out = dict(tree)
    for key, value in diff.items():
        out[key] = _merge_value(out.get(key), value)
    return out


def _merge_value(before: Any, value: Any) -> Any:
    if isinstance(value, dict):
        return merge(before, value) if isinstance(before, dict) else _copy(value)
    return value


def _merge_rows(rows: list[list[Any]], keyed: Any) -> list[list[Any]]:
    if not isinstance(keyed, dict):
        raise MalformedTreeError(f"'k' must be an object, got {keyed!r:.200}")
    count = keyed.get(KEY_COUNT, len(rows))
    if not isinstance(count, int) or count < 0:
        raise MalformedTreeError(f"'kc' must be a count, got {count!r:.50}")
    new: list[list[Any] | None] = [rows[i] if i < len(rows) else None for i in range(count)]
    for run in keyed.get(MOVES, []):
        if not (isinstance(run, list) and len(run) == 3 and all(isinstance(n, int) for n in run)):
            raise MalformedTreeError(f"a move run must be [index, old index, length]: {run!r}")
        index, was, length = run
        for offset in range(length):
            new[index + offset] = _old_row(rows, was + offset)
    for key, value in keyed.items():
        if key in (KEY_COUNT, MOVES):
            continue
        index = _index(key, count)
        if isinstance(value, int) and not isinstance(value, bool):
            new[index] = _old_row(rows, value)
        elif isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
            new[index] = _merge_row(_old_row(rows, value[0]), value[1])
        elif isinstance(value, dict):
            new[index] = _merge_row(rows[index] if index < len(rows) else [], value)
        else:
            raise MalformedTreeError(f"bad keyed entry {key!r}: {value!r:.200}")
    if any(row is None for row in new):
        raise MalformedTreeError("a keyed diff left rows without content")
    return [row for row in new if row is not None]


def _merge_row(row: list[Any], diff: Any) -> list[Any]:
    if not isinstance(diff, dict):
        raise MalformedTreeError(f"a row diff must be an object, got {diff!r:.200}")
    out = list(row)
    for key, value in diff.items():
        index = int(key)
        while len(out) <= index:
            out.append("")
        out[index] = _merge_value(out[index], value)
    return out


def _old_row(rows: list[list[Any]], index: Any) -> list[Any]:
    if not isinstance(index, int) or not 0 <= index < len(rows):
        raise MalformedTreeError(f"no old row {index!r} (there are {len(rows)})")
    return rows[index]


def _index(key: str, count: int) -> int:
    if not key.isdigit() or int(key) >= count:
        raise MalformedTreeError(f"row index {key!r} is out of range 0..{count - 1}")
    return int(key)


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
