"""LiveWidget: an anywidget widget whose comm channel is a LiveView's socket."""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets  # type: ignore[import-untyped]
import traitlets

from . import _frontend
from . import _protocol as p
from ._core.session import Routes, Session
from ._kernel_owned import ClassKeys, KernelLayout, refuse_update, refused_update
from ._live import kernel as _kernel
from ._live import loop as _loop
from ._uploads.wire import BUFFERS
from .errors import ClosedError
from .socket import Assigns
from .view import LiveView

logger = logging.getLogger("livewidget")

#: How long a comm handler waits for its message's reply before it lets the kernel go on
#: (the reply then follows when the handler ends); see docs/latency.md.
REPLY_WAIT_SECONDS = 1.0
#: How long a cell in Voila waits for a view's first mount. Voila serves the page when the
#: notebook has run, and its widget manager then asks the kernel for every widget's state
#: while ipywidgets and ipykernel iterate their registries without a lock: a mount still
#: creating widgets on livewidget's thread (a plotly FigureWidget takes seconds) could make
#: that request fail and leave the page at "Loading widget...". So the cell waits for it.
VOILA_MOUNT_WAIT_SECONDS = 120.0


def in_voila() -> bool:
    """True when this kernel was started by Voilà (visitors, not authors, see the widget)."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila/") or (
        "VOILA_KERNEL_ID" in os.environ
    )


def _first_reply(_value: object, widget: Any) -> memoryview | None:
    """The ``_lw_first`` trait's JSON: the session's first reply while no page has joined, as
    UTF-8 JSON in a binary buffer. ipywidgets walks every nested list and dict of a state for
    buffers (~3.4 ms for a 1,000-row table's tree); a buffer is one value to it, and travels
    unescaped.

    Read for the ``comm_open`` (:meth:`LiveWidget.open`), it is marked ``"later"``: the page
    may join later, since every message of the widget reaches it after the ``comm_open``
    (:meth:`LiveWidget._send_message`). A state a page asks for (Voilà, a reloaded page) is
    not: such a page makes the widget's comm only once the state has come, and would miss a
    change sent in between, so it joins at once.
    """
    session = getattr(widget, "_session", None)  # None while ipywidgets opens the comm
    reply = session.first_reply() if session is not None else None
    if reply is None:
        return None
    if getattr(widget, "_opening", None) == threading.get_ident():
        reply = {**reply, p.JOIN_LATER: True}
    return memoryview(json.dumps(reply, separators=(",", ":"), ensure_ascii=False).encode())


class LiveWidget(ClassKeys, anywidget.AnyWidget):
    """Display a LiveView, or a table of routes to LiveViews, in a notebook or Voilà.

    >>> from livewidget import LiveView, LiveWidget
    >>> class Hello(LiveView):
    ...     template = "<p>Hello {{ name }}</p>"
    ...     def mount(self, socket, session, params):
    ...         socket.assign(name=session.get("name", "world"))
    >>> widget = LiveWidget(Hello, session={"name": "Ada"})   # the cell's output shows it

    ``view`` is one LiveView class (served on every path) or a route table such as
    ``{"/": Home, "/users/:id": User}``; ``path`` is the initial URL inside the widget;
    ``session`` is handed to ``mount``; ``hooks`` adds client hooks (name → ES module source
    or ``pathlib.Path``) to those of the views. ``page_layout`` wraps every view in a shared
    layout (template source, or a ``pathlib.Path`` of a template file, holding
    ``{{ inner_content }}``; it also sees ``flash``, ``page_title`` and ``url``). With
    ``sync_url=True`` the widget's route is mirrored in the browser's address bar in Voilà
    (never in JupyterLab). Re-running the cell
    that defines a view's class updates the widget in place; with ``watch_templates=True`` (or
    ``LIVEWIDGET_WATCH=1``) so does editing its ``template_file``. Tracebacks show
    inside the widget in notebooks; in Voilà visitors get a short message unless
    ``debug=True`` (or the environment variable ``LIVEWIDGET_DEBUG=1``).
    """

    # The traits anywidget would add to each instance are declared here, on the class:
    # anywidget's __init__ (skipped, see __init__) makes a new class per instance to add them.
    #: The loader of the shared frontend bundle (livewidget/_frontend.py); in marimo, the bundle.
    _esm = traitlets.Unicode(_frontend.loader()).tag(sync=True)
    #: Empty: the loader adds the shared bundle's stylesheet once per page (in marimo, the CSS).
    _css = traitlets.Unicode("").tag(sync=True)
    _anywidget_id = traitlets.Unicode("livewidget.widget.LiveWidget").tag(sync=True)
    #: The kernel's shared bundle model, which the loader imports the frontend from.
    _lw_bundle = traitlets.Instance(_frontend.BundleModel, allow_none=True).tag(
        sync=True, to_json=_frontend.bundle_ref
    )

    #: The widget's current URL inside the widget: path and query string.
    url = traitlets.Unicode("/").tag(sync=True)
    #: The page title the view set (``socket.page_title``).
    title = traitlets.Unicode("").tag(sync=True)
    #: Mirror the route into the browser URL (Voilà only).
    sync_url = traitlets.Bool(False).tag(sync=True)
    #: Whether this kernel runs under Voilà (decides what the frontend may touch).
    _voila = traitlets.Bool(False).tag(sync=True)
    #: A unique id the frontend keys its per-widget state by (shared by every view).
    _lw_id = traitlets.Unicode().tag(sync=True)
    #: The first mount's reply until a page joined (``Session.first_reply``), read when the
    #: state is sent: the value itself stays None, so nothing of it is kept or sent twice.
    _lw_first = traitlets.Any(None, allow_none=True).tag(sync=True, to_json=_first_reply)

    @traitlets.default("layout")
    def _default_layout(self) -> ipywidgets.Layout:
        return KernelLayout()

    def __init__(
        self,
        view: Routes,
        *,
        path: str = "/",
        session: Mapping[str, Any] | None = None,
        hooks: Mapping[str, str | Path] | None = None,
        page_layout: str | Path | None = None,
        sync_url: bool = False,
        watch_templates: bool | None = None,
        debug: bool | None = None,
        **kwargs: Any,
    ) -> None:
        self._session: Session | None = None
        self._own_layout: Any = None
        # Held while a state is read and sent, and while a message is sent: a message sent
        # after a state was read goes out after that state (see _send_message). Reentrant.
        self._state_lock = threading.RLock()
        self._opening: int | None = None
        # The parent header of the last message from the page (at first, the cell's that
        # made the widget): what livewidget sends carries it, so ipykernel keeps routing the
        # page's messages to the subshell they came by (see livewidget/_kernel.py).
        self._parent = _kernel.current_parent()
        if debug is None:
            debug = os.environ.get("LIVEWIDGET_DEBUG") == "1" or not in_voila()
        loop = _loop.widget_loop()
        self._reply_wait = REPLY_WAIT_SECONDS if _loop.is_shared(loop) else 0.0

        def start() -> Session:
            session_ = Session(
                view,
                send=self._send_message,
                session=session,
                url=path,
                loop=loop,
                show_tracebacks=debug,
                hooks=hooks,
                on_state=self._on_state,
                on_first=self._on_first,
                on_first_gone=self._on_first_gone,
                page_layout=page_layout,
            )
            # From a cell, wait (briefly) for the mount: the next line may read
            # widget.assigns, and the comm_open then carries the first reply. In Voila, wait
            # for all of it (see VOILA_MOUNT_WAIT_SECONDS).
            mount_wait = VOILA_MOUNT_WAIT_SECONDS if self._voila and self._reply_wait else 0.0
            session_.start(wait=max(self._reply_wait, mount_wait))
            return session_

        self._start: Callable[[], Session] | None = start  # run by open(), before the comm
        # ipywidgets' DOMWidget.__init__, not anywidget's: every trait anywidget would add per
        # instance (with a class of its own, ~7 KB of heap each) is declared on this class.
        try:
            ipywidgets.DOMWidget.__init__(
                self,
                url=path,
                sync_url=sync_url,
                _voila=in_voila(),
                _lw_id=uuid.uuid4().hex,
                **_frontend.frontend_traits(),
                **kwargs,
            )
        except BaseException:
            self._start = None
            if "layout" not in kwargs:  # made by ipywidgets before the view failed: ours
                self._own_layout = self._trait_values.get("layout")
            self.close()  # a view that failed to start must leave no comm open
            raise
        # The Layout child ipywidgets made for us has a comm of its own: ours to close. A
        # layout the caller passed may be shared with other widgets: theirs.
        self._own_layout = self.layout if "layout" not in kwargs else None
        self.on_msg(self._on_custom_msg)
        _frontend.watch_for_reload(self)
        self.comm.on_close(self._on_page_closed)
        _kernel.route_as_addressed(self.comm)
        if watch_templates or (
            watch_templates is None and os.environ.get("LIVEWIDGET_WATCH") == "1"
        ):
            self._live_session.watch_templates()

    def open(self) -> None:
        """Start the view (its first mount), then open the comm (ipywidgets calls this once,
        from ``__init__``): the ``comm_open``'s state then carries the first reply
        (``_lw_first``), so a page draws the view without waiting for its join's answer."""
        start, self._start = getattr(self, "_start", None), None
        if start is not None:
            self._session = start()
        with self._state_lock:
            self._opening = threading.get_ident()  # the thread reading the comm_open's state
            try:
                super().open()
            finally:
                self._opening = None

    def send_state(self, key: str | list[str] | None = None) -> None:
        """Send the state (or the traits named by ``key``) to the page, as ipywidgets does,
        in order with the widget's messages (see :meth:`_send_message`)."""
        with self._state_lock:
            super().send_state(key)

    @property
    def view(self) -> LiveView:
        """The live LiveView instance, for inspection."""
        return self._live_session.view

    @property
    def assigns(self) -> Assigns:
        """The view's assigns as of the last event it handled, for inspection in a cell.

        A snapshot: read while a handler runs (a cell and the view run on different threads),
        it shows the state before that handler, never a half-applied or rolled-back one.
        """
        return self._live_session.assigns

    @property
    def closed(self) -> bool:
        """True once the widget was closed, from Python or by the page."""
        return self._session is None or self._session.closed

    def assign(self, **values: Any) -> None:
        """Set assigns of the view from Python, e.g. from a cell while it runs.

        ``widget.assign(progress=0.4, loss=0.12)`` is queued behind what the view is
        handling, applied as one transaction (the page gets the diff at once, even while the
        cell goes on), and visible in :attr:`assigns` once handled. Names are checked here.
        """
        self._live_session.assign(values)

    def send_info(self, info: Any) -> None:
        """Deliver ``info`` to the view's ``handle_info``, behind what it is handling.

        Safe from any thread; a cell's loop can report progress this way while it runs.
        """
        self._live_session.send_info(info)

    def navigate(self, url: str, *, replace: bool = False) -> None:
        """Go to ``url`` as a link would (a patch when the current view serves it).

        Like every change from Python, it is queued behind what the view is handling.
        """
        self._live_session.navigate(url, replace=replace)

    def back(self) -> None:
        """Go back one entry in the widget's history."""
        self._live_session.back()

    def forward(self) -> None:
        """Go forward one entry in the widget's history."""
        self._live_session.forward()

    def close(self) -> None:
        """Close the widget and end its view (``terminate`` runs).

        Everything the view started ends (timers, background work, subscriptions), the widget's
        comms close (its own and its layout's), and nothing in livewidget, anywidget, ipywidgets
        or the comm layer keeps a reference to it: once your own names for it are gone, the
        garbage collector frees it with its view and assigns. The page closing the widget's
        comm does the same. Closing twice is a no-op.
        """
        session = getattr(self, "_session", None)  # None if __init__ failed half-way
        if session is not None:
            session.close("closed")
        super().close()
        layout, self._own_layout = getattr(self, "_own_layout", None), None
        if layout is not None:
            layout.close()

    def set_state(self, sync_data: Any) -> None:
        """Refuse a state update from the page: the kernel owns every synced trait.

        ``url``, ``title``, ``sync_url``, ``_esm``, ``_css``, ``_lw_id``, ``_voila``, the layout
        and ipywidgets' own traits move only from Python; the page talks to the view through
        custom messages. The refused update is logged and the kernel's values of the named
        traits are sent back, so the page stays in step with the kernel.
        """
        refuse_update(self, sync_data)

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        if not refused_update(self, msg):
            super()._handle_msg(msg)

    def _ipython_display_(self) -> None:
        """Display the widget and, in a kernel, a static snapshot of its render under it.

        The snapshot is what a saved notebook shows where no kernel runs (nbconvert, GitHub,
        nbviewer); a live page hides it. See docs/export.md.
        """
        from . import _export  # loaded on the first display only (marimo, tests never do)

        _export.show(self, self._repr_mimebundle_())

    def __repr__(self) -> str:
        session = getattr(self, "_session", None)
        name = session.view_class.__name__ if session is not None else "(not started)"
        return f"<LiveWidget {name} url={self.url!r}>"

    @property
    def _live_session(self) -> Session:
        if self._session is None:
            raise ClosedError("this LiveWidget failed to start; create a new one")
        return self._session

    def _on_custom_msg(self, _widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("k") == _frontend.BUNDLE_KIND:
            # The loader could not reach the shared bundle model (js/src/loader.js).
            _kernel.run_with_parent(self._parent, self.send, _frontend.bundle_reply())
            return
        if self._session is not None:
            self._parent = _kernel.current_parent() or self._parent
            if buffers and isinstance(content, dict):
                # An upload chunk's bytes (livewidget/_uploads/wire.py): as bytes, which no
                # JSON a page sends can hold, so the session's checks tell them apart.
                content = {**content, BUFFERS: list(buffers)}
            self._session.receive(content, wait=self._reply_wait)

    def _on_page_closed(self, _msg: Any) -> None:
        """The page closed the widget's comm: end the view exactly as :meth:`close` does."""
        logger.info("livewidget: the page closed %r; ending its view", self)
        self.close()  # the session ends the view on its own loop, from any thread

    def _on_first(self) -> None:
        if self.comm is None:
            return  # the comm_open about to be sent carries it
        # A mount slower than the cell's wait: the state follows the comm_open.
        _kernel.run_with_parent(self._parent, self.send_state, "_lw_first")

    def _on_first_gone(self) -> None:
        # The state's first reply is no longer the page: a model made from the state later
        # (a reloaded page, a frontend that replays it) must join instead of showing it.
        if self.comm is not None:
            _kernel.run_with_parent(self._parent, self.send_state, "_lw_first")

    def _on_state(self, url: str, title: str | None) -> None:
        _kernel.run_with_parent(self._parent, self._set_state_traits, url, title)

    def _set_state_traits(self, url: str, title: str | None) -> None:
        self.url = url
        if title is not None:
            self.title = title

    def _send_message(self, message: dict[str, Any]) -> None:
        # After any state being read and sent: a state that carried the first reply reaches
        # the page before the diff from it (the view's first change, see Session).
        with self._state_lock:
            if self.comm is None:
                raise ClosedError("the widget's comm is closed; display a new LiveWidget")
            _kernel.run_with_parent(self._parent, self.send, message)
