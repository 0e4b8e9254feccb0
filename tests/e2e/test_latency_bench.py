"""bench/latency.py's and bench/latency_scenarios.py's measuring code works in Voilà.

Counts, not times: one sample per click and widget, one reply message per click, reply sizes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from bench import latency_scenarios as scenarios
from bench.latency import (
    BASELINE,
    FRAME_CLOCK,
    WIDGETS,
    measure,
    notebook,
    replies,
    summary,
    wait_for_widgets,
)
from bench.latency_scenarios import COUNTERS, SCENARIOS, STREAM_BATCH, TABLE_ROWS


def positive(value) -> bool:
    return isinstance(value, float | int) and math.isfinite(value) and value > 0


def test_latency_bench_measures_every_widget_in_voila(
    voila: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    # The `voila` fixture's environment leaves LIVEWIDGET_NODELAY unset: the hook is on.
    page.add_init_script(FRAME_CLOCK)
    page.goto(voila(notebook(tmp_path)))
    wait_for_widgets(page)

    samples = measure(page, clicks=3, gap_ms=30, warmup=1)

    assert set(samples.dom) == set(samples.frame) == set(WIDGETS)
    for name in WIDGETS:
        assert len(samples.dom[name]) == 3, name
        assert all(positive(v) for v in samples.dom[name]), (name, samples.dom[name])
        # every reply came in a kernel websocket frame, before its DOM update
        assert len(samples.frame[name]) == 3, name
        assert all(positive(v) for v in samples.frame[name]), (name, samples.frame[name])
        assert all(f <= d for f, d in zip(samples.frame[name], samples.dom[name], strict=True))
    # warm-up + measured clicks all went through the kernel and came back
    for _, output in WIDGETS.values():
        assert page.locator(output).inner_text().strip() == "4"
    rows = summary(samples)
    assert [row[0] for row in rows] == list(WIDGETS)
    assert all(row[1] == 3 for row in rows)


#: the most content bytes one reply frame of each scenario may carry (the comm's envelope, ~90
#: bytes with its id, included): a diff of the changed row, never the table
REPLY_BYTES = {
    BASELINE: 150,
    "counter": 160,
    "table cell": 220,
    "table append": 330,
    "table remove": 240,
    scenarios.TUPLES: 220,
    f"stream +{STREAM_BATCH}": 100 * STREAM_BATCH + 500,
    f"counter {COUNTERS}/{COUNTERS}": 160,
    scenarios.HAND: 70 * STREAM_BATCH + 500,  # the same rows' HTML, by hand
    scenarios.HAND_TABLE: 150,
}


def test_latency_scenarios_page_answers_each_click_with_one_small_reply_in_voila(
    voila: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    page.add_init_script(FRAME_CLOCK)
    page.goto(voila(scenarios.notebook(tmp_path)))
    wait_for_widgets(page, widgets=SCENARIOS)
    assert page.locator("#big-rows > tr").count() == TABLE_ROWS
    assert page.locator("#feed-rows > li").count() == STREAM_BATCH
    assert page.locator(".lw-root:has([id$='-count'])").count() == COUNTERS
    before = page.evaluate("window.__lwFrames.length")

    samples = measure(page, clicks=2, gap_ms=30, warmup=1, widgets=SCENARIOS)

    assert set(REPLY_BYTES) == set(SCENARIOS)
    frames = scenarios.click_frames(page, samples)
    sizes = scenarios.replies_per_click(frames)
    for name, limit in REPLY_BYTES.items():
        # exactly one widget message between each click and its update, and a small one
        assert [len(click) for click in sizes[name]] == [1, 1], (name, sizes[name])
        assert all(0 < size <= limit for [size] in sizes[name]), (name, sizes[name], limit)
        # the kernel dated its busy and its reply: the click's path splits in three
        for clicked, click in zip(samples.clicked[name], frames[name], strict=True):
            assert scenarios.split(clicked, click) is not None, (name, click)
    # and nothing else: every widget message since the first click answers one of the clicks
    page.wait_for_timeout(500)  # a stray message would have arrived by now
    after = page.evaluate("window.__lwFrames.length")
    sent = replies(page, (before, after))
    assert len(sent) == 3 * len(SCENARIOS), sent
    # one append and one remove per round: the table is back to its size
    assert page.locator("#big-rows > tr").count() == TABLE_ROWS
    assert page.locator("#feed-rows > li").count() == 4 * STREAM_BATCH
    assert page.locator("#hand-rows > li").count() == 4 * STREAM_BATCH
    rows = scenarios.rows_for("voila", samples, frames, {name: (0.0, 0) for name in SCENARIOS})
    assert [row[1] for row in rows] == list(SCENARIOS)
    assert [row[-2] for row in rows] == ["1.00"] * len(SCENARIOS)  # replies per click
