"""LiveWidget: an anywidget widget whose comm channel is a LiveView's socket."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .errors import ClosedError, LiveWidgetError
from .session import Session
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
    """Display a LiveView in a notebook or a Voilà dashboard.

    >>> from livewidget import LiveView, LiveWidget
    >>> class Hello(LiveView):
    ...     template = "<p>Hello {{ name }}</p>"
    ...     def mount(self, socket, session, params):
    ...         socket.assign(name=session.get("name", "world"))
    >>> widget = LiveWidget(Hello, session={"name": "Ada"})   # the cell's output shows it

    ``session`` is handed to ``mount``; ``path`` is the widget's initial URL. Tracebacks
    show inside the widget in notebooks; in Voilà visitors get a short message unless
    ``debug=True`` (or the environment variable ``LIVEWIDGET_DEBUG=1``).
    """

    _esm = _bundle("widget.js")
    _css = _bundle("widget.css")

    #: The widget's current URL inside the widget: path and query string.
    url = traitlets.Unicode("/").tag(sync=True)
    #: The page title the view set.
    title = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        view: type[LiveView],
        *,
        path: str = "/",
        session: Mapping[str, Any] | None = None,
        debug: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(url=path, **kwargs)
        if debug is None:
            debug = os.environ.get("LIVEWIDGET_DEBUG") == "1" or not in_voila()
        self._session = Session(
            view, send=self._send_message, session=session, url=path, show_tracebacks=debug
        )
        self.on_msg(self._on_custom_msg)
        self._session.start()

    @property
    def view(self) -> LiveView:
        """The live LiveView instance, for inspection."""
        return self._session.view

    @property
    def assigns(self) -> Assigns:
        """The view's current assigns, for inspection in the next cell."""
        return self._session.socket.assigns

    def close(self) -> None:
        """Close the widget and end its view (``terminate`` runs)."""
        self._session.close("closed")
        super().close()

    def __repr__(self) -> str:
        return f"<LiveWidget {self._session.view_class.__name__} url={self.url!r}>"

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        self._session.receive(content)

    def _send_message(self, message: dict[str, Any]) -> None:
        if self.comm is None:
            raise ClosedError("the widget's comm is closed; display a new LiveWidget")
        self.send(message)
