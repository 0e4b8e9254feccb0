"""The compiled form of a template: blocks of statics and slots that render with change tracking.

A :class:`Block` is a run of template source split into statics and slots. A slot is one of:

- :class:`ExprSlot`: an expression, or any statement the compiler does not split, rendered
  to one string by a small Jinja2 template of its own;
- :class:`IfSlot`: an ``{% if %}`` whose taken branch renders as a nested tree;
- :class:`ForSlot`: a ``{% for %}`` whose rows share statics and are tracked by key.

Every slot knows the names it reads; given the names that changed since the last render, a
block re-renders only the slots that read one of them, and a loop re-renders only the rows
whose item changed.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import jinja2

from ._rendered import Comprehension, Dynamic, Rendered

CAPTURE = "__lw_capture"
LOOP = "loop"


def run(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render a slot's template with ``context`` (no copy of it)."""
    return "".join(template.root_render_func(template.new_context(context, shared=True)))


@dataclass(frozen=True, slots=True)
class ExprSlot:
    """One string: ``{{ expr }}`` or a statement rendered whole."""

    template: jinja2.Template
    reads: frozenset[str]

    def render(
        self, context: dict[str, Any], changed: Collection[str] | None, previous: Dynamic | None
    ) -> Dynamic:
        return run(self.template, context)


@dataclass(frozen=True, slots=True)
class IfSlot:
    """``{% if %}…{% elif %}…{% else %}``: the taken branch as a nested tree, or ``""``."""

    selector: jinja2.Template  # renders the taken branch's index, or "" for none
    branches: tuple[Block, ...]
    reads: frozenset[str]

    def render(
        self, context: dict[str, Any], changed: Collection[str] | None, previous: Dynamic | None
    ) -> Dynamic:
        taken = run(self.selector, context)
        if not taken:
            return ""
        branch = self.branches[int(taken)]
        if isinstance(previous, Rendered) and previous.statics == branch.statics:
            return branch.render(context, changed, previous)
        return branch.render(context, None, None)


@dataclass(frozen=True, slots=True)
class ForSlot:
    """``{% for target in iterable %}``: a comprehension whose rows are tracked by key."""

    capture: jinja2.Template  # calls CAPTURE with the iterable
    targets: tuple[str, ...]
    body: Block
    outer_reads: frozenset[str]  # what the body reads besides the loop's own names
    uses_loop: bool
    reads: frozenset[str]

    def render(
        self, context: dict[str, Any], changed: Collection[str] | None, previous: Dynamic | None
    ) -> Dynamic:
        items, key_attr = self._items(context)
        keys = _keys(items, key_attr)
        old = previous if isinstance(previous, Comprehension) else None
        reuse = (
            old is not None
            and old.statics == self.body.statics
            and changed is not None
            and self.outer_reads.isdisjoint(changed)
        )
        old_rows: dict[Hashable, tuple[list[Dynamic], Any]] = {}
        if reuse and old is not None:
            old_rows = {
                key: (row, snap)
                for key, row, snap in zip(old.keys, old.rows, old.snapshots, strict=True)
            }
        count = len(items)
        rows: list[list[Dynamic]] = []
        snapshots: list[Any] = []
        for index, (key, item) in enumerate(zip(keys, items, strict=True)):
            snap = _snapshot(item, (index, count) if self.uses_loop else None)
            found = old_rows.get(key)
            if found is not None and _same(found[1], snap):
                rows.append(found[0])
            else:
                rows.append(self._row(context, item, index, count))
            snapshots.append(snap)
        return Comprehension(self.body.statics, rows, keys, snapshots)

    def _items(self, context: dict[str, Any]) -> tuple[list[Any], str | None]:
        box: list[Any] = []
        run(self.capture, {**context, CAPTURE: _capturer(box)})
        value = box[0]
        if isinstance(value, Keyed):
            return list(value.items), value.key
        if isinstance(value, dict):
            return list(value), None  # Jinja iterates a dict's keys
        if value is None or isinstance(value, jinja2.Undefined):
            return [], None
        return list(value), None

    def _row(self, context: dict[str, Any], item: Any, index: int, count: int) -> list[Dynamic]:
        row_context = dict(context)
        if len(self.targets) == 1:
            row_context[self.targets[0]] = item
        else:
            values = tuple(item)
            if len(values) != len(self.targets):
                raise ValueError(
                    f"cannot unpack {len(values)} values into {', '.join(self.targets)}"
                )
            row_context.update(zip(self.targets, values, strict=True))
        if self.uses_loop:
            row_context[LOOP] = Loop(index, count)
        return self.body.render(row_context, None, None).dynamics


