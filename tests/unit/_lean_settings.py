"""Hypothesis settings of the adversarial engine tests (lean loops, the scan, the runtime).

``LIVEWIDGET_LEAN_EXAMPLES`` sets the examples per property (CI: 40; a deep run: 300 or more),
``LIVEWIDGET_LEAN_SHRINK=1`` lets a failure shrink (off: the failing example is printed as
found, which on these inputs is faster to read than to shrink).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

EXAMPLES = int(os.environ.get("LIVEWIDGET_LEAN_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate]
    + ([Phase.shrink] if os.environ.get("LIVEWIDGET_LEAN_SHRINK") == "1" else []),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
