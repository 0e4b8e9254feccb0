"""livewidget.JS: Phoenix-shaped JSON ops, escaped for attributes, checked as they are built."""

from __future__ import annotations

import html
import json

import pytest
from markupsafe import Markup

from livewidget import JS, LiveView
from livewidget.js import OPERATIONS, parse_commands
from livewidget.testing import LiveViewTest


def test_the_issue_example_has_phoenixs_shape():
    js = JS().push("x").toggle(to="#menu")
    assert js.ops == [["push", {"event": "x"}], ["toggle", {"to": "#menu"}]]
    assert json.loads(js.to_json()) == js.ops


def test_every_builder_method_encodes_its_operation():
    js = (
        JS()
        .push("save", {"id": 1}, loading="#form")
        .show(to="#a", transition="fade-in", time=100, display="flex")
        .hide(to={"inner": ".x"})
        .toggle(to={"closest": ".menu"}, in_=("ease", "o-0", "o-100"), out="fade-out")
        .add_class("a b", to="#a")
        .remove_class(["c"], transition=("t", "s", "e"))
        .toggle_class("d")
        .transition("shake", to="#a", time=50)
        .set_attribute("aria-expanded", "true", to="#a")
        .remove_attribute("title")
        .toggle_attribute("open", "true")
        .toggle_attribute("data-state", "on", "off")
        .dispatch("copy", to="#a", detail={"t": 1}, bubbles=False)
        .focus(to="#a")
        .focus_first(to="#b")
        .navigate("/users/1", replace=True)
        .patch("/?q=1")
        .exec("data-cancel", to="#dialog")
    )
    assert js.ops == [
        ["push", {"event": "save", "value": {"id": 1}, "loading": "#form"}],
        [
            "show",
            {"to": "#a", "transition": [["fade-in"], [], []], "time": 100, "display": "flex"},
        ],
        ["hide", {"to": {"inner": ".x"}}],
        [
            "toggle",
            {
                "to": {"closest": ".menu"},
                "ins": [["ease"], ["o-0"], ["o-100"]],
                "time": 200,
                "outs": [["fade-out"], [], []],
            },
        ],
        ["add_class", {"to": "#a", "names": ["a", "b"]}],
        ["remove_class", {"names": ["c"], "transition": [["t"], ["s"], ["e"]], "time": 200}],
        ["toggle_class", {"names": ["d"]}],
        ["transition", {"to": "#a", "transition": [["shake"], [], []], "time": 50}],
        ["set_attr", {"to": "#a", "attr": ["aria-expanded", "true"]}],
        ["remove_attr", {"attr": "title"}],
        ["toggle_attr", {"attr": ["open", "true"]}],
        ["toggle_attr", {"attr": ["data-state", "on", "off"]}],
        ["dispatch", {"to": "#a", "event": "copy", "detail": {"t": 1}, "bubbles": False}],
        ["focus", {"to": "#a"}],
        ["focus_first", {"to": "#b"}],
        ["navigate", {"href": "/users/1", "replace": True}],
        ["patch", {"href": "/?q=1", "replace": False}],
        ["exec", {"to": "#dialog", "attr": "data-cancel"}],
    ]
    assert {op[0] for op in js.ops} == OPERATIONS  # every operation has a builder


def test_str_and_html_are_escaped_json_safe_in_any_attribute():
    js = JS().push("say", {"text": "\"'<b>&"})
    assert str(js) == js.__html__()
    assert isinstance(js.__html__(), Markup)
    for quote in "\"'":
        assert quote not in str(js)
    assert "<" not in str(js) and ">" not in str(js)
    assert json.loads(html.unescape(str(js))) == js.ops


def test_builders_are_immutable_and_combine():
    base = JS().hide(to="#a")
    more = base.show(to="#b")
    assert len(base) == 1 and len(more) == 2
    assert base + JS().push("x") == JS().hide(to="#a").push("x")
    assert JS(more.ops) == more
    assert repr(JS().focus()) == "JS([['focus', {}]])"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: JS().push(""), "event name"),
        (lambda: JS().push("x", value={"f": object()}), "JSON values"),
        (lambda: JS().hide(to=""), "CSS selector"),
        (lambda: JS().hide(to={"outer": "#x"}), "'inner': selector"),
        (lambda: JS().add_class(""), "class names"),
        (lambda: JS().show(transition=("a", "b")), "three of them"),
        (lambda: JS().show(transition="a", time=-1), "milliseconds"),
        (lambda: JS().set_attribute("bad name", "v"), "attribute name"),
        (lambda: JS().navigate("https://example.invalid/"), "starting with '/'"),
        (lambda: JS([["fly", {}]]), "unknown JS command"),
        (lambda: JS([["push"]]), "pair"),
    ],
)
def test_bad_arguments_fail_when_built(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_parse_commands():
    assert parse_commands("save") is None
    assert parse_commands(' [["focus", {}]]') == [["focus", {}]]
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_commands("[oops")
    with pytest.raises(ValueError, match="unknown JS command"):
        parse_commands('[["fly", {}]]')


def test_js_is_a_template_global_and_renders_escaped():
    class Menu(LiveView):
        template = """<button phx-click="{{ JS().toggle(to='#menu').push('opened') }}">m</button>"""

    with LiveViewTest(Menu) as view:
        button = view.find("button")
        assert json.loads(button["phx-click"]) == [
            ["toggle", {"to": "#menu"}],
            ["push", {"event": "opened"}],
        ]
        assert "&#34;" in view.html()
