"""Snapshots of loop items, compared by value and type, so a row is reused only when its
item would render the same.

A snapshot is a deep copy of the item's plain data (dicts, lists, tuples, sets, objects'
attributes) that shares what cannot change (strings, numbers, ``Markup``, tuples of those,
frozen dataclasses of those…). :func:`same` compares a snapshot with a live value strictly:
``1`` is not ``True``, ``2`` is not ``2.0``, a ``str`` is not the same text as ``Markup``,
and a dict whose keys came in another order is different, since each renders differently.
A value that cannot be copied or compared this way is :data:`UNCOMPARABLE`: its row is
rendered again every time.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import fractions
import uuid
from itertools import chain, compress, count, repeat
from operator import is_
from typing import Any

from markupsafe import Markup

UNCOMPARABLE: Any = object()
# Values that never change once made, compared with == once their types match.
_ATOMS = frozenset(
    {
        str,
        Markup,
        int,
        float,
        complex,
        bool,
        type(None),
        bytes,
        range,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        decimal.Decimal,
        fractions.Fraction,
        uuid.UUID,
    }
)
_BUILTIN_VALUES = (
    dict, list, set, frozenset, str, bytes, bytearray, int, float, complex,
    datetime.date, datetime.time, datetime.timedelta, decimal.Decimal, fractions.Fraction,
    uuid.UUID,
)  # fmt: skip
#: Atoms whose equal values of one type always print the same.
PLAIN = frozenset({str, Markup, int, bool, type(None), bytes})
_MAX_DEPTH = 40


def snapshot(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` that later changes to it do not reach (``value`` itself when it
    cannot change), or :data:`UNCOMPARABLE`."""
    kind = type(value)
    if kind in _ATOMS or isinstance(value, enum.Enum):
        return value
    if depth > _MAX_DEPTH:
        return UNCOMPARABLE
    depth += 1
    if kind is dict:
        if PLAIN.issuperset(map(type, value.values())):
            return dict(value)  # the usual row: strings and numbers, copied in C
        return {key: snapshot(item, depth) for key, item in value.items()}
    if kind is list:
        return [snapshot(item, depth) for item in value]
    if isinstance(value, tuple):
        if kind.__dictoffset__:
            # A tuple subclass without __slots__: attributes set on it are not in its items.
            return UNCOMPARABLE
        if _ATOMS.issuperset(map(type, value)):
            return value  # the usual row: strings and numbers, immutable
        items = [snapshot(item, depth) for item in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value  # immutable all the way down: share it
        return _Copied(kind, tuple(items))
    if kind is set or kind is frozenset:
        return kind(value)  # members are hashable, hence compared as values
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # not the class itself
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        copied = {name: snapshot(item, depth) for name, item in fields.items()}
        frozen = getattr(kind, "__dataclass_params__").frozen  # noqa: B009
        if frozen and all(copied[name] is fields[name] for name in fields):
            return value
        return _Copied(kind, copied)
    if isinstance(value, _BUILTIN_VALUES):
        # A subclass of a built-in value (OrderedDict, Counter, a str of the user's, another
        # library's datetime or Decimal): its value is not in its __dict__, so it cannot be
        # copied by its attributes.
        return UNCOMPARABLE
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict) and not callable(value):
        return _Copied(kind, snapshot(attributes, depth))
    return UNCOMPARABLE


class _Copied:
    """The copied contents of a tuple, dataclass or object, with its type."""

    __slots__ = ("data", "kind")

    def __init__(self, kind: type, data: Any) -> None:
        self.kind = kind
        self.data = data


