"""Where expressions land in the HTML: unquoted values and script/style refused, URL
attributes neutralised, widget paths that browsers would send to another host refused."""

from __future__ import annotations

import logging

import jinja2
import pytest
from markupsafe import Markup

from livewidget import JS
from livewidget._paths import is_widget_path
from livewidget.template import CompiledTemplate, environment
from livewidget.template._helpers import live_patch, live_redirect
from livewidget.template._html_context import safe_url


def render(source: str, **assigns) -> str:
    return str(CompiledTemplate(environment(), source).render(assigns))


@pytest.mark.parametrize(
    "source",
    [
        "<p title={{ v }}>x</p>",
        "<p title=a{{ v }}>x</p>",
        "<p\n  title = {{ v }}>x</p>",
        "<p>ok</p>\n<a href={{ v }}>x</a>",
        "<p {% if on %}title={{ v }}{% endif %}>x</p>",
    ],
)
def test_unquoted_dynamic_attribute_values_are_refused_with_the_line(source):
    with pytest.raises(jinja2.TemplateSyntaxError, match="quote the value") as info:
        CompiledTemplate(environment(), source, name="T.template")
    assert info.value.lineno == source[: source.index("{{")].count("\n") + 1


@pytest.mark.parametrize(
    "source", ["<script>let a = {{ v }};</script>", "<style>p { color: {{ v }} }</style>"]
)
def test_expressions_in_script_and_style_are_refused(source):
    with pytest.raises(jinja2.TemplateSyntaxError, match="data-\\* attribute"):
        CompiledTemplate(environment(), source)


def test_static_scripts_and_quoted_values_compile():
    html = render('<script>let a = 1;</script><p title="{{ v }}" class=x>{{ v }}</p>', v="a b")
    assert html == '<script>let a = 1;</script><p title="a b" class=x>a b</p>'


HOSTILE_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "  javascript:alert(1)",
    "\tjava\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize("attribute", ["href", "src", "action", "formaction", "xlink:href"])
def test_script_urls_from_assigns_are_neutralised(url, attribute, caplog):
    with caplog.at_level(logging.WARNING, logger="livewidget"):
        html = render(f'<a {attribute}="{{{{ url }}}}">x</a>', url=url)
    assert html.startswith(f'<a {attribute}="unsafe:')
    assert "neutralised an unsafe URL" in caplog.text


@pytest.mark.parametrize(
    "url", ["/users/7?tab=a", "https://example.org/x", "data:image/png;base64,AA"]
)
def test_ordinary_urls_are_kept(url):
    assert render('<a href="{{ url }}">x</a>', url=url) == f'<a href="{url}">x</a>'


def test_markup_opts_out_and_a_static_prefix_needs_no_check():
    trusted = Markup("javascript:void(0)")
    assert render('<a href="{{ u }}">x</a>', u=trusted) == '<a href="javascript:void(0)">x</a>'
    assert (
        render('<a href="/u/{{ u }}">x</a>', u="javascript:x") == '<a href="/u/javascript:x">x</a>'
    )


def test_urls_in_loops_and_macros_are_neutralised_too():
    source = (
        '{% macro link(u) %}<a href="{{ u }}">m</a>{% endmacro %}'
        '{% for u in urls %}<img src="{{ u }}">{{ link(u) }}{% endfor %}'
    )
    html = render(source, urls=["javascript:a()"])
    assert html == '<img src="unsafe:javascript:a()"><a href="unsafe:javascript:a()">m</a>'


def test_safe_url_leaves_other_values_alone():
    assert safe_url("mailto:a@b.example") == "mailto:a@b.example"
    assert safe_url(7) == "7"


@pytest.mark.parametrize(
    "path", ["//evil.example/", "/\\evil.example/", "/\t/evil.example", "javascript:alert(1)", 3]
)
def test_widget_paths_that_leave_the_widget_are_refused(path):
    assert not is_widget_path(path)
    with pytest.raises(ValueError, match="starting with '/'"):
        live_patch("x", path)
    with pytest.raises(ValueError, match="starting with '/'"):
        live_redirect("x", path)
    with pytest.raises(ValueError, match="starting with '/'"):
        JS().patch(path)


def test_url_attributes_given_to_helpers_are_neutralised():
    html = render(
        '{{ input("f", type="submit", formaction=u) }}{{ input("g", type="image", src=u) }}'
        '{{ live_patch("x", "/a", ping=u) }}',
        u="javascript:alert(1)",
    )
    assert html.count('="unsafe:javascript:alert(1)"') == 3
    assert "javascript:alert(1)" not in html.replace("unsafe:javascript:alert(1)", "")
