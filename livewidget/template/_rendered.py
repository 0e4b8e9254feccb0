"""The rendered tree: a template's statics interleaved with its dynamics, and its diff.

A :class:`Rendered` is what the server keeps after a render. Its JSON form is Phoenix
LiveView's: ``{"s": [static, ...], "0": dynamic, "1": dynamic, ...}``, with one more static
than dynamics. A :class:`Comprehension` is a ``{% for %}`` whose rows share one list of
statics. Its JSON form is Phoenix LiveView 1.2's keyed one, rows by index, each row its
dynamics by index, and the row count::

    {"s": ["<li>", "</li>"], "k": {"0": {"0": "a"}, "1": {"0": "b"}, "kc": 2}}

:func:`diff` compares two renders of the same template and keeps only what changed, so
statics travel once per template. Comprehensions diff by row key, in the same keyed shape::

    {"k": {"499": {"4": "51"},      # row 499 changed: only its changed dynamics
           "1000": {"0": ..., ...}, # a new row: all its dynamics
           "7": 3,                  # row 7 is the old row 3, unchanged
           "8": [4, {"1": "x"}],    # row 8 is the old row 4, changed
           "m": [[499, 500, 500]],  # rows 499..998 are old rows 500..999, unchanged
           "km": true,              # some row moved (Phoenix's flag)
           "kc": 999}}              # the new row count, always there

Rows not named keep the old row at the same index; a comprehension that did not change
(same rows, same count) is left out of the diff. ``"m"`` (runs of moved rows) is
livewidget's one addition to Phoenix's format: removing one row of a thousand costs one
run, not one ``"i": j`` entry per shifted row. A lone moved row is sent as Phoenix's own
``"i": j``; only runs of two or more become ``"m"`` entries.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

from .._protocol import COMPONENTS, KEY_COUNT, KEYED, MOVED, MOVES, REMOVED_CIDS, ROOT, STATICS


@dataclass(eq=False, slots=True)
class Rendered:
    """One render of a template: ``statics`` around ``dynamics``.

    >>> r = Rendered(("<b>", "</b>"), ["1"])
    >>> r.to_json()
    {'s': ['<b>', '</b>'], '0': '1'}
    >>> str(r)
    '<b>1</b>'
    """

    statics: tuple[str, ...]
    dynamics: list[Dynamic] = field(default_factory=list)
    #: The compiled block this was rendered from (its identity, never sent): change tracking
    #: reuses parts of a previous render only when it came from the same block.
    block: object = None
    #: On a page's root: the trees of the components it shows, by cid (a dynamic holding a
    #: component is its cid, an int). Sent under ``"c"``; see :func:`diff`.
    components: dict[int, Rendered] | None = None

    def __post_init__(self) -> None:
        if len(self.statics) != len(self.dynamics) + 1:
            raise ValueError(
                f"a rendered tree needs one more static than dynamics, got "
                f"{len(self.statics)} statics and {len(self.dynamics)} dynamics"
            )

    def to_json(self) -> dict[str, Any]:
        """The full tree, statics included, in Phoenix LiveView's JSON shape."""
        out: dict[str, Any] = {STATICS: list(self.statics)}
        out.update(_dynamics_json(self.dynamics))
        if self.components:
            out[COMPONENTS] = _components_json(self.components, None)
        return out

    def __str__(self) -> str:
        return _join(self.statics, self.dynamics, self.components or {})


#: How a comprehension's ``keys`` pair rows: all by key, all by position, or some of each.
KEYS, POSITIONS, MIXED = 0, 1, 2


