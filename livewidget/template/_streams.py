"""Streams in templates: the rows a render adds to a stream, and what the kernel keeps of them.

A view changes a stream with ``socket.stream(...)`` and friends (see :mod:`livewidget._streams`),
which queue :class:`StreamOps`. A template reads the stream as ``streams.<name>``, a
:class:`StreamRows` that yields ``(dom_id, item)`` for the rows inserted since the last render
only, so ``{% for dom_id, msg in streams.msgs %}`` renders just those. The loop becomes a
:class:`StreamComprehension`, whose wire form is Phoenix LiveView 1.2's::

    {"s": [...], "k": {"0": {row}, ..., "kc": 2},
     "stream": ["0", [["msgs-7", -1, null, false], ...], ["msgs-3"]]}  # ref, inserts, deletes
                                                                        # (and true: reset)

The client applies, in this order: reset (drop every row), deletes (by DOM id), then each
insert in turn: a DOM id already shown is updated in place; a new one goes to position
``at`` (-1 appends, 0 prepends, i before the row at index i), and ``limit`` prunes from the
other end (a negative limit keeps the last rows, a positive one the first).

The kernel keeps no items: once rendered, a row is kept only as its wire JSON, packed into
one string per stream (:class:`RowStore`), so a page that joins later (a second display, a
reload) gets every row the stream shows, bounded by the stream's ``limit``.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._rendered import Comprehension, Dynamic, _row_json
from ._row_store import RowStore, WireInsert
from ._snapshot import UNCOMPARABLE
from ._stream_ops import STREAM
from ._tree import to_html


@dataclass(slots=True)
class Insert:
    """One item to insert (or update in place) in a stream."""

    dom_id: str
    item: Any
    at: int = -1
    limit: int | None = None
    update_only: bool = False


@dataclass(slots=True)
class StreamOps:
    """What was done to one stream since its last render: reset, deletes, inserts."""

    ref: str
    reset: bool = False
    deletes: list[str] = field(default_factory=list)
    inserts: list[Insert] = field(default_factory=list)
    #: Where each queued DOM id is in ``inserts``.
    queued: dict[str, int] = field(default_factory=dict)

    def copy(self) -> StreamOps:
        return StreamOps(
            self.ref, self.reset, list(self.deletes), list(self.inserts), dict(self.queued)
        )

    def clear(self) -> None:
        """Forget every queued change (a reset queued before stays)."""
        self.deletes.clear()
        self.inserts.clear()
        self.queued.clear()

    def insert(self, new: Insert) -> None:
        """Queue ``new``; an id already queued since the last render takes the new item."""
        index = self.queued.get(new.dom_id)
        if index is None:
            self.queued[new.dom_id] = len(self.inserts)
            self.inserts.append(new)
            return
        queued = self.inserts[index]
        self.inserts[index] = Insert(new.dom_id, new.item, queued.at, new.limit, queued.update_only)

    def delete(self, dom_id: str) -> None:
        """Queue the removal of ``dom_id`` (an insert of it queued before is dropped)."""
        if dom_id in self.queued:
            self.inserts = [insert for insert in self.inserts if insert.dom_id != dom_id]
            self.queued = {insert.dom_id: i for i, insert in enumerate(self.inserts)}
        self.deletes.append(dom_id)


class StreamRows:
    """``streams.<name>`` in a template: iterating yields ``(dom_id, item)`` for new rows."""

    __slots__ = ("ops",)

    def __init__(self, ops: StreamOps) -> None:
        self.ops = ops

    def rows(self) -> list[tuple[str, Any]]:
        """``(dom_id, item)`` of each row inserted since the last render."""
        return [(insert.dom_id, insert.item) for insert in self.ops.inserts]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        # Only the compiler's own loop may read a stream: anywhere else the new rows alone
        # would replace the page's rows.
        raise TypeError(
            "a stream can only be read by a loop of its own, "
            "{% for dom_id, item in streams.NAME %}…{% endfor %}, with no else, no if filter, "
            "not recursive, and not inside a macro, include, call or an extending template; "
            "move the condition inside the loop's body"
        )

    def __repr__(self) -> str:
        return f"<stream {self.ops.ref}: {len(self.ops.inserts)} new rows>"


class StreamNamespace:
    """``streams`` in a template: its attributes are the stream names and nothing else, so
    a stream may be called ``items`` or ``keys``."""

    __slots__ = ("_streams",)

    def __init__(self, streams: Callable[[], dict[str, StreamOps]]) -> None:
        self._streams = streams

    def __getattr__(self, name: str) -> StreamRows:
        ops = self._streams().get(name)
        if ops is None:
            known = ", ".join(sorted(self._streams())) or "none yet"
            raise AttributeError(
                f"no stream named {name!r} (streams: {known}); "
                f"create it with socket.stream({name!r}, items) first, e.g. in mount"
            )
        return StreamRows(ops)

    def __getitem__(self, name: str) -> StreamRows:
        return self.__getattr__(name)

    def __repr__(self) -> str:
        return f"<streams {', '.join(sorted(self._streams()))}>"


@dataclass(frozen=True, slots=True)
class _Entry:
    """One render's instruction, and the comprehension it applied to (``base``)."""

    base: weakref.ref[StreamComprehension] | None
    reset: bool
    deletes: tuple[str, ...]
    inserts: tuple[WireInsert, ...]
    rows: tuple[list[Dynamic], ...]


