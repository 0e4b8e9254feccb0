"""The small types the live layer shares with the layers above it, which satisfy them.

A view's runtime queues callbacks that the session later runs as handlers with the view and
its socket; this layer never imports either class. It states what it calls on them here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeAlias


class ViewLike(Protocol):
    """The callbacks of a view that the live layer calls (a LiveView has them all)."""

    def handle_info(self, info: Any, socket: Any) -> Any: ...

    def handle_async(self, name: str, result: Any, socket: Any) -> Any: ...


class SocketLike(Protocol):
    """What the runtime reads and writes on a view's socket (its id names its tasks)."""

    @property
    def id(self) -> str: ...

    @property
    def assigns(self) -> Mapping[str, Any]: ...

    def assign(self, mapping: Mapping[str, Any] | None = None, /, **values: Any) -> None: ...


#: A callback run inside the view's transaction: ``callback(view, socket)``; may be async.
LiveCallback: TypeAlias = Callable[[Any, Any], Any]
#: Queue ``callback`` as a handler named ``during``; ``done`` runs once it was handled.
Run: TypeAlias = Callable[[str, LiveCallback, Callable[[], None] | None], None]
