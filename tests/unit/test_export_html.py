"""The static snapshot's HTML: the live page's render, with nothing left that runs or loads."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from livewidget import LiveView
from livewidget._export_html import (
    MAX_CHARS,
    NOTE,
    SNAPSHOT_ATTRIBUTE,
    SNAPSHOT_CLASS,
    snapshot_block,
    static_html,
)
from livewidget._frontend import static_text
from livewidget.testing import LiveViewTest

HOSTILE = (
    '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    '" onmouseover="alert(3)" <a href="javascript:alert(4)">x</a>'
)


class Hostile(LiveView):
    template = """<div class="card" phx-click="open" title="{{ text }}">
<h2>{{ text }}</h2><a href="{{ url }}">link</a><input value="{{ text }}" disabled>
<ul>{% for item in items %}<li phx-value-id="{{ loop.index }}">{{ item }}</li>{% endfor %}</ul>
</div>"""

    def mount(self, socket, session, params):
        socket.assign(text=HOSTILE, url="javascript:alert(5)", items=[HOSTILE, "b & c"])


def test_the_snapshot_is_the_live_render_without_its_bindings():
    with LiveViewTest(Hostile) as view:
        live = view.html()
    live_soup = BeautifulSoup(live, "html.parser")
    for tag in live_soup.find_all(True):
        for name in [name for name in tag.attrs if name.startswith("phx-")]:
            del tag[name]
    snapshot_soup = BeautifulSoup(static_html(live), "html.parser")
    # Same elements, attributes and text as the page shows (bindings aside).
    assert snapshot_soup == live_soup
    assert len(snapshot_soup.find_all("li")) == 2
    assert snapshot_soup.find("h2").get_text() == HOSTILE  # the hostile text, as text
    assert not snapshot_soup.find_all(["img", "script"])


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ("<script src='x.js'></script><p>kept</p>", "<p>kept</p>"),
        ('<svg><script href="x"/></svg>', "<svg></svg>"),
        (
            '<button onclick="x()" phx-click="inc" data-x="1">+</button>',
            '<button data-x="1">+</button>',
        ),
        ('<a href="javascript:alert(1)">a</a>', "<a>a</a>"),
        ('<a href=" jav&#x09;ascript:alert(1)">a</a>', "<a>a</a>"),  # hidden in entities
        ('<a href="JavaScript:x">a</a><a href="/ok">b</a>', '<a>a</a><a href="/ok">b</a>'),
        ('<iframe srcdoc="<script>x</script>"></iframe>ok', "ok"),
        ('<object data="x.swf"><p>fallback</p></object>ok', "ok"),
        ('<img srcdoc="x" src="data:text/html,<script>">', "<img>"),
        ("<!-- a comment --><p>x</p>", "<p>x</p>"),
        ('<base href="https://example.org/"><meta http-equiv="refresh" content="0">x', "x"),
        ("<p>1 &lt; 2 &amp; 3</p>", "<p>1 &lt; 2 &amp; 3</p>"),
        (
            '<p title="a &quot;b&quot; &lt;c&gt;">x</p>',
            '<p title="a &quot;b&quot; &lt;c&gt;">x</p>',
        ),
        ("<style>p > b { color: red }</style>", "<style>p > b { color: red }</style>"),
        ("<input disabled><br/>", "<input disabled><br />"),
        ("<div><p>open", "<div><p>open</p></div>"),  # what is left open is closed
        ("<ul><li>a</ul>after", "<ul><li>a</li></ul>after"),
        ("</div>stray", "stray"),
    ],
)
def test_static_html(markup, expected):
    assert static_html(markup) == expected


def test_a_snapshot_says_what_it_is_and_whose_it_is():
    block = snapshot_block('<p id="x">1</p>', "abc123", "Counter")
    soup = BeautifulSoup(block, "html.parser")
    outer = soup.find(attrs={SNAPSHOT_ATTRIBUTE: "abc123"})
    assert outer is not None and "lw-snapshot" in outer["class"]
    # Ids are the live view's, prefixed: the hidden snapshot beside it never repeats one.
    [copy] = outer.select("p")
    assert copy["id"] != "x" and copy["id"].endswith("-x") and copy.get_text() == "1"
    assert NOTE in outer.get_text() and "Counter" in outer.get_text()
    # No stylesheet of its own: each <style> an output adds restyles JupyterLab's whole page.
    assert outer.find("style") is None


def test_the_frontend_stylesheet_hides_a_snapshot_beside_its_live_view():
    # Once per page (JupyterLab, Notebook 7 and Voila; the classic Notebook's twin), in the
    # stylesheet the loader adds before any view's root exists. A view marks the output area
    # it shows in with `lw-live` (js/src/live_area.js); the rule uses child combinators only.
    rules = re.sub(r"\s+", "", static_text("widget.css"))
    for area, child, output in (
        (".jp-OutputArea", ".jp-OutputArea-child", ".jp-OutputArea-output"),
        (".output", ".output_area", ".output_subarea"),
    ):
        selector = f"{area}.lw-live>{child}:has(>{output}>.{SNAPSHOT_CLASS})"
        assert re.search(re.escape(selector) + r"[^{]*\{display:none", rules), selector
    assert ":has(.lw-root)" not in rules  # a descendant :has() re-checks every output


def test_a_snapshot_escapes_its_own_labels():
    block = snapshot_block(None, '"><script>', "<b>View</b>")
    assert "<script>" not in block and "<b>" not in block
    assert NOTE in block


def test_a_render_too_large_to_keep_is_named_not_copied():
    huge = "<p>" + "x" * MAX_CHARS + "</p>"
    block = snapshot_block(huge, "id", "Table")
    assert len(block) < 2_000
    assert "more than a snapshot keeps" in block


def test_ids_and_what_refers_to_them_are_prefixed_together():
    live = (
        '<label for="n">N</label><input id="n" aria-describedby="h e" autofocus>'
        '<p id="h">help</p><p id="e">error</p><a href="#h">to help</a><a href="/x#h">away</a>'
        '<svg><defs><clipPath id="c"><rect/></clipPath><path id="g"/></defs>'
        '<g clip-path="url(#c)" style="mask: url(\'#c\')"><use xlink:href="#g"/></g></svg>'
    )
    soup = BeautifulSoup(static_html(live, id_prefix="s-"), "html.parser")
    ids = {element["id"] for element in soup.find_all(id=True)}
    assert ids == {"s-n", "s-h", "s-e", "s-c", "s-g"}
    assert soup.label["for"] == "s-n"
    assert soup.input["aria-describedby"] == "s-h s-e"
    assert not soup.input.has_attr("autofocus")
    assert [a["href"] for a in soup.find_all("a")] == ["#s-h", "/x#h"]
    assert soup.g["clip-path"] == "url(#s-c)" and soup.g["style"] == "mask: url('#s-c')"
    assert soup.use["xlink:href"] == "#s-g"


def test_live_links_are_plain_links_in_a_snapshot():
    live = '<a href="/x" data-phx-link="patch" data-phx-link-state="push">x</a>'
    assert static_html(live) == '<a href="/x">x</a>'


def test_a_snapshot_repeats_no_id_of_its_live_view():
    live = '<p id="a">1</p><button id="inc">+</button>'
    block = snapshot_block(live, "w1", "Counter")
    page = BeautifulSoup(live + block, "html.parser")
    ids = [element["id"] for element in page.find_all(id=True)]
    assert len(ids) == len(set(ids)) == 4