class StreamComprehension(Comprehension):
    """A stream's loop: ``rows`` are the rows this render inserted, ``store`` all it shows.

    ``log`` holds the instructions of the renders a client may still be behind by (those
    whose base comprehension is alive somewhere), so a diff against any of them is exact.
    """

    __slots__ = ("__weakref__", "log", "ref", "store")

    def __init__(
        self,
        statics: tuple[str, ...],
        rows: list[list[Dynamic]],
        keys: list[Any],
        block: object,
        *,
        ref: str,
        store: RowStore,
        log: tuple[_Entry, ...],
    ) -> None:
        # Rows never compare equal to a list's (a loop may read a stream, then a list).
        super().__init__(statics, rows, keys, [UNCOMPARABLE] * len(rows), block)
        self.ref = ref
        self.store = store
        self.log = log

    def to_json(self) -> dict[str, Any]:
        """Every row the stream shows, as inserts after a reset."""
        ids, rows = self.store.unpack()
        keyed: dict[str, Any] = {str(i): json.loads(row) for i, row in enumerate(rows)}
        keyed["kc"] = len(rows)
        inserts = [[dom_id, -1, None, False] for dom_id in ids]
        return {"s": list(self.statics), "k": keyed, STREAM: [self.ref, inserts, [], True]}

    def changes_since(self, before: Dynamic) -> Any:
        """What a client showing ``before`` needs: the instructions since, in one."""
        if before is self:
            return None
        if (
            not isinstance(before, StreamComprehension)
            or before.block is not self.block
            or before.ref != self.ref
        ):
            return self.to_json()
        start = next(
            (i for i, entry in enumerate(self.log) if entry.base and entry.base() is before),
            None,
        )
        if start is None:
            return None if before.store is self.store else self.to_json()
        window = self.log[start:]
        resets = [i for i, entry in enumerate(window) if entry.reset]
        if resets:
            window = window[resets[-1] :]  # a reset makes what came before it moot
        inserts = [insert for entry in window for insert in entry.inserts]
        if len(window) > 1 and (
            any(entry.deletes for entry in window[1:])
            or len({insert[0] for insert in inserts}) != len(inserts)
        ):
            # Deletes after inserts cannot be written as one instruction (the page applies
            # deletes first): send every row instead.
            return self.to_json()
        rows = [row for entry in window for row in entry.rows]
        keyed: dict[str, Any] = {str(i): _row_json(row) for i, row in enumerate(rows)}
        keyed["kc"] = len(rows)
        instruction: list[Any] = [self.ref, [list(i) for i in inserts], list(window[0].deletes)]
        if window[0].reset:
            instruction.append(True)  # Phoenix's client reads any fourth entry as a reset
        return {"k": keyed, STREAM: instruction}

    def __str__(self) -> str:
        _, rows = self.store.unpack()
        return "".join(_join_json(self.statics, json.loads(row)) for row in rows)


def stream_comprehension(
    statics: tuple[str, ...],
    block: object,
    before: Dynamic | None,
    ops: StreamOps,
    rows: list[list[Dynamic]],
) -> StreamComprehension:
    """The comprehension of a stream loop that rendered ``rows`` for ``ops.inserts``."""
    previous = (
        before
        if isinstance(before, StreamComprehension)
        and before.block is block
        and before.ref == ops.ref
        else None
    )
    store = previous.store if previous is not None else RowStore()
    log = _needed(previous.log) if previous is not None else ()
    inserts = tuple((i.dom_id, i.at, i.limit, i.update_only) for i in ops.inserts)
    reset = ops.reset or previous is None
    if ops.reset or ops.deletes or inserts or previous is None:
        json_rows = [json.dumps(_row_json(row), separators=(",", ":")) for row in rows]
        store = store.applied(reset, ops.deletes, inserts, json_rows)
        base = weakref.ref(previous) if previous is not None else None
        log = (*log, _Entry(base, reset, tuple(ops.deletes), inserts, tuple(rows)))
    keys = [insert[0] for insert in inserts]
    return StreamComprehension(statics, rows, keys, block, ref=ops.ref, store=store, log=log)


def _needed(log: tuple[_Entry, ...]) -> tuple[_Entry, ...]:
    """The entries a client may still need: from the oldest whose base is alive (a tree some
    page shows may hold it) to the end, whether or not the renders between are alive."""
    for index, entry in enumerate(log):
        if entry.base is not None and entry.base() is not None:
            return log[index:]
    return ()


def _join_json(statics: Sequence[str], row: dict[str, Any]) -> str:
    return to_html({"s": list(statics), "k": {"0": row, "kc": 1}})
