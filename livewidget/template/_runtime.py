"""``row.name`` on a dict row, looked up the way Jinja2 does, without its exception.

Jinja2 reads ``obj.name`` as ``getattr(obj, "name")`` and, when that raises
``AttributeError``, as ``obj["name"]``. A dict row always takes the second way, so each
lookup raises and catches an exception first: on a table of dict rows that is about half
of Jinja2's render time. An exact ``dict`` has no attribute beyond its class's, so for any
other name the first step is known to fail and the item can be read at once. Every other
case (a name ``dict`` has, such as ``row.items``; a dict subclass; any other object) goes
through Jinja2's own ``getattr``, so templates mean exactly what they mean to Jinja2.

The shortcut lives in an overlay of the user's environment (it shares globals, filters,
tests and settings), used only for livewidget's compiled templates; an environment that
overrides ``getattr`` (a sandbox) is used as it is.
"""

from __future__ import annotations

from typing import Any

import jinja2

#: Names an exact ``dict`` answers as attributes (its class's, dunders included).
_DICT_ATTRIBUTES = frozenset(dir(dict))


def fast_lookups(env: jinja2.Environment) -> jinja2.Environment:
    """An overlay of ``env`` whose ``getattr`` reads a dict's item directly when the name
    cannot be a dict attribute, or ``env`` itself when its class has its own ``getattr``.

    >>> from livewidget.template import environment
    >>> env = fast_lookups(environment())
    >>> env.getattr({"name": "Ada"}, "name")
    'Ada'
    >>> callable(env.getattr({"items": 1}, "items"))  # dict.items, as in Jinja2
    True
    """
    if type(env).getattr is not jinja2.Environment.getattr:
        return env  # a sandbox (or another subclass) decides what an attribute is
    overlay = env.overlay()
    undefined = overlay.undefined

    def lookup(obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return undefined(obj=obj, name=attribute)
        # jinja2.Environment.getattr, inline: a call less for every other row.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return undefined(obj=obj, name=attribute)

    overlay.getattr = lookup  # type: ignore[method-assign]
    return overlay
