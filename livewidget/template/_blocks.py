"""The compiled form of a template, and the builder that turns one Jinja2 render into a tree.

A template compiles to one Jinja2 template (so ``{% set %}``, ``namespace()``, ``cycler``,
``loop`` and every other construct behave exactly as in a plain render) plus the shape of
the tree it produces: :class:`Block` s of statics around slots. A slot is one of:

- :class:`Slot` of kind ``EXPR``: ``{{ expr }}``, or a statement the compiler renders whole;
- kind ``IF``: ``{% if %}…{% elif %}…{% else %}``, whose taken branch is a nested tree;
- kind ``FOR``: a ``{% for %}`` whose rows share statics and are tracked by key.

The compiled Jinja2 code drops the statics and calls the :class:`Builder` at the edges of
slots: the builder collects what each slot printed and, when a slot reads nothing that
changed, says to skip it and keeps its previous value. Rows of a loop are reused when their
key, their item (compared by value, type-strict) and the ``loop`` values they use match the
previous render's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._rendered import Comprehension, Dynamic, Rendered
from ._snapshot import UNCOMPARABLE, same, snapshot

EXPR, IF, FOR = "expr", "if", "for"


@dataclass(frozen=True, eq=False, slots=True)
class Block:
    """Statics around slots: a template, a branch of an ``if``, the body of a ``for``."""

    statics: tuple[str, ...]
    slots: tuple[Slot, ...]


@dataclass(frozen=True, eq=False, slots=True)
class Slot:
    """One dynamic of a :class:`Block`.

    ``reads`` are the names it reads (``None``: unknown, so it is evaluated every render).
    An ``IF`` slot has ``branches``; a ``FOR`` slot has ``body``, the loop's ``targets``,
    ``row_reads`` (what the body reads besides its item and ``loop``; ``None``: unknown)
    and what of ``loop`` its rows use (``reusable`` False: rows are never reused).
    """

    kind: str
    reads: frozenset[str] | None
    branches: tuple[Block, ...] = ()
    body: Block | None = None
    targets: frozenset[str] = frozenset()
    row_reads: frozenset[str] | None = None
    reusable: bool = False
    uses_index: bool = False
    uses_length: bool = False


@dataclass(slots=True)
class _Frame:
    """A block being filled: its slots' values so far, and what may be reused."""

    block: Block
    previous: list[Dynamic] | None  # the previous render of the same block
    changed: frozenset[str] | None  # None: everything may have changed
    dynamics: list[Dynamic] = field(default_factory=list)


@dataclass(slots=True)
class _LoopFrame:
    slot: Slot
    keys: list[Hashable]
    snapshots: list[Any]
    plan: list[tuple[list[Dynamic] | None, frozenset[str] | None, bool]]
    rows: list[list[Dynamic]] = field(default_factory=list)