@dataclass(eq=False, slots=True)
class Comprehension:
    """The rows of a ``{% for %}``: each row's dynamics around the shared ``statics``.

    ``keys`` identify rows across renders; ``snapshots`` (each row's item) and ``positions``
    (what of its place each row read through ``loop``; None when rows read none) are what
    change tracking compares.
    """

    statics: tuple[str, ...]
    rows: list[list[Dynamic]]
    keys: list[Hashable]
    snapshots: list[Any] = field(default_factory=list)
    #: The compiled loop body the rows were rendered from (see ``Rendered.block``).
    block: object = None
    positions: list[tuple[int | None, int | None]] | None = None
    keying: int = POSITIONS
    #: How the rows came from an earlier render's, when known (the diff against it is then
    #: proportional to the change: see ``_loops.lean_plan``).
    derivation: Derivation | None = None
    #: ``frozenset(keys)``, once something needed it.
    key_set: frozenset[Hashable] | None = None
    #: The rows' shapes when they are dicts (see ``_snapshot.dict_shapes``), once known.
    shapes: list[Any] | None = None
    #: The rows' ``_scan.dict_width``, once known.
    width: int | None = None
    #: The rows laid end to end (a ``_scan.Flat``), once known.
    flat: Any = None

    def to_json(self) -> dict[str, Any]:
        """The full comprehension, statics included, in Phoenix's keyed shape.

        >>> Comprehension(("<i>", "</i>"), [["a"], ["b"]], ["x", "y"]).to_json()
        {'s': ['<i>', '</i>'], 'k': {'0': {'0': 'a'}, '1': {'0': 'b'}, 'kc': 2}}
        """
        rows = self.rows
        numbers = _numbers(len(rows))
        if getattr(self.block, "simple", False):
            # Rows of ``{{ expr }}`` slots hold only strings (and cids): built in C.
            slots = _numbers(len(self.statics) - 1)
            keyed: dict[str, Any] = dict(
                zip(numbers, map(dict, map(zip, repeat(slots), rows)), strict=True)
            )
        else:
            keyed = dict(zip(numbers, map(_row_json, rows), strict=True))
        keyed[KEY_COUNT] = len(rows)
        return {STATICS: list(self.statics), KEYED: keyed}

    def changes_since(self, before: Dynamic) -> Any:
        """The change from ``before`` to this, or None when there is none (a stream's
        comprehension answers with its instruction: see ``_streams.py``)."""
        # Exactly this class: a stream's rows are not a list to diff row by row.
        if (
            isinstance(before, Comprehension)
            and type(before) is type(self)
            and before.statics == self.statics
        ):
            return _diff_rows(before, self)
        return self.to_json()

    def __str__(self) -> str:
        return "".join(_join(self.statics, row, {}) for row in self.rows)


#: A dynamic: a string, a nested tree, a comprehension, or a component's cid.
Dynamic = str | Rendered | Comprehension | int


@dataclass(slots=True)
class Derivation:
    """How a comprehension's rows were made from ``base``'s: the first ``head`` rows and the
    last ``tail`` rows are ``base``'s own, unchanged; each row between came from the base's
    row ``sources[i]`` (changed or not), or is new (None)."""

    base: Comprehension | None
    head: int
    tail: int
    sources: list[int | None]


def diff(old: Rendered | None, new: Rendered) -> dict[str, Any]:
    """What the client, holding ``old``, needs to reach ``new``.

    A different template (other statics) sends the whole tree; otherwise only the changed
    dynamics, recursing into nested trees and comprehensions.

    >>> a = Rendered(("<b>", "</b><i>", "</i>"), ["1", "x"])
    >>> diff(a, Rendered(a.statics, ["2", "x"]))
    {'0': '2'}
    >>> diff(a, Rendered(a.statics, ["1", "x"]))
    {}
    """
    if old is None or old.statics != new.statics:
        return new.to_json()
    out = _diff_dynamics(old.dynamics, new.dynamics)
    if old.components or new.components:
        _diff_components(old.components or {}, new.components or {}, out)
    return out


