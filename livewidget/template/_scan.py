"""How many rows at either end of a loop's list are the same as the previous render's.

A lean loop (see :mod:`._loops`) renders again only the rows between the unchanged ends of
its list, so finding those ends is the one pass that touches every row. It runs in C-speed
passes, cheapest first:

1. **Identity.** Immutable items (tuples, named tuples, frozen dataclasses) are shared with
   their snapshot, so an unchanged row *is* its snapshot.
2. **Dict rows of one width.** When every row of both lists is an exact dict with the same
   number of keys:

   a. **Laid end to end** (:class:`Flat`). When every key and value is of a type whose
      equal values print the same (``str``, ``int``, ``bool``, ``None``, ``bytes``,
      ``Markup``: :data:`~._snapshot.PLAIN`), the keys, the values and the types of both,
      of all rows in order, are four flat lists (the keys and types kept as one row's
      pattern when all rows share them). Rows are the same exactly when their
      stretches of all four lists compare equal, which ``list.__eq__`` finds in C (it
      takes the same object as equal without asking it, so unchanged rows cost a pointer
      comparison per key and value). The stretch holding the first difference is found by
      galloping, then halving. The new rows' lists are kept for the next render: they
      are as good as its snapshots, since such values never change.
   b. **The same objects.** Otherwise (a float, a date, a nested list…) a dict's snapshot is
      a copy sharing the dict's keys and immutable values (see
      :func:`~._snapshot.snapshot`), so a dict row holding its snapshot's very key and
      value objects, in the same order, is unchanged: all keys and all values are compared
      as two flat streams by identity, with no object made per row.
3. **Shape and value.** Dict rows rebuilt with equal values (new objects) that step 2b
   cannot settle are compared by shape and ``==`` (see :func:`~._snapshot.dict_shapes`);
   any other row with :func:`~._snapshot.same`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain, compress, count, islice, repeat
from operator import and_, eq, is_, is_not, not_
from typing import Any, Protocol

from ._snapshot import PLAIN, dict_shapes, same

#: Rows that hold new objects yet compare the same, checked one at a time in step 2 before
#: the scan moves on to step 3 (rows rebuilt with equal values: step 3 is then cheaper).
_LOOSE_ROWS = 8
#: ``width`` of rows not all dicts of one number of keys.
NOT_DICTS = -1


class Flat:
    """The keys and values of dict rows of one width laid end to end, with their types
    (step 2a of the module's docstring); :data:`NO_FLAT` for rows that cannot be.

    When every row has the same keys with the same types, and its values the same types
    column by column (the usual table), only the values are kept as a list: the keys and
    types are kept as one row's ``pattern``. The lists are kept from render to render, and
    each reference in them is one more for the garbage collector to visit while it is
    young (a table of 1,000 rows of 5 keys: 5,000 kept instead of 20,000).
    """

    __slots__ = ("_key_types", "_keys", "_value_types", "count", "pattern", "values", "width")

    def __init__(self, rows: list[dict[Any, Any]], width: int) -> None:
        self.width = width
        self.count = count_ = len(rows)
        self.values = list(chain.from_iterable(map(dict.values, rows)))
        keys = list(chain.from_iterable(rows))
        key_types = list(map(type, keys))
        value_types = list(map(type, self.values))
        #: One row's keys, key types and value types, when every row's are the same.
        self.pattern: tuple[tuple[Any, ...], tuple[type, ...], tuple[type, ...]] | None = None
        self._keys: list[Any] | None = keys
        self._key_types: list[type] | None = key_types
        self._value_types: list[type] | None = value_types
        if (
            count_
            and key_types == key_types[:width] * count_
            and value_types == value_types[:width] * count_
            and keys == keys[:width] * count_
        ):
            self.pattern = (
                tuple(keys[:width]),
                tuple(key_types[:width]),
                tuple(value_types[:width]),
            )
            self._keys = self._key_types = self._value_types = None

    def laid_out(self) -> tuple[list[Any], list[Any], list[type], list[type]]:
        """The keys, values, key types and value types of every row, end to end."""
        if self.pattern is None:
            assert self._keys is not None and self._key_types is not None
            assert self._value_types is not None
            return self._keys, self.values, self._key_types, self._value_types
        keys, key_types, value_types = self.pattern
        rows = self.count
        return list(keys) * rows, self.values, list(key_types) * rows, list(value_types) * rows

    def plain(self, start: int = 0, stop: int | None = None) -> bool:
        """Whether every key and value of rows ``start`` to ``stop`` is of a plain type."""
        if self.pattern is not None:
            if start >= (self.count if stop is None else stop):
                return True
            return PLAIN.issuperset(self.pattern[1]) and PLAIN.issuperset(self.pattern[2])
        _, _, key_types, value_types = self.laid_out()
        begin, end = start * self.width, None if stop is None else stop * self.width
        return PLAIN.issuperset(key_types[begin:end]) and PLAIN.issuperset(value_types[begin:end])

    def same(self, other: Flat, mine: int, theirs: int, rows: int, *, values: bool = False) -> bool:
        """Whether ``rows`` rows from row ``mine`` of these equal those from row ``theirs``
        of ``other``: keys, values and their types (types first, so values are compared
        only when they match), or the values alone when ``values``."""
        width = self.width
        a, b = mine * width, theirs * width
        end_a, end_b = a + rows * width, b + rows * width
        if not values and rows > 0 and not self._same_keys_and_types(other, a, b, end_a, end_b):
            return False
        return self.values[a:end_a] == other.values[b:end_b]

    def _same_keys_and_types(self, other: Flat, a: int, b: int, end_a: int, end_b: int) -> bool:
        """Whether the keys and both types of the (non-empty) stretches ``a:end_a`` of these
        and ``b:end_b`` of ``other`` compare equal."""
        if self.pattern is not None and other.pattern is not None:
            return self.pattern == other.pattern  # else every row differs from every other
        keys_a, _, key_types_a, value_types_a = self.laid_out()
        keys_b, _, key_types_b, value_types_b = other.laid_out()
        return (
            value_types_a[a:end_a] == value_types_b[b:end_b]
            and key_types_a[a:end_a] == key_types_b[b:end_b]
            and keys_a[a:end_a] == keys_b[b:end_b]
        )


#: Rows that step 2a cannot lay end to end (a value of another type than the plain ones),
#: and the rows of later renders, which step 2b then compares (a table with a float column
#: is not laid end to end again at every render to find it out).
NO_FLAT = Flat([], 0)


class Previous(Protocol):
    """What the scan reads and caches on the previous render's comprehension."""

    shapes: list[Any] | None
    width: int | None
    flat: Flat | None


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
        #: The new rows laid end to end, when step 2a compared them.
        self.new_flat: Flat | None = None
        #: Whether every pass so far was settled by step 2a.
        self._all_flat = True
        self._shaped = False

    def common(self, limit: int, *, backwards: bool) -> int:
        """How many items at the start (or end) are the same as their snapshots, up to
        ``limit``."""
        snaps: Iterable[Any] = reversed(self.snaps) if backwards else self.snaps
        items: Iterable[Any] = reversed(self.items) if backwards else self.items
        if limit < min(len(self.snaps), len(self.items)):
            snaps = islice(snaps, limit)  # one side bounds the pairs (islice costs per row)
        found = next(compress(count(), map(is_not, snaps, items)), limit)  # limit <= lengths
        if found == limit:
            return limit
        found, settled = self._same_dicts(found, limit, backwards)
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

    def _same_dicts(self, found: int, limit: int, backwards: bool) -> tuple[int, bool]:
        """Step 2: from ``found``, how far rows are dicts of one width found the same laid
        end to end (2a) or by their objects (2b), and whether that settles it (else step 3
        goes on from there)."""
        _, item = self._index(found, backwards)
        width = self._width() if type(self.items[item]) is dict else NOT_DICTS
        if width != NOT_DICTS:
            try:
                flats = self._flats(width)
                if flats is not None:
                    return self._same_flat(found, limit, backwards, *flats), True
            except Exception:  # a type whose hash or == raises (a metaclass's): 2b copes
                self.new_flat = None
        self._all_flat = False
        if width == NOT_DICTS:
            return found, False
        return self._same_objects(found, limit, backwards, width)

    def _same_objects(
        self, found: int, limit: int, backwards: bool, width: int
    ) -> tuple[int, bool]:
        """Step 2b: from ``found``, how far rows hold their snapshots' own keys and values,
        and whether that settles it."""
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

    def _flats(self, width: int) -> tuple[Flat, Flat] | None:
        """The previous and new rows laid end to end (step 2a), or None when they cannot be."""
        old = self.old.flat
        if old is None:
            old = Flat(self.snaps, width)
            old = self.old.flat = old if old.plain() else NO_FLAT
        if old.width != width:
            return None
        if self.new_flat is None:
            self.new_flat = Flat(self.items, width)
        return old, self.new_flat

    def _same_flat(self, found: int, limit: int, backwards: bool, old: Flat, new: Flat) -> int:
        """Step 2a: from ``found``, how far rows are the same, laid end to end.

        The values alone are searched first (a changed row almost always changed one); the
        stretch they find equal is then checked whole, and searched whole if it differs.
        """
        n_old, n_new = len(self.snaps), len(self.items)

        def same(start: int, stop: int, values: bool) -> bool:  # rows start to stop
            if backwards:
                return old.same(new, n_old - stop, n_new - stop, stop - start, values=values)
            return old.same(new, start, start, stop - start, values=values)

        end = _search(same, found, limit, values=True)
        if end == found or same(found, end, values=False):
            return end
        return _search(same, found, end, values=False)

    def flat_for_next(self, head: int, tail: int) -> Flat | None:
        """The new rows laid end to end, for the next render's scan (given the ends found
        unchanged), :data:`NO_FLAT` when they cannot be, None when not known."""
        new = self.new_flat
        if new is None:
            return NO_FLAT if self.old.flat is NO_FLAT else None
        if not self._all_flat:
            return new if new.plain() else NO_FLAT
        # The unchanged ends are of the previous rows' (plain) types: look at the middle.
        return new if new.plain(head, len(self.items) - tail) else NO_FLAT

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


def _search(same: Callable[[int, int, bool], bool], found: int, limit: int, *, values: bool) -> int:
    """How far from ``found`` (up to ``limit``) rows are ``same``: stretches of 1, 2, 4…
    rows until one differs, then that stretch halved until one row is left."""
    step = 1
    while found < limit:
        stop = min(found + step, limit)
        if not same(found, stop, values):
            break
        found, step = stop, step * 2
    else:
        return limit
    while stop - found > 1:
        middle = (found + stop) // 2
        if same(found, middle, values):
            found = middle
        else:
            stop = middle
    return found


def _ends(values: list[Any], backwards: bool, start: int, stop: int) -> Iterable[Any]:
    """``values[start:stop]``, or the same counted from the end, without a copy."""
    return islice(reversed(values) if backwards else iter(values), start, stop)


def _differs(snap: Any, item: Any) -> bool:
    return not same(snap, item)
