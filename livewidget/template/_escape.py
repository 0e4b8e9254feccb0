"""Escaping a template's output without building a ``Markup`` per value.

A Jinja2 template compiled with autoescape prints each ``{{ expr }}`` as ``escape(expr)``,
MarkupSafe's function, which wraps every escaped string in a new ``Markup`` (in MarkupSafe 3
a Python-level constructor: about half of what printing a short string costs). The printed
values are only ever joined: at the top of a template, into the output (where static text is
a plain ``str`` beside them), and inside a capture (``{% set %}…{% endset %}``, a macro, a
call or filter block) into a buffer that Jinja2 wraps in ``Markup`` itself when it is joined.
So the ``Markup`` type of each printed value is never read, and a plain ``str`` holding the
same escaped text prints the same page: :func:`escape_output` returns that.

:func:`use_plain_escape` puts it in a compiled template's namespace; the plain Jinja2
templates that benchmarks and tests compare against keep MarkupSafe's own function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
import markupsafe

# MarkupSafe 3: escape() is this C function's result wrapped in Markup, in Python. MarkupSafe 2
# has no such function: its escape() is all in C already, and is used as it is.
_INNER: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
_escape_inner: Callable[[str], str] = _INNER or markupsafe.escape

__all__ = ["escape_output", "use_plain_escape"]


def _escape_output(value: Any) -> str:
    """``markupsafe.escape(value)``'s text: a plain ``str`` for a ``str`` or an ``int``.

    >>> _escape_output('<a href="x">') == markupsafe.escape('<a href="x">')
    True
    >>> type(_escape_output("a & b")), _escape_output(-12)
    (<class 'str'>, '-12')
    >>> _escape_output(markupsafe.Markup("<b>"))
    Markup('<b>')
    """
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is int:  # digits and a sign: nothing to escape (a bool or IntEnum prints its own way)
        return str(value)
    return markupsafe.escape(value)  # __html__, other types: exactly as MarkupSafe does


#: What a compiled template prints its values with (MarkupSafe's own escape where it is
#: already all in C).
escape_output = markupsafe.escape if _INNER is None else _escape_output


def use_plain_escape(template: jinja2.Template) -> None:
    """Make ``template`` (compiled with autoescape) print its values with
    :func:`escape_output`: the same page, without a ``Markup`` object per value.

    Call it on a template right after it is compiled, before it renders. The template's
    code, its blocks and its macros share one namespace, which this changes; a template
    whose code does not use MarkupSafe's ``escape`` is left as it is.
    """
    namespace = template.root_render_func.__globals__
    if namespace.get("escape") is markupsafe.escape:
        namespace["escape"] = escape_output