class Builder:
    """Collects one render's output into a :class:`Rendered` tree (one builder per render).

    The compiled template calls the methods named in :data:`CALLS` through the context;
    ``out`` receives every string the template yields, in order, and is emptied at each call.
    """

    def __init__(
        self, root: Block, previous: Rendered | None, changed: frozenset[str] | None
    ) -> None:
        self.out: list[str] = []
        usable = previous is not None and previous.block is root
        self._frames: list[_Frame] = [
            _Frame(root, previous.dynamics if usable and previous else None, changed)
        ]
        self._loops: list[_LoopFrame] = []

    def result(self) -> Rendered:
        """The tree, once the template has been rendered to the end."""
        frame = self._frames[0]
        return Rendered(frame.block.statics, frame.dynamics, frame.block)

    def functions(self) -> dict[str, Callable[..., Any]]:
        """The context entries the compiled template calls."""
        return {
            NEED: self.need,
            PUT: self.put,
            BRANCH: self.branch,
            CLOSE: self.close,
            ITER: self.iter,
            ROW: self.row,
            ROW_END: self.row_end,
            LOOP_END: self.loop_end,
        }

    def _previous(self, frame: _Frame) -> Dynamic | None:
        if frame.previous is None:
            return None
        return frame.previous[len(frame.dynamics)]

    def need(self) -> bool:
        """Whether the next slot must be evaluated; if not, its previous value is kept."""
        frame = self._frames[-1]
        slot = frame.block.slots[len(frame.dynamics)]
        before = self._previous(frame)
        if (
            before is not None
            and frame.changed is not None
            and slot.reads is not None
            and slot.reads.isdisjoint(frame.changed)
        ):
            frame.dynamics.append(before)
            return False
        return True

    def put(self) -> str:
        """The next slot printed what ``out`` holds."""
        text = "".join(self.out)
        self.out.clear()
        self._frames[-1].dynamics.append(text)
        return ""

    def branch(self, index: int) -> str:
        """The next slot, an ``if``, took branch ``index`` (-1: none)."""
        frame = self._frames[-1]
        slot = frame.block.slots[len(frame.dynamics)]
        if index < 0:
            frame.dynamics.append("")
            return ""
        block = slot.branches[index]
        before = self._previous(frame)
        previous = (
            before.dynamics if isinstance(before, Rendered) and before.block is block else None
        )
        self._frames.append(_Frame(block, previous, frame.changed))
        return ""

    def close(self) -> str:
        """The branch opened by :meth:`branch` ended."""
        self.out.clear()
        inner = self._frames.pop()
        self._frames[-1].dynamics.append(Rendered(inner.block.statics, inner.dynamics, inner.block))
        return ""

    def iter(self, iterable: Any) -> list[Any]:
        """The next slot, a ``for``, iterates ``iterable``: plan which rows to reuse."""
        frame = self._frames[-1]
        slot = frame.block.slots[len(frame.dynamics)]
        items, key_attr = _items(iterable)
        keys = _keys(items, key_attr)
        before = self._previous(frame)
        old = before if isinstance(before, Comprehension) and before.block is slot.body else None
        old_rows: dict[Hashable, tuple[list[Dynamic], Any]] = {}
        if old is not None and frame.changed is not None:
            old_rows = {
                key: (row, snap)
                for key, row, snap in zip(old.keys, old.rows, old.snapshots, strict=True)
            }
        count = len(items)
        outer_changed = (
            frame.changed is None
            or slot.row_reads is None
            or not slot.row_reads.isdisjoint(frame.changed)
        )
        snapshots: list[Any] = []
        plan: list[tuple[list[Dynamic] | None, frozenset[str] | None, bool]] = []
        for index, (key, item) in enumerate(zip(keys, items, strict=True)):
            position = (index if slot.uses_index else None, count if slot.uses_length else None)
            found = old_rows.get(key)
            if found is None or not slot.reusable or frame.changed is None:
                snapshots.append((snapshot(item), position) if slot.reusable else UNCOMPARABLE)
                plan.append((None, None, True))
                continue
            row, (old_snap, old_position) = found[0], found[1]
            item_same = same(old_snap, item)
            snap = old_snap if item_same else snapshot(item)
            snapshots.append((snap, position))
            if item_same and old_position == position and not outer_changed:
                plan.append((row, None, False))
                continue
            changed = set(frame.changed if slot.row_reads is not None else ())
            if not item_same:
                changed |= slot.targets
            if old_position != position:
                changed.add("loop")
            plan.append((row, frozenset(changed) if slot.row_reads is not None else None, True))
        self._loops.append(_LoopFrame(slot, keys, snapshots, plan))
        return items

    def row(self) -> bool:
        """A row starts: True to evaluate it, False when its previous render is kept."""
        loop = self._loops[-1]
        previous, changed, evaluate = loop.plan[len(loop.rows)]
        if not evaluate:
            assert previous is not None
            loop.rows.append(previous)
            return False
        assert loop.slot.body is not None
        self._frames.append(_Frame(loop.slot.body, previous, changed))
        return True

    def row_end(self) -> str:
        """The row opened by :meth:`row` ended."""
        self.out.clear()
        self._loops[-1].rows.append(self._frames.pop().dynamics)
        return ""

    def loop_end(self) -> str:
        """The loop opened by :meth:`iter` ended."""
        loop = self._loops.pop()
        body = loop.slot.body
        assert body is not None
        self._frames[-1].dynamics.append(
            Comprehension(body.statics, loop.rows, loop.keys, loop.snapshots, body)
        )
        return ""


# The context names of the builder's methods (not valid as assign names: see socket.assign).
NEED, PUT, BRANCH, CLOSE = "__lw_need", "__lw_put", "__lw_branch", "__lw_close"
ITER, ROW, ROW_END, LOOP_END = "__lw_iter", "__lw_row", "__lw_row_end", "__lw_loop_end"
CALLS = (NEED, PUT, BRANCH, CLOSE, ITER, ROW, ROW_END, LOOP_END)


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


def _items(value: Any) -> tuple[list[Any], str | None]:
    if isinstance(value, Keyed):
        return list(value.items), value.key
    return list(value), None  # what Jinja iterates: a dict's keys, an Undefined's nothing


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
    # A key only pairs a row with its previous render; the row's item is still compared.
    return ("k", value) if value is not None else None
