"""The widgets livewidget makes: the kernel owns their state, and they share what they can.

Shared by :class:`~livewidget.widget.LiveWidget`, the layout it makes for itself and the
shared bundle model (``livewidget/_frontend.py``): the page's ``update`` messages are refused
(see docs/security.md), and the list of synced trait names is one list per class, not one per
instance (a page of many widgets holds many of them; see docs/performance.md).
"""

from __future__ import annotations

import logging
from typing import Any

import ipywidgets  # type: ignore[import-untyped]
import traitlets

logger = logging.getLogger("livewidget")


class ClassKeys(ipywidgets.Widget):  # type: ignore[misc]
    """A widget whose ``keys`` (its synced trait names) is one list per class.

    ipywidgets builds the list again for every instance; it only reads it, except in
    ``add_traits``, which here gives the instance a list of its own first.
    """

    @traitlets.default("keys")
    def _default_keys(self) -> list[str]:
        cls = type(self)
        keys: list[str] | None = cls.__dict__.get("_class_keys")
        if keys is None:
            keys = [name for name in self.traits(sync=True)]
            cls._class_keys = keys
        return keys

    def add_traits(self, **traits: Any) -> None:
        """Add traits to this instance (its ``keys`` becomes its own list first)."""
        self.keys = list(self.keys)  # type: ignore[has-type]
        super().add_traits(**traits)


def refused_update(widget: ipywidgets.Widget, msg: Any) -> bool:
    """Refuse ``msg`` if it is ipywidgets' ``update``; True if it was one.

    It goes straight to the refusal: ipywidgets would first unpack its binary buffers into the
    state the page sent, work done for nothing.
    """
    content = msg.get("content") if isinstance(msg, dict) else None
    data = content.get("data") if isinstance(content, dict) else None
    if isinstance(data, dict) and data.get("method") == "update":
        widget.set_state(data.get("state"))  # which refuses it
        return True
    return False


def refuse_update(widget: ipywidgets.Widget, sync_data: Any) -> None:
    """Log a refused update and send the kernel's values of the traits it named."""
    names = [str(name) for name in sync_data] if isinstance(sync_data, dict) else []
    logger.warning(
        "livewidget: the page tried to set %s of %r; refused: the kernel owns the widget's "
        "state (the page talks to the view through events)",
        _names(names) if names else f"a {type(sync_data).__name__}",
        widget,
    )
    known = [name for name in names if name in widget.keys]
    if known and widget.comm is not None:
        widget.send_state(known)


def _names(names: list[str], shown: int = 10) -> str:
    """``'url', 'title'`` and at most ``shown`` names (the page decides how many come)."""
    text = ", ".join(repr(name[:40]) for name in names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


class KernelLayout(ClassKeys, ipywidgets.Layout):  # type: ignore[misc]
    """The layout a LiveWidget makes for itself: like the widget, it refuses the page's updates."""

    def set_state(self, sync_data: Any) -> None:
        """Refuse a state update from the page (see :meth:`LiveWidget.set_state`)."""
        refuse_update(self, sync_data)

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        if not refused_update(self, msg):
            super()._handle_msg(msg)
