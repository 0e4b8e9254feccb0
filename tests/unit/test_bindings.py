"""Bindings through the test client: the payloads the browser sends, JS commands honoured."""

from __future__ import annotations

import pytest

from livewidget import LiveView
from livewidget._params import decode_form
from livewidget.testing import LiveViewTest


class Keys(LiveView):
    template = """
      <input id="q" name="q" value="cats" phx-keydown="search" phx-key="Enter" phx-value-page="2">
      <div id="pad" phx-keyup="up"></div>
      <div id="win" phx-window-keydown="shortcut" phx-window-keyup="released"></div>
      <input id="f" value="x" phx-focus="in" phx-blur="out" phx-value-id="7">
      <div id="wf" phx-window-focus="back" phx-window-blur="away"></div>
      <p id="last">{{ last }}</p>
    """

    def mount(self, socket, session, params):
        socket.assign(last=None)

    def handle_event(self, event, params, socket):
        socket.assign(last=[event, params])


@pytest.fixture
def keys():
    with LiveViewTest(Keys) as view:
        yield view


def sent(view):
    """The last event message sent on the wire (the client records replies only)."""
    return view.assigns.last


def test_keydown_sends_the_key_the_values_and_the_fields_value(keys):
    keys.keydown("#q", "Enter")
    assert sent(keys) == ["search", {"key": "Enter", "page": "2", "value": "cats"}]


def test_phx_key_filters_case_insensitively(keys):
    keys.keydown("#q", "a")
    assert sent(keys) is None
    keys.keydown("#q", "enter")
    assert sent(keys)[1]["key"] == "enter"


def test_keyup_and_window_key_bindings(keys):
    keys.keyup("#pad", "Escape")
    assert sent(keys) == ["up", {"key": "Escape"}]
    keys.keydown("#win", "k", value={"ctrl": True})
    assert sent(keys) == ["shortcut", {"key": "k", "ctrl": True}]
    keys.keyup("#win", "k")
    assert sent(keys) == ["released", {"key": "k"}]


def test_focus_blur_and_window_focus(keys):
    keys.focus("#f")
    assert sent(keys) == ["in", {"id": "7", "value": "x"}]
    keys.blur("#f")
    assert sent(keys) == ["out", {"id": "7", "value": "x"}]
    keys.blur("#wf")
    assert sent(keys) == ["away", {}]
    keys.focus("#wf")
    assert sent(keys) == ["back", {}]


def test_event_types_travel_on_the_wire(keys):
    keys.keydown("#q", "Enter")
    keys.blur("#f")
    types = [m for m in keys.messages if "ref" in m]
    assert len(types) == 2  # one reply per event, each with its ref


def test_a_missing_binding_is_a_lookup_error(keys):
    with pytest.raises(LookupError, match="neither phx-keydown nor phx-window-keydown"):
        keys.keydown("#last", "a")


@pytest.mark.parametrize("kind", ["keydown", "keyup", "focus", "blur"])
def test_the_kernel_accepts_the_new_event_types(keys, kind):
    replies = keys.send_raw(
        {"k": "event", "ref": 99, "type": kind, "event": "x", "value": {"key": "a"}}
    )
    assert replies[-1]["ref"] == 99
    assert "err" not in replies[-1]
    assert sent(keys) == ["x", {"key": "a"}]


def test_an_unknown_event_type_is_refused(keys):
    replies = keys.send_raw({"k": "event", "ref": 5, "type": "wheel", "event": "x", "value": {}})
    assert "unknown event type 'wheel'" in replies[-1]["err"]["message"]


class Commands(LiveView):
    template = """
      <button id="inc" phx-click="{{ JS().push('inc', value={'by': 2}).toggle(to='#menu') }}"
              phx-value-id="7">+</button>
      <button id="only-client" phx-click="{{ JS().toggle(to='#menu').add_class('on') }}">m</button>
      <button id="go" phx-click="{{ JS().patch('/?tab=2') }}">tab</button>
      <button id="away" phx-click="{{ JS().navigate('/other') }}">away</button>
      <button id="exec" phx-click="{{ JS().exec('data-ok', to='#dialog') }}">exec</button>
      <div id="dialog" data-ok="{{ JS().push('confirmed') }}"></div>
      <form id="f" phx-submit="{{ JS().push('save', value={'draft': 'yes'}).hide(to='#f') }}">
        <input name="title" value="T">
      </form>
      <input id="k" phx-keydown="{{ JS().push('key') }}">
      <p id="log">{{ log }}</p><p id="tab">{{ tab }}</p>
    """

    def mount(self, socket, session, params):
        socket.assign(log=[], tab="")

    def handle_params(self, params, url, socket):
        socket.assign(tab=params.get("tab", ""))

    def handle_event(self, event, params, socket):
        socket.assign(log=[*socket.assigns.log, [event, params]])


