"""A LiveView's state: :class:`Assigns`, read by attribute or as a mapping, and the reserved names.

Below the socket and the session, which both hold assigns, so neither imports the other for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

#: Names ``socket.assign`` refuses: Jinja2's own (``self`` and the literals a template could
#: never read as an assign) and the names livewidget's templates give a meaning.
RESERVED_ASSIGNS: frozenset[str] = frozenset(
    {"self", "true", "false", "none", "True", "False", "None"}
    | {"flash", "streams", "uploads", "myself", "inner_content"}
)


def checked_assigns(mapping: Mapping[str, Any] | None, values: dict[str, Any]) -> dict[str, Any]:
    """What ``socket.assign(mapping, **values)`` sets, after checking every name.

    >>> checked_assigns({"a": 1}, {"b": 2})
    {'a': 1, 'b': 2}
    >>> checked_assigns(None, {"self": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'self' is a reserved name and cannot be an assign: ...
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
        if key in RESERVED_ASSIGNS:
            raise ValueError(_reserved(key))
    return values


def _reserved(name: str) -> str:
    meaning = (
        "livewidget's templates read it as something else (flash messages, streams, "
        "uploads, the component itself or the layout's content)"
        if name in {"flash", "streams", "uploads", "myself", "inner_content"}
        else "Jinja2 reads it as itself or a literal, never as an assign"
    )
    hint = (
        "use put_flash(kind, message) for flash messages"
        if name == "flash"
        else (f"pick another name, e.g. {name.lower()}_value")
    )
    return f"{name!r} is a reserved name and cannot be an assign: {meaning}; {hint}"


class Assigns(Mapping[str, Any]):
    """A LiveView's state: read it as a mapping or by attribute; change it with ``assign``.

    >>> a = Assigns({"count": 1, "items": [1, 2], "keys": "k"})
    >>> a.count, a["count"], a.items, a["keys"]
    (1, 1, [1, 2], 'k')
    >>> dict(a) == {"count": 1, "items": [1, 2], "keys": "k"}
    True

    An attribute reads the assign of that name, even ``items``, ``values`` or ``get``; the one
    exception is ``keys``, which stays the mapping method because ``dict(assigns)`` and
    ``**assigns`` call it: read an assign called ``keys`` as ``assigns["keys"]``.
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

    def __getattribute__(self, name: str) -> Any:
        # An assign wins over a mapping method of the same name: `assigns.items` is the
        # assign called "items" when there is one. Not `keys`: Python's mapping protocol
        # (dict(a), {**a}, Jinja2's context) calls it, and must get the method.
        if not name.startswith("_") and name != "keys":
            data = object.__getattribute__(self, "_data")
            if name in data:
                return data[name]
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            known = ", ".join(sorted(self._data)) or "none yet"
            raise AttributeError(
                f"no assign named {name!r} (assigns: {known}); "
                f"set it with socket.assign({name}=...) first, e.g. in mount"
            ) from None

    def __eq__(self, other: object) -> bool:
        # Mapping.__eq__ reads self.items(), which an assign called "items" shadows.
        if isinstance(other, Assigns):
            return bool(self._data == other._data)
        if isinstance(other, Mapping):
            return bool(self._data == dict(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a mapping, compared by value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"assigns are read-only here; use socket.assign({name}=...) to change {name!r}"
        )

    def __repr__(self) -> str:
        return f"Assigns({self._data!r})"
