"""figure_svg: Matplotlib figures inline as SVG — safe, deterministic, unique ids, small diffs."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import matplotlib  # a dev dependency, not a core one
import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup
from matplotlib.figure import Figure

from livewidget import LiveView
from livewidget.template import CompiledTemplate, environment
from livewidget.template._charts import figure_svg
from livewidget.testing import LiveViewTest

HOSTILE = [
    "<script>alert(1)</script>",
    '" onload="alert(2)',
    "--><script>alert(3)</script><!--",
    "javascript:alert(4)",
    "<foreignObject><iframe src=javascript:alert(5)></iframe></foreignObject>",
]
_REF = re.compile(r"url\(#([^)]+)\)")


def bars(heights: list[float], labels: list[str] | None = None) -> Figure:
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.bar(labels or [f"b{i}" for i in range(len(heights))], heights)
    return fig


def soup(svg: str) -> BeautifulSoup:
    return BeautifulSoup(svg, "html.parser")


def assert_inert(svg: str) -> None:
    """No element or attribute of the SVG can run script or fetch anything."""
    tree = soup(svg)
    names = {el.name for el in tree.find_all(True)}
    assert not names & {"script", "foreignobject", "iframe", "a", "style", "set", "animate"}
    for el in tree.find_all(True):
        for name, value in el.attrs.items():
            text = " ".join(value) if isinstance(value, list) else value
            assert not name.lower().startswith("on"), (el.name, name, text)
            assert "javascript:" not in text.lower(), (el.name, name, text)
            if name.endswith("href"):
                assert text.startswith(("#", "data:image/png;base64,")), (el.name, text)
            for url in re.findall(r"url\(([^)]*)\)", text):
                assert url.startswith("#"), (el.name, name, text)
    assert "<!--" not in svg and "<?xml" not in svg and "<!DOCTYPE" not in svg


def ids_and_refs(svg: str) -> tuple[list[str], set[str]]:
    tree = soup(svg)
    ids = [el["id"] for el in tree.find_all(id=True)]
    refs = {el["xlink:href"][1:] for el in tree.find_all(attrs={"xlink:href": True})}
    for el in tree.find_all(True):
        for value in el.attrs.values():
            if isinstance(value, str):
                refs.update(_REF.findall(value))
    return ids, refs


def test_an_inline_svg_element_as_markup() -> None:
    svg = figure_svg(bars([1, 2, 3]), label="Sales by shop", class_="wide")
    assert isinstance(svg, Markup)
    root = soup(svg).find()
    assert root is not None and root.name == "svg"
    assert root["class"] == ["lw-figure", "wide"]
    assert root["role"] == "img" and root["aria-label"] == "Sales by shop"
    assert root["viewbox"] == "0 0 216 144"
    assert_inert(svg)
    assert "metadata" not in svg and "rdf:" not in svg


def test_the_same_figure_gives_the_same_text() -> None:
    fig = bars([1, 2, 3])
    first = figure_svg(fig)
    assert figure_svg(fig) == first
    assert figure_svg(bars([1, 2, 3])) == first  # a figure drawn again from the same data
    assert figure_svg(bars([1, 2, 4])) != first
    assert matplotlib.rcParams["svg.hashsalt"] is None  # the fixed salt did not leak


@pytest.mark.parametrize("fonttype", ["path", "none"])
def test_hostile_text_from_data_stays_text(fonttype: str) -> None:
    with matplotlib.rc_context({"svg.fonttype": fonttype}):
        fig = bars([1, 2, 3, 4, 5], labels=HOSTILE)
        ax = fig.axes[0]
        ax.set_title(HOSTILE[0])
        ax.set_ylabel(HOSTILE[1])
        fig.suptitle(HOSTILE[4])
        patches = ax.patches
        patches[0].set_url("javascript:alert(6)")
        patches[1].set_url("https://example.invalid/track")
        patches[2].set_gid('x" onclick="alert(7)')
        svg = figure_svg(fig)
    assert_inert(svg)
    if fonttype == "none":  # text kept as <text>: the labels show, as text
        texts = {t.get_text() for t in soup(svg).find_all("text")}
        assert set(HOSTILE) <= texts
    ids, refs = ids_and_refs(svg)
    assert len(ids) == len(set(ids)) and refs <= set(ids)


HOSTILE_SVG = """<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:h="http://www.w3.org/1999/xhtml" width="10pt" height="10pt" viewBox="0 0 10 10"
     onload="alert(1)">
 <!-- a comment --><?pi data?>
 <defs><style>*{stroke-linecap: butt; fill: url(https://example.invalid/x)}</style>
   <style>body{display:none}</style><clipPath id="c1"><rect width="5" height="5"/></clipPath></defs>
 <script>alert(2)</script><h:script>alert(3)</h:script>
 <foreignObject><h:iframe src="javascript:alert(4)"/></foreignObject>
 <a xlink:href="javascript:alert(5)"><path id="kept" d="M 0 0" onclick="alert(6)"/></a>
 <use xlink:href="https://example.invalid/sprites.svg#x"/>
 <use href="#kept" x="1"/><use xlink:href="#elsewhere-on-the-page"/>
 <image xlink:href="data:image/svg+xml;base64,PHN2Zz4=" width="1" height="1"/>
 <image xlink:href="https://example.invalid/pixel.png" width="1" height="1"/>
 <image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
 <path d="M 1 1" clip-path="url(#c1)" fill="url(https://example.invalid/g)"
       style="stroke: red; fill: url('javascript:alert(7)'); behavior: url(x.htc);
              fill-opacity: 1"/>
 <path d="M 2 2" style="stroke: u\\72l(https://example.invalid/a); stroke-width: 2"/>
 <set attributeName="href" to="javascript:alert(8)"/><animate attributeName="onload"/>
 <text x="1" y="1">A <tspan>&lt;b&gt;</tspan> tail</text>
</svg>"""


def test_anything_but_drawing_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Matplotlib would never write, were it to: the allow-list leaves it all out."""

    def savefig(self: Figure, buffer: Any, **kwargs: Any) -> None:
        buffer.write(HOSTILE_SVG)

    monkeypatch.setattr(Figure, "savefig", savefig)
    svg = figure_svg(Figure(), id="h")
    assert_inert(svg)
    tree = soup(svg)
    assert tree.find("svg")["style"] == "stroke-linecap: butt"  # the *{} rule, scoped
    assert tree.find("svg").get("onload") is None
    assert [u.get("xlink:href") for u in tree.find_all("use")] == [None, "#h-kept", None]
    assert [i.get("xlink:href") for i in tree.find_all("image")] == [
        None,
        None,
        "data:image/png;base64,iVBORw0KGgo=",
    ]
    first, second = tree.find_all("path")[1:]
    assert first["clip-path"] == "url(#h-c1)" and first.get("fill") is None
    assert re.sub(r"\s+", " ", first["style"]) == "stroke: red; fill-opacity: 1"
    assert second["style"] == "stroke-width: 2"
    assert tree.find("path", id="h-kept").get("onclick") is None
    assert tree.find("text").get_text() == "A <b> tail"
    assert "&lt;b&gt;" in svg


def test_ids_never_collide_between_figures_on_one_page() -> None:
    left, right = figure_svg(bars([1, 2])), figure_svg(bars([2, 1]))
    left_ids, left_refs = ids_and_refs(left)
    right_ids, right_refs = ids_and_refs(right)
    assert left_ids and right_ids and not set(left_ids) & set(right_ids)
    assert left_refs and left_refs <= set(left_ids) and right_refs <= set(right_ids)
    named = figure_svg(bars([1, 2]), id="sales")
    root, *inner = ids_and_refs(named)[0]
    assert root == "sales" and inner and all(i.startswith("sales-") for i in inner)


def test_an_axes_stands_for_its_figure() -> None:
    fig = bars([1, 2])
    assert figure_svg(fig.axes[0]) == figure_svg(fig)
    sub = Figure().subfigures(1, 2)[0]
    sub.subplots().plot([1, 2])
    assert figure_svg(sub) == figure_svg(sub.figure)


def test_not_a_figure_says_what_it_takes() -> None:
    with pytest.raises(TypeError, match=r"takes a Matplotlib Figure or Axes.*got str"):
        figure_svg("plot.svg")


def test_missing_matplotlib_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import matplotlib` then sees
    with pytest.raises(ModuleNotFoundError, match="pip install matplotlib"):
        figure_svg(object())


def test_an_oversized_drawing_is_refused_with_a_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("livewidget.template._charts.MAX_SVG_CHARS", 1_000)
    with pytest.raises(ValueError, match="rasterized=True"):
        figure_svg(bars([1, 2]))


class Chart(LiveView):
    template = '<p id="n">{{ n }}</p><div id="chart">{{ figure_svg(fig, id="sales") }}</div>'

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        socket.assign(n=0, fig=bars([3, 1, 2]))

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        fig = socket.assigns.fig
        if event == "count":
            socket.assign(n=socket.assigns.n + 1)
        elif event == "same":  # the same figure assigned again, unchanged
            socket.assign(fig=fig)
        elif event == "bar":
            fig.axes[0].patches[1].set_height(2.5)
            socket.assign(fig=fig)


def test_a_template_calling_it_stays_change_tracked() -> None:
    assert CompiledTemplate(environment(), Chart.template).tracked


def test_the_diff_carries_the_figure_only_when_it_changed() -> None:
    with LiveViewTest(Chart) as view:
        before = view.find("#chart svg")
        assert before["id"] == "sales"
        view.push_event("count")
        assert view.messages[-1]["d"] == {"0": "1"}
        view.push_event("same")
        assert not view.messages[-1].get("d")  # drawn again, same text: nothing to send
        view.push_event("bar")
        change = view.messages[-1]["d"]
        assert list(change) == ["1"]  # the SVG's slot, and nothing else
        assert change["1"] != str(before) and view.find("#chart svg")["id"] == "sales"
        # one bar changed: the whole SVG travels (it is one slot), a few KB
        assert 1_000 < len(json.dumps(change)) < 40_000