class Other(LiveView):
    template = "<h1>other</h1>"


@pytest.fixture
def commands():
    with LiveViewTest({"/": Commands, "/other": Other}) as view:
        yield view


def test_push_commands_send_the_bindings_payload_merged_with_their_value(commands):
    commands.click("#inc")
    assert commands.assigns.log == [["inc", {"id": "7", "by": 2}]]


def test_client_only_commands_send_nothing(commands):
    before = len(commands.messages)
    commands.click("#only-client")
    assert len(commands.messages) == before


def test_patch_and_navigate_commands_move_the_widget(commands):
    commands.click("#go")
    assert commands.url == "/?tab=2"
    assert commands.find("#tab").get_text() == "2"
    commands.click("#away")
    assert commands.url == "/other"
    assert commands.has_element("h1", "other")


def test_exec_runs_the_commands_of_another_attribute(commands):
    commands.click("#exec")
    assert commands.assigns.log == [["confirmed", {}]]


def test_commands_in_phx_submit_and_key_bindings(commands):
    commands.submit("#f")
    assert commands.assigns.log == [["save", {"title": "T", "draft": "yes"}]]
    commands.keydown("#k", "Enter")
    assert commands.assigns.log[-1] == ["key", {"key": "Enter", "value": ""}]


def test_malformed_commands_are_a_clear_error():
    class Bad(LiveView):
        template = """<button phx-click='[["push", {}], 3]'>x</button>"""

    with LiveViewTest(Bad) as view, pytest.raises(ValueError, match="malformed JS commands"):
        view.click("button")


class SignUpForm(LiveView):
    template = """
      <form id="signup" phx-change="validate" phx-submit="save">
        <input type="hidden" name="user[token]" value="t">
        <input name="user[name]"><input name="user[email]">
        <input name="user[address][city]">
        <select name="user[tags][]" multiple><option selected>a</option><option>b</option></select>
      </form>
    """

    def mount(self, socket, session, params):
        socket.assign(params=None)

    def handle_event(self, event, params, socket):
        socket.assign(params=params)


def test_change_marks_the_fields_the_user_has_not_changed():
    with LiveViewTest(SignUpForm) as view:
        view.change("#signup", {"user[name]": "Ada"})
        assert view.assigns.params == {
            "user": {
                "token": "t",
                "name": "Ada",
                "_unused_email": "",
                "email": "",
                "address": {"_unused_city": "", "city": ""},
                "_unused_tags": [""],
                "tags": ["a"],
            },
            "_target": "user[name]",
        }
        view.change("#signup", {"user[email]": "a@b"})
        user = view.assigns.params["user"]
        assert "_unused_name" not in user and "_unused_email" not in user
        assert user["address"] == {"_unused_city": "", "city": ""}


def test_a_submit_sends_no_markers_and_starts_the_form_over():
    with LiveViewTest(SignUpForm) as view:
        view.change("#signup", {"user[name]": "Ada"})
        view.submit("#signup", {"user[name]": "Ada"})
        assert not any(k.startswith("_unused_") for k in view.assigns.params["user"])
        view.change("#signup", {"user[email]": "x"})
        assert "_unused_name" in view.assigns.params["user"]


def test_nested_names_decode_to_nested_dicts():
    assert decode_form("user[address][city]=Oslo&user[tags][]=a&user[tags][]=b&n=1&n=2") == {
        "user": {"address": {"city": "Oslo"}, "tags": ["a", "b"]},
        "n": ["1", "2"],
    }
    assert decode_form("user%5B_unused_email%5D=&user%5Bemail%5D=") == {
        "user": {"_unused_email": "", "email": ""}
    }
