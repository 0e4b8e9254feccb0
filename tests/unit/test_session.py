"""The session core, driven through livewidget.testing: lifecycle, diffs, ordering, errors."""

from __future__ import annotations

import asyncio
import json

import pytest

from livewidget import LiveView
from livewidget.testing import LiveViewTest, ViewError

from .conftest import Counter


def test_mount_renders_and_join_sends_the_full_tree(counter):
    assert counter.find("#count").get_text() == "0"
    [first] = counter.messages
    assert set(first) == {"r", "h", "nav"}
    assert "s" in first["r"]
    assert first["nav"] == {"url": "/", "replace": False, "index": 0}


def test_click_sends_phx_value_and_only_changed_dynamics(counter):
    html = counter.click("button[phx-click=inc]")
    assert '<span id="count">5</span>' in html
    reply = counter.messages[-1]
    assert reply == {"ref": 1, "d": {"0": "5", "1": "5"}}


def test_submit_sends_form_fields(counter):
    counter.submit("form", n="42")
    assert counter.assigns.count == 42
    assert counter.find("input[name=n]")["value"] == "42"


def test_statics_travel_once(counter):
    for _ in range(3):
        counter.click("button[phx-click=dec]")
    assert sum("s" in json.dumps(m) for m in counter.messages) == 1
    assert counter.assigns.count == -3


def test_an_event_that_changes_nothing_gets_a_bare_reply(counter):
    counter.submit("form", n="0")
    assert counter.messages[-1] == {"ref": 1}


def test_one_reply_per_event(counter):
    counter.click("button[phx-click=inc]")
    counter.click("button[phx-click=dec]")
    assert [m.get("ref") for m in counter.messages] == [None, 1, 2]


def test_a_raising_handler_leaves_assigns_as_they_were():
    with LiveViewTest(Counter, raise_errors=False) as view:
        view.click("button[phx-click=inc]")
        before = view.html()
        view.push_event("boom")
        assert view.assigns.count == 5
        assert view.html() == before
        error = view.errors[-1]
        assert (
            "Counter raised RuntimeError while handling the event 'boom': kaboom"
            in error["message"]
        )
        assert "kaboom" in error["traceback"]
        assert "livewidget" not in error["traceback"].split("RuntimeError")[0]
        # and the next event works
        view.click("button[phx-click=inc]")
        assert view.assigns.count == 10


def test_the_test_client_raises_view_errors_by_default(counter):
    with pytest.raises(ViewError, match="kaboom"):
        counter.push_event("boom")


def test_an_unhandled_event_names_the_view_and_the_event():
    class Quiet(LiveView):
        template = "<button phx-click='nope'>x</button>"

    with LiveViewTest(Quiet) as view, pytest.raises(ViewError, match=r"Quiet .*'nope'"):
        view.click("button")


def test_a_render_error_also_rolls_back():
    class Fragile(LiveView):
        template = "{{ 10 // n }}"

        def mount(self, socket, session, params):
            socket.assign(n=1)

        def handle_event(self, event, params, socket):
            socket.assign(n=int(params["n"]))

    with LiveViewTest(Fragile, raise_errors=False) as view:
        view.push_event("set", {"n": "0"})
        assert view.assigns.n == 1
        assert "ZeroDivisionError" in view.errors[-1]["message"]
        assert "Fragile.template" in view.errors[-1]["traceback"]
        view.push_event("set", {"n": "5"})
        assert view.html() == "2"


def test_async_handlers_are_awaited_in_order():
    class Slow(LiveView):
        template = "{{ log | join(',') }}"

        async def mount(self, socket, session, params):
            await asyncio.sleep(0)
            socket.assign(log=[])

        async def handle_event(self, event, params, socket):
            await asyncio.sleep(0.01 if event == "first" else 0)
            socket.assign(log=[*socket.assigns.log, event])

    with LiveViewTest(Slow) as view:
        for name in ("first", "second", "third"):
            view.session.receive(
                {"k": "event", "ref": len(name), "type": "hook", "event": name, "value": {}}
            )
        view._run(view.session.drain())
        assert view.assigns.log == ["first", "second", "third"]


def test_mount_and_handle_params_see_the_query_string():
    seen = []

    class Params(LiveView):
        template = "{{ tab }}"

        def mount(self, socket, session, params):
            seen.append(("mount", dict(params)))
            socket.assign(tab=params.get("tab", ""))

        def handle_params(self, params, url, socket):
            seen.append(("params", url))

    with LiveViewTest(Params, path="/users/7?tab=posts&x=1&x=2") as view:
        assert view.html() == "posts"
    assert seen == [
        ("mount", {"tab": "posts", "x": ["1", "2"]}),
        ("params", "/users/7?tab=posts&x=1&x=2"),
    ]


