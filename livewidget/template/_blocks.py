"""The compiled form of a template, and the builder that turns one Jinja2 render into a tree.

A template compiles to one Jinja2 template (so ``{% set %}``, ``namespace()``, ``cycler``,
``loop`` and every other construct behave exactly as in a plain render) plus the shape of
the tree it produces: :class:`Block` s of statics around slots. A slot is one of:

- :class:`Slot` of kind ``EXPR``: ``{{ expr }}``, or a statement the compiler renders whole;
- kind ``IF``: ``{% if %}…{% elif %}…{% else %}``, whose taken branch is a nested tree;
- kind ``FOR``: a ``{% for %}`` whose rows share statics and are tracked by key.

The compiled Jinja2 code drops the statics and reaches the :class:`Builder` at the edges of
slots (by reading its properties: see :meth:`Builder.context`): the builder collects what
each slot printed and, when a slot reads nothing that changed, says to skip it and keeps its
previous value. Rows of a loop are reused when their key, their item (compared by value,
type-strict) and the ``loop`` values they use match the previous render's. Which slots may be
skipped at all is decided by :mod:`._analysis`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._rendered import Comprehension, Dynamic, Rendered
from ._snapshot import UNCOMPARABLE, same, snapshot
from ._streams import StreamRows, stream_comprehension

EXPR, IF, FOR = "expr", "if", "for"


@dataclass(frozen=True, eq=False, slots=True)
class Block:
    """Statics around slots: a template, a branch of an ``if``, the body of a ``for``."""

    statics: tuple[str, ...]
    slots: tuple[Slot, ...]
    #: Only ``{{ expr }}`` slots, each printing one string: filled in one piece (rows).
    simple: bool = False


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


# For one row: its previous render (or None), the names changed for it (None: all), and
# whether it must be evaluated at all.
_Plan = tuple[list[Dynamic] | None, frozenset[str] | None, bool]
_FRESH: _Plan = (None, None, True)


@dataclass(slots=True)
class _LoopFrame:
    slot: Slot
    keys: list[Hashable]
    snapshots: list[Any]
    plan: list[_Plan]
    rows: list[list[Dynamic]] = field(default_factory=list)
    #: A stream loop: its stream, and what the slot held before (see ``_streams.py``).
    stream: StreamRows | None = None
    before: Dynamic | None = None


class Builder:
    """Collects one render's output into a :class:`Rendered` tree (one builder per render).

    The compiled template reads its properties and calls two methods (see :meth:`context`);
    ``out`` receives every string the template yields, in order, and is emptied at each
    slot edge that takes what was printed.
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
        #: Components placed since the last slot edge: (position in ``out``, cid).
        self._cids: list[tuple[int, int]] = []

    def mark_component(self, cid: int) -> None:
        """``live_component`` placed component ``cid`` at this point of the output: the slot
        that prints it holds the cid (see ``_components.py``)."""
        self._cids.append((len(self.out), cid))

    def _no_component(self) -> None:
        if self._cids:
            self._cids.clear()
            raise ValueError(_WHOLE_SLOT)

    def result(self) -> Rendered:
        """The tree, once the template has been rendered to the end."""
        self._no_component()
        frame = self._frames[0]
        return Rendered(frame.block.statics, frame.dynamics, frame.block)

    def context(self) -> dict[str, Any]:
        """The context entries the compiled template uses: the builder itself, whose
        properties it reads at the edges of slots (reading an attribute costs a tenth of a
        call through Jinja2's ``context.call``, and rows read one each), and two methods."""
        return {BUILDER: self, BRANCH: self.branch, ITER: self.iter}

    def _previous(self, frame: _Frame) -> Dynamic | None:
        if frame.previous is None:
            return None
        return frame.previous[len(frame.dynamics)]

    @property
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

    @property
    def put(self) -> str:
        """The next slot printed what ``out`` holds."""
        text = "".join(self.out)
        self.out.clear()
        if self._cids:
            (position, cid), *more = self._cids
            self._cids.clear()
            if more or position != 0 or text:
                raise ValueError(_WHOLE_SLOT)
            self._frames[-1].dynamics.append(cid)
            return ""
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

    @property
    def close(self) -> str:
        """The branch opened by :meth:`branch` ended."""
        self._no_component()
        self.out.clear()
        inner = self._frames.pop()
        self._frames[-1].dynamics.append(Rendered(inner.block.statics, inner.dynamics, inner.block))
        return ""

    def iter(self, iterable: Any) -> list[Any]:
        """The next slot, a ``for``, iterates ``iterable``: plan which rows to reuse."""
        frame = self._frames[-1]
        slot = frame.block.slots[len(frame.dynamics)]
        if isinstance(iterable, StreamRows):
            # A stream's rows are new every render: each is evaluated, none is compared.
            rows = iterable.rows()
            self._loops.append(
                _LoopFrame(
                    slot,
                    [dom_id for dom_id, _ in rows],
                    [UNCOMPARABLE] * len(rows),
                    [_FRESH] * len(rows),
                    stream=iterable,
                    before=self._previous(frame),
                )
            )
            return rows
        items, key_attr = _items(iterable)
        keys = _keys(items, key_attr)
        before = self._previous(frame)
        old = before if isinstance(before, Comprehension) and before.block is slot.body else None
        if old is None or frame.changed is None or not slot.reusable:
            count = len(items)
            snapshots = (
                [(snapshot(item), _position(slot, i, count)) for i, item in enumerate(items)]
                if slot.reusable
                else [UNCOMPARABLE] * count
            )
            plan: list[_Plan] = [_FRESH] * count
        else:
            snapshots, plan = _plan(slot, frame.changed, items, keys, old)
        self._loops.append(_LoopFrame(slot, keys, snapshots, plan))
        return items

    @property
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

    @property
    def row_end(self) -> str:
        """The row opened by :meth:`row` ended."""
        frame = self._frames.pop()
        if frame.block.simple:
            if len(self.out) != len(frame.block.slots):
                raise RuntimeError(
                    f"livewidget: a row printed {len(self.out)} strings for "
                    f"{len(frame.block.slots)} slots; please report this template"
                )
            frame.dynamics = list[Dynamic](self.out)
            for position, cid in self._cids:
                if frame.dynamics[position] != "":
                    self._cids.clear()
                    raise ValueError(_WHOLE_SLOT)
                frame.dynamics[position] = cid
            self._cids.clear()
        self._no_component()
        self.out.clear()
        self._loops[-1].rows.append(frame.dynamics)
        return ""

    @property
    def loop_end(self) -> str:
        """The loop opened by :meth:`iter` ended."""
        self._no_component()
        loop = self._loops.pop()
        body = loop.slot.body
        assert body is not None
        if loop.stream is not None:
            self._frames[-1].dynamics.append(
                stream_comprehension(body.statics, body, loop.before, loop.stream.ops, loop.rows)
            )
            return ""
        self._frames[-1].dynamics.append(
            Comprehension(body.statics, loop.rows, loop.keys, loop.snapshots, body)
        )
        return ""


