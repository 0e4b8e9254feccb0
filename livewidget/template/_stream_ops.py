"""How a stream instruction changes the rows a page shows: one rule for the kernel and clients.

The kernel's record of a stream (``_streams.py``) and the Python client (``_tree.py``) apply
it with :func:`apply_ops`; ``js/src/streams.js`` is its JavaScript twin. The rule is Phoenix
LiveView's DOM patch for ``phx-update="stream"`` containers, on a list of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

#: The wire key of a stream instruction, beside ``"k"`` in a comprehension (Phoenix's name).
STREAM = "stream"

R = TypeVar("R")


def apply_ops(
    ids: list[str],
    rows: list[R],
    reset: bool,
    deletes: Iterable[str],
    inserts: Iterable[tuple[str, int, int | None, bool, R]],
) -> None:
    """Apply one stream instruction to ``ids`` and ``rows`` (in place), as the page does."""
    if reset:
        ids.clear()
        rows.clear()
    gone = set(deletes)
    if gone and not gone.isdisjoint(ids):
        kept = [index for index, dom_id in enumerate(ids) if dom_id not in gone]
        ids[:] = [ids[index] for index in kept]
        rows[:] = [rows[index] for index in kept]
    present = set(ids)
    for dom_id, at, limit, update_only, row in inserts:
        if dom_id in present:  # shown already: updated where it is
            rows[ids.index(dom_id)] = row
            continue
        if update_only:
            continue
        if at < 0 or at >= len(ids):
            ids.append(dom_id)
            rows.append(row)
        else:
            ids.insert(at, dom_id)
            rows.insert(at, row)
        present.add(dom_id)
        if limit is None:
            continue
        if limit < 0 and len(ids) > -limit:
            cut = slice(0, len(ids) + limit)
        elif limit >= 0 and len(ids) > limit:
            cut = slice(limit, len(ids))
        else:
            continue
        present.difference_update(ids[cut])
        del ids[cut]
        del rows[cut]
