"""How the frontend reaches the page: the bundle files, the loader and the shared bundle model.

Every LiveWidget's ``_esm`` is a small loader (``static/loader.js``, ~2 KB) instead of the
whole frontend bundle (``static/widget.js``, ~80 KB), and its ``_css`` is empty. The bundle
and its stylesheet travel once per kernel, in the traits of one hidden :class:`BundleModel`
that every widget names in its ``_lw_bundle`` trait; the loader fetches that model through
the page's widget manager and imports its source once per page, keyed by the bundle's
digest (see ``js/src/loader.js``). Because the bundle model is an
ordinary widget model, saved widget state (a notebook reopened without a kernel, nbconvert
with widget state) holds it too, once.

Two fallbacks keep each widget working on its own: in marimo, whose frontend does not create
plain ipywidgets models, a widget carries the whole bundle as its ``_esm``
(:func:`frontend_traits`); and where a page's widget manager cannot give the bundle model,
the loader asks the widget's kernel with ``{"k": "bundle"}``, answered by
:func:`bundle_reply`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import threading
import weakref
from pathlib import Path
from typing import Any

import traitlets

from ._kernel_owned import ClassKeys, refuse_update, refused_update
from .errors import LiveWidgetError

_STATIC = Path(__file__).parent / "static"
#: The text in the built loader that :func:`loader` replaces by the bundle's digest.
DIGEST_PLACEHOLDER = "__LIVEWIDGET_BUNDLE_DIGEST__"
#: The message kind of the loader's request for the bundle, and of the kernel's answer.
BUNDLE_KIND = "bundle"


@functools.cache
def static_text(name: str) -> str:
    """The text of a file of the built frontend, read once per process.

    anywidget is given the text, never a ``Path``: for a ``Path`` it connects every instance to
    the class-level file contents' change signal, which keeps every widget ever displayed
    alive. The text always spans lines, so anywidget never mistakes it for a file name.
    """
    path = _STATIC / name
    if not path.is_file():
        raise LiveWidgetError(
            f"the frontend file {name} is missing from {_STATIC}; this happens in a source "
            f"checkout that was not installed: run `pip install -e .` (it builds the bundle "
            f"with npm) or `npm --prefix js install && npm --prefix js run build`"
        )
    text = path.read_text(encoding="utf-8")
    return text if "\n" in text else text + "\n"


@functools.cache
def bundle_digest() -> str:
    """A digest of the bundle's text: the page imports one bundle per digest."""
    return hashlib.sha256(static_text("widget.js").encode("utf-8")).hexdigest()[:20]


@functools.cache
def loader() -> str:
    """The loader module's text, with the bundle's digest written in."""
    text = static_text("loader.js")
    if DIGEST_PLACEHOLDER not in text:
        raise LiveWidgetError(
            f"static/loader.js does not hold {DIGEST_PLACEHOLDER!r}, so it cannot be told "
            f"which bundle to import; rebuild the frontend: `npm --prefix js run build`"
        )
    return text.replace(DIGEST_PLACEHOLDER, bundle_digest())


class BundleModel(ClassKeys):
    """The hidden model holding the frontend bundle's text, one per kernel.

    It is never displayed; each LiveWidget refers to it by model id. Like the widgets, it
    refuses the page's attempts to change its state (see ``LiveWidget.set_state``).
    """

    #: The bundle's ES module source.
    source = traitlets.Unicode("").tag(sync=True)
    #: The bundle's stylesheet, which the loader adds to the page once.
    css = traitlets.Unicode("").tag(sync=True)
    #: Its digest, which the loaders compare with the one written into them.
    digest = traitlets.Unicode("").tag(sync=True)

    def set_state(self, sync_data: Any) -> None:
        """Refuse a state update from the page: the kernel owns the bundle."""
        refuse_update(self, sync_data)

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        if not refused_update(self, msg):
            super()._handle_msg(msg)


_shared: BundleModel | None = None
_shared_lock = threading.Lock()


