"""push_event, page_title, flash and hook replies, through livewidget.testing."""

from __future__ import annotations

from pathlib import Path

import pytest

from livewidget import LiveView
from livewidget.testing import LiveViewTest


class Pusher(LiveView):
    template = """<p id="n">{{ n }}</p>{% if flash.info %}<p id="flash" phx-click="lv:clear-flash" phx-value-key="info">{{ flash.info }}</p>{% endif %}"""  # noqa: E501
    hooks = {"Chart": "export default { mounted() {} }"}

    def mount(self, socket, session, params):
        socket.assign(n=0)

    def handle_event(self, event, params, socket):
        if event == "seed":
            socket.push_event({"type": "my-event", "foo": "bar"})
        elif event == "several":
            socket.assign(n=socket.assigns.n + 1)
            socket.push_event("first", {"i": 1})
            socket.push_event("second", {"i": 2})
        elif event == "title":
            socket.page_title = params["title"]
        elif event == "flash":
            socket.put_flash("info", "Saved <b>!</b>")
        elif event == "ask":
            return {"answer": int(params["x"]) * 2}
        elif event == "push-then-fail":
            socket.push_event("never", {})
            socket.page_title = "never"
            raise ValueError("nope")
        elif event == "bad-reply":
            return 42
        elif event == "bad-payload":
            socket.push_event("x", {"f": object()})


@pytest.fixture
def view():
    with LiveViewTest(Pusher, raise_errors=False) as client:
        yield client


def test_push_event_in_the_seed_form_travels_as_type_and_payload(view):
    view.push_event("seed")
    assert view.messages[-1] == {"e": [["my-event", {"foo": "bar"}]], "ref": 1}
    assert view.pushed_events == [("my-event", {"foo": "bar"})]


def test_several_pushes_arrive_in_order_in_the_same_reply_as_the_diff(view):
    view.push_event("several")
    reply = view.messages[-1]
    assert reply["d"] == {"0": "1"}
    assert reply["e"] == [["first", {"i": 1}], ["second", {"i": 2}]]
    assert len(view.messages) == 2  # join + one reply


def test_page_title(view):
    view.push_event("title", {"title": "Hello"})
    assert view.messages[-1] == {"t": "Hello", "ref": 1}
    assert view.title == "Hello"
    assert view.session.socket.page_title == "Hello"


def test_a_failing_handler_sends_no_events_and_no_title(view):
    view.push_event("push-then-fail")
    assert set(view.messages[-1]) == {"err", "ref"}
    assert view.pushed_events == []
    assert view.title is None


def test_flash_and_lv_clear_flash(view):
    view.push_event("flash")
    assert view.find("#flash").get_text() == "Saved <b>!</b>"
    assert "<b>" not in view.html()
    view.click("#flash")
    assert not view.has_element("#flash")


def test_a_dict_returned_by_handle_event_replies_to_the_hook(view):
    view.push_event("ask", {"x": 21})
    assert view.replies == [{"answer": 42}]
    assert view.messages[-1] == {"rep": {"answer": 42}, "ref": 1}


def test_a_reply_that_is_not_a_dict_is_a_clear_error(view):
    view.push_event("bad-reply")
    assert "returned int" in view.errors[-1]["message"]


def test_a_payload_that_is_not_json_is_a_clear_error(view):
    view.push_event("bad-payload")
    assert "must be JSON" in view.errors[-1]["message"]


@pytest.mark.parametrize("bad", [None, "", 5])
def test_push_event_needs_a_name(bad):
    from livewidget import Socket

    with pytest.raises((ValueError, TypeError)):
        Socket("x").push_event(bad)


def test_hooks_of_the_view_and_of_the_widget_are_sent_with_the_tree(tmp_path):
    hook = tmp_path / "scroll.js"
    hook.write_text("export default { mounted() { this.el.scrollTop = 0 } }")
    with LiveViewTest(Pusher, hooks={"Scroll": hook}) as view:
        assert view.hooks == {
            "Scroll": hook.read_text(),
            "Chart": "export default { mounted() {} }",
        }


def test_hooks_must_be_text_or_paths():
    with pytest.raises(TypeError, match=r"ES module source text or a pathlib\.Path, got int"):
        LiveViewTest(Pusher, hooks={"Bad": 5})


def test_a_view_hook_that_cannot_load_is_a_mount_error():
    class BadHook(LiveView):
        template = "x"
        hooks = {"Gone": Path("/nonexistent/hook.js")}

    with LiveViewTest(BadHook, raise_errors=False) as view:
        assert "does not exist" in view.errors[0]["message"]


def test_send_info_reaches_handle_info():
    class Inbox(LiveView):
        template = "{{ items | join(',') }}"

        def mount(self, socket, session, params):
            socket.assign(items=[])

        def handle_event(self, event, params, socket):
            socket.send_info("from-event")

        def handle_info(self, info, socket):
            socket.assign(items=[*socket.assigns.items, info])

    with LiveViewTest(Inbox) as view:
        view.send_info("hello")
        assert view.html() == "hello"
        view.push_event("go")
        assert view.html() == "hello,from-event"


def test_template_helpers_escape_what_they_are_given():
    class Links(LiveView):
        template = "{{ live_patch(label, to='/a?x=1&y=\"2\"') }}{{ live_redirect('u', to=path) }}"

        def mount(self, socket, session, params):
            socket.assign(label="<b>", path="/users/<8>")

    with LiveViewTest(Links) as view:
        assert view.html() == (
            '<a href="/a?x=1&amp;y=&#34;2&#34;" data-phx-link="patch" data-phx-link-state="push">'
            "&lt;b&gt;</a>"
            '<a href="/users/&lt;8&gt;" data-phx-link="redirect" data-phx-link-state="push">u</a>'
        )


def test_template_helpers_refuse_urls_outside_the_widget():
    from livewidget.template._helpers import live_patch

    for bad in ("javascript:alert(1)", "//evil.example", "http://x"):
        with pytest.raises(ValueError, match="starting with '/'"):
            live_patch("x", bad)


def test_hook_path_that_does_not_exist():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        LiveViewTest(Pusher, hooks={"Gone": Path("/nonexistent/hook.js")})
