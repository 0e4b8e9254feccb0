"""The client's view of a rendered tree: merge diffs into JSON trees and turn them into HTML.

This is the Python twin of ``js/src/rendered.js``; both are tested against the JSON files in
``tests/fixtures/render``, and against Phoenix LiveView's own client through
``tests/_oracle.py``. :mod:`livewidget.testing` uses it to see exactly what a browser would
show. The shapes are described in :mod:`livewidget.template._rendered`.
"""

from __future__ import annotations

from typing import Any

from .._protocol import COMPONENTS, KEY_COUNT, KEYED, MOVED, MOVES, REMOVED_CIDS, ROOT, STATICS
from ._rendered import component_html
from ._stream_ops import STREAM, apply_ops

JSONTree = dict[str, Any]


class MalformedTreeError(ValueError):
    """A tree or diff from the server does not have Phoenix LiveView's JSON shape."""


def merge(tree: JSONTree | None, diff: JSONTree) -> JSONTree:
    """Return ``tree`` with ``diff`` applied; neither argument is modified.

    Trees stay in the wire's shape (comprehensions keyed, as Phoenix LiveView 1.2's client
    keeps them). A keyed diff without ``"kc"`` keeps the row count, and ``"i": j`` entries
    are read with or without ``"km"``: older livewidget servers sent both that way.

    >>> merge({"s": ["<b>", "</b>"], "0": "1"}, {"0": "2"})
    {'s': ['<b>', '</b>'], '0': '2'}
    """
    if not isinstance(diff, dict):
        raise MalformedTreeError(f"expected a diff object, got {type(diff).__name__}")
    if COMPONENTS in diff or REMOVED_CIDS in diff:
        return _merge_root(tree, diff)
    if tree is None or STATICS in diff:
        return _copy(diff)
    if KEYED in tree:
        if STREAM in diff:
            return _merge_stream(tree, diff)
        if KEYED in diff:
            return {**tree, KEYED: _merge_keyed(tree[KEYED], diff[KEYED])}
        if not diff:
            return tree
        raise MalformedTreeError(f"a comprehension's diff needs 'k' or 's': {diff!r:.200}")
    out = dict(tree)
    for key, value in diff.items():
        out[key] = _merge_value(out.get(key), value)
    return out


def _merge_root(tree: JSONTree | None, diff: JSONTree) -> JSONTree:
    """A page's root diff with components: the tree, then ``"c"`` as Phoenix's client reads
    it (each entry resolved against the components held before it), then the removed cids."""
    held: dict[str, Any] = {} if tree is None or STATICS in diff else tree.get(COMPONENTS, {})
    if any(not isinstance(entry.get(STATICS), list) for entry in held.values()):
        held = _resolve_all(held)  # a full tree taken as it came: resolve its shared statics
    rest = {k: v for k, v in diff.items() if k not in (COMPONENTS, REMOVED_CIDS)}
    base = {k: v for k, v in (tree or {}).items() if k != COMPONENTS}
    out = merge(None if tree is None else base, rest) if rest or tree is None else base
    entries = diff.get(COMPONENTS, {})
    if not isinstance(entries, dict):
        raise MalformedTreeError(f"'c' must be an object of components by cid: {entries!r:.200}")
    resolved: dict[str, Any] = {}
    for cid in entries:
        _resolve_component(cid, entries, held, resolved, set())
    components = {**held, **resolved}
    removed = diff.get(REMOVED_CIDS, [])
    if not isinstance(removed, list):
        raise MalformedTreeError(f"'cd' must be a list of cids: {removed!r:.200}")
    for cid in removed:
        components.pop(str(cid), None)
    out[COMPONENTS] = components
    return out


def _resolve_all(entries: dict[str, Any]) -> dict[str, Any]:
    """Components whose ``"s"`` may name another cid, each with its own statics."""
    done: dict[str, Any] = {}
    for cid in entries:
        _resolve_component(cid, entries, {}, done, set())
    return done


def _resolve_component(
    cid: str, entries: dict[str, Any], held: dict[str, Any], done: dict[str, Any], seen: set[str]
) -> Any:
    """Component ``cid`` after this diff (Phoenix's rule for ``"s": cid``)."""
    if cid in done:
        return done[cid]
    if cid in seen:
        raise MalformedTreeError(f"component {cid} shares statics in a circle")
    seen.add(cid)
    entry = entries.get(cid)
    if not isinstance(entry, dict):
        raise MalformedTreeError(f"component {cid} is not an object: {entry!r:.200}")
    ref = entry.get(STATICS)
    if isinstance(ref, int) and not isinstance(ref, bool):
        source = (
            _resolve_component(str(ref), entries, held, done, seen)
            if ref > 0
            else held.get(str(-ref))
        )
        if not isinstance(source, dict):
            raise MalformedTreeError(f"component {cid} shares statics with missing cid {ref}")
        own = {k: v for k, v in entry.items() if k != STATICS}
        result = _share(source, own)
    elif STATICS in entry or cid not in held:
        result = _copy(entry)
    else:
        result = merge(held[cid], entry)
    done[cid] = result
    return result


