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

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from .._checked import checked
from .._protocol import KEY_COUNT, KEYED, STATICS
from ._rendered import Comprehension, Dynamic
from ._row_store import RowStore, WireInsert, encode_rows
from ._snapshot import UNCOMPARABLE
from ._stream_ops import STREAM
from ._tree import to_html


@dataclass(slots=True)
class StreamOps:
    """What was done to one stream since its last render: reset, deletes, inserts.

    The inserts are kept side by side, one list each, as they travel: ``ids`` and ``items``
    (what the template's loop yields) and ``wire``, each insert's ``[dom_id, at, limit,
    update_only]``. ``plain`` says that every insert appends (``at`` -1, no limit), the case
    the kernel's record of the rows handles without unpacking them.
    """

    ref: str
    reset: bool = False
    deletes: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    wire: list[WireInsert] = field(default_factory=list)
    #: Where each queued DOM id is in the lists above (see ``_index``).
    queued: dict[str, int] = field(default_factory=dict)
    plain: bool = True

    def copy(self) -> StreamOps:
        """A copy whose lists can change without changing these (rows are never changed in
        place, so they are shared)."""
        return StreamOps(
            self.ref,
            self.reset,
            list(self.deletes),
            list(self.ids),
            list(self.items),
            list(self.wire),
            dict(self.queued),
            self.plain,
        )

    @property
    def changed(self) -> bool:
        """Whether anything was queued since the last render."""
        return self.reset or bool(self.deletes) or bool(self.ids)

    def clear(self) -> None:
        """Forget every queued change (a reset queued before stays)."""
        self.deletes.clear()
        self.ids.clear()
        self.items.clear()
        self.wire.clear()
        self.queued.clear()
        self.plain = True

    def add(self, ids: list[str], items: list[Any], at: int, limit: int | None) -> None:
        """Queue ``items`` (named ``ids``) in order; an id already queued since the last
        render takes the new item, where and as it was queued."""
        distinct = len(set(ids)) == len(ids)
        if distinct and not self.ids:  # the usual batch: the first since the render
            self._extend(ids, items, at, limit)
            return
        queued = self._index()
        if distinct and queued.keys().isdisjoint(ids):
            queued.update(zip(ids, range(len(self.ids), len(self.ids) + len(ids)), strict=True))
            self._extend(ids, items, at, limit)
            return
        for dom_id, item in zip(ids, items, strict=True):
            self._add_one(dom_id, item, at, limit)

    def _extend(self, ids: list[str], items: list[Any], at: int, limit: int | None) -> None:
        self.ids.extend(ids)
        self.items.extend(items)
        self.wire.extend([[dom_id, at, limit, False] for dom_id in ids])
        self.plain = self.plain and at == -1 and limit is None

    def _index(self) -> dict[str, int]:
        """Where each queued id is; made only once a look-up needs it (a batch that is the
        only one of its render never does)."""
        if len(self.queued) != len(self.ids):
            self.queued = {dom_id: index for index, dom_id in enumerate(self.ids)}
        return self.queued

    def _add_one(self, dom_id: str, item: Any, at: int, limit: int | None) -> None:
        index = self._index().get(dom_id)
        self.plain = self.plain and limit is None
        if index is None:
            self.queued[dom_id] = len(self.ids)
            self.ids.append(dom_id)
            self.items.append(item)
            self.wire.append([dom_id, at, limit, False])
            self.plain = self.plain and at == -1
            return
        _, queued_at, _, update_only = self.wire[index]
        self.items[index] = item
        self.wire[index] = [dom_id, queued_at, limit, update_only]

    def delete(self, dom_id: str) -> None:
        """Queue the removal of ``dom_id`` (an insert of it queued before is dropped)."""
        if dom_id in self._index():
            kept = [index for index, queued in enumerate(self.ids) if queued != dom_id]
            self.ids = [self.ids[index] for index in kept]
            self.items = [self.items[index] for index in kept]
            self.wire = [self.wire[index] for index in kept]
            self.queued = {queued: index for index, queued in enumerate(self.ids)}
        self.deletes.append(dom_id)


