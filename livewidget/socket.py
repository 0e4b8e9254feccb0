"""The socket a LiveView sees: its assigns and what it asks of the page."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Assigns(Mapping[str, Any]):
    """A LiveView's state: read it as a mapping or by attribute; change it with ``assign``.

    >>> a = Assigns({"count": 1})
    >>> a.count, a["count"], dict(a)
    (1, 1, {'count': 1})
    """

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", data if data is not None else {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            known = ", ".join(sorted(self._data)) or "none yet"
            raise AttributeError(
                f"no assign named {name!r} (assigns: {known}); "
                f"set it with socket.assign({name}=...) first, e.g. in mount"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"assigns are read-only here; use socket.assign({name}=...) to change {name!r}"
        )

    def __repr__(self) -> str:
        return f"Assigns({self._data!r})"


class Socket:
    """What a LiveView's callbacks receive: its id, URL and assigns.

    ``assign`` changes state; the change becomes visible to the page when the callback
    returns (and is dropped if the callback raises).

    >>> socket = Socket("lw-1")
    >>> socket.assign(count=1)
    >>> socket.assign({"name": "Ada"})
    >>> socket.assigns.count, socket.assigns["name"]
    (1, 'Ada')
    """

    def __init__(self, id: str, *, url: str = "/", connected: bool = True) -> None:
        self._id = id
        self._url = url
        self._connected = connected
        self._assigns = Assigns()
        self._changed: set[str] = set()

    @property
    def id(self) -> str:
        """A unique id for this LiveView's socket."""
        return self._id

    @property
    def connected(self) -> bool:
        """True once the view runs live behind a widget or test client (always, here)."""
        return self._connected

    @property
    def url(self) -> str:
        """The widget's current URL: path and query string, e.g. ``"/users/7?tab=posts"``."""
        return self._url

    @property
    def assigns(self) -> Assigns:
        """The view's state, read-only: ``socket.assigns.count`` or ``socket.assigns["count"]``."""
        return self._assigns

    def assign(self, mapping: Mapping[str, Any] | None = None, /, **values: Any) -> None:
        """Set assigns from a mapping, keyword arguments or both.

        Assigning marks a name changed even when the value is the same object, which is how
        to tell the template that a list or dict was changed in place.
        """
        if mapping is not None:
            if not isinstance(mapping, Mapping):
                raise TypeError(
                    f"socket.assign() takes a mapping or keyword arguments, "
                    f"got {type(mapping).__name__}; write socket.assign(name=value)"
                )
            values = {**mapping, **values}
        for key in values:
            if not isinstance(key, str) or not key.isidentifier():
                raise ValueError(f"assign names must be identifiers, got {key!r}")
        self._assigns._data.update(values)
        self._changed.update(values)

    def __repr__(self) -> str:
        return f"<Socket {self._id} url={self._url!r} assigns={dict(self._assigns)!r}>"

    # -- used by the session ----------------------------------------------------------------

    def _snapshot(self) -> tuple[dict[str, Any], set[str]]:
        return dict(self._assigns._data), set(self._changed)

    def _restore(self, snapshot: tuple[dict[str, Any], set[str]]) -> None:
        data, changed = snapshot
        self._assigns._data.clear()
        self._assigns._data.update(data)
        self._changed = changed

    def _take_changed(self) -> set[str]:
        changed, self._changed = self._changed, set()
        return changed
