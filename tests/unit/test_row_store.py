"""The kernel's record of a stream (``template/_row_store.py``): appends that keep the last rows.

A feed (``socket.stream(name, items, limit=-n)``) appends and prunes its oldest rows at each
batch. The record prunes its packed text from the start instead of unpacking every kept row,
when it can; these tests hold it to the page's rule (``apply_ops``, the reference the other
stream tests use) and pin that the usual feed takes that way.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livewidget._streams import Streams
from livewidget.template import CompiledTemplate, environment
from livewidget.template._row_store import RowStore, encode_rows
from livewidget.template._stream_ops import apply_ops

KINDS = {
    "text": lambda n: [f"row {n}", f"<b>{n}</b>"],
    "text, 3 wide": lambda n: [f"row {n}", "", f"{n}"],
    "NUL inside": lambda n: [f"nul\x00{n}", "x"],
    "cid": lambda n: [n, f"cid row {n}"],
}

batches = st.lists(
    st.tuples(
        st.lists(st.integers(0, 40), max_size=9),  # the batch's ids: repeats, kept ones
        st.integers(1, 14),  # the limit's size
        st.sampled_from(sorted(KINDS)),
        st.integers(0, 999),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(batches)
def test_appends_keeping_the_last_rows_leave_what_the_page_shows(
    sequence: list[tuple[list[int], int, str, int]],
) -> None:
    """Each batch appends its rows with the limit ``-keep``: the record then reads back as the
    page's rows. It prunes its text when every new id is new and the rows are text; any other
    batch (an id kept or repeated, rows packed as JSON) is refused and applied unpacked."""
    store = RowStore()
    page_ids: list[str] = []
    page_rows: list[Any] = []
    for numbers, keep, kind, salt in sequence:
        ids = [f"m-{n}" for n in numbers]
        rows = [KINDS[kind](n + salt) for n in numbers]
        steps = [(dom_id, -1, -keep, False, row) for dom_id, row in zip(ids, rows, strict=True)]
        apply_ops(page_ids, page_rows, False, (), steps)
        fast = store.appended_keeping_last(ids, *encode_rows(rows), keep) if ids else None
        new = set(ids).isdisjoint(store.unpack()[0]) and len(set(ids)) == len(ids)
        kept_as_text = not store.logged or store.compacted().chunks[0].width
        if ids and new and encode_rows(rows)[1] and kept_as_text:
            same_width = not store.logged or store.compacted().chunks[0].width == len(rows[0])
            assert (fast is not None) == same_width
        if fast is None:
            wire = [[dom_id, -1, -keep, False] for dom_id in ids]
            store = store.applied(False, (), wire, rows)
        else:
            assert len(fast.chunks) == 1 and fast.logged == fast.merged == len(page_ids)
            store = fast
        assert store.unpack() == (page_ids, page_rows)


@pytest.mark.parametrize("size", [200, 2000])
def test_a_feed_keeping_its_last_rows_never_unpacks_them(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The latency bench's feed: batches of 100 under ``limit=-size``. No batch unpacks the
    kept rows (the record is pruned as text), and it holds the last ``size`` rows."""

    class Item:
        def __init__(self, n: int) -> None:
            self.id, self.text = n, f"message number {n}"

    unpacked: list[int] = []
    real = RowStore.unpack

    def counted(self: RowStore) -> tuple[list[str], list[Any]]:
        unpacked.append(self.logged)
        return real(self)

    monkeypatch.setattr(RowStore, "unpack", counted)
    compiled = CompiledTemplate(
        environment(),
        '<ul phx-update="stream">{% for dom_id, m in streams.msgs %}'
        '<li id="{{ dom_id }}">{{ m.text }}</li>{% endfor %}</ul>',
    )
    streams = Streams()
    streams.stream("msgs", [])
    tree = compiled.render({"streams": streams.namespace})
    streams.rendered()
    for batch in range(30):
        items = [Item(batch * 100 + i) for i in range(100)]
        streams.stream("msgs", items, limit=-size)
        tree = compiled.render({"streams": streams.namespace}, changed={"streams"}, previous=tree)
        streams.rendered()
    assert unpacked == []
    store = tree.dynamics[0].store
    assert store.logged == size and len(store.chunks) == 1 and store.chunks[0].width == 2
    ids, rows = real(store)
    assert ids[0] == f"msgs-{3000 - size}" and ids[-1] == "msgs-2999"
    assert rows[-1] == ["msgs-2999", "message number 2999"]
