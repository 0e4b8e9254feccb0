"""A view's streams, as its socket sees them: their configuration and the changes not rendered.

``socket.stream("msgs", items)`` and friends land here. Each stream has a ref (its number, as
Phoenix's streams do), a ``dom_id`` function, and the operations queued since the last render.
The template reads them through ``streams.msgs`` (see :mod:`livewidget.template._streams`);
once a render is committed, :meth:`Streams.rendered` drops them, so the kernel holds no item
after it was sent. What the page shows is kept as rendered rows by the tree, not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from itertools import repeat
from operator import attrgetter
from typing import Any

from .template._streams import StreamNamespace, StreamOps

DomId = Callable[[Any], str]
_SPACE = re.compile(r"\s")

__all__ = ["DomId", "Streams", "default_dom_id"]


def default_dom_id(name: str) -> DomId:
    """Phoenix's default: ``f"{name}-{item.id}"`` (``item["id"]`` for a mapping)."""

    def dom_id(item: Any) -> str:
        key = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
        if key is None:
            raise ValueError(
                f"stream {name!r}: an item has no id ({item!r:.100}); give items an `id` "
                f"attribute or key, or say how to name their rows: "
                f"socket.stream_configure({name!r}, dom_id=lambda item: ...)"
            )
        return f"{name}-{key}"

    return dom_id


class Streams:
    """The streams of one socket.

    >>> streams = Streams()
    >>> streams.stream("msgs", [{"id": 1, "text": "hi"}])
    >>> [dom_id for dom_id, _ in streams.namespace.msgs.rows()]
    ['msgs-1']
    >>> streams.rendered()
    >>> streams.namespace.msgs.rows()
    []
    """

    def __init__(self) -> None:
        self._ops: dict[str, StreamOps] = {}
        self._dom_ids: dict[str, DomId] = {}
        #: What templates read as ``streams``.
        self.namespace = StreamNamespace(lambda: self._ops)

    def configure(self, name: str, *, dom_id: DomId | None = None) -> None:
        """Set how the rows of stream ``name`` are named (before its first items)."""
        _check_name(name)
        if dom_id is not None and not callable(dom_id):
            raise TypeError(
                f"stream_configure({name!r}, dom_id=...) takes a function of an item returning "
                f"its row's DOM id, got {type(dom_id).__name__}"
            )
        if dom_id is not None:
            self._dom_ids[name] = dom_id
        self._stream(name)

    def stream(
        self,
        name: str,
        items: Iterable[Any],
        *,
        at: int = -1,
        reset: bool = False,
        limit: int | None = None,
    ) -> None:
        """Insert ``items`` in order (after dropping every row, with ``reset``)."""
        if isinstance(items, (str, bytes, Mapping)):
            raise TypeError(
                f"socket.stream({name!r}, items) takes an iterable of items, got a "
                f"{type(items).__name__}; for one item use socket.stream_insert({name!r}, item)"
            )
        _check_position(name, at, limit)
        ops = self._stream(name)
        if reset:
            ops.reset = True
            ops.clear()
        items = list(items)
        ops.add(self._dom_ids_of(name, items), items, at, limit)

    def insert(self, name: str, item: Any, *, at: int = -1, limit: int | None = None) -> None:
        """Insert ``item`` at ``at`` (-1: last, 0: first), or update its row in place."""
        _check_position(name, at, limit)
        self._stream(name).add([self.dom_id(name, item)], [item], at, limit)

    def delete(self, name: str, item: Any) -> None:
        """Remove the row of ``item``."""
        self.delete_by_dom_id(name, self.dom_id(name, item))

    def delete_by_dom_id(self, name: str, dom_id: str) -> None:
        """Remove the row whose DOM id is ``dom_id``."""
        self._stream(name).delete(_check_dom_id(name, dom_id))

    def dom_id(self, name: str, item: Any) -> str:
        """The DOM id of ``item``'s row in stream ``name``."""
        function = self._dom_ids.get(name) or default_dom_id(name)
        return _check_dom_id(name, function(item))

    def _dom_ids_of(self, name: str, items: list[Any]) -> list[str]:
        """The DOM ids of ``items``, as :meth:`dom_id` names them, in a few passes over the
        list rather than a few calls per item (a batch of a thousand rows is common)."""
        function = self._dom_ids.get(name)
        if function is None:
            ids, checked = _default_ids(name, items)
            if checked:
                return ids
        else:
            ids = list(map(function, items))
        try:
            joined = "".join(ids)  # refuses anything but strings
        except TypeError:
            joined = " "
        if _SPACE.search(joined) is None and all(ids):
            return ids
        return [self.dom_id(name, item) for item in items]  # names the culprit

    def rendered(self) -> None:
        """A render was committed: forget the items it took (the rows are in the tree)."""
        for name, ops in self._ops.items():
            if ops.changed:
                self._ops[name] = StreamOps(ops.ref)

    def snapshot(self) -> dict[str, StreamOps]:
        """The pending operations, to put back with :meth:`restore` if a handler fails."""
        return {name: ops.copy() for name, ops in self._ops.items()}

    def restore(self, snapshot: dict[str, StreamOps]) -> None:
        self._ops = {name: ops.copy() for name, ops in snapshot.items()}

    @property
    def names(self) -> list[str]:
        """The streams made so far."""
        return list(self._ops)

    def _stream(self, name: str) -> StreamOps:
        ops = self._ops.get(name)
        if ops is None:
            _check_name(name)
            ops = self._ops[name] = StreamOps(str(len(self._ops)))
        return ops


_ID = attrgetter("id")


def _default_ids(name: str, items: list[Any]) -> tuple[list[str], bool]:
    """``default_dom_id(name)`` of each item, and whether they are known to be valid ids
    (keys that are ints cannot put whitespace in one). Items of a mapping type other than
    ``dict``, or without an id, go through it one by one (which names the item without an
    id)."""
    item_kinds = set(map(type, items))
    keys: list[Any] = [None]  # one by one, unless a pass below reads every id
    if item_kinds == {dict}:  # the usual batch: its ids read in C, as default_dom_id does
        keys = list(map(dict.get, items, repeat("id")))
    elif not any(issubclass(kind, Mapping) for kind in item_kinds):
        with suppress(AttributeError):
            keys = list(map(_ID, items))
    kinds = set(map(type, keys))
    if type(None) not in kinds:
        # Exactly int (a bool is one, and an IntEnum prints its own way): "-" and digits.
        return [f"{name}-{key}" for key in keys], kinds <= {int}
    return list(map(default_dom_id(name), items)), False


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise ValueError(
            f"a stream name must be an identifier not starting with '_' (the template reads "
            f"it as streams.<name>), got {name!r:.80}"
        )


def _check_position(name: str, at: int, limit: int | None) -> None:
    if not isinstance(at, int) or isinstance(at, bool) or at < -1:
        raise ValueError(
            f"stream {name!r}: at must be -1 (append), 0 (prepend) or a row index, got {at!r:.40}"
        )
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
        raise TypeError(
            f"stream {name!r}: limit must be an int (negative keeps the last rows, positive "
            f"the first) or None, got {limit!r:.40}"
        )


def _check_dom_id(name: str, dom_id: Any) -> str:
    if not isinstance(dom_id, str) or not dom_id or _SPACE.search(dom_id):
        raise ValueError(
            f"stream {name!r}: a row's DOM id must be a non-empty string without whitespace "
            f"(an HTML id), got {dom_id!r:.80}; check the dom_id given to stream_configure"
        )
    return dom_id
