"""What a session sends, and when: one reply per message, paced updates, errors.

Every message from the page gets exactly one answer, at once. An update that answers no event
(a timer, a broadcast, ``handle_info``) may instead be *held back* to pace the page
(:class:`~livewidget._live.coalesce.Pacer`): the session commits it, the page keeps showing
the tree it last got, and the next message carries it as one diff, whether that is the next
event's reply or the flush scheduled here. Pushed events held with it go first in that message.
Every message must be sendable (JSON- and UTF-8-encodable): a transaction's is checked before it
commits (:meth:`Replies.check`); one that could not be checked is replaced by an error.

:class:`Replies` is the collaborator a :class:`~livewidget._core.session.Session` owns for
this. It reads and moves the session's committed tree and its socket through the
:class:`ReplyHost` protocol, so this module never imports the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from .. import _checked, _encoding
from .. import _protocol as p
from .._live.coalesce import Cancellable, Pacer
from ..socket import Navigation, Socket
from ..template import Rendered, diff
from ..view import LiveView
from .errors_format import error_payload
from .queue import Command

logger = logging.getLogger("livewidget")

Send = Callable[[dict[str, Any]], None]


class ReplyHost(Protocol):
    """What the replies read, set and call on their session."""

    view_class: type[LiveView]
    socket: Socket
    show_tracebacks: bool
    #: The last committed tree; ahead of what the page shows while an update is held.
    _tree: Rendered | None

    @property
    def closed(self) -> bool: ...
    def _enqueue(self, item: object) -> None: ...
    def _state_changed(self) -> None: ...


class Replies:
    """The outbound side of one session: sending, pacing and holding back updates."""

    def __init__(self, host: ReplyHost, send: Send, pacer: Pacer) -> None:
        self._host = host
        self._send = send
        self._pacer = pacer
        # While an update is held back, _page_tree is the tree the page shows (the host's
        # _tree is ahead of it) and _held_events the pushed events that ride in the next
        # message.
        self._page_tree: Rendered | None = None
        self._held_events: list[list[Any]] = []
        self._flush_at: Cancellable | None = None

    # -- what the page shows ----------------------------------------------------------------

    def shown_tree(self) -> Rendered | None:
        """The tree the page shows: behind the committed one while an update is held."""
        return self._page_tree if self._page_tree is not None else self._host._tree

    def sent_whole(self) -> None:
        """The page gets the whole tree: nothing held back is missing from it any more."""
        self._page_tree = None

    def commit_tree(self, tree: Rendered, changes: dict[str, Any]) -> dict[str, Any]:
        """Commit ``tree`` and return the reply's diff part: ``changes``, with anything held."""
        if self._page_tree is not None and self._temporary({"*"}):
            # A held update may have shown rows of a temporary assign that this tree lacks.
            self.flush(paced=False)
        self._host.socket._take_changed()
        if self._page_tree is not None:
            # An update was held back: this message carries it too, in one diff.
            changes = diff(self._page_tree, tree)
            self._page_tree = None
        self._host._tree = tree
        return {p.DIFF: changes} if changes else {}

    def diff_reply(self, tree: Rendered) -> dict[str, Any]:
        """Commit ``tree`` and return the diff from the last one (as :meth:`commit_tree`)."""
        return self.commit_tree(tree, diff(self._host._tree, tree))

    # -- pacing -----------------------------------------------------------------------------

    def pace(self, tree: Rendered, events: list[list[Any]], *, quiet: bool) -> bool:
        """Hold back an update that answers no event, if pacing asks so; True if held.

        ``quiet`` (it changed nothing the page shows) is always held: it sends nothing.
        """
        if not (quiet or self._pacer.wait() > 0):
            return False
        if self._page_tree is not None and self._temporary(self._host.socket._changed):
            # The held rows of a temporary assign are not in this tree: send them now.
            self.flush(paced=False)
        self._hold(tree, events, quiet=quiet)
        return True

    def _hold(self, tree: Rendered, events: list[list[Any]], *, quiet: bool) -> None:
        """Commit an update that answers no event without sending it yet.

        ``quiet`` (it changed nothing the page shows) sends nothing, now or later; otherwise
        the next message carries it: the next event's reply or the flush scheduled here.
        """
        assert self._host._tree is not None
        self._host.socket._take_changed()
        if not quiet and self._page_tree is None:
            self._page_tree = self._host._tree
        self._host._tree = tree
        self._held_events.extend(events)
        if not quiet:
            self._schedule_flush()

    def _temporary(self, changed: set[str]) -> bool:
        """Whether ``changed`` names a temporary assign (its rows live only in the page);
        ``"*"`` in it stands for any of them."""
        temporary = getattr(self._host.view_class, "temporary_assigns", None) or {}
        return bool(temporary) and ("*" in changed or not changed.isdisjoint(temporary))

    def _held(self) -> bool:
        return self._page_tree is not None or bool(self._held_events)

    def _schedule_flush(self) -> None:
        if self._flush_at is None and not self._host.closed:
            self._flush_at = self._pacer.call_later(self._pacer.wait(), self._flush_due)

    def _flush_due(self) -> None:
        self._flush_at = None
        if self._held() or self._host.socket._title_changed:
            self._host._enqueue(Command(self._flush_command))

    async def _flush_command(self) -> None:
        self.flush(paced=True)

    def flush(self, *, paced: bool) -> None:
        """Send what was held back, in order with the queue; ``paced`` waits for its turn."""
        if not self._held() and not self._host.socket._title_changed:
            return
        if paced and self._pacer.wait() > 0:
            self._schedule_flush()
            return
        reply: dict[str, Any] = {}
        if self._page_tree is not None and self._host._tree is not None:
            changes = diff(self._page_tree, self._host._tree)
            if changes:
                reply[p.DIFF] = changes
        self._page_tree = None
        if reply or self._held_events or self._host.socket._title_changed:
            # Every part was checked when its transaction committed.
            self.finish(reply, [], None, None, checked=True)

    def cancel(self) -> None:
        """The session closes: no flush is due any more."""
        if self._flush_at is not None:
            self._flush_at.cancel()

    # -- sending ----------------------------------------------------------------------------

    def check(self, changes: dict[str, Any], payload: Any, navigation: Navigation | None) -> None:
        """Raise UnencodableError unless a transaction's message can be sent, as a whole.

        The diff, the pushed events, the title, the reply and the URL: everything the
        message and the synced traits will carry. Checked once, before anything is
        committed, so a failure rolls back like a raising handler.
        """
        socket = self._host.socket
        title = socket._title if socket._title_changed else None
        url = None if navigation is None else navigation.url
        # A stream's new rows were checked when they were packed (a Checked part of the diff).
        _checked.check([changes, socket._events, title, payload, url])

    def finish(
        self,
        reply: dict[str, Any],
        events: list[list[Any]],
        ref: int | None,
        payload: Any,
        *,
        checked: bool = False,
    ) -> None:
        """Complete ``reply`` and send it; ``checked`` when its parts were checked already."""
        if self._held_events:
            # Pushed events held back with an update go first, in the order they were pushed.
            events = [*self._held_events, *events]
            self._held_events = []
        if events:
            reply[p.EVENTS] = events
        title = self._host.socket._take_title()
        if title is not None:
            reply[p.TITLE] = title
            self._host._state_changed()
        if payload is not None:
            reply[p.REPLY] = payload
        if ref is not None:
            reply[p.REF] = ref
        self.emit(reply, checked=checked)

    def error(self, exc: BaseException, during: str) -> dict[str, Any]:
        """The error part of a message, for ``exc`` raised ``during`` a callback."""
        return error_payload(
            exc,
            view=self._host.view_class.__name__,
            during=during,
            verbose=self._host.show_tracebacks,
        )

    def emit_error(self, exc: BaseException, during: str, ref: int | None) -> None:
        """Log ``exc`` and send it to the page, answering ``ref`` if given."""
        logger.error(
            "livewidget: %s failed handling %r",
            self._host.view_class.__name__,
            during,
            exc_info=exc,
        )
        reply: dict[str, Any] = {p.ERROR: self.error(exc, during)}
        if ref is not None:
            reply[p.REF] = ref
        self.emit(reply)

    def emit(
        self,
        message: dict[str, Any],
        *,
        checked: bool = False,
        answer: bool | None = None,
    ) -> None:
        """Send ``message``; ``answer`` when it answers a message from the page.

        ``answer`` defaults to whether it carries a ref. An answer never waits for pacing and
        starts no frame (livewidget._live.coalesce); it counts against the kernel-wide budget.
        ``checked``: the whole message was checked as sendable already. Without it, the
        message is checked here, all but its :class:`~livewidget._checked.Checked` parts
        (a mounted tree's JSON, a stream's rows), which were checked where they were made.
        """
        if self._host.closed:
            # Closed from another thread while this was being handled: the comm may be gone.
            logger.debug("livewidget: %s closed; a message was not sent", self._host.socket.id)
            return
        if not checked:
            message = self._sendable(message)
        self._pacer.sent(reply=p.REF in message if answer is None else answer)
        try:
            self._send(message)
        except Exception:
            logger.exception(
                "livewidget: sending to the frontend failed for %s", self._host.socket.id
            )

    def _sendable(self, message: dict[str, Any]) -> dict[str, Any]:
        """``message``, or an error in its place when a kernel could not send it.

        The paths that cannot check before committing (a mount, a join, a navigation from
        Python, an error's own text) end here: the page still gets its one answer.
        """
        try:
            _checked.check(message)
        except _encoding.UnencodableError as exc:
            logger.error("livewidget: %s could not send a message: %s", self._host.socket.id, exc)
            text = (
                f"{self._host.view_class.__name__}: a message could not be sent to the page: {exc}"
                if self._host.show_tracebacks
                else "Something went wrong. The details are in the server's log."
            )
            error: dict[str, Any] = {p.ERROR: {"message": text}}
            ref = message.get(p.REF)
            if ref is not None:
                error[p.REF] = ref
            return error
        return message