def test_a_failing_mount_shows_its_error_and_events_are_refused():
    class Broken(LiveView):
        template = "x"

        def mount(self, socket, session, params):
            raise KeyError("missing")

    with LiveViewTest(Broken, raise_errors=False) as view:
        assert "KeyError" in view.errors[0]["message"]
        view.push_event("anything")
        assert "Broken did not mount" in view.errors[-1]["message"]
        assert "could not be shown" in view.html()


def test_template_file_next_to_the_module(tmp_path, monkeypatch):
    import sys
    import types

    (tmp_path / "card.html").write_text("<div>{% include 'part.html' %}</div>")
    (tmp_path / "part.html").write_text("<b>{{ name }}</b>")
    module = types.ModuleType("cards")
    module.__file__ = str(tmp_path / "cards.py")
    monkeypatch.setitem(sys.modules, "cards", module)

    class Card(LiveView):
        template_file = "card.html"

        def mount(self, socket, session, params):
            socket.assign(name="<Ada>")

    Card.__module__ = "cards"
    with LiveViewTest(Card) as view:
        assert view.html() == "<div><b>&lt;Ada&gt;</b></div>"


def test_a_missing_template_says_how_to_fix_it():
    class Nothing(LiveView):
        pass

    with LiveViewTest(Nothing, raise_errors=False) as view:
        assert "set `template" in view.errors[0]["message"]


def test_terminate_runs_on_close():
    ended = []

    class Ends(LiveView):
        template = "x"

        def terminate(self, reason):
            ended.append(reason)

    LiveViewTest(Ends).close()
    assert ended == ["closed"]


def test_a_message_to_a_closed_session_changes_nothing(counter, caplog):
    counter.close()
    counter.session.receive(
        {"k": "event", "ref": 9, "type": "click", "event": "inc", "value": {"by": "1"}}
    )
    assert counter.assigns.count == 0
    assert "closed view" in caplog.text


def test_tracebacks_can_be_hidden_for_visitors():
    with LiveViewTest(Counter, raise_errors=False) as view:
        view.session.show_tracebacks = False
        view.push_event("boom")
        assert view.errors[-1] == {
            "message": "Something went wrong. The details are in the server's log."
        }


def test_a_message_handled_at_once_that_awaits_keeps_its_place_in_line():
    class Mixed(LiveView):
        template = "{{ log | join(',') }}"

        def mount(self, socket, session, params):
            socket.assign(log=[])

        async def handle_event(self, event, params, socket):
            if event == "slow":
                await asyncio.sleep(0.02)
                await asyncio.sleep(0)
            socket.assign(log=[*socket.assigns.log, event])

    async def burst(view):
        # On the loop's thread: the first is handled at once and has to wait; the others
        # queue behind it.
        for ref, name in enumerate(["slow", "fast", "last"], 1):
            view.session.receive(
                {"k": "event", "ref": ref, "type": "hook", "event": name, "value": {}}
            )
        await view.session.drain()

    with LiveViewTest(Mixed) as view:
        view._run(burst(view))
        assert view.assigns.log == ["slow", "fast", "last"]
        assert [m.get("ref") for m in view.messages[1:]] == [1, 2, 3]


# -- what a kernel cannot send never leaves, and changes nothing ------------------------------

LONE = "\ud800"


class Unsendable(LiveView):
    """Each event puts something a kernel cannot pack into one place of the reply."""

    template = "<p>{{ text }}</p><p>{{ flash.info }}</p>"

    def mount(self, socket, session, params):
        socket.assign(text="ok")

    def handle_event(self, event, params, socket):
        socket.assign(text="changed")
        if event == "assign":
            socket.assign(text="x" + LONE)
        elif event == "flash":
            socket.put_flash("info", LONE)
        elif event == "reply":
            return {"n": float("nan")}
        elif event == "reply-text":
            return {"t": LONE}
        elif event == "circular":
            loop: dict[str, object] = {}
            loop["self"] = loop
            return loop
        elif event == "push":
            socket.push_event("e", {"n": float("inf")})
        elif event == "title":
            socket.page_title = LONE
        elif event == "patch":
            socket.push_patch("/" + LONE)
        return None

    def handle_info(self, info, socket):
        socket.assign(text=info)


