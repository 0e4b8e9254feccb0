"""The session's component set: the stateful LiveComponents of the mounted view.

During a page's render, ``live_component`` calls :meth:`ComponentSet.place` (through
:func:`~livewidget.template._components.hosting`), which only records: each stateful
component gets a cid (kept for its ``(class, id)`` while it stays on the page) and the assigns
passed. :meth:`ComponentSet.finish` then runs the user's code in order (``mount`` once, then
``update`` whenever the passed assigns differ from the last ones, compared by value, and the
updates ``send_update`` queued), renders every component whose assigns changed (placing the
components they hold in turn), and attaches the trees to the page's root under their cids.

The kernel decides removal from its own render: a cid the new page no longer reaches is
dropped, and its ``terminate(reason)`` runs once the transaction that removed it committed.
Cids are never reused, so a page never shows an old component's content under a new one.

A transaction (an event, an info, a ``send_update``) is journalled by :meth:`begin`: a
raising handler, or a reply that cannot be sent, puts every touched component back.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..component import ComponentSocket, LiveComponent
from ..errors import BadMessageError
from ..socket import Socket
from ..template import Rendered
from ..template._components import cids_in
from ..template._snapshot import UNCOMPARABLE, same, snapshot
from .callbacks import await_logged, call

logger = logging.getLogger("livewidget")

#: Runs a function later, as a transaction of its own on the session's queue.
Schedule = Callable[[Callable[[], None]], None]


@dataclass(eq=False, slots=True)
class _State:
    cid: int
    key: tuple[type[LiveComponent], Hashable]
    component: LiveComponent
    socket: ComponentSocket
    tree: Rendered | None = None
    passed: Any = UNCOMPARABLE  # a snapshot of the assigns last passed by the parent
    mounted: bool = False


class UnknownComponentError(BadMessageError):
    """An event targets a cid the page does not show (any more)."""


class ComponentSet:
    """The stateful components of the session's current view."""

    def __init__(self, schedule: Schedule) -> None:
        self._schedule = schedule
        self._states: dict[int, _State] = {}
        self._by_key: dict[tuple[type[LiveComponent], Hashable], int] = {}
        self._next = 1
        # Updates to run: (cid, assigns, whether the parent passed them in its render).
        self._pending: list[tuple[int, dict[str, Any], bool]] = []
        self._placed: set[int] = set()
        self._removed: list[tuple[_State, str]] = []
        self._parent: Socket | None = None
        self._journal: dict[int, tuple[Any, ...]] | None = None
        self._saved: tuple[Any, ...] | None = None
        self._loop_thread: int | None = None

    def __len__(self) -> int:
        return len(self._states)

    # -- the view they belong to ------------------------------------------------------------

    def attach(self, parent: Socket, reason: str = "redirect") -> None:
        """Serve ``parent``'s view; a new view ends the components of the previous one."""
        if parent is self._parent:
            return
        if self._parent is not None:
            self.end(reason)
        self._parent = parent
        parent._component_updates = self.send_update

    def end(self, reason: str) -> None:
        """The view ended (closed, redirected): terminate every component, now."""
        states = list(self._states.values())
        self._states.clear()
        self._by_key.clear()
        self._pending.clear()
        self._journal = self._saved = None
        self.commit()
        for state in states:
            _terminate(state, reason)

    # -- transactions -----------------------------------------------------------------------

    def begin(self) -> None:
        """A transaction starts: remember what it may change."""
        self._loop_thread = threading.get_ident()
        self._journal = {}
        self._saved = (dict(self._states), dict(self._by_key), self._next, list(self._removed))

    def restore(self) -> None:
        """The transaction failed: every component as it was at :meth:`begin`."""
        if self._saved is None or self._journal is None:
            return
        self._states, self._by_key, self._next, self._removed = self._saved
        for cid, (socket, tree, passed, mounted) in self._journal.items():
            state = self._states.get(cid)
            if state is not None:
                state.socket._restore(socket)
                state.tree, state.passed, state.mounted = tree, passed, mounted
        self._pending.clear()
        self._placed.clear()
        self._journal = self._saved = None

    def commit(self) -> None:
        """The transaction committed: components it removed get ``terminate``."""
        self._journal = self._saved = None
        removed, self._removed = self._removed, []
        for state, reason in removed:
            _terminate(state, reason)

    def _touch(self, state: _State) -> None:
        if self._journal is not None and state.cid not in self._journal:
            self._journal[state.cid] = (
                state.socket._snapshot(),
                state.tree,
                state.passed,
                state.mounted,
            )

    # -- placing and rendering --------------------------------------------------------------

    def place(self, component: Any, id: Any, assigns: Mapping[str, Any]) -> int | Markup:
        """``live_component(component, id=id, **assigns)`` in a template being rendered."""
        if not (isinstance(component, type) and issubclass(component, LiveComponent)):
            raise TypeError(
                f"live_component() takes a LiveComponent class first, got {component!r:.80}; "
                f"list it in the view's components = {{'Card': Card}} and write "
                f"live_component(Card, id=...)"
            )
        if id is None:
            return self._stateless(component, assigns)
        try:
            key = (component, id)
            hash(key)
        except TypeError:
            raise TypeError(
                f"live_component({component.__name__}, id={id!r:.80}): the id must be hashable "
                f"(a str or an int, usually)"
            ) from None
        cid = self._by_key.get(key)
        if cid is None:
            cid, self._next = self._next, self._next + 1
            assert self._parent is not None, "place() before attach()"
            state = _State(cid, key, component(), ComponentSocket(self._parent, cid))
            state.socket._find = self._deliver_to
            self._states[cid] = state
            self._by_key[key] = cid
        if cid in self._placed:
            raise ValueError(
                f"live_component({component.__name__}, id={id!r:.80}) is placed twice in one "
                f"render; each stateful component needs its own id"
            )
        self._placed.add(cid)
        state = self._states[cid]
        passed = {"id": id, **assigns}
        if not state.mounted or not same(state.passed, passed):
            self._pending.append((cid, passed, True))
        return cid

    def _stateless(self, component: type[LiveComponent], assigns: Mapping[str, Any]) -> Markup:
        """A component without an id: mounted, updated and rendered each time, no state."""
        assert self._parent is not None, "place() before attach()"
        instance = component()
        socket = ComponentSocket(self._parent, 0)
        _sync(instance.mount(socket), component, "mount")
        _sync(instance.update(dict(assigns), socket), component, "update")
        return Markup(instance.render({**component.components, **socket.assigns}))

    def send_update(self, component: Any, id: Any, assigns: dict[str, Any]) -> None:
        """``socket.send_update``: in the running transaction, or as one of its own."""
        if self._journal is not None and threading.get_ident() == self._loop_thread:
            self._queue_update(component, id, assigns)
            return
        self._schedule(lambda: self._queue_update(component, id, assigns))

    def _queue_update(self, component: Any, id: Any, assigns: dict[str, Any]) -> None:
        cid = self._by_key.get((component, id)) if isinstance(component, type) else None
        if cid is None:
            name = getattr(component, "__name__", repr(component))
            logger.warning(
                "livewidget: send_update(%s, id=%r) found no such component on the page; ignored",
                name,
                id,
            )
            return
        self._pending.append((cid, {"id": id, **assigns}, False))

    def _deliver_to(self, cid: int) -> tuple[LiveComponent, ComponentSocket] | None:
        """Component ``cid`` and its socket, for its background work's result (or None)."""
        state = self._states.get(cid)
        if state is None or not state.mounted:
            return None
        self._touch(state)
        return state.component, state.socket

    async def handle_event(self, cid: int, event: str, params: Mapping[str, Any]) -> Any:
        """An event targeted at component ``cid``; its reply, if any."""
        state = self._states.get(cid)
        if state is None or not state.mounted:
            raise UnknownComponentError(
                f"the event {event!r} targets component {cid}, which this page does not show "
                f"(shown: {sorted(self._states) or 'none'}); it may have just been removed"
            )
        self._touch(state)
        return await call(state.component.handle_event, event, params, state.socket)

    def finish(self, tree: Rendered) -> Rendered:
        """After the page's render: run mounts and updates, render what changed, attach the
        component trees to ``tree`` and find what left the page."""
        if not self._states and not self._pending:
            # No component on the page nor placed now: no walk of the tree (a view without
            # components pays nothing for them).
            self._placed.clear()
            if self._journal is None:
                self.commit()
            return tree
        try:
            while self._pending or self._dirty():
                self._apply_pending()
                for state in self._dirty():
                    self._render(state)
            live = cids_in(tree, {cid: s.tree for cid, s in self._states.items() if s.tree})
        except BaseException:
            if self._journal is None:
                self._forget_unrendered()  # no transaction to restore (a mount): start clean
            raise
        finally:
            self._placed.clear()
        shown = set(live)
        gone = [state for cid, state in self._states.items() if cid not in shown]
        for state in gone:
            del self._states[state.cid]
            del self._by_key[state.key]
            self._removed.append((state, "removed"))
        if self._journal is None:
            self.commit()  # a render outside a transaction (a mount, a join) commits at once
        if live:
            tree.components = {cid: self._tree_of(cid) for cid in live}
        return tree

    def _forget_unrendered(self) -> None:
        self._pending.clear()
        for state in [s for s in self._states.values() if s.tree is None]:
            del self._states[state.cid]
            del self._by_key[state.key]

    def _tree_of(self, cid: int) -> Rendered:
        tree = self._states[cid].tree
        assert tree is not None
        return tree

    def _dirty(self) -> list[_State]:
        return [
            s for s in self._states.values() if s.mounted and (s.tree is None or s.socket._changed)
        ]

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, []
        for cid, assigns, from_parent in pending:
            state = self._states.get(cid)
            if state is None:
                continue
            self._touch(state)
            kind = type(state.component)
            if not state.mounted:
                _sync(state.component.mount(state.socket), kind, "mount")
                state.mounted = True
            _sync(state.component.update(dict(assigns), state.socket), kind, "update")
            if from_parent:
                # What the parent passed last: send_update's assigns are not the parent's,
                # so the parent's next render with the same assigns updates nothing.
                state.passed = snapshot(assigns)

    def _render(self, state: _State) -> None:
        self._touch(state)
        kind = type(state.component)
        changed = None if state.tree is None else set(state.socket._changed)
        context = {**kind.components, **state.socket.assigns, "myself": state.cid}
        state.tree = state.component._render_tree(context, changed, state.tree)
        state.socket._changed = set()


def _sync(result: Any, kind: type, what: str) -> None:
    """Component callbacks that run inside a render must not await."""
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()
        raise TypeError(
            f"{kind.__name__}.{what} is async; a component's mount and update run inside "
            f"the page's render and must be plain def (handle_event may be async)"
        )


_TERMINATING: set[asyncio.Future[None]] = set()


def _terminate(state: _State, reason: str) -> None:
    try:
        result = state.component.terminate(reason)
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(await_logged(result))
            _TERMINATING.add(task)  # kept until done: the loop holds tasks only weakly
            task.add_done_callback(_TERMINATING.discard)
    except Exception:
        logger.exception("livewidget: %s.terminate raised", type(state.component).__name__)