def same(snap: Any, value: Any, depth: int = 0) -> bool:
    """Whether ``value`` would render as the value ``snap`` was taken of."""
    if type(value) is dict and type(snap) is dict:  # the common row: first, and fast
        if not _equal(snap, value) or list(map(type, snap)) != list(map(type, value)):
            return False
        return list(snap) == list(value) and _same_items(snap.values(), value.values(), depth)
    if snap is value:
        # Every snap comes from snapshot(), which returns the value itself only when it cannot
        # change (atoms, enums, tuples and frozen dataclasses immutable all the way down):
        # that verdict holds for good, so the same object needs no second walk.
        return snap is not UNCOMPARABLE
    if snap is UNCOMPARABLE or depth > _MAX_DEPTH:
        return False
    depth += 1
    kind = type(value)
    if isinstance(snap, _Copied):
        if snap.kind is not kind:
            return False
        if isinstance(value, tuple):
            return len(value) == len(snap.data) and _same_items(
                snap.data, value, depth, equal=False
            )
        if dataclasses.is_dataclass(value):
            names = [f.name for f in dataclasses.fields(value)]
            return list(snap.data) == names and all(
                same(snap.data[name], getattr(value, name), depth) for name in names
            )
        attributes = getattr(value, "__dict__", None)
        return isinstance(attributes, dict) and same(snap.data, attributes, depth)
    if type(snap) is not kind:
        return False
    if kind in PLAIN:
        return bool(snap == value)
    if isinstance(value, enum.Enum):
        return snap is value
    if kind in _ATOMS:
        # Equal values may still print differently: 0.0 and -0.0, Decimal 1.0 and 1.00,
        # one instant in two time zones.
        return _equal(snap, value) and repr(snap) == repr(value)
    if kind is dict:
        # == in C first: most rows are unchanged dicts of strings and numbers.
        if not _equal(snap, value) or list(map(type, snap)) != list(map(type, value)):
            return False
        if list(snap) != list(value):
            return False  # same items in another order print differently
        return _same_items(snap.values(), value.values(), depth)
    if kind is list or kind is tuple:  # a tuple here is one snapshot() shared (immutable)
        return _equal(snap, value) and _same_items(snap, value, depth)
    if kind is set or kind is frozenset:
        return len(snap) == len(value) and all(_member(item, value) for item in snap)
    return False


#: Shapes seen so far: one object per distinct shape, so equal shapes compare by identity.
_SHAPES: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_MAX_SHAPES = 4096


def dict_shapes(values: list[Any]) -> list[Any] | None:
    """Each row's shape when every row is a dict: its type, its keys in order and the types
    of its keys and values, one shared object per distinct shape, or None for a row whose
    values are not all plain; None when a row is not a dict.

    Two rows of the same shape object are :func:`same` exactly when they compare equal
    with ``==``, which for a list of rows runs in C (step 3 of ``_scan.Scan``).
    """
    try:
        key_types = map(tuple, map(map, repeat(type), values))
        value_types = map(tuple, map(map, repeat(type), map(dict.values, values)))
        shapes = list(
            zip(map(type, values), map(tuple, values), key_types, value_types, strict=True)
        )
    except TypeError:  # a row that is not a dict
        return None
    known: list[Any] = list(map(_SHAPES.get, shapes))
    for index in compress(count(), map(is_, known, repeat(None))):
        shape = shapes[index]
        if shape[0] is dict and PLAIN.issuperset(shape[2]) and PLAIN.issuperset(shape[3]):
            if len(_SHAPES) >= _MAX_SHAPES:
                _SHAPES.clear()  # many distinct shapes: start over rather than grow
            known[index] = _SHAPES.setdefault(shape, shape)
    return known


def snapshot_rows(values: list[Any]) -> list[Any]:
    """:func:`snapshot` of each value; when every value is a dict of plain values, or a tuple
    of atoms (the usual tables), in one pass in C."""
    kinds = set(map(type, values))
    if kinds == {dict} and PLAIN.issuperset(
        map(type, chain.from_iterable(map(dict.values, values)))
    ):
        return list(map(dict, values))
    if all(
        issubclass(kind, tuple) and not kind.__dictoffset__ for kind in kinds
    ) and _ATOMS.issuperset(map(type, chain.from_iterable(values))):
        return list(values)  # immutable all the way down: shared, as snapshot() would
    return list(map(snapshot, values))


def _same_items(snaps: Any, values: Any, depth: int, *, equal: bool = True) -> bool:
    """Item by item; ``equal``: the containers already compared equal with ``==``, so
    items whose type prints equal values the same need no second look."""
    kinds = list(map(type, snaps))
    if kinds != list(map(type, values)):
        return False
    if equal and PLAIN.issuperset(kinds):
        return True
    return all(
        (equal and kind in PLAIN) or same(a, b, depth)
        for kind, a, b in zip(kinds, snaps, values, strict=True)
    )


def _member(item: Any, values: Any) -> bool:
    return any(type(other) is type(item) and _equal(other, item) for other in values)


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # values whose == is not a bool: render the row again
        return False
