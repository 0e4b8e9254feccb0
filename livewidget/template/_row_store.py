"""What the kernel keeps of a stream: the rows the page shows, packed, and nothing else.

A :class:`RowStore` holds the rows in a few *chunks*, one per render that appended rows (merged
as they accumulate). A chunk is two strings: its DOM ids joined by newlines (an HTML id holds
no whitespace) and its rows' dynamics, written in one pass (:func:`encode_rows`): joined by
NUL characters when they are all strings holding none (the usual rows: markup and text), or
else as one JSON array. So a row costs its bytes and a separator, never a Python object, and
appending a batch costs the batch, not the rows already kept. A store is never changed: each render
that changes the stream makes a new one, so a render that is rolled back leaves the old
store as it was.

An appended id may already be shown (the page then updates that row where it is). Finding
out at each append would cost a look-up per new row in what is kept, so appends are written
as they come, and the rule is applied when the rows are read (:meth:`RowStore.unpack`, for a
page that joins) or when the chunks are merged, which happens each time the rows appended
since the last merge outnumber the rows merged (so each row is merged a bounded number of
times: O(1) per row, amortized), or when there are too many chunks. Appends with a negative
limit (a feed that keeps its last rows) prune the packed text from its start, when no new id
is kept already. Any other change (a reset, a delete, an insert at a position or with another
limit) is applied at once on the unpacked rows: it costs the rows shown, as the page's own
patch does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from ._stream_ops import apply_ops

#: An insert on the wire: ``[dom_id, at, limit, update_only]`` (Phoenix's stream entry).
WireInsert = list[Any]

_SEP = "\n"
#: Between the dynamics of a chunk written as text.
_CELL = "\x00"
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: More chunks than this are merged into one, whatever their size.
_MAX_CHUNKS = 32
#: Rows appended since the last merge before a merge is due, at least.
_MIN_MERGE = 256


def encode_rows(rows: Sequence[Sequence[Any]]) -> tuple[str, int]:
    """Rows of JSON values (each a list of its dynamics) packed in one string, and the width
    of their text form (0: the string is a JSON array).

    Rows of equal width whose dynamics are all strings without NUL are joined by NUL, which
    costs a fifth of JSON's escaping; any other rows (a component's cid, a nested tree) are
    written as JSON. Raises TypeError for a value JSON cannot write.
    """
    width = len(rows[0]) if rows else 0
    if width and len(set(map(len, rows))) == 1:
        try:
            text = _CELL.join(chain.from_iterable(rows))
        except TypeError:  # not only strings
            pass
        else:
            if text.count(_CELL) == width * len(rows) - 1:
                return text, width
    return _ENCODER.encode(rows), 0


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows appended together: their ids joined by newlines, their dynamics packed by
    :func:`encode_rows` (``width`` 0: as JSON), and how many there are."""

    ids: str
    rows: str
    count: int
    width: int = 0

    def split(self) -> tuple[list[str], list[Any]]:
        """The ids and the rows (each a list of its dynamics' JSON values)."""
        if not self.count:
            return [], []
        if not self.width:
            return self.ids.split(_SEP), json.loads(self.rows)
        cells, width = self.rows.split(_CELL), self.width
        return self.ids.split(_SEP), [cells[i : i + width] for i in range(0, len(cells), width)]


_NO_CHUNKS: tuple[Chunk, ...] = ()