def _share(source: JSONTree, own: JSONTree) -> JSONTree:
    """``own`` merged over a copy of ``source``, keeping ``source``'s statics (Phoenix's
    ``cloneMerge``: what ``own`` leaves out is taken from ``source``)."""
    out = dict(source)
    for key, value in own.items():
        before = out.get(key)
        if isinstance(value, dict) and STATICS not in value and isinstance(before, dict):
            out[key] = merge(before, value)
        else:
            out[key] = _copy(value) if isinstance(value, dict) else value
    return out


def _merge_value(before: Any, value: Any) -> Any:
    if isinstance(value, dict):
        return merge(before, value) if isinstance(before, dict) else _copy(value)
    return value


def _merge_keyed(rows: Any, keyed: Any) -> JSONTree:
    """The rows of a comprehension after the keyed diff ``keyed`` (both ``"k"`` objects)."""
    if not isinstance(keyed, dict):
        raise MalformedTreeError(f"'k' must be an object, got {keyed!r:.200}")
    old_count = _count(rows.get(KEY_COUNT) if isinstance(rows, dict) else None)
    count = _count(keyed.get(KEY_COUNT, old_count))
    new: JSONTree = {str(i): _old_row(rows, old_count, i) for i in range(min(count, old_count))}
    runs = keyed.get(MOVES, [])
    if not isinstance(runs, list):
        raise MalformedTreeError(f"'m' must be a list of move runs, got {runs!r:.200}")
    for run in runs:
        if not (
            isinstance(run, list)
            and len(run) == 3
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in run)
        ):
            raise MalformedTreeError(f"a move run must be [index, old index, length]: {run!r}")
        index, was, length = run
        if index + length > count:
            raise MalformedTreeError(f"the move run {run!r} goes past the {count} rows")
        for offset in range(length):
            new[str(index + offset)] = _old_row(rows, old_count, was + offset)
    for key, value in keyed.items():
        if key in (KEY_COUNT, MOVED, MOVES):
            continue
        index = _index(key, count)
        if isinstance(value, int) and not isinstance(value, bool):
            new[key] = _old_row(rows, old_count, value)
        elif isinstance(value, list) and len(value) == 2:
            new[key] = _merge_row(_old_row(rows, old_count, value[0]), value[1])
        elif isinstance(value, dict):
            # A row diff merges into the old row at the same index (Phoenix's rule); a new
            # row carries all its dynamics, so what it merges into does not show.
            new[key] = _merge_row(
                _old_row(rows, old_count, index) if index < old_count else {}, value
            )
        else:
            raise MalformedTreeError(f"bad keyed entry {key!r}: {value!r:.200}")
    if len(new) != count:
        raise MalformedTreeError(f"a keyed diff left rows without content: {keyed!r:.200}")
    new[KEY_COUNT] = count
    return new


def _merge_row(row: JSONTree, diff: Any) -> JSONTree:
    if not isinstance(diff, dict):
        raise MalformedTreeError(f"a row diff must be an object, got {diff!r:.200}")
    out = dict(row)
    for key, value in diff.items():
        if not key.isdigit():
            raise MalformedTreeError(f"a row's dynamics are numbered, got key {key!r:.50}")
        out[key] = _merge_value(out.get(key), value)
    return out


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedTreeError(f"'kc' must be a row count, got {value!r:.50}")
    return value


def _old_row(rows: JSONTree, count: int, index: Any) -> JSONTree:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
        raise MalformedTreeError(f"no old row {index!r:.50} (there are {count})")
    row = rows.get(str(index))
    if not isinstance(row, dict):
        raise MalformedTreeError(f"old row {index} is missing or not an object: {row!r:.100}")
    return row


def _index(key: str, count: int) -> int:
    if not key.isdigit() or int(key) >= count:
        raise MalformedTreeError(f"row index {key!r} is out of range 0..{count - 1}")
    return int(key)


