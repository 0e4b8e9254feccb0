"""Prototype by re-running cells: a redefined LiveView class takes over its displayed widgets.

Defining a LiveView subclass whose module and qualified name match a class that live sessions
show (the same cell run again, or a reloaded module) hands the new class to those sessions:
each swaps the class under its live view, keeps assigns and URL, renders the new template and
sends it with the new hooks. A new definition that fails to render is rolled back: its error
shows and the last good version keeps running.

With template watching on (``LiveWidget(..., watch_templates=True)`` or
``LIVEWIDGET_WATCH=1``), a view's ``template_file`` edited on disk is picked up the same way.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Protocol

ClassKey = tuple[str, str]


class Redefinable(Protocol):
    """What a session offers to take a redefined class."""

    def redefine(self, view_class: type[Any]) -> None: ...


_live: weakref.WeakSet[Redefinable] = weakref.WeakSet()
# Sessions register on livewidget's loop thread while a cell defines classes on the main one.
_lock = threading.Lock()


def class_key(cls: type) -> ClassKey:
    """What identifies "the same class" across redefinitions: its module and qualified name."""
    return (cls.__module__, cls.__qualname__)


def register(session: Redefinable) -> None:
    """Let ``session`` hear of redefinitions while it lives."""
    with _lock:
        _live.add(session)


def unregister(session: Redefinable) -> None:
    """Stop telling ``session`` of redefinitions (it closed)."""
    with _lock:
        _live.discard(session)


def class_defined(cls: type[Any]) -> None:
    """Called for every new LiveView subclass: offer it to every live session (any thread).

    Each session takes it over on its own loop, in order with its messages.
    """
    with _lock:
        sessions = list(_live)
    for session in sessions:
        session.redefine(cls)
