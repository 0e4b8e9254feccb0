"""``row.name`` through livewidget's compiled templates means what it means to Jinja2.

Compiled templates read attributes through :func:`~livewidget.template._lookups.fast_lookups`,
which skips Jinja2's failing ``getattr`` for exact dicts. The oracle is Jinja2's own
``Environment.getattr`` on the same objects, and Jinja2's render of the same template.
"""

from __future__ import annotations

import collections
from typing import Any

import jinja2
import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from livewidget.template import CompiledTemplate, environment, to_html
from livewidget.template._runtime import escape_text, fast_lookups

#: Names a dict has as attributes, names it may hold as keys, and a dunder or two.
NAMES = [
    "items",
    "keys",
    "get",
    "pop",
    "__class__",
    "__len__",
    "move_to_end",
    "default_factory",
    "name",
    "id",
]


class Row:
    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)


def _objects(*, undefined: bool = True) -> st.SearchStrategy[Any]:
    mapping = st.dictionaries(st.sampled_from(NAMES), st.integers(0, 9), max_size=4)
    return st.one_of(
        mapping,
        mapping.map(collections.OrderedDict),
        mapping.map(lambda d: collections.defaultdict(int, d)),
        mapping.map(lambda d: Row(**d)),
        st.sampled_from([None, 3, "text", [1, 2], (1,)]),
        *([st.builds(jinja2.Undefined, name=st.just("u"))] if undefined else []),
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, jinja2.Undefined) or isinstance(b, jinja2.Undefined):
        return (
            type(a) is type(b)
            and a._undefined_name == b._undefined_name
            and a._undefined_obj is b._undefined_obj
        )
    return bool(a == b) and type(a) is type(b)


def _outcome(env: jinja2.Environment, obj: Any, name: str) -> Any:
    try:
        return env.getattr(obj, name)
    except jinja2.UndefinedError as error:  # getattr of an Undefined raises
        return error


@settings(deadline=None)  # a busy machine is not a failure
@given(_objects(), st.sampled_from(NAMES))
def test_getattr_answers_as_jinja2_does(obj: Any, name: str) -> None:
    env = environment()
    fast, slow = _outcome(fast_lookups(env), obj, name), _outcome(env, obj, name)
    if isinstance(slow, Exception):
        assert type(fast) is type(slow) and str(fast) == str(slow)
    else:
        assert _same(fast, slow)


@settings(deadline=None)  # a busy machine is not a failure
@given(st.lists(_objects(undefined=False), max_size=4))
def test_a_table_renders_as_jinja2_renders_it(rows: list[Any]) -> None:
    source = (
        "{% for row in rows %}<p>{{ row.name }}|{{ row.items }}|{{ row.id is defined }}"
        "|{{ row.get }}</p>{% endfor %}"
    )
    env = environment()
    expected = env.from_string(source).render(rows=rows)
    assert to_html(CompiledTemplate(env, source).render({"rows": rows}).to_json()) == expected


def test_the_overlay_follows_the_environment_it_overlays() -> None:
    env = environment()
    fast = fast_lookups(env)
    env.globals["late"] = "added later"
    env.filters["shout"] = str.upper
    assert fast.globals["late"] == "added later"
    assert fast.filters["shout"] is str.upper
    assert fast.undefined is env.undefined


def test_a_missing_key_is_jinja2s_undefined_of_the_environment() -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    with pytest.raises(jinja2.UndefinedError, match="'dict object' has no attribute 'nope'"):
        CompiledTemplate(env, "{{ row.nope }}").render({"row": {"name": 1}})


def test_a_sandbox_keeps_its_own_getattr() -> None:
    sandbox = SandboxedEnvironment(autoescape=True)
    assert fast_lookups(sandbox) is sandbox
    template = CompiledTemplate(sandbox, "{{ row.name }}{{ row.__class__.__subclasses__() }}")
    with pytest.raises(jinja2.exceptions.SecurityError):
        template.render({"row": {"name": "Ada"}})


class Html:
    """An object that renders itself as markup."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __html__(self) -> str:
        return self.text


_VALUES = st.one_of(
    st.text(alphabet="<>&'\"ab é\x00", max_size=8),
    st.text(alphabet="<>&'\"ab", max_size=8).map(Markup),
    st.text(alphabet="<>&ab", max_size=8).map(Html),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
    st.lists(st.text(alphabet="<'", max_size=2), max_size=2),
)


@settings(deadline=None)  # a busy machine is not a failure
@given(_VALUES)
def test_escape_text_is_the_text_of_markupsafes_escape(value: Any) -> None:
    text = escape_text(value)
    assert type(text) is str
    assert text == str(markupsafe.escape(value))


#: Where autoescaped output goes in Jinja2's code: yielded, buffered by a set block, a macro,
#: a call block, a filter block, joined with ~, printed through a filter and an if.
ESCAPING = """\
{% macro cell(v) %}<td>{{ v }}</td>{% endmacro %}
{% macro wrap() %}<b>{{ caller() }}</b>{% endmacro %}
{% set block %}<i>{{ a }}</i>{% endset %}
{% for row in rows %}{{ cell(row) }}{{ row ~ a }}{{ row|upper }}{% endfor %}
{% call wrap() %}{{ a }}{{ caller_text }}{% endcall %}
{% filter upper %}{{ a }}{{ b }}{% endfilter %}
{{ block }}{{ block|length }}{{ a if b else b }}{{ [a, b]|join(", ") }}
"""


@settings(deadline=None)  # a busy machine is not a failure
@given(_VALUES, _VALUES, st.lists(_VALUES, max_size=3))
def test_escaped_output_renders_as_jinja2_renders_it(a: Any, b: Any, rows: list[Any]) -> None:
    env = environment()
    assigns = {"a": a, "b": b, "rows": rows, "caller_text": "<x>"}
    expected = env.from_string(ESCAPING).render(assigns)
    assert str(CompiledTemplate(env, ESCAPING).render(assigns)) == expected
