"""The client's cheapest patch, texts set alone (``js/src/text_patch.js``), against a fresh parse.

A changed row, or a small view, whose new texts are each the whole text of an element gets
them set on the page's text nodes, with no parse and no morph. Each message here goes through
the real client in happy-dom (``tests/_dom_oracle.py``), and the page after it must equal a
fresh parse of Jinja2's page. Besides the hand-written cases, hypothesis draws row templates
whose cells mix static text, entities and fields in elements that take the path and elements
that must not (``<pre>``, ``<textarea>``), and values holding what the parser or the
serializer rewrites (``<``, ``&``, quotes, U+00A0, CR, a leading newline, nothing at all).
``tests/e2e/test_differential_chromium.py`` replays the same draws in Chromium.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from tests._dom_oracle import patch_paths_in_dom
from tests.unit.test_differential import _settings
from tests.unit.test_differential_dom import _patch, _rows, _sequence

EXAMPLES = int(os.environ.get("LIVEWIDGET_DIFFERENTIAL_TEXTS_EXAMPLES", "60"))

COUNTER = '<button phx-click="inc">+1</button> <span id="n">Count: {{ n }}</span>'


@pytest.mark.parametrize(
    ("values", "paths"),
    [
        # Plain numbers, then text the kernel escapes (the page shows it unescaped; a quote
        # or an apostrophe, written &#34; or &#39;, the page's serializer writes as it is).
        ([1, 2, "<Three & four>", "say 'hi'", 'say "hi"', 5], ["full", *["texts"] * 5]),
        # Markup is not a text.
        (["a", Markup("<b>bold</b>"), "c"], ["full", "full", "full"]),
    ],
)
def test_a_small_view_whose_texts_change_sets_them(values: list[Any], paths: list[str]) -> None:
    assert _patch(COUNTER, [{"n": value} for value in values]) == paths


def test_texts_beside_each_other_and_empty_ones() -> None:
    source = "<p>{{ a }} / {{ b }}</p><span>{{ c }}</span><td-free><i>{{ c }}</i></td-free>"
    states_ = [
        {"a": "1", "b": "2", "c": ""},
        {"a": "10", "b": "20", "c": "x"},
        {"a": "", "b": "", "c": ""},
        {"a": "&", "b": "<", "c": "y"},
    ]
    # <td-free> is no element of TEXT_TAGS, but <i> inside it is.
    assert _patch(source, states_) == ["full", "texts", "texts", "texts"]


@pytest.mark.parametrize(
    "source",
    [
        "<pre>{{ a }}</pre>",  # the parser drops a newline that starts a <pre>
        "<textarea>{{ a }}</textarea>",
        "<p>&nbsp;{{ a }}</p>",  # an entity the kernel does not write
        "<p><b>x</b>{{ a }}</p>",  # beside an element
        '<p title="{{ a }}">t</p>',  # an attribute
    ],
)
def test_texts_the_page_may_not_hold_as_written_are_patched(source: str) -> None:
    paths = _patch(source, [{"a": "\none"}, {"a": "\ntwo"}, {"a": "three"}])
    assert "texts" not in paths, source


def test_a_changed_row_whose_texts_change_parses_nothing() -> None:
    source = (
        '<ul>{% for r in rows %}<li id="r{{ r.id }}"><b>{{ r.name }}</b>: {{ r.score }} pts'
        "<i>{{ r.name }}</i></li>{% endfor %}</ul>"
    )
    rows = _rows(20)
    renamed = [*rows[:5], {**rows[5], "name": "<new> & 'old'"}, *rows[6:]]
    paths = _patch(
        source,
        [
            {"rows": rows},
            {"rows": _rows(20, r6=1)},  # the first row patch checks every row
            {"rows": _rows(20, r6=2)},  # a text beside an element: morphed
            {"rows": renamed},  # the same, with the name
            {"rows": [*rows[:5], {**rows[5], "name": "new"}, *rows[6:]]},  # &#39; on screen
            {"rows": [*rows[:5], {**rows[5], "name": "newer"}, *rows[6:]]},
        ],
    )
    assert paths == ["full", "rows", "rows", "rows", "texts", "texts"]


# -- drawn: rows of text cells -------------------------------------------------------------

#: Elements around a cell: most take the path, ``pre`` and ``textarea`` must not.
CELL_TAGS = ("td", "span", "b", "p", "li", "pre", "textarea", "em")
#: What the parser or the serializer rewrites, and plain text.
VALUE = st.text(alphabet="ab <>&'\"\n\r\u00a0", max_size=5) | st.integers(-5, 50)
FIELDS = ("name", "score", "city")


@st.composite
def text_templates(draw: st.DrawFn) -> str:
    """A keyed list whose rows are cells of static text, entities and fields, above a
    title; in a table or in a list of divs."""
    cells = []
    for _ in range(draw(st.integers(1, 4))):
        tag = draw(st.sampled_from(CELL_TAGS))
        before = draw(st.sampled_from(["", "Score: ", "&amp; ", "&#39;x "]))
        field = draw(st.sampled_from(FIELDS))
        after = draw(st.sampled_from(["", " pts", " / {{ r.city }}", "<i>!</i>"]))
        inner = f"{before}{{{{ r.{field} }}}}{after}"
        cells.append(f"<td><{tag}>{inner}</{tag}></td>" if tag != "td" else f"<td>{inner}</td>")
    body = "".join(cells)
    loop = "{% for r in rows %}ROW{% endfor %}"
    if draw(st.booleans()):
        row = '<tr id="r{{ r.id }}">' + body + "</tr>"
        return "<h1>{{ title }}</h1><table><tbody>" + loop.replace("ROW", row) + "</tbody></table>"
    divs = body.replace("<td>", "<div>").replace("</td>", "</div>")
    row = '\n<div id="r{{ r.id }}">' + divs + "</div>"
    return "<h1>{{ title }}</h1><section>" + loop.replace("ROW", row) + "\n</section>"


@st.composite
def text_states(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Five rows, then updates each changing a field of a row or two, or the title."""
    rows = [{"id": i, **{field: draw(VALUE) for field in FIELDS}} for i in range(1, 6)]
    states_ = [{"title": "T", "rows": rows}]
    for _ in range(draw(st.integers(2, 6))):
        rows = list(states_[-1]["rows"])
        title = states_[-1]["title"]
        if draw(st.integers(0, 4)) == 0:
            title = draw(st.text(alphabet="ab<&'", max_size=4))
        for _ in range(draw(st.integers(1, 2))):
            at = draw(st.integers(0, len(rows) - 1))
            rows[at] = {**rows[at], draw(st.sampled_from(FIELDS)): draw(VALUE)}
        states_.append({"title": title, "rows": rows})
    return states_


def drawn_sequences(examples: int) -> list[list[tuple[dict[str, Any], str]]]:
    """``examples`` drawn templates with their update sequences, as messages and pages."""
    drawn: list[list[tuple[dict[str, Any], str]]] = []

    @_settings(examples)
    @given(source=text_templates(), states_=text_states())
    def collect(source: str, states_: list[dict[str, Any]]) -> None:
        drawn.append(_sequence(source, states_))

    collect()
    return drawn


def test_drawn_text_rows_patch_like_a_fresh_parse() -> None:
    sequences = drawn_sequences(EXAMPLES)
    paths: collections.Counter[str] = collections.Counter()
    for sequence, results in zip(sequences, patch_paths_in_dom(sequences), strict=True):
        for index, step in enumerate(results):
            paths[step.path] += 1
            assert step.patched == step.expected, (
                f"message {index} ({step.path}): {sequence[index][0]}\n"
                f"PATCHED:  {step.patched!r}\nEXPECTED: {step.expected!r}"
            )
    # The path ran on drawn content, and so did the row patch it falls back to.
    assert paths["texts"] >= EXAMPLES // 4, paths
    assert paths["rows"] >= EXAMPLES // 4, paths
