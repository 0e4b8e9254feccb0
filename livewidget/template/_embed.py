"""``{{ embed(w) }}``: a placeholder where the page shows another Jupyter widget.

The kernel renders a small empty element that names the widget's model id; the frontend
(``js/src/embed.js``) creates one view of that model inside it after a patch and keeps it
through later patches (morphdom leaves the placeholder's children alone), then removes the
view when the placeholder leaves the page. Nothing of the widget travels in the diff but its
model id: its state syncs through its own comm, as in any ipywidgets container.

The widget must outlive the renders that show it. The assigns hold it (a template only sees
the assigns), so create it once, in ``mount`` or a handler, never in the template itself: a
widget made during a render would be a new widget, and a new view, at each render.
"""

from __future__ import annotations

from typing import Any

import jinja2
from ipywidgets import DOMWidget  # type: ignore[import-untyped]
from markupsafe import Markup

#: The attribute naming the embedded widget's model id; ``js/src/embed.js`` reads it.
EMBED_ATTRIBUTE = "data-lw-embed"

#: The placeholder's class, for styling (``widget.css``) and for finding it in tests.
EMBED_CLASS = "lw-embed"

#: Prefix of the placeholder's default id; the id lets a patch move it with its row.
EMBED_ID_PREFIX = "lw-embed-"

_HOW_TO = (
    "Assign the widget itself, e.g. socket.assign(slider=IntSlider()) in mount, "
    "and write {{ embed(slider) }} in the template."
)


def embed(widget: Any, *, id: str | None = None, **attrs: Any) -> Markup:
    """A placeholder element where the page shows ``widget`` (a view of it, made once).

    ``widget`` is any displayable ipywidgets widget: an ``IntSlider``, an anywidget such as
    plotly's ``FigureWidget``, another ``LiveWidget``. ``id`` replaces the default element id
    (``lw-embed-<model id>``); give one when the same widget is embedded twice in a template.
    Other keyword arguments become attributes of the placeholder (``class_="chart"`` becomes
    ``class="chart"``, ``data_x=1`` becomes ``data-x="1"``), escaped as any value is.

    >>> from ipywidgets import IntSlider
    >>> slider = IntSlider()
    >>> html = embed(slider, style="width: 20em")
    >>> html == Markup(
    ...     f'<div id="lw-embed-{slider.model_id}" class="lw-embed" '
    ...     f'data-lw-embed="{slider.model_id}" style="width: 20em"></div>'
    ... )
    True
    """
    model_id = model_id_of(widget)
    element_id = EMBED_ID_PREFIX + model_id if id is None else id
    classes = " ".join(c for c in (EMBED_CLASS, attrs.pop("class_", None)) if c)
    extra = Markup("").join(
        Markup(' {}="{}"').format(_attribute_name(name), value) for name, value in attrs.items()
    )
    return Markup('<div id="{}" class="{}" {}="{}"{}></div>').format(
        element_id, classes, Markup(EMBED_ATTRIBUTE), model_id, extra
    )


def model_id_of(widget: Any) -> str:
    """The model id of ``widget``, after checking that a page can show it.

    Raises ``TypeError`` for anything but a displayable (DOM) widget, and ``ValueError`` for a
    widget that was closed (its model is gone from the page).
    """
    if isinstance(widget, jinja2.Undefined):
        raise TypeError(
            "embed() expects an ipywidgets widget held in the assigns; got an undefined name "
            f"(is it assigned?). {_HOW_TO}"
        )
    if not isinstance(widget, DOMWidget):
        raise TypeError(
            "embed() expects a displayable ipywidgets widget (an ipywidgets.DOMWidget, such "
            "as IntSlider, an anywidget like plotly's FigureWidget, or a LiveWidget); got "
            f"{type(widget).__module__}.{type(widget).__qualname__} {_short_repr(widget)}. "
            f"{_HOW_TO}"
        )
    if widget.comm is None:
        raise ValueError(
            f"embed() got a closed widget ({type(widget).__qualname__}): its model is gone "
            "from the page. Embed a widget that is still open, e.g. create a new one and "
            "assign it."
        )
    return str(widget.model_id)


def _attribute_name(name: str) -> str:
    if name == EMBED_ATTRIBUTE.replace("-", "_"):
        raise TypeError(f"embed() sets {EMBED_ATTRIBUTE} itself; got it as a keyword argument")
    return name.rstrip("_").replace("_", "-")


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


EMBED_HELPERS = {"embed": embed}
