"""Which rows of a ``{% for %}`` to render again, and which to take from the previous render.

A loop's rows are paired with the previous render's rows, and a row is reused when its item
(compared by value, type-strict: see :mod:`._snapshot`) and what it reads of ``loop`` are
unchanged and nothing else it reads changed. :func:`plan` does this for any loop, one row
at a time. :func:`lean_plan` serves the usual loop, whose body does not read ``loop``: it
finds the unchanged rows at both ends of the list in C-speed passes (identity first, then
by value from the first row that is not the same object) and pairs only the rows between
them, so an update that changes, adds or removes a few rows costs a few rows' work plus one
cheap pass, not one Python step per row. Its :class:`~._rendered.Derivation` lets the diff
skip the rows it knows are unchanged too.

Rows are paired by key: a row's ``id`` (an attribute, or a dict's ``"id"``), or the attribute
named with the ``keyed`` filter. When a row has no key, or keys repeat, rows are paired by
position. A key only pairs a row with its previous render; its item is still compared.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from itertools import count, repeat
from operator import is_
from typing import Any, Protocol

from ._rendered import KEYS, MIXED, POSITIONS, Comprehension, Derivation, Dynamic
from ._scan import Flat, Scan
from ._snapshot import UNCOMPARABLE, same, snapshot, snapshot_rows


class Slot(Protocol):
    """What planning reads of a loop's slot (``_blocks.Slot``)."""

    @property
    def reusable(self) -> bool: ...
    @property
    def uses_index(self) -> bool: ...
    @property
    def uses_length(self) -> bool: ...
    @property
    def targets(self) -> frozenset[str]: ...
    @property
    def row_reads(self) -> frozenset[str] | None: ...


#: Rows paired by position are keyed afresh when more than this many lie between the kept ends.
_REKEY_AFTER = 8
#: What of its place a row reads: (index, count), each None when not read.
Position = tuple[int | None, int | None]
#: A row to evaluate: its index, its item, its previous render (or None) and the names that
#: may have changed for it (None: all of them).
Evaluation = tuple[int, Any, list[Dynamic] | None, frozenset[str] | None]


@dataclass(slots=True)
class RowPlan:
    """A loop's rows before its body runs: reused rows in place, the others to evaluate."""

    rows: list[list[Dynamic] | None]
    evaluate: list[Evaluation] | Fresh
    keys: list[Hashable]
    keying: int
    snapshots: list[Any]
    positions: list[Position] | None = None
    derivation: Derivation | None = None
    key_set: frozenset[Hashable] | None = None
    #: Each row's :func:`~._snapshot.dict_shapes` shape, when its rows are dicts.
    shapes: list[Any] | None = None
    #: The rows' :func:`~._scan.dict_width`, when known.
    width: int | None = None
    #: The rows laid end to end (:class:`~._scan.Flat`), when known.
    flat: Flat | None = None


def plan(
    slot: Slot,
    changed: frozenset[str] | None,
    iterable: Any,
    old: Comprehension | None,
) -> tuple[list[Any], RowPlan]:
    """The items of ``iterable`` and the plan of their rows, one row at a time."""
    items, key_attr = _items(iterable)
    keys, keying = row_keys(items, key_attr)
    size = len(items)
    positions = (
        [(i if slot.uses_index else None, size if slot.uses_length else None) for i in range(size)]
        if slot.uses_index or slot.uses_length
        else None
    )
    if old is None or changed is None or not slot.reusable:
        copies = snapshot_rows(items) if slot.reusable else [UNCOMPARABLE] * size
        return items, RowPlan([None] * size, fresh(items), keys, keying, copies, positions)
    if old.keys == keys:  # the usual update: same rows in the same order
        pairs: Iterable[int | None] = range(size)
    else:
        by_key = {key: index for index, key in enumerate(old.keys)}
        pairs = [by_key.get(key) for key in keys]
    outer_changed = slot.row_reads is None or not slot.row_reads.isdisjoint(changed)
    rows: list[list[Dynamic] | None] = [None] * size
    snapshots = []
    evaluate: list[Evaluation] = []
    for index, (item, was) in enumerate(zip(items, pairs, strict=True)):
        if was is None:
            snapshots.append(snapshot(item))
            evaluate.append((index, item, None, None))
            continue
        old_snap = old.snapshots[was]
        item_same = same(old_snap, item)
        snapshots.append(old_snap if item_same else snapshot(item))
        moved = positions is not None and (
            old.positions is None or old.positions[was] != positions[index]
        )
        if item_same and not moved and not outer_changed:
            rows[index] = old.rows[was]
            continue
        if slot.row_reads is None:
            evaluate.append((index, item, old.rows[was], None))
            continue
        names = set(changed)
        if not item_same:
            names |= slot.targets
        if moved:
            names.add("loop")
        evaluate.append((index, item, old.rows[was], frozenset(names)))
    return items, RowPlan(rows, evaluate, keys, keying, snapshots, positions)