@pytest.mark.parametrize(
    ("event", "says"),
    [
        ("assign", "lone surrogate"),
        ("flash", "lone surrogate"),
        ("reply", "NaN"),
        ("reply-text", "lone surrogate"),
        ("circular", "nested too deeply"),
        ("push", "push_event"),
        ("title", "lone surrogate"),
        ("patch", "lone surrogate"),
    ],
)
def test_an_unsendable_reply_rolls_back_and_answers_with_an_error(event, says):
    with LiveViewTest(Unsendable, raise_errors=False) as view:
        before = (view.html(), dict(view.assigns), view.session.tree.to_json())
        replies = view.send_raw({"k": "event", "ref": 9, "type": "hook", "event": event})
        assert len(replies) == 1 and replies[0]["ref"] == 9
        assert says in replies[0]["err"]["message"]
        assert (view.html(), dict(view.assigns), view.session.tree.to_json()) == before
        assert view.url == "/" and view.title is None
        # The next event still works.
        assert view.send_raw({"k": "event", "ref": 10, "type": "hook", "event": "other"}) == [
            {"ref": 10, "d": {"0": "changed"}}
        ]


def test_an_unsendable_broadcast_is_rolled_back_in_the_view_that_got_it():
    with LiveViewTest(Unsendable, raise_errors=False) as view:
        before = dict(view.assigns)
        view.session.send_info("bad" + LONE)
        view.run_for(0.05)
        assert dict(view.assigns) == before
        assert "lone surrogate" in view.errors[-1]["message"]
        view.session.send_info("good")
        view.run_for(0.05)
        assert view.html().startswith("<p>good</p>")


def test_the_test_client_packs_messages_as_a_kernel_does():
    from livewidget._encoding import UnencodableError

    with LiveViewTest(Unsendable) as view, pytest.raises(UnencodableError, match="NaN"):
        view._on_message({"d": {"0": float("nan")}})


# -- assign names -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["keys", "items", "get", "values", "label", "input"])
def test_any_identifier_works_as_an_assign_name(name):
    class Named(LiveView):
        template = "<p>{{ " + name + " }}</p><p>{{ flash.info }}</p>"

        def mount(self, socket, session, params):
            socket.assign({name: "v"})

        def handle_event(self, event, params, socket):
            socket.put_flash("info", "hi")
            if event == "go":
                socket.push_redirect("/elsewhere")

    with LiveViewTest(Named) as view:
        assert view.html() == "<p>v</p><p></p>"
        assert view.send_raw({"k": "event", "ref": 1, "type": "click", "event": "x"})[0] == {
            "ref": 1,
            "d": {"1": "hi"},
        }
        assert dict(view.assigns)[name] == "v" and view.assigns[name] == "v"
        view.send_raw({"k": "event", "ref": 2, "type": "click", "event": "go"})
        assert view.url == "/elsewhere" and view.html() == "<p>v</p><p>hi</p>"


@pytest.mark.parametrize(
    "name",
    [
        "self",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "flash",
        "streams",
        "uploads",
        "myself",
        "inner_content",
    ],
)
def test_reserved_names_are_refused_by_assign(name):
    from livewidget import Socket

    socket = Socket("lw-test")
    with pytest.raises(ValueError, match=f"'{name}' is a reserved name"):
        socket.assign({name: 1})
    assert name not in socket.assigns or name == "flash"


# -- a mounted tree that cannot be sent is a failed mount, wherever the string sits ----------

UNSENDABLE_MOUNTS = {
    "a slot": "<p>{{ bad }}</p>",
    "a row": "<ul>{% for r in rows %}<li>{{ r }}</li>{% endfor %}</ul>",
    "a row with an if": (
        "<ul>{% for r in rows %}<li>{% if r %}{{ r }}{% endif %}</li>{% endfor %}</ul>"
    ),
    "a branch": "{% if bad %}<b>{{ bad }}</b>{% endif %}",
}


@pytest.mark.parametrize("where", UNSENDABLE_MOUNTS)
def test_a_lone_surrogate_anywhere_in_the_mounted_tree_fails_the_mount(where):
    class Broken(LiveView):
        template = UNSENDABLE_MOUNTS[where]

        def mount(self, socket, session, params):
            socket.assign(bad="x" + LONE, rows=["a", "b" + LONE, "c"])

    with LiveViewTest(Broken, raise_errors=False) as view:
        assert "could not be shown" in view.html()
        assert "lone surrogate" in json.dumps(view.messages[0])
