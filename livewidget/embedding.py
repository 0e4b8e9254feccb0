"""Other Jupyter widgets inside a LiveView: ``{{ embed(w) }}`` and hearing their changes.

A view holds a widget in its assigns and places it with ``{{ embed(slider) }}`` (a template
global; see ``docs/embedding.md``). When the user moves the slider, the widget's trait
changes in the kernel; :func:`forward_changes` turns each change into a
:class:`WidgetChange` delivered to the view's ``handle_info``, in order with its events::

    from ipywidgets import IntSlider
    from livewidget import LiveView
    from livewidget.embedding import WidgetChange, forward_changes

    class Tuner(LiveView):
        template = "{{ embed(slider) }} <p id='v'>{{ value }}</p>"

        def mount(self, socket, session, params):
            slider = IntSlider(value=3)
            forward_changes(slider, "value", socket, tag="slider")
            socket.assign(slider=slider, value=slider.value)

        def handle_info(self, info, socket):
            match info:
                case WidgetChange("slider", "value", new):
                    socket.assign(value=new)
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from traitlets import HasTraits

from .template._embed import embed

__all__ = ["WidgetChange", "embed", "forward_changes"]


class _InfoSink(Protocol):
    """What :func:`forward_changes` needs of a socket: ``send_info`` (thread-safe)."""

    def send_info(self, info: Any) -> None: ...


@dataclass(frozen=True)
class WidgetChange:
    """One change of a widget's trait, as ``handle_info`` receives it.

    Match it positionally: ``case WidgetChange("slider", "value", new):``.
    """

    #: The tag given to :func:`forward_changes`: which widget this is, for the view.
    tag: str
    #: The trait that changed, e.g. ``"value"``.
    name: str
    #: Its new value.
    new: Any
    #: Its value before.
    old: Any = None
    #: The widget itself (not compared, not shown).
    owner: Any = field(default=None, compare=False, repr=False)


def forward_changes(
    widget: HasTraits, names: str | Iterable[str], socket: _InfoSink, *, tag: str
) -> Callable[[], None]:
    """Deliver each change of ``widget``'s traits ``names`` to the view as a WidgetChange.

    ``socket`` is the view's socket (from ``mount`` or a handler); each change becomes
    ``socket.send_info(WidgetChange(tag, name, new, old, owner=widget))``, handled after the
    callback that is running, from whichever thread changed the trait (the kernel's, when the
    user moved the widget in the page). The widget holds the socket only weakly: once the
    view has ended, the next change removes the observer. Returns a function that stops
    forwarding at once (call it if the view drops the widget but the widget lives on).
    """
    trait_names = [names] if isinstance(names, str) else list(names)
    missing = [name for name in trait_names if not widget.has_trait(name)]
    if missing or not trait_names:
        raise ValueError(
            f"forward_changes() expects names of traits of {type(widget).__qualname__}; got "
            f"{trait_names!r}, of which {missing!r} are not traits. Its traits include "
            f"{sorted(widget.trait_names())[:12]!r}"
        )
    if not callable(getattr(socket, "send_info", None)):
        raise TypeError(
            "forward_changes() expects the view's socket (it calls socket.send_info); got "
            f"{type(socket).__qualname__}"
        )
    target = weakref.ref(socket)
    # The observer must not keep the widget alive through a cycle it closes over: hold the
    # widget weakly too, so that dropping the widget frees the observer with it.
    owner = weakref.ref(widget)

    def observer(change: dict[str, Any]) -> None:
        sink = target()
        try:
            if sink is not None:
                sink.send_info(
                    WidgetChange(tag, change["name"], change["new"], change["old"], owner())
                )
                return
        except RuntimeError:
            pass  # the view has ended: its socket takes no more infos
        stop()

    def stop() -> None:
        still = owner()
        if still is not None:
            # Removing an observer twice raises in traitlets: only remove what is there.
            with contextlib.suppress(ValueError):
                still.unobserve(observer, names=trait_names)

    widget.observe(observer, names=trait_names)
    return stop