class Fresh:
    """Every row evaluated from scratch, in order (a first render, a stream's new rows):
    the items themselves, without a tuple per row."""

    __slots__ = ("items",)

    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Evaluation:
        return (index, self.items[index], None, None)

    def __iter__(self) -> Iterator[Evaluation]:
        return zip(count(), self.items, repeat(None), repeat(None))


def fresh(items: list[Any]) -> Fresh:
    """Every row evaluated from scratch."""
    return Fresh(items)


def lean_plan(
    slot: Slot, changed: frozenset[str] | None, iterable: Any, old: Comprehension | None
) -> tuple[list[Any], RowPlan]:
    """The plan of a loop whose body does not read ``loop``: the same rows as :func:`plan`
    reuses, found in work proportional to what changed (plus cheap passes over the list)."""
    if (
        old is None
        or changed is None
        or not slot.reusable
        or old.keying == MIXED
        or slot.row_reads is None
        or not slot.row_reads.isdisjoint(changed)
    ):
        return plan(slot, changed, iterable, old)
    items, key_attr = _items(iterable)
    # What plan() is given when this plan gives up: the items, read once (an iterable may be
    # a generator, such as a filter's result).
    again: Any = Keyed(items, key_attr) if key_attr else items
    snaps = old.snapshots
    n_old, n_new = len(snaps), len(items)
    scan = Scan(snaps, items, old)
    head = scan.common(min(n_old, n_new), backwards=False)
    tail = scan.common(min(n_old, n_new) - head, backwards=True)
    old_end, new_end = n_old - tail, n_new - tail
    if old.keying != KEYS and new_end - head > _REKEY_AFTER:
        # Rows paired by position (a list that started empty, or once repeated an id) and
        # many rows between the kept ends: key the rows afresh, they may have ids by now.
        # The previous render's rows are keyed from their copies; keys are only how rows
        # are paired, never sent, so that render is as good as it was.
        try:
            old_keys, old_keying = row_keys(old.snapshots, key_attr)
        except ValueError:  # a copy that does not show the key the template names
            old_keying = MIXED
        if old_keying == KEYS:
            old.keys, old.keying, old.key_set = old_keys, KEYS, None
        return plan(slot, changed, again, old)
    middle = items[head:new_end]
    key_set = old.key_set
    if old.keying == KEYS:
        new_keys = [_key(item, key_attr) for item in middle]
        by_key = {old.keys[j]: j for j in range(head, old_end)}
        added = [key for key in new_keys if key not in by_key]
        if added:
            if key_set is None:
                key_set = old.key_set = frozenset(old.keys)  # a cache: they never change
            if None in added or not key_set.isdisjoint(added):
                return plan(slot, changed, again, old)  # a row without a key, or a repeat
        kept = set(new_keys)
        if len(kept) != len(new_keys):
            return plan(slot, changed, again, old)
        sources = [by_key.get(key) for key in new_keys]
        keys = [*old.keys[:head], *new_keys, *old.keys[old_end:]]
        gone = [key for key in by_key if key not in kept]
        if key_set is not None:
            key_set = key_set.difference(gone) if gone else key_set
            key_set = key_set.union(added) if added else key_set
    else:
        sources = [j if j < old_end else None for j in range(head, head + len(middle))]
        keys = old.keys
        # Rows keyed by position: the same count, the same keys (lists never changed in
        # place). A stream's rows before are keyed by their DOM ids, never 0 … n - 1.
        if len(keys) != n_new or keys[:1] != [0] or keys[-1:] != [n_new - 1]:
            keys = list(range(n_new))
    names = changed | slot.targets
    rows: list[list[Dynamic] | None] = [*old.rows[:head], *repeat(None, len(middle))]
    snapshots = old.snapshots[:head]
    evaluate: list[Evaluation] = []
    for index, (item, was) in enumerate(zip(middle, sources, strict=True), head):
        if was is None:
            snapshots.append(snapshot(item))
            evaluate.append((index, item, None, None))
            continue
        old_snap = snaps[was]
        if same(old_snap, item):
            snapshots.append(old_snap)
            rows[index] = old.rows[was]
        else:
            snapshots.append(snapshot(item))
            evaluate.append((index, item, old.rows[was], names))
    rows.extend(old.rows[old_end:])
    snapshots.extend(snaps[old_end:])
    derivation = Derivation(old, head, tail, sources)
    row_plan = RowPlan(rows, evaluate, keys, old.keying, snapshots, None, derivation, key_set)
    row_plan.shapes, row_plan.width = scan.new_shapes, scan.new_width
    row_plan.flat = scan.flat_for_next(head, tail)
    return items, row_plan


