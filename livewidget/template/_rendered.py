"""The rendered tree: a template's statics interleaved with its dynamics, and its diff.

A :class:`Rendered` is what the server keeps after a render. Its JSON form is Phoenix
LiveView's: ``{"s": [static, ...], "0": dynamic, "1": dynamic, ...}``, with one more static
than dynamics. :func:`diff` compares two renders of the same template and keeps only the
dynamics that changed, so statics travel once per template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._protocol import STATICS


@dataclass(eq=False, slots=True)
class Rendered:
    """One render of a template: ``statics`` around ``dynamics``.

    >>> r = Rendered(("<b>", "</b>"), ["1"])
    >>> r.to_json()
    {'s': ['<b>', '</b>'], '0': '1'}
    >>> str(r)
    '<b>1</b>'
    """

    statics: tuple[str, ...]
    dynamics: list[str | Rendered] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.statics) != len(self.dynamics) + 1:
            raise ValueError(
                f"a rendered tree needs one more static than dynamics, got "
                f"{len(self.statics)} statics and {len(self.dynamics)} dynamics"
            )

    def to_json(self) -> dict[str, Any]:
        """The full tree, statics included, in Phoenix LiveView's JSON shape."""
        out: dict[str, Any] = {STATICS: list(self.statics)}
        for index, value in enumerate(self.dynamics):
            out[str(index)] = value.to_json() if isinstance(value, Rendered) else value
        return out

    def __str__(self) -> str:
        parts = [self.statics[0]]
        for value, static in zip(self.dynamics, self.statics[1:], strict=True):
            parts.append(str(value))
            parts.append(static)
        return "".join(parts)


def diff(old: Rendered | None, new: Rendered) -> dict[str, Any]:
    """What the client, holding ``old``, needs to reach ``new``.

    A different template (other statics) sends the whole tree; otherwise only the changed
    dynamics, recursing into nested trees.

    >>> a = Rendered(("<b>", "</b><i>", "</i>"), ["1", "x"])
    >>> diff(a, Rendered(a.statics, ["2", "x"]))
    {'0': '2'}
    >>> diff(a, Rendered(a.statics, ["1", "x"]))
    {}
    """
    if old is None or old.statics != new.statics:
        return new.to_json()
    out: dict[str, Any] = {}
    for index, (before, after) in enumerate(zip(old.dynamics, new.dynamics, strict=True)):
        if before is after:
            continue
        if isinstance(after, Rendered):
            if isinstance(before, Rendered):
                sub = diff(before, after)
                if sub:
                    out[str(index)] = sub
            else:
                out[str(index)] = after.to_json()
        elif before != after:
            out[str(index)] = after
    return out
