"""The transport-agnostic core: a widget's views, its queue, renders, diffs and replies.

A :class:`Session` knows nothing of Jupyter. A transport (the widget, or the test client)
hands it raw inbound messages with :meth:`Session.receive`, from any thread, and gives it a
``send`` callable for outbound ones. Messages are handled strictly in order by one task on
the session's event loop: handler → render → diff → exactly one outbound message.

What is left here is the transaction: a handler runs, the page renders, the diff is checked,
and it all applies or nothing does. The rest is done by collaborators the session owns, each
reaching back only through the small protocol it declares:

- :class:`~livewidget._core.queue.Inbox` takes messages from any thread and runs them in order;
- :class:`~livewidget._core.rendering.Renderer` renders the page (view, layout, components);
- :class:`~livewidget._core.replies.Replies` sends one reply per message and paces the rest;
- :class:`~livewidget._core.navigation.Navigator` owns the routes and history (a patch keeps
  the view and calls ``handle_params``; a redirect terminates it and mounts the route's view);
- :class:`~livewidget._core.prototyping.Prototyper` takes over redefined classes and edited
  templates while prototyping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from .. import _protocol as p
from .. import _reload
from .._assigns import Assigns
from .._live import loop as _loop
from .._live.coalesce import Pacer
from .._live.loop import current_loop
from .._live.types import LiveCallback, Run
from .._routing.history import History
from .._routing.router import Router
from .._uploads import UploadMessage
from ..errors import BadMessageError
from ..socket import Socket
from ..template import Rendered, diff
from ..view import LiveView
from . import messages as _messages
from .callbacks import call, reply_payload
from .components import ComponentSet
from .navigation import Navigator
from .prototyping import Prototyper
from .queue import Command, Done, Inbox
from .rendering import Renderer
from .replies import Replies, Send

logger = logging.getLogger("livewidget")

OnState = Callable[[str, str | None], None]
OnFirst = Callable[[], None]
OnFirstGone = Callable[[], None]
Routes = type[LiveView] | Mapping[str, type[LiveView]]


class Session:
    """Run a widget's LiveViews behind a transport.

    ``routes`` is one LiveView class (served on every path) or a route table such as
    ``{"/": Home, "/users/:id": User}``. ``send`` is called on the event loop with each
    outbound message (a JSON-able dict); ``on_state(url, title)`` when the URL or title moves;
    ``on_first()`` once the first mount's reply is ready before any page joined
    (:meth:`first_reply`); ``on_first_gone()`` once a state carried that first reply and it
    is no longer the page (the transport's state then says so).
    ``loop`` defaults to the running loop (the kernel's, in Jupyter). ``page_layout`` (template
    source, or a ``pathlib.Path`` of a file, holding ``{{ inner_content }}``) wraps every view
    in one diffed tree (:mod:`livewidget._core.layout`).

    What :meth:`navigate`, :meth:`back` and :meth:`forward` queue runs in its
    :class:`~livewidget._core.navigation.Navigator`; :meth:`redefine` and
    :meth:`watch_templates` hand over to its :class:`~livewidget._core.prototyping.Prototyper`.
    """

    def __init__(
        self,
        routes: Routes,
        *,
        send: Send,
        session: Mapping[str, Any] | None = None,
        url: str = "/",
        loop: asyncio.AbstractEventLoop | None = None,
        show_tracebacks: bool = True,
        hooks: Mapping[str, str | Path] | None = None,
        on_state: OnState | None = None,
        on_first: OnFirst | None = None,
        on_first_gone: OnFirstGone | None = None,
        pacer: Pacer | None = None,
        page_layout: str | Path | None = None,
    ) -> None:
        self.router = Router(routes)
        self.show_tracebacks = show_tracebacks
        self.history = History(url, mount=0)
        self._on_state = on_state
        self._on_first = on_first
        self._on_first_gone = on_first_gone
        # The first mount's reply and its tree, until a page joins (see first_reply).
        self._first: tuple[Rendered, dict[str, Any]] | None = None
        # Whether a state carried the first reply: a page may show it without having joined.
        self._first_out = False
        self._view_hooks: dict[str, str] = {}
        self._loop = loop or current_loop()
        self._tree: Rendered | None = None
        self._pending_error: dict[str, Any] | None = None
        self._closed = False
        self._joined = False  # a frontend joined: until then, only a join gets the page
        self._started = False
        # Messages and commands from any thread, handled in order on the loop.
        self._inbox = Inbox(self, self._loop)
        # What to send when: one reply per message, updates that answer no event paced.
        self._replies = Replies(
            self, send, pacer or Pacer(call_later=lambda s, fn: self._loop.call_later(s, fn))
        )
        # The view's stateful LiveComponents (its renders place them; see components.py).
        self._components = ComponentSet(self._component_update)
        # The page: the view, inside the layout if any, with its components.
        self._renderer = Renderer(
            self, self._components, self._replies, page_layout=page_layout, hooks=hooks
        )
        self._navigator = Navigator(self, session or {}, self._renderer, self._replies)
        self._prototyper = Prototyper(self, self._renderer, self._replies)
        self.view_class, self.view, self.socket = self._navigator.new_view(url)
        self._snapshot = Assigns(dict(self.socket.assigns._data))

    # -- transport side ---------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran; later messages are refused."""
        return self._closed

    @property
    def tree(self) -> Rendered | None:
        """The last rendered tree (what every joined frontend shows)."""
        return self._tree

    def start(self, *, wait: float = 0.0) -> None:
        """Schedule the first mount, once; from any thread.

        On the loop's thread (or before the loop runs) it is queued at once. From another
        thread it is handed to the loop, ahead of anything queued after it, and ``wait`` > 0
        waits up to that many seconds for the mount to end, so that the caller reads the
        mounted assigns.
        """
        if self._started:
            return
        self._started = True
        if not (self._inbox.off_loop() and self._loop.is_running()):
            self._start_here(None)
        elif wait <= 0:
            self._loop.call_soon_threadsafe(self._start_here, None)
        else:
            _loop.call_and_wait(self._loop, self._start_here, wait)

    def _start_here(self, done: Done | None) -> None:
        self._inbox.on_loop_thread()
        if self._closed:
            if done is not None:
                done()
            return

        async def first_mount() -> None:
            try:
                await self._navigator.first_mount()
                self._keep_first()
            finally:
                self._committed()  # before done: the waiting caller reads these assigns
                if done is not None:
                    done()

        self._inbox.open(Command(first_mount))
        _reload.register(self)

    def receive(self, raw: object, *, wait: float = 0.0) -> None:
        """Handle an inbound message from the frontend; safe to call from any thread.

        With nothing queued or running, the message is handled at once, inside the comm's own
        message handler, so the reply leaves in the same burst as the kernel's busy/idle
        status (as a bare widget's would) instead of after it. From another thread than the
        loop's, with ``wait`` > 0: if livewidget's loop is idle, this thread holds it and
        handles the message itself (:func:`livewidget._live.loop.borrowed`); else the message is
        handed to the loop and this waits up to ``wait`` seconds for its answer to be sent.
        A slower handler answers later; a message behind this widget's own earlier work is
        queued without waiting.
        """
        self._inbox.receive(raw, wait=wait)

    def first_reply(self) -> dict[str, Any] | None:
        """The first mount's reply, while no page has joined and nothing has re-rendered.

        The widget carries it in its state (``_lw_first``), so a page draws the view at once,
        as an ipywidgets view draws its state, instead of after its join's round trip. Such a
        page joins (``{"k": "join", "first": true}``) only before its first other message; if
        the view changes before any page joined, that change joins the pages showing this
        reply (see :meth:`_unjoined_update`). None once a page joined or the tree moved: a
        page given None joins for the tree at once.
        """
        # Flagged before the tree is read: a change committed meanwhile on the loop either
        # sees the flag (and joins the pages showing this reply) or is seen here (None).
        self._first_out = True
        first = self._first
        if first is None or first[0] is not self._tree:
            return None
        return first[1]

    def _drop_first(self) -> None:
        """The first reply is no longer the page: forget it, and (once a state carried it)
        have the widget's state say so, so that a model made from that state later joins."""
        first, self._first = self._first, None
        if first is not None and self._first_out and self._on_first_gone is not None:
            self._on_first_gone()

    def _keep_first(self) -> None:
        if self._joined or self._closed or self._tree is None or self._pending_error is not None:
            return  # a failed mount's error comes with the join's answer
        reply = self._renderer.first_reply()
        reply[p.NAVIGATION] = self._navigator.nav_state(False)
        if self.socket.page_title is not None:
            reply[p.TITLE] = self.socket.page_title
        self._first = (self._tree, reply)
        if self._on_first is not None:
            self._on_first()

    @property
    def assigns(self) -> Assigns:
        """The assigns as of the last message handled: never a transaction half-way.

        A copy taken on the loop's thread whenever the session is between two messages, so
        another thread (a running cell) reads a consistent state while a handler works.
        """
        return self._snapshot

    def navigate(self, url: str, *, replace: bool = False) -> None:
        """Go to ``url`` as a link would: a patch if the current view serves it, else a redirect."""
        self._enqueue(Command(lambda: self._navigator.navigate_smart(url, replace)))

    def back(self) -> None:
        """Move back one history entry (no-op at the start)."""
        self._enqueue(Command(lambda: self._navigator.go(self.history.index - 1)))

    def forward(self) -> None:
        """Move forward one history entry (no-op at the end)."""
        self._enqueue(Command(lambda: self._navigator.go(self.history.index + 1)))

    def send_info(self, info: Any) -> None:
        """Deliver ``info`` to the view's ``handle_info``, after what is queued; any thread."""
        self._enqueue(Command(lambda: self._info(info)))

    def assign(self, values: Mapping[str, Any]) -> None:
        """Assign ``values`` to the current view, after what is queued; any thread.

        A transaction like a handler's: the page gets the diff, and a value that cannot be
        sent rolls it back and shows the error. Names are checked here, at once.
        """
        values = dict(values)
        # The socket's own checks (identifiers, reserved names), on a throwaway socket so
        # that a bad name raises in the caller's thread instead of in the widget.
        Socket("check").assign(values)

        async def handler() -> Any:
            self.socket.assign(values)

        self._enqueue(Command(lambda: self._dispatch(handler, None, "assign")))

    async def drain(self, *, send_held: bool = True) -> None:
        """Wait until every queued message has been handled.

        With ``send_held`` (the default), an update held back to pace the page goes now too,
        so the page shows the current state; ``False`` leaves it to its scheduled flush.
        """
        await self._inbox.join()
        if send_held:
            self._replies.flush(paced=False)

    def close(self, reason: str = "closed") -> None:
        """End the view: drop queued messages, stop the task and run ``terminate``.

        From another thread than the loop's, the view ends on its loop (its timers and
        tasks live there); this waits up to a second for ``terminate`` to have run.
        """
        if self._closed:
            return
        self._closed = True
        _reload.unregister(self)
        if not self._inbox.off_loop():
            self._close_here(reason, None)
        elif self._loop.is_running():
            _loop.call_and_wait(self._loop, lambda done: self._close_here(reason, done), 1.0)
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._close_here, reason, None)
        else:
            self._close_here(reason, None)

    def redefine(self, view_class: type[LiveView]) -> None:
        """A class was (re)defined: if it replaces one this session serves, take it over.

        Any thread; the swap runs on the session's loop, in order with its messages.
        """
        self._prototyper.redefine(view_class)

    def watch_templates(self, interval: float = 0.5) -> None:
        """Re-render when the current view's ``template_file`` changes on disk."""
        self._prototyper.watch_templates(interval)

    def _close_here(self, reason: str, done: Done | None) -> None:
        try:
            self._prototyper.stop()
            self._inbox.cancel()
            self._replies.cancel()
            self._navigator.terminate(reason)
            self._components.end(reason)
        finally:
            if done is not None:
                done()

    def _committed(self) -> None:
        """Between two messages: publish the assigns for other threads to read."""
        self._snapshot = Assigns(dict(self.socket.assigns._data))

    # -- the queue (see Inbox) --------------------------------------------------------------

    def _enqueue(self, item: object) -> None:
        self._inbox.put(item)

    @property
    def _idle(self) -> bool:
        """No message is being handled right now (tests wait for this)."""
        return self._inbox.idle

    @property
    def _queue(self) -> asyncio.Queue[Any]:
        """What waits its turn (tests count it)."""
        return self._inbox.queue

    async def _handle(self, raw: object) -> None:
        try:
            message = _messages.parse(raw)
        except Exception as exc:  # parse raises BadMessageError; anything else is a bug
            if not isinstance(exc, BadMessageError):
                logger.exception("livewidget: validating a message for %s failed", self.socket.id)
            else:
                logger.error("livewidget: refused a message for %s: %s", self.socket.id, exc)
            # Every message gets exactly one answer, even one that could not be read.
            reply: dict[str, Any] = {p.ERROR: {"message": f"Bad message: {exc}"}}
            ref = _messages.ref_of(raw)
            if ref is not None:
                reply[p.REF] = ref
            self._replies.emit(reply)
            return
        if isinstance(message, _messages.Join):
            await self._join(message.url, message.first)
        elif isinstance(message, _messages.Event):
            await self._event(message)
        elif isinstance(message, _messages.Navigate):
            await self._navigator.client_navigation(message)
        else:
            await self._upload(message)

    # -- joining and events -----------------------------------------------------------------

    async def _join(self, url: str | None, first: bool = False) -> None:
        self._joined = True
        shown = self._first
        self._drop_first()
        if url is not None and url != self.socket.url:
            # The page's address names a route (a reload or a shared link, with sync_url).
            match = self.router.match(url)
            if match is not None and match.view is self.view_class and self._tree is not None:
                await self._navigator.patch(url)
            else:
                await self._navigator.redirect(url, replace=True)
        reply: dict[str, Any]
        if first and shown is not None and shown[0] is self._tree:
            self._renderer.shown_whole()  # the page shows this tree, from the widget's state
            reply = {}
        else:
            self._renderer.page_is_empty()  # a joining page gets the whole tree
            reply = self._renderer.full_reply()
        reply[p.NAVIGATION] = self._navigator.nav_state(False)
        # The full reply carries the title, so the next reply must not send it again.
        if self.socket._take_title() is not None:
            self._state_changed()  # set before any page joined: the title trait follows it
        if self.socket.page_title is not None:
            reply[p.TITLE] = self.socket.page_title
        if self._pending_error is not None:
            reply[p.ERROR] = self._pending_error
        self._replies.emit(reply, answer=True)  # a tree checked at its mount is not again

    async def _event(self, event: _messages.Event) -> None:
        if event.name == p.CLEAR_FLASH:
            key = event.params.get("key")

            async def handler() -> Any:
                self.socket.clear_flash(key if isinstance(key, str) else None)
        else:

            async def handler() -> Any:
                if event.cid is not None:  # phx-target: one of the view's components
                    return await self._components.handle_event(event.cid, event.name, event.params)
                return await call(self.view.handle_event, event.name, event.params, self.socket)

        await self._dispatch(handler, event.ref, event.name)

    async def _upload(self, message: UploadMessage) -> None:
        """Files announced, a transfer started or a chunk arrived (livewidget._uploads)."""

        async def handler() -> Any:
            return self.socket._uploads.message(message)

        await self._dispatch(handler, message.ref, "upload")
        if self.socket._uploads.stale():
            # Refused (the entry was cut off) or rolled back: the page follows the uploads.
            async def publish() -> Any:
                self.socket._uploads.publish()

            await self._dispatch(publish, None, "upload")

    async def _info(self, info: Any) -> None:
        async def handler() -> Any:
            await call(self.view.handle_info, info, self.socket)

        await self._dispatch(handler, None, "handle_info")

    def _live_run(self, socket: Socket) -> Run:
        """How a view's timers, tasks and subscriptions queue work for that view."""

        def run(during: str, callback: LiveCallback, done: Callable[[], None] | None) -> None:
            async def command() -> None:
                try:
                    if self.socket is socket:  # only while that view is the one mounted

                        async def handler() -> None:
                            await call(callback, self.view, socket)

                        await self._dispatch(handler, None, during)
                finally:
                    if done is not None:
                        done()

            self._enqueue(Command(command))

        return run

    def _component_update(self, apply: Callable[[], None]) -> None:
        """A send_update from outside a transaction: one of its own, after what is queued."""

        async def handler() -> Any:
            apply()

        self._enqueue(Command(lambda: self._dispatch(handler, None, "send_update")))

    async def _dispatch(
        self, handler: Callable[[], Coroutine[Any, Any, Any]], ref: int | None, during: str
    ) -> None:
        """Run a handler as one transaction: it all applies, or nothing does."""
        snapshot = self.socket._snapshot()
        self._components.begin()
        try:
            if self._tree is None:
                raise RuntimeError(f"{self.view_class.__name__} has not mounted yet")
            payload = reply_payload(await handler(), self.view_class, during)
            navigation = self.socket._take_navigation()
            tree = None
            changes: dict[str, Any] = {}
            if navigation is None or navigation.kind == "patch":
                if navigation is not None:
                    await self._navigator.run_handle_params(navigation.url)
                tree = self._renderer.render(self.socket._changed)
                changes = diff(self._tree, tree)
            # Nothing is committed yet: what this transaction sends must be sendable first.
            self._replies.check(changes, payload, navigation)
        except Exception as exc:
            self.socket._restore(snapshot)
            self._components.restore()
            self._replies.emit_error(exc, during, ref)
            return
        self._components.commit()  # components the render removed get terminate
        events = self.socket._take_events()
        if ref is None and navigation is None and tree is not None and self._joined:
            quiet = not changes and not events and not self.socket._title_changed
            if self._replies.pace(tree, events, quiet=quiet):
                return
        if tree is not None:
            reply = self._replies.commit_tree(tree, changes)
            if navigation is not None:
                self._navigator.record(navigation.url, navigation.replace, self._navigator.mount_id)
        else:
            assert navigation is not None
            await self._navigator.redirect(navigation.url, replace=navigation.replace)
            reply = self._renderer.full_reply()
        if navigation is not None:
            reply[p.NAVIGATION] = self._navigator.nav_state(navigation.replace)
        if ref is None and not reply and not events and not self.socket._title_changed:
            return  # handle_info changed nothing: nothing to send
        if self._unjoined_update(ref, reply):
            return  # a timer or broadcast before any page could apply it: a join sends the tree
        # A redirect's full reply was not part of the check: emit checks it.
        self._replies.finish(reply, events, ref, payload, checked=tree is not None)

    def _unjoined_update(self, ref: int | None, reply: dict[str, Any]) -> bool:
        """Whether an update that answers no message, before any page joined, is not sent.

        Pages may show the first reply of the widget's state without having joined (they
        join before their first message). While one may (a state carried that reply), the
        view's first change joins them: it goes out at once as usual, a diff from that reply,
        marked ``"first"`` (``reply`` gets the mark), so a page showing it applies it, even
        while the kernel runs a cell and the page's own messages would wait. Otherwise no
        page could apply it: nothing is sent, and the first reply is forgotten (a page joins
        for the whole tree).
        """
        if ref is not None or self._joined:
            return False
        if not self._first_out or self._first is None:
            self._first = None
            return True
        self._joined = True
        self._renderer.shown_whole()  # the page is what this update's diff starts from
        self._drop_first()
        reply[p.FROM_FIRST] = True
        return False

    def _state_changed(self) -> None:
        """The URL or title moved: tell the transport (it syncs them to its traits)."""
        if self._on_state is not None:
            self._on_state(self.socket.url, self.socket.page_title)