def _diff_components(
    old: dict[int, Rendered], new: dict[int, Rendered], out: dict[str, Any]
) -> None:
    """Put the components that changed under ``"c"``, and the cids removed under ``"cd"``.

    A component not rendered again is the same object and costs nothing here. A new one (or
    one whose statics changed) is sent whole, sharing the statics of a component of the same
    template: ``"s": cid`` names one in this diff, ``"s": -cid`` one the client holds.
    """
    changes = _components_json({cid: tree for cid, tree in new.items() if cid not in old}, old)
    for cid, tree in new.items():
        before = old.get(cid)
        if before is None or before is tree:
            continue
        if before.statics == tree.statics:
            change = _diff_dynamics(before.dynamics, tree.dynamics)
            if change:
                changes[str(cid)] = change
        else:
            changes.update(_components_json({cid: tree}, old))
    if changes:
        out[COMPONENTS] = dict(sorted(changes.items(), key=lambda item: int(item[0])))
    removed = sorted(cid for cid in old if cid not in new)
    if removed:
        out[REMOVED_CIDS] = removed


def _components_json(
    trees: dict[int, Rendered], held: dict[int, Rendered] | None
) -> dict[str, Any]:
    """Whole component trees by cid, ``"r": 1`` on each, statics shared per template."""
    if not trees:
        return {}
    shared: dict[tuple[str, ...], int] = {}
    for cid, tree in (held or {}).items():
        shared.setdefault(tree.statics, -cid)
    out: dict[str, Any] = {}
    for cid in sorted(trees):
        tree = trees[cid]
        json = tree.to_json()
        same = shared.get(tree.statics)
        if same is not None:
            json[STATICS] = same
        else:
            shared[tree.statics] = cid
        json[ROOT] = 1
        out[str(cid)] = json
    return out


