"""LiveWidget: an anywidget widget whose comm channel is a LiveView's socket."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .errors import ClosedError, LiveWidgetError
from .session import Routes, Session
from .socket import Assigns
from .view import LiveView

_STATIC = Path(__file__).parent / "static"


def _bundle(name: str) -> Path:
    path = _STATIC / name
    if not path.is_file():
        raise LiveWidgetError(
            f"the frontend bundle {name} is missing from {_STATIC}; this happens in a source "
            f"checkout that was not installed: run `pip install -e .` (it builds the bundle "
            f"with npm) or `npm --prefix js install && npm --prefix js run build`"
        )
    return path


def in_voila() -> bool:
    """True when this kernel was started by Voilà (visitors, not authors, see the widget)."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila/") or (
        "VOILA_KERNEL_ID" in os.environ
    )


class LiveWidget(anywidget.AnyWidget):
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
    or ``pathlib.Path``) to those of the views. With ``sync_url=True`` the widget's route is
    mirrored in the browser's address bar in Voilà (never in JupyterLab). Re-running the cell
    that defines a view's class updates the widget in place; with ``watch_templates=True`` (or
    ``LIVEWIDGET_WATCH=1``) so does editing its ``template_file``. Tracebacks show
    inside the widget in notebooks; in Voilà visitors get a short message unless
    ``debug=True`` (or the environment variable ``LIVEWIDGET_DEBUG=1``).
    """

    _esm = _bundle("widget.js")
    _css = _bundle("widget.css")

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

    def __init__(
        self,
        view: Routes,
        *,
        path: str = "/",
        session: Mapping[str, Any] | None = None,
        hooks: Mapping[str, str | Path] | None = None,
        sync_url: bool = False,
        watch_templates: bool | None = None,
        debug: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            url=path, sync_url=sync_url, _voila=in_voila(), _lw_id=uuid.uuid4().hex, **kwargs
        )
        if debug is None:
            debug = os.environ.get("LIVEWIDGET_DEBUG") == "1" or not in_voila()
        self._session = Session(
            view,
            send=self._send_message,
            session=session,
            url=path,
            show_tracebacks=debug,
            hooks=hooks,
            on_state=self._on_state,
        )
        self.on_msg(self._on_custom_msg)
        self._session.start()
        if watch_templates or (
            watch_templates is None and os.environ.get("LIVEWIDGET_WATCH") == "1"
        ):
            self._session.watch_templates()

    @property
    def view(self) -> LiveView:
        """The live LiveView instance, for inspection."""
        return self._session.view

    @property
    def assigns(self) -> Assigns:
        """The view's current assigns, for inspection in the next cell."""
        return self._session.socket.assigns

    def navigate(self, url: str, *, replace: bool = False) -> None:
        """Go to ``url`` as a link would (a patch when the current view serves it).

        Like every change from Python, it runs on the kernel's loop right after the cell.
        """
        self._session.navigate(url, replace=replace)

    def back(self) -> None:
        """Go back one entry in the widget's history."""
        self._session.back()

    def forward(self) -> None:
        """Go forward one entry in the widget's history."""
        self._session.forward()

    def close(self) -> None:
        """Close the widget and end its view (``terminate`` runs)."""
        self._session.close("closed")
        super().close()

    def __repr__(self) -> str:
        return f"<LiveWidget {self._session.view_class.__name__} url={self.url!r}>"

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        self._session.receive(content)

    def _on_state(self, url: str, title: str | None) -> None:
        self.url = url
        if title is not None:
            self.title = title

    def _send_message(self, message: dict[str, Any]) -> None:
        if self.comm is None:
            raise ClosedError("the widget's comm is closed; display a new LiveWidget")
        self.send(message)