@dataclass(frozen=True, slots=True)
class Block:
    """Statics around slots: a template, a branch of an ``if``, the body of a ``for``."""

    statics: tuple[str, ...]
    slots: tuple[ExprSlot | IfSlot | ForSlot, ...]

    @property
    def reads(self) -> frozenset[str]:
        """Every name any slot of the block reads."""
        return frozenset().union(*(slot.reads for slot in self.slots))

    def render(
        self, context: dict[str, Any], changed: Collection[str] | None, previous: Rendered | None
    ) -> Rendered:
        """Render; with ``previous`` and ``changed``, keep slots that read nothing changed."""
        reusable = (
            previous.dynamics
            if previous is not None and changed is not None and previous.statics == self.statics
            else None
        )
        dynamics: list[Dynamic] = []
        for index, slot in enumerate(self.slots):
            before = reusable[index] if reusable is not None else None
            if before is not None and changed is not None and slot.reads.isdisjoint(changed):
                dynamics.append(before)
            else:
                dynamics.append(slot.render(context, changed, before))
        return Rendered(self.statics, dynamics)


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


class Loop:
    """The ``loop`` variable of a compiled ``{% for %}`` (what Jinja2's offers, bar recursion)."""

    __slots__ = ("index0", "length")

    def __init__(self, index0: int, length: int) -> None:
        self.index0 = index0
        self.length = length

    index = property(lambda self: self.index0 + 1)
    revindex = property(lambda self: self.length - self.index0)
    revindex0 = property(lambda self: self.length - self.index0 - 1)
    first = property(lambda self: self.index0 == 0)
    last = property(lambda self: self.index0 == self.length - 1)
    depth = property(lambda self: 1)
    depth0 = property(lambda self: 0)

    def cycle(self, *values: Any) -> Any:
        """One of ``values`` in turn, as Jinja2's ``loop.cycle``."""
        return values[self.index0 % len(values)]


_UNCOMPARABLE = object()


def _capturer(box: list[Any]) -> Any:
    def capture(value: Any) -> str:
        box.append(value)
        return ""

    return capture


def _keys(items: list[Any], key_attr: str | None) -> list[Hashable]:
    keys: list[Hashable] = []
    for index, item in enumerate(items):
        key = _key(item, key_attr)
        keys.append(index if key is None else key)
    if len(set(keys)) != len(keys):
        return list(range(len(items)))  # keys that repeat cannot track rows: use positions
    return keys


def _key(item: Any, attr: str | None) -> Hashable | None:
    name = attr or "id"
    value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
    if value is None and attr is not None:
        raise ValueError(f"a row keyed by {attr!r} has no {attr!r}: {item!r:.100}")
    try:
        hash(value)
    except TypeError:
        return None
    return ("k", value) if value is not None else None


def _same(before: Any, after: Any) -> bool:
    if before is _UNCOMPARABLE or after is _UNCOMPARABLE:
        return False
    try:
        return bool(before == after)
    except Exception:  # values whose == is not a bool (arrays): render the row again
        return False


def _snapshot(item: Any, loop: tuple[int, int] | None) -> Any:
    if isinstance(item, str | int | float | bool | bytes | type(None)):
        value: Any = item
    elif isinstance(item, dict):
        value = dict(item)
    elif isinstance(item, list | tuple):
        value = tuple(item)
    elif hasattr(item, "__dict__") and not callable(item):
        value = (type(item), dict(vars(item)))
    else:
        return _UNCOMPARABLE
    return value if loop is None else (value, loop)
