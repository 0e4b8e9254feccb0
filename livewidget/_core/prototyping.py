"""Prototyping in a notebook: a session takes over redefined classes and edited templates.

:mod:`livewidget._reload` tells every live session of each new LiveView class; a session
that serves an older class of the same module and qualified name (the cell run again) swaps
the new class in under its live view, keeping assigns and URL. With template watching on, a
view's ``template_file`` edited on disk is recompiled in place. Either way the view renders
again and the frontend gets a full reply; a version that fails to render is rolled back, its
error shows, and the last good one runs on.

:class:`Prototyper` is the collaborator a :class:`~livewidget._core.session.Session` owns for
this; what it needs back from the session is the :class:`PrototypingHost` protocol, and it
renders and replies through the session's :class:`~livewidget._core.rendering.Renderer` and
:class:`~livewidget._core.replies.Replies`. The swaps run as commands on the session's queue,
so they never land in the middle of a handler.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Protocol

from .. import _protocol as p
from .. import _reload
from .._routing.router import Router
from ..socket import Socket
from ..template import Rendered
from ..view import LiveView, template_file_path
from .callbacks import hook_source
from .queue import Command
from .rendering import Renderer
from .replies import Replies

logger = logging.getLogger("livewidget")


class PrototypingHost(Protocol):
    """What the prototyper reads, sets and calls on its session."""

    router: Router
    view_class: type[LiveView]
    view: LiveView
    socket: Socket
    _loop: asyncio.AbstractEventLoop
    _view_hooks: dict[str, str]
    _tree: Rendered | None

    @property
    def closed(self) -> bool: ...
    def _enqueue(self, item: object) -> None: ...


class Prototyper:
    """Redefined classes and edited templates taking over a session's live view."""

    def __init__(self, host: PrototypingHost, renderer: Renderer, replies: Replies) -> None:
        self._host = host
        self._renderer = renderer
        self._replies = replies
        self._watch: asyncio.Task[None] | None = None

    def stop(self) -> None:
        """Stop watching template files (the session closed)."""
        if self._watch is not None:
            self._watch.cancel()

    # -- redefined classes ------------------------------------------------------------------

    def redefine(self, view_class: type[LiveView]) -> None:
        """A class was (re)defined: if it replaces one this session serves, take it over.

        Any thread (a cell defines classes on the kernel's main thread): the check and the
        swap run on the session's loop, in order with its messages, since the route table
        and the live view belong to that loop.
        """
        if not self._host.closed:
            self._host._enqueue(Command(lambda: self._redefine(view_class)))

    async def _redefine(self, new: type[LiveView]) -> None:
        key = _reload.class_key(new)
        olds = [
            v for v in self._host.router.views() if _reload.class_key(v) == key and v is not new
        ]
        if not olds:
            return
        for old in olds:
            self._host.router.replace(old, new)
        if _reload.class_key(self._host.view_class) != key or self._host.view_class is new:
            return
        old = self._host.view_class
        await self._swap_class(old, new, f"the new definition of {new.__name__}")

    async def _swap_class(self, old: type[LiveView], new: type[LiveView], what: str) -> None:
        self._set_class(new)
        try:
            self._host._view_hooks = {
                name: hook_source(name, src)
                for name, src in (getattr(new, "hooks", None) or {}).items()
            }
            tree = self._renderer.render(None)  # inside the page layout, if any
        except Exception as exc:
            self._set_class(old)
            self._host.router.replace(new, old)
            logger.error("livewidget: %s failed to render", what, exc_info=exc)
            error = self._replies.error(exc, "render")
            error["message"] = f"{error['message']} ({what} is not used; the last one runs on)"
            self._replies.emit({p.ERROR: error})
            return
        self._host._tree = tree
        self._replies.emit(self._renderer.full_reply())

    def _set_class(self, cls: type[LiveView]) -> None:
        self._host.view.__class__ = cls
        self._host.view_class = cls
        self._host.socket._view_class = cls

    # -- edited templates -------------------------------------------------------------------

    def watch_templates(self, interval: float = 0.5) -> None:
        """Re-render when the current view's ``template_file`` changes on disk."""
        if self._watch is None and not self._host.closed:
            self._watch = self._host._loop.create_task(self._watch_templates(interval))

    async def _watch_templates(self, interval: float) -> None:
        seen: dict[Path, float] = {}
        start = template_file_path(self._host.view_class)
        if start is not None and start.is_file():
            seen[start] = start.stat().st_mtime
        while True:
            await asyncio.sleep(interval)
            path = template_file_path(self._host.view_class)
            if path is None or not path.is_file():
                continue
            mtime = path.stat().st_mtime
            if seen.setdefault(path, mtime) != mtime:
                seen[path] = mtime
                cls = self._host.view_class
                self._host._enqueue(Command(lambda cls=cls: self._template_changed(cls)))  # type: ignore[misc]

    async def _template_changed(self, cls: type[LiveView]) -> None:
        if self._host.view_class is not cls:
            return
        previous = cls._compiled_template()
        try:
            cls._recompile_template()
            tree = self._renderer.render(None)  # inside the page layout, if any
        except Exception as exc:
            cls._use_template(previous)
            logger.error("livewidget: the edited template of %s failed", cls.__name__, exc_info=exc)
            error = self._replies.error(exc, "render")
            error["message"] = f"{error['message']} (the edited template is not used)"
            self._replies.emit({p.ERROR: error})
            return
        self._host._tree = tree
        self._replies.emit(self._renderer.full_reply())
