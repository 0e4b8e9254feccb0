"""``figure_svg``: a Matplotlib figure drawn inline as SVG, safe to show on a shared page.

Matplotlib escapes the text it writes, but the SVG it makes is still a whole document: an XML
prolog, a DOCTYPE, comments repeating every label, metadata, a page-wide ``<style>``, links
from ``Artist.set_url`` and ids (``figure_1``, ``clip…``) that collide with a second figure on
the same page. So the SVG is parsed and written again from an allow-list instead of being
trusted: only drawing elements and attributes survive, a link only to an id inside the same
figure (or an inline raster image), ids are prefixed per figure. Nothing Matplotlib could put
there from data (titles, labels, tick labels, ``gid``, ``url``) can run script or fetch a URL.

The output is deterministic (a fixed ``svg.hashsalt``, no date), so rendering the same figure
again gives the same text and the diff sends nothing for it. Matplotlib is imported only when a
figure is drawn: it is not a dependency of livewidget.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

from markupsafe import Markup, escape

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# A fixed salt makes Matplotlib's clip-path and marker ids a function of the figure alone.
_SALT = "livewidget"
# Jupyter's server refuses websocket messages over 10 MiB; fail clearly well before that.
MAX_SVG_CHARS = 5_000_000

#: Drawing elements kept. ``a`` is unwrapped (its children kept, its link dropped); anything
#: else (``script``, ``foreignObject``, ``metadata``, ``style``, ``iframe``…) goes, children too.
_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "path", "clipPath", "use", "rect", "circle", "ellipse", "line",
        "polyline", "polygon", "text", "tspan", "image", "linearGradient", "radialGradient",
        "stop", "pattern", "mask", "symbol", "marker", "title", "desc",
    }
)  # fmt: skip
_UNWRAP = frozenset({"a"})
#: Attributes kept (after the checks below). No ``on*`` handler, no ``target``, no ``src``.
_ATTRIBUTES = frozenset(
    {
        "id", "d", "style", "transform", "clip-path", "mask", "filter", "x", "y", "x1", "y1",
        "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "points", "viewBox",
        "preserveAspectRatio", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
        "stroke-opacity", "stroke-linejoin", "stroke-linecap", "stroke-dasharray",
        "stroke-dashoffset", "opacity", "offset", "stop-color", "stop-opacity",
        "gradientUnits", "gradientTransform", "patternUnits", "patternTransform",
        "clipPathUnits", "maskUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
        "font-family", "font-size", "font-style", "font-weight", "text-anchor",
        "dominant-baseline", "letter-spacing", "image-rendering", "class", "dx", "dy",
    }
)  # fmt: skip
#: CSS properties kept in ``style`` attributes (and from Matplotlib's ``*{…}`` default rule).
_CSS_PROPERTIES = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
        "stroke-linejoin", "stroke-linecap", "stroke-dasharray", "stroke-dashoffset",
        "stroke-miterlimit", "opacity", "clip-path", "mask", "mix-blend-mode", "paint-order",
        "font", "font-family", "font-size", "font-style", "font-weight", "font-stretch",
        "font-variant", "text-anchor", "dominant-baseline", "alignment-baseline",
        "letter-spacing", "white-space", "image-rendering", "stop-color", "stop-opacity",
    }
)  # fmt: skip
_ID_UNSAFE = re.compile(r"[^\w.:-]")
_LOCAL_REF = re.compile(r"#([A-Za-z_][\w.:-]*)")
_URL = re.compile(r"url\(\s*([^)]*?)\s*\)", re.IGNORECASE)
_IMAGE_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
# CSS that could escape a declaration, hide a keyword behind an escape, or load something.
_CSS_UNSAFE = re.compile(r"[\\{}<>@]|expression|javascript:|-moz-binding|behavior", re.I)
_DEFAULT_RULE = re.compile(r"^\s*\*\s*\{([^{}]*)\}\s*$")


def figure_svg(
    figure: Any, *, id: str | None = None, label: str | None = None, class_: str = ""
) -> Markup:
    """The Matplotlib ``figure`` (or the figure of an ``Axes``) as an inline ``<svg>``.

    ``id`` sets the ``<svg>`` element's id and prefixes the ids inside it (by default they are
    prefixed by a hash of the drawing, so two figures on one page never share an id);
    ``label`` gives it ``role="img"`` and an ``aria-label`` for screen readers; ``class_``
    adds classes to ``lw-figure``. Text from data is escaped and anything that could run
    script or fetch a URL is left out (see the module's docstring).

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.subplots().bar(["a", "b"], [1, 3])
    >>> svg = figure_svg(fig, id="sales", label="Sales by shop")
    >>> svg[:82]
    Markup('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"')
    >>> svg == figure_svg(fig, id="sales", label="Sales by shop")  # drawn again: same text
    True
    """
    matplotlib = _import_matplotlib()
    figure = _figure_of(figure)
    buffer = io.StringIO()
    salt = matplotlib.rcParams["svg.hashsalt"]
    settings = {"svg.hashsalt": _SALT if salt is None else salt, "svg.image_inline": True}
    with matplotlib.rc_context(settings):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    source = buffer.getvalue()
    if id is None:
        prefix = "lwfig-" + hashlib.sha256(source.encode()).hexdigest()[:10] + "-"
    else:
        prefix = f"{id}-"
    svg = _Sanitizer(prefix).root(ET.fromstring(source), id, label, class_)
    if len(svg) > MAX_SVG_CHARS:
        raise ValueError(
            f"figure_svg(): the figure's SVG has {len(svg):,} characters, over the "
            f"{MAX_SVG_CHARS:,} a widget message can safely carry (Jupyter refuses messages "
            "over 10 MiB); draw fewer points, or pass rasterized=True to the artists with "
            "many points so Matplotlib draws them as one embedded image"
        )
    return Markup(svg)


def _import_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise ModuleNotFoundError(
            "figure_svg() draws Matplotlib figures, and Matplotlib is not installed in this "
            "kernel's environment: pip install matplotlib",
            name="matplotlib",
        ) from error
    return matplotlib


def _figure_of(value: Any) -> Any:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    for _ in range(8):  # an Axes's figure may be a SubFigure, whose figure is the root
        if not isinstance(value, Axes | SubFigure):
            break
        value = value.figure
    if not isinstance(value, Figure):
        raise TypeError(
            "figure_svg() takes a Matplotlib Figure or Axes (for example from "
            f"matplotlib.figure.Figure() or plt.subplots()); got {type(value).__name__}: "
            "assign the figure itself, not its image or its canvas"
        )
    return value


class _Sanitizer:
    """Writes an SVG element tree back as text, keeping only what the allow-lists name."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.ids: set[str] = set()
        self.out: list[str] = []

    def root(self, svg: ET.Element, id: str | None, label: str | None, class_: str) -> str:
        if svg.tag != _SVG + "svg":
            raise ValueError(f"figure_svg(): Matplotlib gave a <{svg.tag}>, expected an <svg>")
        self.ids = {v for el in svg.iter() if (v := el.get("id")) is not None}
        attrs: dict[str, str] = {
            "xmlns": "http://www.w3.org/2000/svg",
            "xmlns:xlink": "http://www.w3.org/1999/xlink",
            "class": f"lw-figure {class_}".strip(),
        }
        if id is not None:
            attrs["id"] = id
        for name in ("width", "height", "viewBox"):
            if (value := svg.get(name)) is not None:
                attrs[name] = value
        # Matplotlib's page-wide ``*{stroke-linejoin…}`` rule, scoped to this figure: the
        # properties are inherited, so on the root they reach every element of the figure only.
        rules = [_DEFAULT_RULE.match(el.text or "") for el in svg.iter(_SVG + "style")]
        style = "; ".join(filter(None, (self.css(m.group(1)) for m in rules if m)))
        if style:
            attrs["style"] = style
        if label is not None:
            attrs["role"] = "img"
            attrs["aria-label"] = label
        self.out.append(f"<svg{_attributes(attrs)}>")
        for child in svg:
            self.element(child, in_text=False)
        self.out.append("</svg>")
        return "".join(self.out)

    def element(self, el: ET.Element, *, in_text: bool) -> None:
        if not isinstance(el.tag, str) or not el.tag.startswith(_SVG):
            return  # comments, processing instructions, other namespaces (rdf, dc, html)
        tag = el.tag[len(_SVG) :]
        if tag in _UNWRAP:
            self.children(el, in_text)
            return
        if tag not in _ELEMENTS or tag == "svg":
            return
        attrs: dict[str, str] = {}
        for name, value in el.attrib.items():
            kept = self.attribute(tag, name, value)
            if kept is not None:
                attrs[kept[0]] = kept[1]
        self.out.append(f"<{tag}{_attributes(attrs)}")
        in_text = in_text or tag in ("text", "title", "desc")
        if len(el) == 0 and not (in_text and el.text):
            self.out.append("/>")
            return
        self.out.append(">")
        self.children(el, in_text)
        self.out.append(f"</{tag}>")

    def children(self, el: ET.Element, in_text: bool) -> None:
        # Whitespace between drawing elements is Matplotlib's indentation: only text keeps it.
        if in_text and el.text:
            self.out.append(str(escape(el.text)))
        for child in el:
            self.element(child, in_text=in_text)
            if in_text and child.tail:
                self.out.append(str(escape(child.tail)))

    def attribute(self, tag: str, name: str, value: str) -> tuple[str, str] | None:
        if name == _XLINK_HREF or name == "href":
            return self.href(tag, value)
        if name == _XML_SPACE:
            return ("xml:space", value) if value in ("preserve", "default") else None
        if name not in _ATTRIBUTES:
            return None
        if name == "id":  # a gid from data may hold anything: keep it a plain token
            return name, self.prefix + _ID_UNSAFE.sub("_", value)
        if name == "style":
            style = self.css(value)
            return (name, style) if style else None
        urls = self.urls(value)
        return None if urls is None else (name, urls)

    def href(self, tag: str, value: str) -> tuple[str, str] | None:
        local = _LOCAL_REF.fullmatch(value)
        if local and local.group(1) in self.ids and tag != "image":
            return "xlink:href", "#" + self.prefix + local.group(1)
        if tag == "image" and _IMAGE_DATA.fullmatch(value):
            return "xlink:href", value
        return None  # javascript:, http(s):, files, ids outside this figure

    def urls(self, value: str) -> str | None:
        """``value`` with each ``url(#id)`` pointing into this figure, or None when it has
        any other ``url(…)`` (a fetch, a script scheme, an id elsewhere on the page)."""
        found = 0

        def local(match: re.Match[str]) -> str:
            nonlocal found
            ref = _LOCAL_REF.fullmatch(match.group(1).strip("'\""))
            if ref is None or ref.group(1) not in self.ids:
                return match.group(0)
            found += 1
            return f"url(#{self.prefix}{ref.group(1)})"

        result = _URL.sub(local, value)
        # Every ``url(`` must have been one of ours (an unclosed one matches no pattern).
        return result if found == value.lower().count("url(") else None

    def css(self, text: str) -> str:
        """The declarations of ``text`` whose property is allowed and whose value is safe."""
        kept = []
        for declaration in text.split(";"):
            prop, colon, value = declaration.partition(":")
            prop, value = prop.strip().lower(), value.strip()
            if not colon or prop not in _CSS_PROPERTIES or _CSS_UNSAFE.search(value):
                continue
            value_urls = self.urls(value)
            if value_urls is not None:
                kept.append(f"{prop}: {value_urls}")
        return "; ".join(kept)


def _attributes(attrs: dict[str, str]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())


CHART_HELPERS = {"figure_svg": figure_svg}
