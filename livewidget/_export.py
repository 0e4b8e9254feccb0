"""A saved notebook still shows its views: a static snapshot output under each LiveWidget.

Where no kernel runs (``jupyter nbconvert``, GitHub, nbviewer, JupyterLab after a restart), a
widget view is blank: nbconvert draws it only with a script from a CDN, and only when the
notebook saved the widget's state; GitHub and nbviewer do not draw it at all. So displaying a
LiveWidget in a kernel makes two outputs:

1. the widget view, exactly as ipywidgets makes it (the live page);
2. a ``text/html`` output with a display id, holding the view's render as static HTML
   (:mod:`livewidget._export_html`). Every exporter shows ``text/html``. In a live page the
   frontend's stylesheet hides it beside its live widget.

It must be a second output: nbconvert picks a widget view over a ``text/html`` in the same
output whenever the widget's state was saved (``--execute`` saves it), and updating an output
that holds a widget view makes JupyterLab draw the view again.

The first render may come after the displaying cell has run, and the view changes afterwards
(``widget.assign`` in a later cell, clicks, timers). So at the end of each cell (IPython's
``post_run_cell``) every displayed widget whose render changed gets one ``update_display_data``
with its current HTML: the saved notebook holds each widget's last render as of the last cell
run. Updates themselves are untouched: no page HTML travels with a diff, ever. Voilà kernels
make no snapshot (visitors do not save the page), nor do widgets shown outside a kernel.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Iterable
from typing import Any, Protocol

from ._core.session import Session
from ._export_html import snapshot_block
from ._live import loop as _loop

logger = logging.getLogger("livewidget")

#: How long the end of a cell waits, at most, for the displayed views to handle what was
#: queued for them (e.g. a ``widget.assign`` on the cell's last line), before it copies their
#: renders. Usually it is a millisecond; a busy view is copied as it stands after this.
SETTLE_SECONDS = 0.5
HTML = "text/html"

# Displayed widgets by id (weakly: a snapshot never keeps a widget alive), and a digest of
# the render each one's snapshot output holds.
_widgets: weakref.WeakValueDictionary[str, LiveWidget] = weakref.WeakValueDictionary()
_digests: dict[str, str] = {}


class LiveWidget(Protocol):
    """What this module reads of a :class:`livewidget.LiveWidget` (which imports this module)."""

    _lw_id: str
    _voila: bool
    _session: Session | None

    @property
    def closed(self) -> bool:
        """True once the widget was closed."""


def display_id(widget_id: str) -> str:
    """The display id of the snapshot output of the widget whose ``_lw_id`` is ``widget_id``."""
    return f"livewidget-snapshot-{widget_id}"


def show(widget: LiveWidget, bundle: Any) -> None:
    """Display ``widget`` (its mimebundle ``bundle``) and, in a kernel, its snapshot output."""
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    _display(data, metadata)
    shell = _kernel_shell()
    if shell is None or widget._voila or widget.closed:
        return
    widget_id = widget._lw_id
    (rendered, name) = _renders([widget]).get(widget_id, (None, "LiveWidget"))
    _display({HTML: snapshot_block(rendered, widget_id, name)}, {}, display_id(widget_id))
    _widgets[widget_id] = widget
    _digests[widget_id] = _digest(rendered)
    events = shell.events
    if after_cell not in events.callbacks.get("post_run_cell", []):
        events.register("post_run_cell", after_cell)


def after_cell(*_result: Any) -> None:
    """IPython's ``post_run_cell``: bring every changed snapshot up to the widget's render."""
    try:
        _update_snapshots()
    except Exception:  # a hook that raises prints a traceback under the user's cell
        logger.exception("livewidget: updating the static snapshots failed")


def _update_snapshots() -> None:
    live: dict[str, LiveWidget] = {}
    for widget_id in list(_digests):
        widget = _widgets.get(widget_id)
        if widget is not None and not widget.closed:
            live[widget_id] = widget
        else:
            # Closed (or collected, which only a closed widget can be): its view is gone from
            # the page, so its snapshot goes too.
            del _digests[widget_id]
            _update({HTML: ""}, display_id(widget_id))
    for widget_id, (rendered, name) in _renders(live.values()).items():
        digest = _digest(rendered)
        if _digests.get(widget_id) != digest:
            _digests[widget_id] = digest
            _update({HTML: snapshot_block(rendered, widget_id, name)}, display_id(widget_id))


def _renders(widgets: Iterable[LiveWidget]) -> dict[str, tuple[str | None, str]]:
    """Each widget's current render (None before the first) and view name, by widget id.

    Views on livewidget's own thread first handle what is queued for them (at most
    :data:`SETTLE_SECONDS`), and their trees are read on that thread, between two messages.
    """
    sessions = {
        widget._lw_id: session
        for widget in widgets
        if (session := widget._session) is not None and not session.closed
    }
    shared = {key: s for key, s in sessions.items() if _loop.is_shared(s._loop)}
    out = {key: _render_of(s) for key, s in sessions.items() if key not in shared}
    if not shared:
        return out
    loop = next(iter(shared.values()))._loop
    try:
        here = asyncio.get_running_loop() is loop
    except RuntimeError:
        here = False
    if here:  # called from a handler: the loop is ours, nothing else runs meanwhile
        out.update({key: _render_of(s) for key, s in shared.items()})
        return out

    async def settle() -> dict[str, tuple[str | None, str]]:
        drains = asyncio.gather(*(s.drain(send_held=False) for s in shared.values()))
        try:
            await asyncio.wait_for(drains, SETTLE_SECONDS)
        except TimeoutError:
            logger.info("livewidget: a view was busy at the end of a cell; snapshot as it stands")
        return {key: _render_of(s) for key, s in shared.items()}

    future = asyncio.run_coroutine_threadsafe(settle(), loop)
    try:
        out.update(future.result(SETTLE_SECONDS + 1.0))
    except Exception:  # the loop is gone or stuck: leave those snapshots as they were
        future.cancel()
        logger.warning("livewidget: could not read the views' renders for their snapshots")
    return out


def _render_of(session: Session) -> tuple[str | None, str]:
    tree = session.tree
    return (None if tree is None else str(tree)), session.view_class.__name__


def _digest(rendered: str | None) -> str:
    if rendered is None:
        return ""
    return hashlib.blake2b(rendered.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# -- IPython, in one place (the unit tests replace these) -------------------------------------


def _kernel_shell() -> Any:
    """IPython's shell when it runs in a kernel (ipykernel), else None."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipywidgets depends on IPython
        return None
    shell = get_ipython()
    return shell if getattr(shell, "kernel", None) is not None else None


def _display(data: dict[str, Any], metadata: dict[str, Any], display_id: str | None = None) -> None:
    from IPython.display import display

    if display_id is None:
        display(data, metadata=metadata, raw=True)  # type: ignore[no-untyped-call]
    else:
        display(data, metadata=metadata, raw=True, display_id=display_id)  # type: ignore[no-untyped-call]


def _update(data: dict[str, Any], display_id: str) -> None:
    from IPython.display import update_display

    update_display(data, raw=True, display_id=display_id)  # type: ignore[no-untyped-call]
