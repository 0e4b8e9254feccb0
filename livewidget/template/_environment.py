"""The Jinja2 environment every LiveView template is compiled in.

Autoescaping is always on: a value only becomes markup when it is a ``markupsafe.Markup``.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from ._blocks import keyed
from ._form_helpers import FORM_HELPERS
from ._helpers import HELPERS
from ._html_context import SAFE_URL_FILTER, safe_url


@lru_cache(maxsize=64)
def environment(search_path: str | None = None) -> jinja2.Environment:
    """The shared autoescaping environment, loading ``{% include %}`` files from ``search_path``.

    >>> environment().from_string("{{ x }}").render(x="<script>")
    '&lt;script&gt;'
    """
    loader = jinja2.FileSystemLoader(search_path) if search_path else None
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    env.globals.update(HELPERS)
    env.globals.update(FORM_HELPERS)  # input, error_tag, … and JS
    env.filters["keyed"] = keyed
    env.filters[SAFE_URL_FILTER] = safe_url  # put in by the compiler: see _html_context
    return env