def _items(value: Any) -> tuple[list[Any], str | None]:
    if isinstance(value, Keyed):
        return list(value.items), value.key
    return list(value), None  # what Jinja iterates: a dict's keys, an Undefined's nothing


def row_keys(items: list[Any], key_attr: str | None) -> tuple[list[Hashable], int]:
    """Each row's key and how rows are keyed (``KEYS``, ``POSITIONS`` or ``MIXED``)."""
    keys = _fast_keys(items, key_attr)
    if keys is None:
        keys = [_key(item, key_attr) for item in items]
    missing = keys.count(None)
    if missing == len(keys):
        return list(range(len(items))), POSITIONS
    if len(set(keys)) != len(keys):
        return list(range(len(items))), POSITIONS  # keys that repeat cannot track rows
    if missing:
        return [index if key is None else key for index, key in enumerate(keys)], MIXED
    return keys, KEYS


def _fast_keys(items: list[Any], attr: str | None) -> list[Hashable | None] | None:
    """:func:`_key` of every item in C, when the items are all dicts or all lack no
    attribute check (None when a row needs a closer look: mixed kinds, unhashable keys)."""
    name = attr or "id"
    try:
        values = list(map(dict.get, items, repeat(name)))
    except TypeError:  # not all dicts
        if any(map(isinstance, items, repeat(dict))):
            return None
        try:
            values = list(map(getattr, items, repeat(name), repeat(None)))
        except Exception:  # an attribute that raises (a jinja2 Undefined does): row by row
            return None
    nones = sum(map(is_, values, repeat(None)))
    if nones == len(values):
        return values
    if nones and attr is not None:
        return None  # a row lacks the key the template named: let _key say which
    try:
        set(values)
    except TypeError:
        return None
    if nones:
        return [None if value is None else ("k", value) for value in values]
    return list(zip(repeat("k"), values, strict=False))


def _key(item: Any, attr: str | None) -> Hashable | None:
    name = attr or "id"
    try:
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
    except Exception:  # a property that raises, a jinja2 Undefined: no key, as for Jinja2
        value = None
    if value is None and attr is not None:
        raise ValueError(f"a row keyed by {attr!r} has no {attr!r}: {item!r:.100}")
    try:
        hash(value)
    except TypeError:
        return None
    return ("k", value) if value is not None else None


class Keyed:
    """An iterable marked with the attribute that keys its rows (the ``keyed`` filter)."""

    __slots__ = ("items", "key")

    def __init__(self, items: Iterable[Any], key: str) -> None:
        self.items = items
        self.key = key

    def __iter__(self) -> Any:
        return iter(self.items)


def keyed(items: Iterable[Any], key: str) -> Keyed:
    """Jinja filter: ``{% for row in rows | keyed("email") %}`` keys rows by ``row.email``."""
    return Keyed(items, key)
