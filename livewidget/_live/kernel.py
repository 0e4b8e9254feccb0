"""The one place livewidget touches ipykernel's internals: parent headers and subshell routing.

ipykernel 7 routes a comm's incoming messages to the subshell named in the parent header of
that comm's last *outgoing* message (``BaseComm.publish_msg`` records it, and the shell
channel thread asks the comm, through ``comm._reply_subshell_for``, where to send the next
message). ``publish_msg`` takes that parent from ``kernel.get_parent()``, a context variable
that is unset on threads ipykernel did not start: there it falls back to the last parent set
anywhere, usually the running cell's, and from then on the page's clicks would queue behind
that cell. So every message livewidget sends runs under :func:`run_with_parent`, with the
parent of the widget's last inbound message, and a widget's comm routes each message where
the frontend addressed it, never to a subshell that no longer exists (:func:`route_as_addressed`).

Outside a kernel (the test client, a script) every function here is a no-op.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

logger = logging.getLogger("livewidget")

T = TypeVar("T")
Parent = dict[str, Any]


def kernel() -> Any | None:
    """The running ipykernel Kernel, or None (no kernel, or ipykernel never imported)."""
    module = sys.modules.get("ipykernel.kernelbase")
    if module is None:
        return None
    # What ``Kernel.instance() if Kernel.initialized() else None`` gives, read directly: it
    # runs twice per click, and traitlets' singleton methods cost several µs each time.
    cls = getattr(module, "Kernel", None)
    if not isinstance(cls, type):  # an ipykernel we do not know: behave as outside a kernel
        return None
    instance = getattr(cls, "_instance", None)
    return instance if isinstance(instance, cls) else None


def current_parent() -> Parent | None:
    """The parent header of the shell message being handled on this thread, if any."""
    k = kernel()
    if k is None:
        return None
    try:
        parent = k.get_parent("shell")
    except Exception:
        return None
    return parent if isinstance(parent, dict) and parent.get("header") else None


def run_with_parent(parent: Parent | None, fn: Callable[..., T], *args: Any) -> T:
    """Call ``fn(*args)`` with ``parent`` as the kernel's current shell parent.

    Whatever ``fn`` publishes (a comm message, a trait sync) carries ``parent``, so the
    comm's next inbound message goes to ``parent``'s subshell. A parent whose subshell was
    deleted meanwhile is sent as the main shell's instead (never routed to a dead subshell).
    """
    k = kernel()
    var = getattr(k, "_shell_parent", None) if k is not None else None
    if parent is None or not isinstance(var, contextvars.ContextVar):
        return fn(*args)
    subshell = parent["header"].get("subshell_id")
    if subshell is not None and not subshell_exists(subshell):
        parent = {**parent, "header": {**parent["header"], "subshell_id": None}}
    elif var.get(None) is parent:
        return fn(*args)  # the current parent already (a reply from inside the comm handler)

    def inner() -> T:
        var.set(parent)
        return fn(*args)

    # A fresh copy of this thread's context: the parent is set only for this call.
    return contextvars.copy_context().run(inner)


def subshell_exists(subshell_id: str) -> bool:
    """Whether the kernel still has the subshell ``subshell_id`` (True if it cannot tell)."""
    k = kernel()
    manager = getattr(getattr(k, "shell_channel_thread", None), "manager", None)
    if manager is None:
        return True
    try:
        return subshell_id in manager.list_subshell()
    except Exception:
        return True


def route_as_addressed(comm: Any) -> None:
    """Route ``comm``'s inbound messages where the frontend addressed them.

    ipykernel sends a comm's message to the subshell of the comm's last outgoing message. A
    widget's first outgoing messages (its ``comm_open``) come from the cell that made it, on
    the main shell: JupyterLab's first message to the widget (its join) would then wait for
    whatever cell runs next. livewidget never needs a particular shell thread (its handlers
    run on its own loop), so the frontend's choice is always right: its subshell while that
    exists, else ipykernel's choice while that exists, else the main shell. A message is
    never routed to a deleted subshell, which ipykernel would answer with an error and drop.
    """
    route = getattr(comm, "_reply_subshell_for", None)
    if route is None or getattr(route, "_livewidget_route", False):
        return

    def as_addressed(data: Any, default: str | None) -> str | None:
        chosen: str | None = route(data, default)  # also clears ipykernel's per-request record
        for candidate in (default, chosen):
            if candidate is None or subshell_exists(candidate):
                return candidate
        return None

    as_addressed._livewidget_route = True  # type: ignore[attr-defined]
    comm._reply_subshell_for = as_addressed