@dataclass(frozen=True, slots=True)
class RowStore:
    """A stream's rows as the page shows them, packed in chunks (see the module's text).

    ``logged`` counts the rows in the chunks, ``merged`` those of the first chunk, whose ids
    are known to be distinct (its rows are exactly the page's first rows). ``sendable``: every
    row and id kept was proven sendable (JSON, UTF-8) when it was packed, so the rows can be
    sent to a page that joins without being checked again.
    """

    chunks: tuple[Chunk, ...] = _NO_CHUNKS
    logged: int = 0
    merged: int = 0
    sendable: bool = True

    def unpack(self) -> tuple[list[str], list[Any]]:
        """The ids and rows the page shows, in order (one object each: for a page that
        joins, or a change other than appending)."""
        if not self.chunks:
            return [], []
        first = self.chunks[0]
        ids, rows = first.split()
        if len(self.chunks) == 1 and first.count == self.merged:
            return ids, rows
        if first.count != self.merged:  # an appended first chunk may repeat its own ids
            ids, rows = _replay([], [], ids, rows)
        for chunk in self.chunks[1:]:
            more_ids, more_rows = chunk.split()
            ids, rows = _replay(ids, rows, more_ids, more_rows)
        return ids, rows

    @staticmethod
    def pack(ids: list[str], rows: Sequence[Any], sendable: bool = True) -> RowStore:
        """A store of distinct ``ids`` and their ``rows`` (JSON values), in one chunk."""
        if not ids:
            return RowStore()
        chunk = Chunk(_SEP.join(ids), *_swap(encode_rows(rows), len(ids)))
        return RowStore((chunk,), len(ids), len(ids), sendable)

    def appended(self, ids: list[str], rows: str, width: int, sendable: bool = True) -> RowStore:
        """The store after ``ids`` were appended (plain appends: no position, no limit),
        their rows packed in ``rows`` by :func:`encode_rows`, with ``width`` (``sendable``:
        they were proven sendable). Costs the new rows, plus a merge now and then (see the
        module's text)."""
        if not ids:
            return self
        chunks = (*self.chunks, Chunk(_SEP.join(ids), rows, len(ids), width))
        logged = self.logged + len(ids)
        store = RowStore(chunks, logged, self.merged, self.sendable and sendable)
        if len(chunks) > _MAX_CHUNKS or logged - self.merged > max(self.merged, _MIN_MERGE):
            return store.compacted()
        return store

    def appended_keeping_last(
        self, ids: list[str], rows: str, width: int, keep: int, sendable: bool = True
    ) -> RowStore | None:
        """The store after ``ids`` were appended, each with the limit ``-keep`` (only the last
        ``keep`` rows stay), or None when that needs the unpacked rows: an id already kept or
        repeated, or rows that are not packed as text. Costs the new rows and the pruned
        ones, plus one look at the kept ids (in C) and a copy of the kept text."""
        new = set(ids)
        if not ids or not width or keep <= 0 or len(new) != len(ids):
            return None
        store = self.compacted()
        first = store.chunks[0] if store.chunks else Chunk("", "", 0, width)
        if first.count and (first.width != width or not new.isdisjoint(first.ids.split(_SEP))):
            return None
        count = first.count + len(ids)
        drop = max(0, count - keep)
        kept_ids = _without_first([first.ids, _SEP.join(ids)], _SEP, drop, first.count, len(ids))
        kept_rows = _without_first(
            [first.rows, rows], _CELL, drop * width, first.count * width, len(ids) * width
        )
        chunk = Chunk(kept_ids, kept_rows, count - drop, width)
        return RowStore((chunk,), chunk.count, chunk.count, store.sendable and sendable)

    def compacted(self) -> RowStore:
        """One chunk of distinct ids: the chunks joined, and their repeated ids resolved."""
        if len(self.chunks) <= 1 and self.logged == self.merged:
            return self
        ids = _SEP.join(chunk.ids for chunk in self.chunks if chunk.count)
        split = ids.split(_SEP)
        chunks = [chunk for chunk in self.chunks if chunk.count]
        widths = {chunk.width for chunk in chunks}
        if len(set(split)) == len(split) and len(widths) == 1:
            # The usual case: no id repeats, and the chunks are packed alike: join them.
            width = widths.pop()
            if width:
                rows = _CELL.join(chunk.rows for chunk in chunks)
            else:
                rows = f"[{','.join(chunk.rows[1:-1] for chunk in chunks)}]"
            chunk = Chunk(ids, rows, len(split), width)
            return RowStore((chunk,), len(split), len(split), self.sendable)
        del split
        return RowStore.pack(*self.unpack(), self.sendable)

    def applied(
        self,
        reset: bool,
        deletes: Sequence[str],
        inserts: Sequence[WireInsert],
        rows: Sequence[Any],
        sendable: bool = True,
    ) -> RowStore:
        """The store after any instruction whose inserts bring ``rows`` (JSON values;
        ``sendable``: they, their ids, were proven sendable)."""
        ids, kept = ([], []) if reset else self.unpack()
        steps = [
            (dom_id, at, limit, bool(update_only), row)
            for (dom_id, at, limit, update_only), row in zip(inserts, rows, strict=True)
        ]
        apply_ops(ids, kept, False, deletes, steps)
        return RowStore.pack(ids, kept, (reset or self.sendable) and sendable)


def _without_first(texts: list[str], sep: str, drop: int, *counts: int) -> str:
    """``texts`` (each holding ``counts`` items joined by ``sep``) joined by ``sep``, without
    their first ``drop`` items."""
    parts = []
    for text, count in zip(texts, counts, strict=True):
        if drop >= count:
            drop -= count
            continue
        parts.append(text.split(sep, drop)[drop] if drop else text)
        drop = 0
    return sep.join(parts)


def _swap(packed: tuple[str, int], count: int) -> tuple[str, int, int]:
    rows, width = packed
    return rows, count, width


def _replay(
    ids: list[str], rows: list[Any], more_ids: list[str], more_rows: list[Any]
) -> tuple[list[str], list[Any]]:
    """``ids`` and ``rows`` after appending the others, an id already there updated in place."""
    if not more_ids:
        return ids, rows
    if len(set(more_ids)) == len(more_ids) and set(ids).isdisjoint(more_ids):
        ids.extend(more_ids)
        rows.extend(more_rows)
        return ids, rows
    where = {dom_id: index for index, dom_id in enumerate(ids)}
    for dom_id, row in zip(more_ids, more_rows, strict=True):
        index = where.get(dom_id)
        if index is None:
            where[dom_id] = len(ids)
            ids.append(dom_id)
            rows.append(row)
        else:
            rows[index] = row
    return ids, rows
