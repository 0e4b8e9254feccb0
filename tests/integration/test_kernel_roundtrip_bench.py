"""bench/kernel_roundtrip.py against a real kernel: every click is answered by one reply between
``busy`` and ``idle``, and the split times each click's stages inside the kernel (counts, not
times)."""

from __future__ import annotations

import math

from bench.kernel_roundtrip import BASELINE, FEED, TABLE_EVENTS, measure


def test_each_click_is_one_reply_between_busy_and_idle() -> None:
    targets = measure(clicks=3, gap_ms=0, split=True)

    names = ["livewidget", BASELINE, "ipywidgets", *TABLE_EVENTS, FEED]
    assert [t.name for t in targets] == names
    for target in targets:
        assert len(target.samples) == 3, target.name
        assert all(math.isfinite(s) and s > 0 for s in target.samples), target.name
        assert all(math.isfinite(s) and s > 0 for s in target.kernel), target.name
        # busy, the widget's reply, idle: livewidget sends nothing beyond its one reply.
        assert target.messages == [3, 3, 3], target.name
        # The split rounds: one timed event per click, each through the kernel's packing,
        # and through livewidget's render for a LiveWidget only.
        assert len(target.split["total"]) == 3, target.name
        assert len(target.split["JSON pack + HMAC"]) == 3, target.name
        assert ("render" in target.split) == (target.name not in (BASELINE, "ipywidgets"))
