"""Another build of the frontend, served by the kernel in place of this one, for A/B runs.

``--against BUNDLE`` in ``bench.many_widgets`` and ``bench.latency_scenarios`` puts
:func:`serve_cell` first in a notebook, so that its widgets use ``BUNDLE`` (another build of
``js/``, an older commit's for instance) while the same run's other pages use this checkout's:
both builds then meet the same machine load, server and browser.
"""

from __future__ import annotations

from pathlib import Path


def serve_cell(bundle: Path) -> str:
    """A notebook cell that makes the kernel serve ``bundle`` as the frontend's ``widget.js``;
    it must run before any LiveWidget exists."""
    return f"""
import livewidget._frontend as _lw_frontend
_lw_bundle_text = {str(bundle)!r}
_lw_static = _lw_frontend.static_text
with open(_lw_bundle_text, encoding="utf-8") as _lw_file:
    _lw_bundle_text = _lw_file.read()
_lw_frontend.static_text = lambda name: _lw_bundle_text if name == "widget.js" else _lw_static(name)
_lw_frontend.bundle_digest.cache_clear()
"""
