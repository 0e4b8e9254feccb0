"""Calling a view's callbacks (``def`` or ``async def``), their replies and the hooks they ship."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger("livewidget")


def hook_source(name: object, source: object) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"hook names must be non-empty strings, got {name!r}")
    if isinstance(source, Path):
        if not source.is_file():
            raise FileNotFoundError(
                f"hook {name!r}: {source} does not exist; give the path of a .js file whose "
                f"default export is the hook object"
            )
        return source.read_text(encoding="utf-8")
    if not isinstance(source, str):
        raise TypeError(
            f"hook {name!r} must be ES module source text or a pathlib.Path, "
            f"got {type(source).__name__}"
        )
    return source


def reply_payload(result: Any, view: type, event: str) -> Any:
    if result is None or isinstance(result, dict):
        return result or None
    raise TypeError(
        f"{view.__name__}.handle_event({event!r}) returned {type(result).__name__}; return "
        f"nothing, or a dict to reply to a hook's pushEvent"
    )


async def call(fn: Callable[..., Any], *args: Any) -> Any:
    result = fn(*args)
    # A plain ``def`` handler returns None: no isawaitable (an ABC check) on every event.
    if result is not None and inspect.isawaitable(result):
        result = await result
    return result


async def await_logged(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception:
        logger.exception("livewidget: terminate raised")