class StreamRows:
    """``streams.<name>`` in a template: iterating yields ``(dom_id, item)`` for new rows."""

    __slots__ = ("ops",)

    def __init__(self, ops: StreamOps) -> None:
        self.ops = ops

    def rows(self) -> list[tuple[str, Any]]:
        """``(dom_id, item)`` of each row inserted since the last render."""
        return list(zip(self.ops.ids, self.ops.items, strict=True))

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
        return f"<stream {self.ops.ref}: {len(self.ops.ids)} new rows>"


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
    """One render's instruction, and the comprehension it applied to (``base``).

    ``rows`` are the inserted rows as JSON values (each row a list of its dynamics).
    ``sendable``: the rows, ids and deletes were proven sendable when they were packed.
    """

    base: weakref.ref[StreamComprehension] | None
    reset: bool
    deletes: tuple[str, ...]
    inserts: list[WireInsert]
    rows: list[list[Any]]
    sendable: bool = False


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
        """Every row the stream shows, as inserts after a reset (flagged as checked when
        every row was proven sendable as it was packed: a page that joins a long stream
        does not get its rows encoded twice)."""
        ids, rows = self.store.unpack()
        inserts = [[dom_id, -1, None, False] for dom_id in ids]
        whole = {
            STATICS: list(self.statics),
            KEYED: _keyed(rows, len(self.statics) - 1),
            STREAM: [self.ref, inserts, [], True],
        }
        return checked(whole) if self.store.sendable and _utf8(*self.statics) else whole

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
        if len(window) == 1:  # the usual diff: one render's rows, as they were packed
            inserts, rows = window[0].inserts, window[0].rows
        else:
            inserts = [insert for entry in window for insert in entry.inserts]
            if any(entry.deletes for entry in window[1:]) or len(
                {insert[0] for insert in inserts}
            ) != len(inserts):
                # Deletes after inserts cannot be written as one instruction (the page
                # applies deletes first): send every row instead.
                return self.to_json()
            rows = [row for entry in window for row in entry.rows]
        instruction: list[Any] = [self.ref, inserts, list(window[0].deletes)]
        if window[0].reset:
            instruction.append(True)  # Phoenix's client reads any fourth entry as a reset
        change = {KEYED: _keyed(rows, len(self.statics) - 1), STREAM: instruction}
        # Rows, ids and deletes proven sendable at packing: the message's check skips them.
        return checked(change) if all(entry.sendable for entry in window) else change

    def __str__(self) -> str:
        _, rows = self.store.unpack()
        if not rows:
            return ""
        return to_html({STATICS: list(self.statics), KEYED: _keyed(rows, len(self.statics) - 1)})


def stream_comprehension(
    statics: tuple[str, ...],
    block: object,
    before: Dynamic | None,
    ops: StreamOps,
    rows: list[list[Dynamic]],
) -> StreamComprehension:
    """The comprehension of a stream loop that rendered ``rows`` for ``ops``' inserts.

    The rows are written as JSON once, in one call, for the kernel's record of the stream;
    the diff then sends the same values (see :class:`StreamComprehension`).
    """
    previous = (
        before
        if isinstance(before, StreamComprehension)
        and before.block is block
        and before.ref == ops.ref
        else None
    )
    store = previous.store if previous is not None else _EMPTY
    log = _needed(previous.log) if previous is not None else ()
    reset = ops.reset or previous is None
    if reset or ops.deletes or ops.ids:
        values, packed = _encoded(rows)
        sendable = _sendable(packed, ops)
        if ops.plain and not ops.deletes:
            store = (_EMPTY if reset else store).appended(list(ops.ids), *packed, sendable)
        else:
            keep = None if reset or ops.deletes else _kept_last(ops.wire)
            pruned = (
                None
                if keep is None
                else store.appended_keeping_last(list(ops.ids), *packed, keep, sendable)
            )
            if pruned is not None:
                store = pruned  # a feed's batch: the packed rows pruned as text
            else:
                store = store.applied(reset, ops.deletes, ops.wire, values, sendable)
        base = weakref.ref(previous) if previous is not None else None
        log = (*log, _Entry(base, reset, tuple(ops.deletes), list(ops.wire), values, sendable))
    return StreamComprehension(
        statics, rows, list(ops.ids), block, ref=ops.ref, store=store, log=log
    )


