"""The Jinja2 environment every LiveView template is compiled in.

Autoescaping is always on: a value only becomes markup when it is a ``markupsafe.Markup``.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from ._charts import CHART_HELPERS
from ._components import COMPONENT_HELPERS
from ._embed import EMBED_HELPERS
from ._form_helpers import FORM_HELPERS
from ._helpers import HELPERS
from ._html_context import SAFE_URL_FILTER, safe_url
from ._loops import keyed
from ._upload_helpers import UPLOAD_HELPERS


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
    env.globals.update(EMBED_HELPERS)  # embed(widget): another Jupyter widget in the page
    env.globals.update(CHART_HELPERS)  # figure_svg(fig): a Matplotlib figure as inline SVG
    env.globals.update(UPLOAD_HELPERS)  # live_file_input(uploads.x), live_img_preview(entry)
    env.globals.update(COMPONENT_HELPERS)  # live_component(Card, id=..., **assigns)
    env.filters["keyed"] = keyed
    env.filters[SAFE_URL_FILTER] = safe_url  # put in by the compiler: see _html_context
    return env
