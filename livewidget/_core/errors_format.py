"""Turn an exception raised by a view into what the widget shows.

In a notebook the person reading is the author: show the exception and a short traceback
that starts at their code (livewidget's and asyncio's own frames are left out; Jinja2 puts
template lines in as frames of their own). In Voilà the reader is a visitor: show a short
generic message and keep the details in the log.
"""

from __future__ import annotations

import asyncio
import traceback
from pathlib import Path
from typing import Any

import jinja2

# livewidget's own directory: this file is in livewidget/_core/.
_PACKAGE_DIR = Path(__file__).parent.parent
_OWN_DIRS = (
    str(_PACKAGE_DIR),
    *(str(Path(module.__file__ or "").parent) for module in (asyncio, jinja2)),
)
_PHASES = {
    "mount": "mounting",
    "handle_params": "in handle_params",
    "handle_info": "in handle_info",
    "handle_async": "in handle_async",
}
_GENERIC = "Something went wrong. The details are in the server's log."


def error_payload(exc: BaseException, *, view: str, during: str, verbose: bool) -> dict[str, Any]:
    """The ``err`` object of an outbound message for ``exc``.

    ``verbose`` shows the exception and traceback; otherwise a generic message only.
    """
    if not verbose:
        return {"message": _GENERIC}
    where = _PHASES.get(during, f"handling the event {during!r}")
    return {
        "message": f"{view} raised {type(exc).__name__} while {where}: {exc}",
        "traceback": short_traceback(exc),
    }


def short_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` without livewidget's and asyncio's own frames."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith(_OWN_DIRS)
    ]
    lines = traceback.format_list(frames)
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)
