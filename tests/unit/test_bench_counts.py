"""The benchmarks' deterministic figures, pinned: pages checked, bytes, messages. Never times."""

from __future__ import annotations

import asyncio
import json

import comm
import pytest
from ipykernel.kernelbase import Kernel

from bench import event_split, pyview_peer, rows, stream_batches, throughput
from bench._comm import RecordingComm
from bench.diff import check_same_html, compact
from bench.first_render import first_message, table_view
from bench.scenarios import SCENARIOS, TABLE_TEMPLATE, cell_changes, table_assigns
from livewidget._live import coalesce
from livewidget._live import loop as _loop
from livewidget.template import environment, to_html

#: PyView 0.9's diff for each scenario (compact JSON) and the websocket text it sends.
PYVIEW_BYTES = {
    "a counter +1": (9, 103),
    "b one cell": (62985, 69079),
    "c row appended": (63052, 69152),
    "d row removed": (62922, 69010),
    "e title only": (26, 120),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_three_peers_show_the_same_page_and_pyview_sends_what_it_sends(name):
    template, make, update, _ = SCENARIOS[name]
    same, page, assigns = check_same_html(template, make, update)
    assert same
    state = dict(assigns)
    update(state)
    change = page.diff_from(page.tree, state)
    assert (compact(change), len(pyview_peer.message(change))) == PYVIEW_BYTES[name]


def test_a_template_ported_wrong_is_caught(monkeypatch):
    monkeypatch.setattr(pyview_peer, "port", lambda t: t.replace("<td>", "<td class=x>", 1))
    template, make, update, _ = SCENARIOS["b one cell"]
    assert not check_same_html(template, make, update)[0]


def test_pyview_resends_every_row_of_a_changed_loop():
    assigns = table_assigns()
    page = pyview_peer.PyViewPage(TABLE_TEMPLATE, assigns)
    cell_changes(assigns)
    change = page.update(assigns)
    assert set(change) == {"1"} and len(change["1"]["d"]) == 1000
    assert pyview_peer.to_html(page.tree) == environment().from_string(TABLE_TEMPLATE).render(
        assigns
    )


@pytest.mark.parametrize("kind", rows.KINDS)
@pytest.mark.parametrize("name", ["b one cell", "c row appended", "d row removed"])
def test_every_row_kind_shows_the_jinja2_page(kind, name):
    _, same, size, _ = rows.setup(rows.KINDS[kind], 200, name)
    assert same
    # Plain tuples have no id: rows are paired by position, yet the unchanged rows at both
    # ends are found by identity, so a removal is one run of moves for them too.
    assert size <= 130


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)  # whichever loop a benchmark set last


def test_the_first_message_carries_the_jinja2_page(recording, monkeypatch):
    monkeypatch.setenv(_loop.ENV, "1")  # as bench.first_render runs it: as in a kernel
    assigns = table_assigns(50)
    text, first = first_message(table_view(assigns), recording)
    assert json.loads(text)["buffer_paths"] == [["_lw_first"]]  # the comm_open carries it
    tree = json.loads(first)["r"]
    assert to_html(tree) == environment().from_string(TABLE_TEMPLATE).render(assigns)


def test_a_burst_gets_one_answer_per_event_from_both_widgets(recording, own_budget):
    figures = throughput.measure(300, bursts=1)  # its own loop; the fixture restores the comm
    assert {name: f["messages"] for name, f in figures.items()} == {
        "anywidget echo": 300,
        "LiveWidget(Counter)": 300,
    }


@pytest.fixture
def own_budget(monkeypatch):
    """A burst spends a budget of its own, not the kernel-wide one later tests are paced by."""
    monkeypatch.setattr(coalesce, "_shared", None)


def test_a_burst_through_the_kernels_packing_gets_one_message_per_event(recording, own_budget):
    figures = throughput.measure_in_kernel(200, bursts=1)
    assert {name: f["messages"] for name, f in figures.items()} == {
        "anywidget echo": 200,
        "LiveWidget(Counter)": 200,
    }
    assert not Kernel.initialized()  # the stub kernel is gone: later tests see none


def test_the_event_split_times_livewidgets_stages_and_sends_one_message_per_event(
    recording, own_budget
):
    figures = event_split.measure(3)
    assert set(figures) == set(event_split.SCENARIOS)
    assert {name: f["messages"] for name, f in figures.items()} == dict.fromkeys(figures, 1.0)
    own = ("parse + validate", "render", "reply assembly", "JSON pack + HMAC")
    for name, stages in figures.items():
        # The echo passes through the kernel's stages only; every LiveWidget event through all.
        assert all(
            (stages.get(stage, 0.0) > 0) == (name != "echo" or "JSON" in stage) for stage in own
        )
    assert not Kernel.initialized()


def test_each_stream_batch_is_one_message(recording):
    figures = stream_batches.grow(2000, 200, recording, heap_every=5)
    assert figures["messages"] == 1 + 10  # the join's page, then one answer per batch
    assert [n for n, _ in figures["heap"]] == [1000, 2000]
