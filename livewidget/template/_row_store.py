"""What the kernel keeps of a stream: the rows the page shows, packed, and nothing else.

A :class:`RowStore` holds the DOM ids joined by newlines (an HTML id holds no whitespace) and
each row's wire JSON joined the same way (JSON escapes newlines), so a row costs its bytes
and a separator, not a Python object. A store is never changed: each render that changes the
stream makes a new one, so a render that is rolled back leaves the old store as it was.

The common change, rows appended at the end, must not cost one object per row shown: a
Bloom filter of the ids (16 bits per row, in one ``bytes``) says which new ids may be shown
already, and only those are looked for in the packed ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._stream_ops import apply_ops

#: An insert on the wire: DOM id, position, limit, update only.
WireInsert = tuple[str, int, int | None, bool]

_SEP = "\n"
#: Bits of the filter per row, and how many bits each id sets.
_BITS_PER_ROW, _PROBES = 16, 4


@dataclass(frozen=True, slots=True)
class _Filter:
    """A Bloom filter of DOM ids: ``may_hold`` is never wrong when it says no."""

    bits: bytes
    capacity: int  # how many ids it was sized for

    @staticmethod
    def of(ids: list[str], capacity: int) -> _Filter:
        bits = bytearray(max(capacity * _BITS_PER_ROW // 8, 8))
        for dom_id in ids:
            for bit in _probes(dom_id, len(bits) * 8):
                bits[bit >> 3] |= 1 << (bit & 7)
        return _Filter(bytes(bits), capacity)

    def with_ids(self, ids: list[str]) -> _Filter:
        bits = bytearray(self.bits)
        for dom_id in ids:
            for bit in _probes(dom_id, len(bits) * 8):
                bits[bit >> 3] |= 1 << (bit & 7)
        return _Filter(bytes(bits), self.capacity)

    def may_hold(self, dom_id: str) -> bool:
        size = len(self.bits) * 8
        return all(self.bits[bit >> 3] & (1 << (bit & 7)) for bit in _probes(dom_id, size))


def _probes(dom_id: str, size: int) -> list[int]:
    value = hash(dom_id) & 0xFFFFFFFFFFFFFFFF
    first, step = value & 0xFFFFFFFF, (value >> 32) | 1
    return [(first + i * step) % size for i in range(_PROBES)]


_EMPTY = _Filter(bytes(8), 0)


@dataclass(frozen=True, slots=True)
class RowStore:
    """A stream's rows as the page shows them: DOM ids and each row's wire JSON, packed."""

    ids: str = ""
    rows: str = ""
    count: int = 0
    filter: _Filter = _EMPTY

    def unpack(self) -> tuple[list[str], list[str]]:
        """The ids and rows as lists (one object each: for changes other than appends)."""
        if not self.count:
            return [], []
        return self.ids.split(_SEP), self.rows.split(_SEP)

    @staticmethod
    def pack(ids: list[str], rows: list[str]) -> RowStore:
        return RowStore(_SEP.join(ids), _SEP.join(rows), len(ids), _Filter.of(ids, 2 * len(ids)))

    def applied(
        self, reset: bool, deletes: list[str], inserts: tuple[WireInsert, ...], rows: list[str]
    ) -> RowStore:
        """The store after one instruction whose inserts bring ``rows`` (their wire JSON)."""
        new_ids = [insert[0] for insert in inserts]
        appending = not reset and not deletes and all(i[1] == -1 and i[2] is None for i in inserts)
        if appending and self.count and self.count + len(rows) <= self.filter.capacity:
            maybe = [dom_id for dom_id in new_ids if self.filter.may_hold(dom_id)]
            padded = f"{_SEP}{self.ids}{_SEP}" if maybe else ""
            if not any(f"{_SEP}{dom_id}{_SEP}" in padded for dom_id in maybe):
                return RowStore(
                    f"{self.ids}{_SEP}{_SEP.join(new_ids)}",
                    f"{self.rows}{_SEP}{_SEP.join(rows)}",
                    self.count + len(rows),
                    self.filter.with_ids(new_ids),
                )
        ids, packed = self.unpack()
        steps = [(*insert, row) for insert, row in zip(inserts, rows, strict=True)]
        apply_ops(ids, packed, reset, deletes, steps)
        return RowStore.pack(ids, packed)
