"""What compiled templates call as they run: Jinja2's own meaning, with less work per cell.

A table's render is mostly two calls per cell, ``environment.getattr`` for ``row.name``
and ``escape`` for the output, so both are made cheaper here, each giving exactly what
Jinja2's gives. :func:`compile_template` builds a compiled template that uses them.

**Lookups.** Jinja2 reads ``obj.name`` as ``getattr(obj, "name")`` and, when that raises
``AttributeError``, as ``obj["name"]``. A dict row always takes the second way, so each
lookup raises and catches an exception first: on a table of dict rows that is about half
of Jinja2's render time. An exact ``dict`` has no attribute beyond its class's, so for any
other name the first step is known to fail and the item can be read at once. Every other
case (a name ``dict`` has, such as ``row.items``; a dict subclass; any other object) goes
through Jinja2's own ``getattr``, so templates mean exactly what they mean to Jinja2.

The shortcut lives in an overlay of the user's environment (it shares globals, filters,
tests and settings), used only for livewidget's compiled templates; an environment that
overrides ``getattr`` (a sandbox) is used as it is.

**Escaping.** Autoescaped output is ``escape(value)``, a ``Markup``. Jinja2 only ever
yields that value, appends it to a buffer that is joined with ``"".join`` (a plain ``str``
either way) or wraps the joined text in ``Markup`` itself, so the escaped *text* is all
that counts. :func:`escape_text` gives that text without making a ``Markup``: with
MarkupSafe 3 that halves the cost of a cell. It escapes with MarkupSafe's own routine.
"""

from __future__ import annotations

from typing import Any

import jinja2
import markupsafe

# MarkupSafe 3's escaping of a str, which its public escape() wraps in a Markup. Older
# MarkupSafe has no such routine; its escape() is already all in C and is used as it is.
_escape_str: Any = getattr(markupsafe, "_escape_inner", None)

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


def escape_text(value: Any) -> str:
    """The text of ``markupsafe.escape(value)``, as a plain ``str``.

    >>> escape_text("<a href='x'>&</a>"), escape_text(markupsafe.Markup("<b>")), escape_text(3)
    ('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;', '<b>', '3')
    """
    if _escape_str is None:
        return str(markupsafe.escape(value))
    if type(value) is str:
        return _escape_str(value)  # type: ignore[no-any-return]
    if hasattr(value, "__html__"):
        html = value.__html__()
        if type(html) is not str and type(html) is not markupsafe.Markup:
            html = markupsafe.Markup(html)  # which asks html for its own __html__ first
        return str(html)
    return _escape_str(str(value))  # type: ignore[no-any-return]


def compile_template(env: jinja2.Environment, code: Any, globals: Any) -> jinja2.Template:
    """``env.template_class.from_code``, with :func:`fast_lookups` and :func:`escape_text`
    in place of Jinja2's ``getattr`` and ``escape`` for this template's code."""
    template = env.template_class.from_code(fast_lookups(env), code, globals)
    # Every function of the template's code (root, blocks, macros) reads its names from
    # the one namespace the code ran in; "escape" there is what its output calls.
    namespace = template.root_render_func.__globals__
    if namespace.get("escape") is markupsafe.escape:
        namespace["escape"] = escape_text
    return template
