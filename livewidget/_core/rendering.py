"""The page a session shows: its view, inside the page layout if any, with its components.

One render turns the current view and its socket's assigns into one rendered tree: the view's
template (with the view's named ``components`` beside its assigns), wrapped in the page layout
(:mod:`livewidget._core.layout`) when the widget has one, and the stateful LiveComponents it
places filled in by the view's :class:`~livewidget._core.components.ComponentSet`. After a
mount the page gets the whole tree (:meth:`Renderer.full_reply`), or, when a redirect kept the
layout, only the diff from the page it replaced.

:class:`Renderer` is the collaborator a :class:`~livewidget._core.session.Session` owns for
this. It reads the session's view, socket and committed tree through the :class:`RenderHost`
protocol, so this module never imports the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from .. import _checked
from .. import _protocol as p
from .._checked import Checked, checked
from ..socket import Socket
from ..template import Rendered, diff
from ..template._components import hosting
from ..template._rendered import utf8_safe
from ..view import LiveView
from .callbacks import hook_source
from .components import ComponentSet
from .layout import PageLayout
from .replies import Replies


class RenderHost(Protocol):
    """What the renderer reads and sets on its session."""

    view_class: type[LiveView]
    view: LiveView
    socket: Socket
    #: The hook sources of the current view (set when it mounts).
    _view_hooks: dict[str, str]
    #: An error from mount or handle_params, shown with the next whole page.
    _pending_error: dict[str, Any] | None
    #: The last committed tree: what the next render diffs against.
    _tree: Rendered | None


class Renderer:
    """Renders a session's page and builds the whole-page reply after a mount."""

    def __init__(
        self,
        host: RenderHost,
        components: ComponentSet,
        replies: Replies,
        *,
        page_layout: str | Path | None,
        hooks: Mapping[str, str | Path] | None,
    ) -> None:
        self._host = host
        self._components = components
        self._replies = replies
        self._layout = None if page_layout is None else PageLayout(page_layout)
        # The widget's own hooks; each view's are added to them (RenderHost._view_hooks).
        self._hooks = {name: hook_source(name, src) for name, src in (hooks or {}).items()}
        # The page a redirect replaced (see unmount): with a layout, the mount's reply is a
        # diff from it, so the layout's statics and unchanged slots are not sent again.
        self._replaced: Rendered | None = None
        # A mounted tree's JSON, checked as sendable when it mounted: the page's first
        # reply sends it as it is (a 1,000-row table's JSON costs a tenth of its render),
        # flagged Checked so that the reply's own check skips it.
        self._checked: tuple[Rendered, Checked] | None = None

    def render(self, changed: set[str] | None) -> Rendered:
        """The page: the view (inside the layout, if any), then the components it places.

        ``changed`` names the assigns changed since the last render (None: render it all).
        """
        host = self._host
        self._components.attach(host.socket)
        # The view's components = {"Card": Card} reach its template beside the assigns.
        named = getattr(host.view_class, "components", None)
        assigns: Mapping[str, Any] = (
            {**named, **host.socket.assigns} if named else host.socket.assigns
        )
        with hosting(self._components):
            if self._layout is None:
                tree = host.view._render_tree(assigns, changed, host._tree)
            else:
                # The view renders against its own part of the last page; the layout around it.
                inner = host.view._render_tree(assigns, changed, self._layout.inner_of(host._tree))
                tree = self._layout.wrap(
                    inner,
                    flash=host.socket._flash(),
                    page_title=host.socket.page_title,
                    url=host.socket.url,
                    previous=host._tree,
                )
            return self._components.finish(tree)

    def unmount(self) -> None:
        """The view is being replaced: forget its tree, remembering the page it showed."""
        self._replaced = self._replies.shown_tree()
        self._host._tree = None

    def page_is_empty(self) -> None:
        """A page joins holding nothing yet: the next full reply is the whole tree."""
        self._replaced = None

    def check_mounted(self, tree: Rendered) -> None:
        """Raise UnencodableError unless a mounted ``tree`` can be sent to a page."""
        self._checked = None
        tree_json = tree.to_json()
        if utf8_safe(tree) is not True:  # the full check names what cannot be sent
            _checked.check(tree_json)  # a stream's rows were checked when they were packed
        self._checked = (tree, checked(tree_json))

    def mounted_json(self, tree: Rendered, *, keep: bool = False) -> dict[str, Any]:
        """``tree.to_json()``; a :class:`~livewidget._checked.Checked` one (not checked
        again when sent) when ``tree`` is the tree that mounted last. That one is kept for
        the first reply only, unless ``keep`` (the state's first reply: the join may need it)."""
        mounted = self._checked
        if not keep:
            self._checked = None
        return mounted[1] if mounted is not None and mounted[0] is tree else tree.to_json()

    def hooks(self) -> dict[str, str]:
        """The hook sources a page needs with a whole tree: the widget's and its view's."""
        return {**self._hooks, **self._host._view_hooks}

    def first_reply(self) -> dict[str, Any]:
        """The mounted page for the widget's state (``_lw_first``), changing nothing here."""
        tree = self._host._tree
        assert tree is not None
        return {p.RENDERED: self.mounted_json(tree, keep=True), p.HOOKS: self.hooks()}

    def shown_whole(self) -> None:
        """A page joined showing the current tree already (the state's first reply)."""
        self._replaced = None
        self._checked = None
        self._replies.sent_whole()

    def full_reply(self) -> dict[str, Any]:
        """The page after a mount: the whole tree, with the hook sources of its view.

        After a redirect inside a page layout (the layout's statics unchanged), only the diff
        from the replaced page: the new view's tree and the layout slots that changed.
        """
        tree = self._host._tree
        assert tree is not None
        replaced, self._replaced = self._replaced, None
        self._replies.sent_whole()
        hooks = self.hooks()
        reply: dict[str, Any]
        if self._layout is not None and replaced is not None and replaced.statics == tree.statics:
            reply = {p.DIFF: diff(replaced, tree), p.HOOKS: hooks}
        else:
            reply = {p.RENDERED: self.mounted_json(tree), p.HOOKS: hooks}
        if self._host._pending_error is not None:
            reply[p.ERROR] = self._host._pending_error
        return reply