def _position(slot: Slot, index: int, count: int) -> tuple[int | None, int | None]:
    """What of a row's place the body reads (through ``loop``)."""
    return (index if slot.uses_index else None, count if slot.uses_length else None)


def _plan(
    slot: Slot, changed: frozenset[str], items: list[Any], keys: list[Hashable], old: Comprehension
) -> tuple[list[Any], list[_Plan]]:
    """Each row's snapshot and plan, against the rows of the previous render."""
    count = len(items)
    if old.keys == keys:  # the usual update: same rows in the same order
        previous: Iterable[tuple[list[Dynamic], Any] | None] = zip(
            old.rows, old.snapshots, strict=True
        )
    else:
        by_key = dict(zip(old.keys, zip(old.rows, old.snapshots, strict=True), strict=True))
        previous = [by_key.get(key) for key in keys]
    outer_changed = slot.row_reads is None or not slot.row_reads.isdisjoint(changed)
    snapshots: list[Any] = []
    plan: list[_Plan] = []
    for index, (item, found) in enumerate(zip(items, previous, strict=True)):
        position = _position(slot, index, count)
        if found is None:
            snapshots.append((snapshot(item), position))
            plan.append(_FRESH)
            continue
        row, (old_snap, old_position) = found
        item_same = same(old_snap, item)
        snapshots.append((old_snap if item_same else snapshot(item), position))
        if item_same and old_position == position and not outer_changed:
            plan.append((row, None, False))
            continue
        if slot.row_reads is None:
            plan.append((row, None, True))
            continue
        names = set(changed)
        if not item_same:
            names |= slot.targets
        if old_position != position:
            names.add("loop")
        plan.append((row, frozenset(names), True))
    return snapshots, plan


_WHOLE_SLOT = (
    "live_component(...) must be a whole {{ }} expression of the template (as in "
    "{{ live_component(Card, id=item.id) }}), not part of other output such as a filter, "
    "a string, an include or a macro; move the call into its own {{ }}"
)

# The context names of the builder's methods (not valid as assign names: see socket.assign).
BUILDER, BRANCH, ITER = "__lw", "__lw_branch", "__lw_iter"
# The builder's properties read by the compiled template.
NEED, PUT, CLOSE, ROW, ROW_END, LOOP_END = "need", "put", "close", "row", "row_end", "loop_end"


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
