"""How many rows at either end of a loop's list are the same as the previous render's.

A lean loop (see :mod:`._loops`) renders again only the rows between the unchanged ends of
its list, so finding those ends is the one pass that touches every row. It runs in C-speed
passes, cheapest first:

1. **Identity.** Immutable items (tuples, named tuples, frozen dataclasses) are shared with
   their snapshot, so an unchanged row *is* its snapshot.
2. **The same keys and values.** A dict's snapshot is a copy that shares the dict's keys and
   immutable values (see :func:`~._snapshot.snapshot`), so a dict row holding its
   snapshot's very key and value objects, in the same order, is unchanged. When every row
   of both lists is a dict of one width, the keys and values of all rows are read as two
   flat streams and compared by identity, with no object made per row.
3. **Shape and value.** Dict rows of plain values that were rebuilt (equal, but new
   objects) are compared by shape and ``==`` (see :func:`~._snapshot.dict_shapes`); any
   other row with :func:`~._snapshot.same`.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain, compress, count, islice, repeat
from operator import and_, eq, is_, is_not, not_
from typing import Any, Protocol

from ._snapshot import dict_shapes, same

#: Rows that hold new objects yet compare the same, checked one at a time in step 2 before
#: the scan moves on to step 3 (rows rebuilt with equal values: step 3 is then cheaper).
_LOOSE_ROWS = 8
#: ``width`` of rows not all dicts of one number of keys.
NOT_DICTS = -1


class Previous(Protocol):
    """What the scan reads and caches on the previous render's comprehension."""

    shapes: list[Any] | None
    width: int | None


def dict_width(rows: list[Any]) -> int:
    """The number of keys of every row when all are exact dicts of one (non-zero) width,
    else :data:`NOT_DICTS`."""
    if not rows or set(map(type, rows)) != {dict}:
        return NOT_DICTS
    widths = set(map(len, rows))
    width = widths.pop()
    return width if width and not widths else NOT_DICTS


class Scan:
    """Finds how many rows at either end are the same as the previous render's (see the
    module's docstring for how)."""

    def __init__(self, snaps: list[Any], items: list[Any], old: Previous) -> None:
        self.snaps = snaps
        self.items = items
        self.old = old
        self.old_shapes: list[Any] | None = None
        #: Each new row's shape, when step 3 needed them (kept for the next render).
        self.new_shapes: list[Any] | None = None
        #: :func:`dict_width` of the new rows, once step 2 needed it.
        self.new_width: int | None = None
        self._shaped = False

    def common(self, limit: int, *, backwards: bool) -> int:
        """How many items at the start (or end) are the same as their snapshots, up to
        ``limit``."""
        found = next(compress(count(), map(is_not, *self._pairs(backwards, 0, limit))), limit)
        if found == limit:
            return limit
        found, settled = self._same_objects(found, limit, backwards)
        return found if settled else self._same_values(found, limit, backwards)

    def _pairs(self, backwards: bool, start: int, stop: int) -> tuple[Iterable[Any], ...]:
        """The snapshots and items from ``start`` to ``stop``, counted from the end when
        ``backwards``."""
        return _ends(self.snaps, backwards, start, stop), _ends(self.items, backwards, start, stop)

    def _index(self, offset: int, backwards: bool) -> tuple[int, int]:
        """The snapshot's and the item's index of the ``offset``-th pair."""
        if backwards:
            return len(self.snaps) - 1 - offset, len(self.items) - 1 - offset
        return offset, offset

    def _width(self) -> int:
        if self.old.width is None:
            self.old.width = dict_width(self.snaps)
        if self.new_width is None:
            self.new_width = dict_width(self.items)
        return self.new_width if self.new_width == self.old.width else NOT_DICTS

    def _same_objects(self, found: int, limit: int, backwards: bool) -> tuple[int, bool]:
        """Step 2: from ``found``, how far rows are dicts holding their snapshots' own keys
        and values, and whether that settles it (else step 3 goes on from there)."""
        _, item = self._index(found, backwards)
        width = self._width() if type(self.items[item]) is dict else NOT_DICTS
        if width == NOT_DICTS:
            return found, False
        loose = 0
        while found < limit:
            old_rows, new_rows = self._pairs(backwards, found, limit)
            values = map(
                is_not,
                chain.from_iterable(map(dict.values, old_rows)),
                chain.from_iterable(map(dict.values, new_rows)),
            )
            span = (limit - found) * width
            stop = found + next(compress(count(), values), span) // width
            # The keys in order, up to and including the row whose values differ.
            old_rows, new_rows = self._pairs(backwards, found, min(stop + 1, limit))
            keys = map(is_not, chain.from_iterable(old_rows), chain.from_iterable(new_rows))
            stop = min(stop, found + next(compress(count(), keys), span) // width)
            if stop >= limit:
                break
            if loose == _LOOSE_ROWS:
                return stop, False  # rows rebuilt with equal values: step 3 is cheaper
            snap, item = self._index(stop, backwards)
            if not same(self.snaps[snap], self.items[item]):
                return stop, True
            loose += 1
            found = stop + 1
        return limit, True

    def _same_values(self, found: int, limit: int, backwards: bool) -> int:
        """Step 3: from ``found``, how far rows compare the same by shape and value."""
        old_shapes, new_shapes = self._shapes(found, backwards)
        if old_shapes is None or new_shapes is None:
            return self._same_rows(found, limit, backwards)
        equal = map(
            and_,
            map(
                and_,
                map(
                    is_,
                    _ends(old_shapes, backwards, found, limit),
                    _ends(new_shapes, backwards, found, limit),
                ),
                map(eq, *self._pairs(backwards, found, limit)),
            ),
            map(is_not, _ends(new_shapes, backwards, found, limit), repeat(None)),
        )
        try:
            for offset in compress(count(found), map(not_, equal)):
                snap, item = self._index(offset, backwards)
                if not same(self.snaps[snap], self.items[item]):
                    return offset
        except Exception:  # a value whose == raises (a numpy array): same() copes with it
            return self._same_rows(found, limit, backwards)
        return limit

    def _same_rows(self, found: int, limit: int, backwards: bool) -> int:
        """From ``found``, how far rows are :func:`same`, one at a time."""
        differs = map(_differs, *self._pairs(backwards, found, limit))
        return found + next(compress(count(), differs), limit - found)

    def _shapes(self, found: int, backwards: bool) -> tuple[list[Any] | None, list[Any] | None]:
        if not self._shaped:
            self._shaped = True
            _, item = self._index(found, backwards)
            if type(self.items[item]) is dict:
                self.new_shapes = dict_shapes(self.items)
                if self.new_shapes is not None:
                    if self.old.shapes is None:
                        self.old.shapes = dict_shapes(self.snaps)
                    self.old_shapes = self.old.shapes
        return self.old_shapes, self.new_shapes


def _ends(values: list[Any], backwards: bool, start: int, stop: int) -> Iterable[Any]:
    """``values[start:stop]``, or the same counted from the end, without a copy."""
    return islice(reversed(values) if backwards else iter(values), start, stop)


def _differs(snap: Any, item: Any) -> bool:
    return not same(snap, item)