def _diff_dynamics(old: list[Dynamic], new: list[Dynamic]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        if before is after:
            continue
        change = _diff_dynamic(before, after)
        if change is not None:
            out[str(index)] = change
    return out


def _diff_dynamic(before: Dynamic, after: Dynamic) -> Any:
    """The change from ``before`` to ``after``, or None when there is none."""
    if isinstance(after, str | int):
        return None if type(before) is type(after) and before == after else after
    if isinstance(after, Rendered):
        if isinstance(before, Rendered) and before.statics == after.statics:
            return _diff_dynamics(before.dynamics, after.dynamics) or None
        return after.to_json()
    return after.changes_since(before)


def _diff_rows(old: Comprehension, new: Comprehension) -> dict[str, Any] | None:
    derivation = new.derivation
    if derivation is not None and derivation.base is old:
        # The pairing is known: only the rows between the unchanged head and tail are
        # looked at, and the tail is one run of moves.
        head, tail = derivation.head, derivation.tail
        pairs: Iterable[tuple[int, int | None]] = enumerate(derivation.sources, head)
    else:
        old_index = {key: index for index, key in enumerate(old.keys)}
        pairs = enumerate(map(old_index.get, new.keys))
        tail = 0
    keyed: dict[str, Any] = {}
    moves: list[tuple[int, int]] = []
    for index, was in pairs:
        row = new.rows[index]
        if was is None:
            keyed[str(index)] = _row_json(row)
            continue
        before = old.rows[was]
        change = None if before is row else _diff_dynamics(before, row) or None
        if was == index:
            if change is not None:
                keyed[str(index)] = change
        elif change is None:
            moves.append((index, was))
        else:
            keyed[str(index)] = [was, change]
    shift = len(new.rows) - len(old.rows)
    # A known tail that moved: one run (joined to a run of the middle that ends where it
    # starts, the shape the row-by-row diff gives).
    start = len(new.rows) - tail
    tail_run = [start, start - shift, tail] if shift and tail else None
    if not keyed and not moves and not shift:
        return None
    moved = bool(moves or tail_run) or any(isinstance(value, list) for value in keyed.values())
    _encode_moves(moves, keyed, tail_run)
    if moved:
        # Phoenix's client copies the old rows before merging only when it sees this flag;
        # without it, "i": j and [j, diff] entries would find no old rows to take.
        keyed[MOVED] = True
    keyed[KEY_COUNT] = len(new.rows)
    return {KEYED: keyed}


def _encode_moves(
    moves: list[tuple[int, int]], keyed: dict[str, Any], last: list[int] | None = None
) -> None:
    """Write single moves as ``"i": j`` and runs of consecutive ones as ``"m"`` entries
    (``last``: a run ``[index, was, length]`` after every move)."""
    runs: list[list[int]] = []
    for index, was in moves:
        if runs and runs[-1][0] + runs[-1][2] == index and runs[-1][1] + runs[-1][2] == was:
            runs[-1][2] += 1
        else:
            runs.append([index, was, 1])
    if last is not None:
        if runs and runs[-1][0] + runs[-1][2] == last[0] and runs[-1][1] + runs[-1][2] == last[1]:
            runs[-1][2] += last[2]
        else:
            runs.append(last)
    long_runs = [run for run in runs if run[2] > 1]
    for index, was, length in runs:
        if length == 1:
            keyed[str(index)] = was
    if long_runs:
        keyed[MOVES] = long_runs


def _row_json(row: list[Dynamic]) -> dict[str, Any]:
    return _dynamics_json(row)


def _dynamics_json(values: list[Dynamic]) -> dict[str, Any]:
    return dict(zip(_numbers(len(values)), map(_dynamic_json, values), strict=True))


_NUMBERS: list[str] = []


def _numbers(count: int) -> list[str]:
    """``["0", "1", …]``: the wire's keys for ``count`` dynamics or rows (made once)."""
    if len(_NUMBERS) < count:
        _NUMBERS.extend(map(str, range(len(_NUMBERS), max(count, 2 * len(_NUMBERS)))))
    return _NUMBERS[:count]


def _dynamic_json(value: Dynamic) -> Any:
    return value if isinstance(value, str | int) else value.to_json()


def utf8_safe(tree: Rendered) -> bool | None:
    """Whether every string of ``tree`` can be written as UTF-8 (none holds a lone surrogate),
    so that its JSON can be sent; None when a part of it (a stream) cannot be told this way.

    The strings are joined and encoded in a few passes in C: a tenth of encoding the tree's
    JSON, which the caller is then spared.
    """
    parts: list[str] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Rendered):
            parts.extend(node.statics)
            stack.append(node.dynamics)
            if node.components:
                stack.extend(node.components.values())
        elif type(node) is Comprehension:
            parts.extend(node.statics)
            try:
                parts.append("".join(chain.from_iterable(node.rows)))  # type: ignore[arg-type]
            except TypeError:  # rows holding trees or cids
                stack.extend(node.rows)
        elif isinstance(node, list):
            for value in node:
                if type(value) is str:
                    parts.append(value)
                elif not isinstance(value, int):
                    stack.append(value)
        else:
            return None
    try:
        "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _join(
    statics: tuple[str, ...], dynamics: list[Dynamic], components: dict[int, Rendered]
) -> str:
    parts = [statics[0]]
    for value, static in zip(dynamics, statics[1:], strict=True):
        if isinstance(value, int):
            tree = components.get(value)
            parts.append(
                ""
                if tree is None
                else component_html(value, _join(tree.statics, tree.dynamics, components))
            )
        elif isinstance(value, Rendered):
            parts.append(_join(value.statics, value.dynamics, components))
        elif type(value) is Comprehension:
            parts.extend(_join(value.statics, row, components) for row in value.rows)
        elif isinstance(value, Comprehension):
            parts.append(str(value))  # a stream's: the rows the page shows (see _streams.py)
        else:
            parts.append(value)
        parts.append(static)
    return "".join(parts)


def component_html(cid: int, html: str) -> str:
    """A component's HTML with ``data-phx-component="cid"`` on its root element, where
    Phoenix's client puts it (first in the start tag; comments and space before it kept).

    >>> component_html(3, '<li class="x">a</li>')
    '<li data-phx-component="3" class="x">a</li>'
    """
    match = _ROOT_TAG.match(html)
    if match is None:
        return html  # a checked template always has one; a hand-made tree may not
    end = match.end()
    return f'{html[:end]} data-phx-component="{cid}"{html[end:]}'


_ROOT_TAG = re.compile(r"\s*(?:<!--.*?-->\s*)*<[^\s/>]+", re.DOTALL)