_EMPTY = RowStore()


def _kept_last(wire: list[WireInsert]) -> int | None:
    """``n`` when every insert appends with the limit ``-n`` (a feed keeping its last ``n``
    rows), else None."""
    limit = wire[0][2] if wire else None
    if type(limit) is not int or limit >= 0:
        return None
    if all(
        at == -1 and type(other) is int and other == limit and not update_only
        for _, at, other, update_only in wire
    ):
        return -limit
    return None


def _encoded(rows: list[list[Dynamic]]) -> tuple[list[list[Any]], tuple[str, int]]:
    """The rows as JSON values, and packed for the store. Rows of strings (and components'
    cids), the usual kind, are JSON values already."""
    try:
        return rows, encode_rows(rows)
    except TypeError:  # a nested tree or loop in a row
        values = [[_json_value(value) for value in row] for row in rows]
        return values, encode_rows(values)


def _json_value(value: Dynamic) -> Any:
    return value if isinstance(value, str | int) else value.to_json()


def _sendable(packed: tuple[str, int], ops: StreamOps) -> bool:
    """Whether a render's stream instruction can be sent as JSON in UTF-8, told from its rows
    as packed (every string in them, in one piece of text), its DOM ids and its deletes.

    The ids and deletes are strings (the socket checks them); ``at`` and ``limit`` ints or
    None (checked too); the ref is the stream's number. Rows packed as JSON text (``width``
    0) may hold a number: one written as NaN or Infinity there makes this False, as does any
    string holding those words (the message's own check then decides). A lone surrogate
    anywhere fails the encoding. A False costs only time: the message is checked in full.
    """
    text, width = packed
    if not width and ("NaN" in text or "Infinity" in text):
        return False
    return _utf8(text, "\n".join(ops.ids), "\n".join(ops.deletes))


def _utf8(*texts: str) -> bool:
    """Whether every text can be written as UTF-8 (none holds a lone surrogate)."""
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _needed(log: tuple[_Entry, ...]) -> tuple[_Entry, ...]:
    """The entries a client may still need: from the oldest whose base is alive (a tree some
    page shows may hold it) to the end, whether or not the renders between are alive."""
    for index, entry in enumerate(log):
        if entry.base is not None and entry.base() is not None:
            return log[index:]
    return ()


# -- rows in Phoenix's keyed shape ---------------------------------------------------------

_INDEX_CACHE = 4096
#: "0", "1", …: the keys of rows and of their dynamics, made once.
_INDEX = [str(i) for i in range(_INDEX_CACHE)]


def _indices(count: int) -> Iterable[str]:
    if count <= _INDEX_CACHE:
        return _INDEX
    return chain(_INDEX, map(str, range(_INDEX_CACHE, count)))


def _rows1(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"0": a} for (a,) in rows]


def _rows2(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"0": a, "1": b} for a, b in rows]


def _rows3(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"0": a, "1": b, "2": c} for a, b, c in rows]


def _rows4(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"0": a, "1": b, "2": c, "3": d} for a, b, c, d in rows]


#: Rows of one width as ``{"0": …, "1": …}`` each, written out for the common widths: a dict
#: display inside a comprehension costs less than half of a call per row building it, and a
#: third of ``dict(zip(keys, row))``.
_ROW_DICTS: dict[int, Callable[[Iterable[Sequence[Any]]], list[dict[str, Any]]]] = {
    1: _rows1,
    2: _rows2,
    3: _rows3,
    4: _rows4,
}


def _row_dicts(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    # The indices run longer than a row: zip stops at the row's end.
    return [dict(zip(_indices(len(row)), row, strict=False)) for row in rows]


def _keyed(rows: list[list[Any]], width: int) -> dict[str, Any]:
    """``{"0": {row 0}, "1": {row 1}, …, "kc": count}`` from rows of JSON values, each
    ``width`` long (a loop body's rows all are: one dynamic per slot; one that is not
    fails to unpack, loudly)."""
    make = _ROW_DICTS.get(width, _row_dicts)
    keyed: dict[str, Any] = dict(zip(_indices(len(rows)), make(rows), strict=False))
    keyed[KEY_COUNT] = len(rows)
    return keyed