def to_html(tree: JSONTree | str, components: JSONTree | None = None) -> str:
    """The HTML a tree stands for (a page's components are read from its root's ``"c"``).

    >>> to_html({"s": ["<ul>", "</ul>"], "0": {"s": ["<li>", "</li>"],
    ...                                          "k": {"0": {"0": "a"}, "1": {"0": "b"}, "kc": 2}}})
    '<ul><li>a</li><li>b</li></ul>'
    """
    if isinstance(tree, str):
        return tree
    if isinstance(tree, int) and not isinstance(tree, bool):
        return _component_html(tree, components or {})
    if not isinstance(tree, dict) or not isinstance(tree.get(STATICS), list):
        raise MalformedTreeError(f"expected a tree with statics 's', got {tree!r:.200}")
    if components is None:
        entries = tree.get(COMPONENTS) or {}
        if not isinstance(entries, dict):
            raise MalformedTreeError(f"'c' must be an object: {entries!r:.200}")
        # A full tree as it came (not merged here): its shared statics are resolved first.
        components = _resolve_all(entries)
    statics: list[str] = tree[STATICS]
    if KEYED in tree:
        keyed = tree[KEYED]
        if not isinstance(keyed, dict):
            raise MalformedTreeError(f"a comprehension's 'k' must be an object: {keyed!r:.200}")
        return "".join(
            _join(statics, _row_values(keyed.get(str(i)), len(statics) - 1), components)
            for i in range(_count(keyed.get(KEY_COUNT)))
        )
    values = [tree.get(str(index), "") for index in range(len(statics) - 1)]
    return _join(statics, values, components)


def _component_html(cid: int, components: JSONTree) -> str:
    tree = components.get(str(cid))
    if not isinstance(tree, dict):
        raise MalformedTreeError(
            f"no component for cid {cid} (the page holds {sorted(components)})"
        )
    html = to_html(tree, components)
    return component_html(cid, html) if tree.get(ROOT) else html


def _row_values(row: Any, size: int) -> list[Any]:
    if not isinstance(row, dict) or any(str(i) not in row for i in range(size)):
        raise MalformedTreeError(f"a comprehension row needs dynamics 0..{size - 1}: {row!r:.200}")
    return [row[str(i)] for i in range(size)]


def _join(statics: list[str], values: list[Any], components: JSONTree) -> str:
    if len(values) != len(statics) - 1:
        raise MalformedTreeError(
            f"{len(statics)} statics need {len(statics) - 1} dynamics, got {len(values)}"
        )
    parts = [statics[0]]
    for value, static in zip(values, statics[1:], strict=True):
        parts.append(to_html(value, components))
        parts.append(static)
    return "".join(parts)


def _copy(value: JSONTree) -> JSONTree:
    copy = {k: _copy(v) if isinstance(v, dict) else v for k, v in value.items()}
    if STREAM in copy and KEYED in copy:
        return _merge_stream({**copy, KEYED: {KEY_COUNT: 0}, STREAM_IDS: []}, copy)
    return copy


#: Where this client keeps the DOM ids of a stream's rows (not a wire key).
STREAM_IDS = "stream_ids"


def _merge_stream(tree: JSONTree, diff: JSONTree) -> JSONTree:
    """A stream's rows after the instruction ``diff[STREAM]`` and its new rows ``diff["k"]``.

    The tree keeps every row the page shows, in order, with their DOM ids beside them.
    """
    if STREAM_IDS not in tree and STREAM in tree:
        tree = _copy(tree)  # a full tree taken as it came: read its own instruction first
    instruction = diff[STREAM]
    if not (isinstance(instruction, list) and 3 <= len(instruction) <= 4):
        raise MalformedTreeError(
            f"a stream instruction is [ref, inserts, deletes(, reset)], got {instruction!r:.200}"
        )
    _, inserts, deletes, *reset = instruction
    keyed = diff.get(KEYED, {KEY_COUNT: 0})
    if (
        not isinstance(keyed, dict)
        or not isinstance(inserts, list)
        or not isinstance(deletes, list)
    ):
        raise MalformedTreeError(f"a stream needs 'k' rows, inserts and deletes: {diff!r:.200}")
    new_rows = [_old_row(keyed, _count(keyed.get(KEY_COUNT)), i) for i in range(len(inserts))]
    old = tree.get(KEYED, {})
    ids = list(tree.get(STREAM_IDS, []))
    rows = [old[str(i)] for i in range(len(ids))]
    steps = []
    for insert, row in zip(inserts, new_rows, strict=True):
        if not (isinstance(insert, list) and len(insert) == 4 and isinstance(insert[0], str)):
            raise MalformedTreeError(
                f"a stream insert is [dom_id, at, limit, update_only]: {insert!r:.200}"
            )
        steps.append((insert[0], insert[1], insert[2], bool(insert[3]), row))
    apply_ops(ids, rows, bool(reset), [str(d) for d in deletes], steps)
    out = {key: value for key, value in tree.items() if key != STREAM}
    if STATICS in diff:
        out[STATICS] = diff[STATICS]
    out[KEYED] = {**{str(i): row for i, row in enumerate(rows)}, KEY_COUNT: len(rows)}
    out[STREAM_IDS] = ids
    return out
