"""Printing a template's values as plain escaped text (livewidget.template._escape).

The same page as MarkupSafe's ``escape``, for every kind of value and every place Jinja2
prints one: the top of a template, a ``{% set %}`` block, a macro, a call block, a filter
block, an ``{% autoescape false %}`` block, and values that are markup already.
"""

from __future__ import annotations

import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livewidget.template import environment
from livewidget.template._escape import escape_output, use_plain_escape

HOSTILE = ["<script>alert(1)</script>", "a & b", "' onmouseover='x", '"q"', "", "é\u2028"]


class Html:
    """An object that prints itself as markup (as a live component's placeholder does)."""

    def __html__(self) -> str:
        return "<i>own</i>"


@given(st.one_of(st.text(), st.integers(), st.booleans(), st.floats(), st.none()))
@settings(max_examples=300)
def test_the_text_is_markupsafes_for_any_value(value):
    assert escape_output(value) == markupsafe.escape(value)


@pytest.mark.parametrize(
    "value", [markupsafe.Markup("<b>kept</b>"), Html(), 3.5, [1, "<"], True, *HOSTILE]
)
def test_markup_and_other_types_print_as_markupsafe_prints_them(value):
    assert escape_output(value) == markupsafe.escape(value)


TEMPLATES = [
    "<p title='{{ v }}'>{{ v }}{{ n }}{{ m }}{{ h }}</p>",
    "{% set x %}<b>{{ v }}</b>{% endset %}{{ x }}|{{ x | upper }}",
    "{% macro row(t) %}<td>{{ t }}</td>{% endmacro %}{{ row(v) }}{{ row(m) }}",
    "{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}{% call box() %}{{ v }}{% endcall %}",
    "{% filter upper %}{{ v }}<i>{{ m }}</i>{% endfilter %}",
    "{% autoescape false %}{{ v }}{% endautoescape %}{{ v }}",
    "{{ v ~ m }}{{ (v ~ '<') | e }}{{ v | safe }}{{ m | striptags }}",
    "{% for c in v %}{{ c }}{% endfor %}{{ v | length }}{{ [v, n] | join(',') }}",
]


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("text", HOSTILE)
def test_a_template_prints_the_same_page_with_plain_escaping(source, text):
    assigns = {"v": text, "n": -7, "m": markupsafe.Markup("<em>m</em>"), "h": Html()}
    env = environment()
    expected = env.from_string(source).render(assigns)
    template = env.from_string(source)
    use_plain_escape(template)
    assert template.root_render_func.__globals__["escape"] is escape_output
    assert template.render(assigns) == expected


def test_a_template_without_markupsafes_escape_is_left_alone():
    template = environment().from_string("{{ v }}")
    template.root_render_func.__globals__["escape"] = str
    use_plain_escape(template)
    assert template.root_render_func.__globals__["escape"] is str
