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

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from ._loops import Fresh, RowPlan, fresh, lean_plan, plan
from ._rendered import POSITIONS, Comprehension, Dynamic, Rendered
from ._snapshot import UNCOMPARABLE
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
    #: The body never reads ``loop``: the loop iterates only the rows to evaluate.
    lean: bool = False


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
    plan: RowPlan
    #: The next row (a loop that reads ``loop`` visits every row), and how many rows of
    #: ``plan.evaluate`` were evaluated.
    next_row: int = 0
    evaluated: int = 0
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

    def whole_result(self) -> Rendered:
        """The tree of a template rendered whole (``{% extends %}``…): its output as one
        slot, or, when it placed components, the text between them and their cids."""
        root = self._frames[0].block
        if not self._cids:
            return Rendered(root.statics, ["".join(self.out)], root)
        parts: list[Dynamic] = []
        last = 0
        for position, cid in self._cids:
            parts += ["".join(self.out[last:position]), cid]
            last = position
        parts.append("".join(self.out[last:]))
        self._cids.clear()
        return Rendered(("",) * (len(parts) + 1), parts, root)

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

    def iter(self, iterable: Any) -> Iterator[Any] | list[Any]:
        """The next slot, a ``for``, iterates ``iterable``: plan which rows to reuse.

        A lean loop (its body never reads ``loop``) gets only the items of the rows to
        evaluate, and this generator takes each row's output when the loop asks for the
        next item; another loop gets every item and reads ``row`` and ``row_end``."""
        frame = self._frames[-1]
        slot = frame.block.slots[len(frame.dynamics)]
        before = self._previous(frame)
        if isinstance(iterable, StreamRows):
            # A stream's rows are new every render: each is evaluated, none is compared.
            items = iterable.rows()
            count = len(items)
            keys: list[Hashable] = [dom_id for dom_id, _ in items]
            row_plan = RowPlan(
                [None] * count, fresh(items), keys, POSITIONS, [UNCOMPARABLE] * count
            )
            loop = _LoopFrame(slot, row_plan, stream=iterable, before=before)
        else:
            # Exactly this class: a stream's rows are not a list to pair rows with.
            old = before if type(before) is Comprehension and before.block is slot.body else None
            items, row_plan = (lean_plan if slot.lean else plan)(slot, frame.changed, iterable, old)
            loop = _LoopFrame(slot, row_plan)
        self._loops.append(loop)
        return self._lean_rows(loop) if slot.lean else items

    def _lean_rows(self, loop: _LoopFrame) -> Iterator[Any]:
        body = loop.slot.body
        assert body is not None
        rows = loop.plan.rows
        evaluate = loop.plan.evaluate
        if body.simple:
            # Each row prints one string per slot and nothing else: let the rows print one
            # after another, then cut what they printed into rows.
            start = len(self.out)
            yield from (
                evaluate.items if isinstance(evaluate, Fresh) else map(itemgetter(1), evaluate)
            )
            printed = self._simple_rows(body, start, len(evaluate))
            if len(printed) == len(rows):
                rows[:] = printed
            else:
                for (index, *_), row in zip(evaluate, printed, strict=True):
                    rows[index] = row
            loop.evaluated = len(evaluate)
            return
        frames = self._frames
        for index, item, previous, changed in evaluate:
            frames.append(_Frame(body, previous, changed))
            yield item
            rows[index] = self._end_row()
            loop.evaluated += 1

    @property
    def row(self) -> bool:
        """A row starts: True to evaluate it, False when its previous render is kept."""
        loop = self._loops[-1]
        index = loop.next_row
        loop.next_row += 1
        if loop.plan.rows[index] is not None:
            return False
        _, _, previous, changed = loop.plan.evaluate[loop.evaluated]
        assert loop.slot.body is not None
        self._frames.append(_Frame(loop.slot.body, previous, changed))
        return True

    @property
    def row_end(self) -> str:
        """The row opened by :meth:`row` ended."""
        loop = self._loops[-1]
        body = self._frames[-1].block
        if body.simple:
            self._frames.pop()
            row = self._simple_rows(body, 0, 1)[0]  # ``out`` holds this row's strings only
        else:
            row = self._end_row()
        loop.plan.rows[loop.next_row - 1] = row
        loop.evaluated += 1
        return ""

    def _simple_rows(self, body: Block, start: int, count: int) -> list[list[Dynamic]]:
        """What ``count`` simple rows printed from ``out[start]`` on, one list per row."""
        out = self.out
        width = len(body.slots)
        if len(out) - start != width * count:
            raise RuntimeError(
                f"livewidget: {count} rows printed {len(out) - start} strings for "
                f"{width} slots each; please report this template"
            )
        printed = out[start:]
        del out[start:]
        if not width:
            return [[] for _ in range(count)]
        rows: list[list[Dynamic]] = list(map(list, zip(*[iter(printed)] * width, strict=True)))
        if self._cids:
            for position, cid in self._cids:
                row, slot = divmod(position - start, width)
                if rows[row][slot] != "":
                    self._cids.clear()
                    raise ValueError(_WHOLE_SLOT)
                rows[row][slot] = cid
            self._cids.clear()
        return rows

    def _end_row(self) -> list[Dynamic]:
        """A row with nested slots ended: its frame's dynamics."""
        frame = self._frames.pop()
        self._no_component()
        self.out.clear()
        return frame.dynamics

    @property
    def loop_end(self) -> str:
        """The loop opened by :meth:`iter` ended."""
        self._no_component()
        loop = self._loops.pop()
        body = loop.slot.body
        assert body is not None
        row_plan = loop.plan
        if loop.evaluated != len(row_plan.evaluate):
            raise RuntimeError(
                f"livewidget: a loop evaluated {loop.evaluated} of its "
                f"{len(row_plan.evaluate)} rows; please report this template"
            )
        rows: list[list[Dynamic]] = row_plan.rows  # type: ignore[assignment]  # all filled
        if loop.stream is not None:
            self._frames[-1].dynamics.append(
                stream_comprehension(body.statics, body, loop.before, loop.stream.ops, rows)
            )
            return ""
        derivation = row_plan.derivation
        if derivation is not None and derivation.base is not None:
            derivation.base.derivation = None  # a render keeps at most its parent alive
        self._frames[-1].dynamics.append(
            Comprehension(
                body.statics,
                rows,
                row_plan.keys,
                row_plan.snapshots,
                body,
                row_plan.positions,
                row_plan.keying,
                derivation,
                row_plan.key_set,
                row_plan.shapes,
                row_plan.width,
                row_plan.flat,
            )
        )
        return ""


_WHOLE_SLOT = (
    "live_component(...) must be a whole {{ }} expression of the template (as in "
    "{{ live_component(Card, id=item.id) }}), not part of other output such as a filter, "
    "a string, an include or a macro; move the call into its own {{ }}"
)

# The context names of the builder's methods (not valid as assign names: see socket.assign).
BUILDER, BRANCH, ITER = "__lw", "__lw_branch", "__lw_iter"
# The builder's properties read by the compiled template.
NEED, PUT, CLOSE, ROW, ROW_END, LOOP_END = "need", "put", "close", "row", "row_end", "loop_end"
