"""bench/kernel_roundtrip.py against a real kernel: every click is answered by one reply between
``busy`` and ``idle`` (counts, not times)."""

from __future__ import annotations

import math

from bench.kernel_roundtrip import BASELINE, measure


def test_each_click_is_one_reply_between_busy_and_idle() -> None:
    targets = measure(clicks=3, gap_ms=0)

    assert [t.name for t in targets] == ["livewidget", BASELINE, "ipywidgets"]
    for target in targets:
        assert len(target.samples) == 3, target.name
        assert all(math.isfinite(s) and s > 0 for s in target.samples), target.name
        # busy, the widget's reply, idle: livewidget sends nothing beyond its one reply.
        assert target.messages == [3, 3, 3], target.name