def shared_bundle() -> BundleModel:
    """This kernel's bundle model, opened on first use and again if its comm was closed."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.comm is None:
            _shared = BundleModel(
                source=static_text("widget.js"),
                css=static_text("widget.css"),
                digest=bundle_digest(),
            )
        return _shared


def bundle_ref(model: BundleModel | None, _widget: Any) -> str | None:
    """How a widget's ``_lw_bundle`` travels: ``"IPY_MODEL_<id>"``, or None once the model
    was closed (then the loader asks the kernel). ipywidgets' own serializer would raise, and
    with it every request for the page's widget states (Voila's page would not show)."""
    if model is None or model.comm is None:
        return None
    return f"IPY_MODEL_{model.model_id}"


def in_marimo() -> bool:
    """True inside a marimo notebook or app, whose frontend creates only anywidget models."""
    marimo = sys.modules.get("marimo")
    running = getattr(marimo, "running_in_notebook", None)
    return bool(running is not None and running())


def hot_reload_enabled() -> bool:
    """anywidget's hot reload (``ANYWIDGET_HMR=1``) in a source checkout of livewidget."""
    installed = {"site-packages", "dist-packages"} & set(_STATIC.parts)
    return os.environ.get("ANYWIDGET_HMR") == "1" and not installed


#: The widgets to update when the built bundle changes (hot reload only; weak references,
#: so a widget is never kept alive for it).
_reloading: weakref.WeakSet[Any] = weakref.WeakSet()
_watchers: list[Any] = []


def watch_for_reload(widget: Any) -> None:
    """With hot reload on, update ``widget`` whenever ``npm run build`` rewrites the bundle."""
    if not hot_reload_enabled():
        return
    with _shared_lock:
        _reloading.add(widget)
        if not _watchers:
            _start_watchers()


def _start_watchers() -> None:
    from anywidget._file_contents import FileContents

    for name in ("widget.js", "widget.css"):
        contents = FileContents(_STATIC / name)
        contents.changed.connect(lambda _text: bundle_changed())
        _watchers.append(contents)


def bundle_changed() -> None:
    """Read the rebuilt bundle, send it to the shared model, then give every widget the loader
    of the new digest: anywidget runs each widget's new ``_esm``, which imports the new bundle.

    Only the shared model holds the bundle, once per kernel; the widgets hold weak references.
    """
    for cached in (static_text, bundle_digest, loader):
        cached.cache_clear()
    model = _shared
    if model is not None and model.comm is not None:
        with model.hold_sync():
            model.source = static_text("widget.js")
            model.css = static_text("widget.css")
            model.digest = bundle_digest()
    for widget in list(_reloading):
        if widget.comm is not None:
            widget._esm = static_text("widget.js") if widget._lw_bundle is None else loader()


def frontend_traits() -> dict[str, Any]:
    """The traits a new LiveWidget starts with: the loader and the shared model, or in
    marimo the whole bundle as its own ``_esm`` (and no shared model).

    ``LIVEWIDGET_INLINE_BUNDLE=1`` gives every widget the whole bundle anywhere: for a
    frontend where the loader cannot work, and to measure what sharing saves.
    """
    if os.environ.get("LIVEWIDGET_INLINE_BUNDLE") == "1" or in_marimo():
        return {
            "_esm": static_text("widget.js"),
            "_css": static_text("widget.css"),
            "_lw_bundle": None,
        }
    if hot_reload_enabled():  # the class's loader may name an older bundle by now
        return {"_lw_bundle": shared_bundle(), "_esm": loader()}
    return {"_lw_bundle": shared_bundle()}


def bundle_reply() -> dict[str, str]:
    """The answer to a loader's ``{"k": "bundle"}``: the bundle's source, stylesheet, digest."""
    return {
        "k": BUNDLE_KIND,
        "src": static_text("widget.js"),
        "css": static_text("widget.css"),
        "digest": bundle_digest(),
    }
