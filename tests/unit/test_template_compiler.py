"""The template compiler: statics once, slots per dynamic, same HTML as a plain Jinja2 render."""

from __future__ import annotations

import traceback

import pytest

from livewidget.template import CompiledTemplate, Rendered, diff, environment

CORPUS = {
    "text only": "<p>static</p>",
    "expressions": "<b>{{ a }}</b> and <i>{{ b | upper }}</i>",
    "attribute": '<input name="n" value="{{ a }}" {{ "disabled" if flag }}>',
    "if": "{% if flag %}<em>{{ a }}</em>{% else %}none{% endif %}!",
    "for": "<ul>{% for r in rows %}<li class='{{ loop.index }}'>{{ r }}</li>{% endfor %}</ul>",
    "set": "{% set total = rows | length %}<p>{{ total }} rows, {{ a }}</p>",
    "macro": "{% macro tag(x) %}<span>{{ x }}</span>{% endmacro %}{{ tag(a) }}{{ tag(b) }}",
    "whitespace control": "<p>\n  {{- a -}}\n</p>{%- if flag %} y {% endif -%}",
    "raw": "{% raw %}{{ not a slot }}{% endraw %}{{ a }}",
    "filters and tests": "{{ rows | join(',') }}{% if a is string %}s{% endif %}",
    "markup": "{{ html }}|{{ a }}",
    "with": "{% with x = a %}{{ x }}{% endwith %}",
    "block without extends": "{% block body %}<main>{{ a }}</main>{% endblock %}",
    "extends": '{% extends "base.html" %}{% block body %}[{{ a }}]{% endblock %}',
}
ASSIGNS_A = {"a": "<x> & 'y'", "b": "bee", "flag": True, "rows": [1, 2, 3]}
ASSIGNS_B = {"a": "other", "b": "<b>", "flag": False, "rows": []}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    (folder / "base.html").write_text("<html>{% block body %}{% endblock %}</html>")
    return environment(str(folder))


@pytest.mark.parametrize("name", CORPUS)
@pytest.mark.parametrize("assigns", [ASSIGNS_A, ASSIGNS_B], ids=["a", "b"])
def test_same_html_as_plain_jinja(env, name, assigns):
    from markupsafe import Markup

    assigns = {**assigns, "html": Markup("<hr>")}
    source = CORPUS[name]
    compiled = CompiledTemplate(env, source)
    assert str(compiled.render(assigns)) == env.from_string(source).render(assigns)


def test_statics_and_dynamics_split(env):
    compiled = CompiledTemplate(env, "<b>{{ a }}</b>{% if flag %}x{% endif %}<i>{{ b }}</i>")
    rendered = compiled.render(ASSIGNS_A)
    assert rendered.statics == ("<b>", "</b>", "<i>", "</i>")
    assert rendered.to_json() == {
        "s": ["<b>", "</b>", "<i>", "</i>"],
        "0": "&lt;x&gt; &amp; &#39;y&#39;",
        "1": {"s": ["x"]},
        "2": "bee",
    }


def test_extends_falls_back_to_one_dynamic(env):
    compiled = CompiledTemplate(env, CORPUS["extends"])
    rendered = compiled.render({"a": 1})
    assert rendered.statics == ("", "")
    assert rendered.dynamics == ["<html>[1]</html>"]


class Spy:
    """A value whose attribute counts its reads: what the compiler evaluates, counted."""

    def __init__(self, value, calls):
        self._value = value
        self._calls = calls

    @property
    def v(self):
        self._calls.append(self._value)
        return self._value


def test_only_slots_reading_a_changed_assign_run_again(env):
    calls = []
    compiled = CompiledTemplate(env, "{{ a.v }}|{{ b.v }}")
    first = compiled.render({"a": Spy(1, calls), "b": Spy(2, calls)})
    assert calls == [1, 2]
    second = compiled.render(
        {"a": Spy(5, calls), "b": Spy(2, calls)}, changed={"a"}, previous=first
    )
    assert calls == [1, 2, 5]
    assert second.dynamics == ["5", "2"]
    assert diff(first, second) == {"0": "5"}


def test_user_callables_run_on_every_render(env):
    """A helper from the assigns may read anything: the compiler cannot track it."""
    calls = []

    def spy(value):
        calls.append(value)
        return value

    compiled = CompiledTemplate(env, "{{ spy(a) }}|{{ b }}")
    assert compiled.impurities == ["line 1: calls spy()"]
    first = compiled.render({"a": 1, "b": 2, "spy": spy})
    compiled.render({"a": 1, "b": 3, "spy": spy}, changed={"b"}, previous=first)
    assert calls == [1, 1]


def test_set_dependencies_count_for_later_slots(env):
    compiled = CompiledTemplate(env, "{% set n = rows | length %}{{ n }}")
    first = compiled.render({"rows": [1]})
    second = compiled.render({"rows": [1, 2]}, changed={"rows"}, previous=first)
    assert second.dynamics == ["2"]


@pytest.mark.parametrize(
    "source",
    [
        "line one\n\n{{ a.b.c }}",
        "<ul>\n{% for r in rows %}\n<li>{{ r }}</li>\n{% endfor %}\n</ul>{{ a.b.c }}",
        "{% if x %}\n{{ x }}\n{% else %}\nno\n{% endif %}\n{{ a.b.c }}",
    ],
)
def test_template_errors_name_the_template_line(env, source):
    compiled = CompiledTemplate(env, source, name="Broken.template")
    with pytest.raises(Exception) as info:
        compiled.render({"a": None, "rows": [1, 2], "x": 1})
    frames = traceback.extract_tb(info.value.__traceback__)
    lines = [f.lineno for f in frames if f.filename == "Broken.template"]
    assert lines == [source.count("\n") + 1]


def test_rendered_needs_one_more_static_than_dynamics():
    with pytest.raises(ValueError, match="one more static"):
        Rendered(("a",), ["b"])


def test_diff_sends_everything_for_a_new_template():
    old = Rendered(("<a>", "</a>"), ["1"])
    new = Rendered(("<b>", "</b>"), ["1"])
    assert diff(old, new) == {"s": ["<b>", "</b>"], "0": "1"}
    assert diff(None, new) == new.to_json()


def test_diff_recurses_into_nested_trees():
    inner = Rendered(("<p>", "</p>"), ["a"])
    old = Rendered(("<div>", "</div>"), [inner])
    assert diff(old, Rendered(old.statics, [Rendered(inner.statics, ["b"])])) == {"0": {"0": "b"}}
    assert diff(old, Rendered(old.statics, [Rendered(inner.statics, ["a"])])) == {}
    assert diff(old, Rendered(old.statics, ["text"])) == {"0": "text"}
