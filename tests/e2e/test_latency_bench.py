"""bench/latency.py's measuring code works: three clicks per widget in Voilà (counts, not times)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from bench.latency import FRAME_CLOCK, WIDGETS, measure, notebook, summary, wait_for_widgets


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
