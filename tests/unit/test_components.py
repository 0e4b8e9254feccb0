"""LiveComponents: lifecycle, targeting, send_update / send_parent, cids in diffs, removal,
the one-root rule and the transaction rule (through the browserless client)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from livewidget import LiveComponent, LiveView
from livewidget.component import ComponentSocket
from livewidget.template import Rendered, diff, merge, to_html
from livewidget.template._components import OneRootError
from livewidget.testing import LiveViewTest, ViewError

LOG: list[tuple[Any, ...]] = []


class Todo(LiveComponent):
    template = (
        '<li id="todo-{{ id }}" class="{{ "done" if done else "open" }}">'
        '<button phx-click="toggle" phx-target="{{ myself }}">{{ title }}</button>'
        '<a phx-click="up" phx-target="#todo-{{ id }}">up</a>'
        '<b phx-click="ask" phx-target="{{ myself }}">ask</b></li>'
    )

    def mount(self, socket: ComponentSocket) -> None:
        LOG.append(("mount", socket.myself))
        socket.assign(done=False)

    def update(self, assigns: Any, socket: ComponentSocket) -> None:
        LOG.append(("update", socket.myself, dict(assigns)))
        socket.assign(assigns)

    def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
        LOG.append(("event", socket.myself, event))
        if event == "toggle":
            socket.assign(done=not socket.assigns.done)
        elif event == "up":
            socket.assign(title=socket.assigns.title.upper())
        elif event == "ask":
            socket.send_parent(("asked", socket.assigns.id))
        elif event == "boom":
            socket.assign(done=True)
            socket.push_event("never", {})
            raise RuntimeError("boom")

    def terminate(self, reason: str) -> None:
        LOG.append(("terminate", reason))


class Todos(LiveView):
    components = {"Todo": Todo}
    template = (
        "<ul>{% for t in todos %}"
        "{{ live_component(Todo, id=t.id, title=t.title) }}"
        "{% endfor %}</ul><p>{{ note }}</p>"
    )

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        socket.assign(todos=[{"id": 1, "title": "a"}, {"id": 2, "title": "b"}], note="")

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        todos = socket.assigns.todos
        if event == "add":
            socket.assign(todos=[*todos, {"id": params["id"], "title": params["title"]}])
        elif event == "drop":
            socket.assign(todos=[t for t in todos if t["id"] != params["id"]])
        elif event == "rename":
            socket.assign(todos=[{**t, "title": "z"} if t["id"] == 1 else t for t in todos])
        elif event == "note":
            socket.assign(note="n")
        elif event == "nudge":
            socket.send_update(Todo, 2, title="nudged")

    def handle_info(self, info: Any, socket: Any) -> None:
        socket.assign(note=repr(info))


@pytest.fixture(autouse=True)
def clean_log() -> Iterator[None]:
    LOG.clear()
    yield
    LOG.clear()


def event(name: str, value: dict[str, Any] | None = None, cid: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"k": "event", "ref": 7, "type": "click", "event": name}
    message["value"] = value or {}
    if cid is not None:
        message["cid"] = cid
    return message


def test_mounted_once_updated_only_when_the_parent_passes_new_assigns() -> None:
    with LiveViewTest(Todos) as view:
        assert LOG == [
            ("mount", 1),
            ("update", 1, {"id": 1, "title": "a"}),
            ("mount", 2),
            ("update", 2, {"id": 2, "title": "b"}),
        ]
        LOG.clear()
        view.push_event("note")  # the view changes, the todos' assigns do not
        assert LOG == []
        view.push_event("rename")  # todo 1 gets a new title, todo 2 the same one
        assert LOG == [("update", 1, {"id": 1, "title": "z"})]
        assert view.find("#todo-1 button").text == "z"


def test_myself_and_css_selector_target_the_component() -> None:
    with LiveViewTest(Todos) as view:
        view.click("#todo-2 button")
        assert view.find("#todo-2")["class"] == ["done"]
        assert view.find("#todo-1")["class"] == ["open"]
        view.click("#todo-1 a")  # phx-target="#todo-1": the component holding that element
        assert view.find("#todo-1 button").text == "A"
        assert ("event", 1, "up") in LOG and ("event", 2, "up") not in LOG


def test_an_event_handled_by_a_component_sends_only_that_component() -> None:
    with LiveViewTest(Todos) as view:
        replies = view.send_raw(event("toggle", cid=2))
        assert replies == [{"d": {"c": {"2": {"1": "done"}}}, "ref": 7}]


def test_send_parent_reaches_handle_info() -> None:
    with LiveViewTest(Todos) as view:
        view.click("#todo-1 b")
        assert view.find("p").text == "('asked', 1)"


def test_send_update_updates_one_component() -> None:
    with LiveViewTest(Todos) as view:
        LOG.clear()
        view.push_event("nudge")
        assert LOG == [("update", 2, {"id": 2, "title": "nudged"})]
        assert view.find("#todo-2 button").text == "nudged"
        assert view.find("#todo-1 button").text == "a"


def test_send_update_from_another_thread_is_a_transaction_of_its_own() -> None:
    with LiveViewTest(Todos) as view:
        import threading

        socket = view.session.socket
        worker = threading.Thread(target=lambda: socket.send_update(Todo, 1, title="far"))
        worker.start()
        worker.join()
        view.wait_until(lambda: view.find("#todo-1 button").text == "far")


def test_cids_in_diffs_share_statics_and_removal_is_told_and_terminates() -> None:
    with LiveViewTest(Todos) as view:
        first = view.messages[-1]["r"]
        assert first["0"]["k"]["0"] == {"0": 1} and first["0"]["k"]["1"] == {"0": 2}
        assert isinstance(first["c"]["1"]["s"], list) and first["c"]["2"]["s"] == 1
        assert first["c"]["1"]["r"] == 1 and first["c"]["2"]["r"] == 1
        [added] = view.send_raw(event("add", {"id": 3, "title": "c"}))
        assert added["d"]["c"]["3"]["s"] == -1  # statics the page already holds, by cid
        assert set(added["d"]["c"]) == {"3"}
        LOG.clear()
        [dropped] = view.send_raw(event("drop", {"id": 1}))
        assert dropped["d"]["cd"] == [1]
        assert LOG == [("terminate", "removed")]
        assert not view.has_element("#todo-1")
        errors = view.send_raw(event("toggle", cid=1))
        assert "targets component 1" in errors[0]["err"]["message"]


def test_a_reused_id_gets_a_new_cid_and_fresh_state() -> None:
    with LiveViewTest(Todos) as view:
        view.click("#todo-1 button")
        assert view.find("#todo-1")["class"] == ["done"]
        view.push_event("drop", {"id": 1})
        [back] = view.send_raw(event("add", {"id": 1, "title": "again"}))
        assert "1" not in back["d"]["c"] and "3" in back["d"]["c"]
        assert view.find("#todo-1")["class"] == ["open"]  # mounted again, not the old one
        assert view.find("#todo-1")["data-phx-component"] == "3"


def test_a_raising_component_handler_changes_nothing() -> None:
    with LiveViewTest(Todos) as view:
        before = view.html()
        replies = view.send_raw(event("boom", cid=1))
        assert replies[0]["err"]["message"].endswith("boom") and "d" not in replies[0]
        assert "e" not in replies[0]
        assert view.html() == before
        view.click("#todo-2 button")  # the widget keeps working
        assert view.find("#todo-1")["class"] == ["open"]


def test_an_unknown_or_malformed_cid_is_refused() -> None:
    with LiveViewTest(Todos) as view:
        before = view.html()
        for bad in (0, -1, "1", True, 1.5):
            [reply] = view.send_raw({**event("toggle"), "cid": bad})
            assert "cid" in reply["err"]["message"]
        [reply] = view.send_raw(event("toggle", cid=99))
        assert "targets component 99" in reply["err"]["message"]
        assert view.html() == before


def test_one_root_element_is_required_at_compile_time() -> None:
    class Two(LiveComponent):
        template = "<p>a</p><p>b</p>"

    class Loose(LiveComponent):
        template = "{% if x %}<p>a</p>{% endif %}"

    class Text(LiveComponent):
        template = "hi <p>a</p>"

    class Fine(LiveComponent):
        template = "\n  <div class='{{ x }}'>{% if x %}<p>a</p>{% endif %}<br></div>\n"

    for bad in (Two, Loose, Text):
        with pytest.raises(OneRootError, match="exactly one root element"):
            bad._compiled_template()
    Fine._compiled_template()

    class Host(LiveView):
        components = {"Two": Two}
        template = "<div>{{ live_component(Two, id=1) }}</div>"

    with pytest.raises(ViewError, match="exactly one root element"):
        LiveViewTest(Host)


def test_live_component_must_be_a_whole_expression_and_ids_unique() -> None:
    class Card(LiveComponent):
        template = "<div>{{ title }}</div>"

    class Joined(LiveView):
        components = {"Card": Card}
        template = "<div>{{ live_component(Card, id=1) ~ 'x' }}</div>"

    class Twice(LiveView):
        components = {"Card": Card}
        template = "<div>{{ live_component(Card, id=1) }}{{ live_component(Card, id=1) }}</div>"

    with pytest.raises(ViewError, match="whole"):
        LiveViewTest(Joined)
    with pytest.raises(ViewError, match="placed twice"):
        LiveViewTest(Twice)


def test_stateless_component_and_nested_components() -> None:
    class Badge(LiveComponent):
        template = "<i>{{ label }}</i>"

    class Inner(LiveComponent):
        template = '<em phx-click="hit" phx-target="{{ myself }}">{{ hits }}</em>'

        def mount(self, socket: ComponentSocket) -> None:
            socket.assign(hits=0)

        def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
            socket.assign(hits=socket.assigns.hits + 1)

    class Outer(LiveComponent):
        components = {"Inner": Inner, "Badge": Badge}
        template = (
            "<section>{{ live_component(Inner, id='i') }}"
            "{{ live_component(Badge, label=name) }}</section>"
        )

    class Page(LiveView):
        components = {"Outer": Outer}
        template = "<main>{{ live_component(Outer, id='o', name=name) }}</main>"

        def mount(self, socket: Any, session: Any, params: Any) -> None:
            socket.assign(name="<x>")

    with LiveViewTest(Page) as view:
        assert view.find("section i").text == "<x>"
        inner = int(str(view.find("em")["data-phx-component"]))
        [reply] = view.send_raw(event("hit", cid=inner))
        assert reply["d"] == {"c": {str(inner): {"1": "1"}}}


def test_tree_helpers_round_trip_components() -> None:
    card = Rendered(("<b>", "</b>"), ["x"])
    page = Rendered(
        ("<div>", "", "</div>"), [1, 2], components={1: card, 2: Rendered(card.statics, ["y"])}
    )
    json = page.to_json()
    assert json["c"]["2"]["s"] == 1
    html = '<div><b data-phx-component="1">x</b><b data-phx-component="2">y</b></div>'
    assert to_html(json) == html == str(page)
    later = Rendered(page.statics, [2, ""], components={2: page.components[2]})  # type: ignore[index]
    change = diff(page, later)
    assert change == {"0": 2, "1": "", "cd": [1]}
    merged = merge(json, change)
    assert to_html(merged) == '<div><b data-phx-component="2">y</b></div>'
    assert set(merged["c"]) == {"2"} and merged["c"]["2"]["s"] == ["<b>", "</b>"]


def test_three_clients_agree_on_component_diffs() -> None:
    """Python client, our JS client and Phoenix's own Rendered merge the same messages."""
    from tests._oracle import merge_three_ways

    steps: list[dict[str, Any]] = [
        event("toggle", cid=2),
        event("add", {"id": 3, "title": "c"}),
        event("add", {"id": 4, "title": "d"}),
        event("drop", {"id": 1}),
        event("up", cid=3),
        event("rename"),
        event("drop", {"id": 3}),
        event("add", {"id": 1, "title": "back"}),
        event("nudge"),
        event("note"),
    ]
    with LiveViewTest(Todos) as view:
        messages = [view.messages[-1]["r"]]
        pages = [view.html()]
        for step in steps:
            for reply in view.send_raw(step):
                assert "err" not in reply, reply
                if "d" in reply:
                    messages.append(reply["d"])
                    pages.append(view.html())
    assert any("cd" in m for m in messages) and any(m.get("c", {}) for m in messages[1:])
    [result] = merge_three_ways([messages])
    assert result == {"python": pages, "ours": pages, "phoenix": pages}


def test_start_async_and_assign_async_deliver_to_the_component() -> None:
    class Loader(LiveComponent):
        template = (
            '<div id="l"><b phx-click="go" phx-target="{{ myself }}">go</b>'
            "{% if data.loading %}loading{% elif data.ok %}{{ data.result }}{% endif %}"
            "<i>{{ note }}</i></div>"
        )

        def mount(self, socket: ComponentSocket) -> None:
            socket.assign(note="")
            socket.assign_async("data", lambda: "loaded")

        def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
            socket.start_async("job", lambda: 42)

        def handle_async(self, name: str, result: Any, socket: ComponentSocket) -> None:
            socket.assign(note=f"{name}={result.result}")

    class Page(LiveView):
        components = {"Loader": Loader}
        template = "<main>{{ live_component(Loader, id='l') }}</main>"

    with LiveViewTest(Page) as view:
        view.wait_until(lambda: "loaded" in view.html())
        view.click("b")
        view.wait_until(lambda: view.find("i").text == "job=42")


def test_a_form_inside_a_component_validates_and_submits_to_it() -> None:
    from pydantic import BaseModel, Field

    from livewidget.forms import Form

    class Person(BaseModel):
        name: str = Field(min_length=2)

    class Editor(LiveComponent):
        template = (
            '<form id="f" phx-change="check" phx-submit="save" phx-target="{{ myself }}">'
            '{{ input(form["name"]) }} {{ error_tag(form["name"]) }}<p>{{ saved }}</p></form>'
        )

        def mount(self, socket: ComponentSocket) -> None:
            socket.assign(form=Form(Person, name="person"), saved="")

        def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
            form = socket.assigns.form.validate(params)
            if event == "save" and form.ok:
                socket.assign(saved=form.data.name)
            socket.assign(form=form)

    class Page(LiveView):
        components = {"Editor": Editor}
        template = "<main>{{ live_component(Editor, id='e') }}</main>"

    with LiveViewTest(Page) as view:
        view.change("#f", {"person[name]": "A"}, target="person[name]")
        assert "should have at least 2 characters" in view.html()
        view.submit("#f", {"person[name]": "Ada"})
        assert view.find("#f p").text == "Ada"


def test_late_joiner_layout_redirect_and_close() -> None:
    class Other(LiveView):
        template = "<p id='other'>other</p>"

    class Home(Todos):
        def handle_event(self, event: str, params: Any, socket: Any) -> None:
            if event == "go":
                socket.push_redirect("/other")
            else:
                super().handle_event(event, params, socket)

    layout = "<nav>{{ flash.info }}</nav>{{ inner_content }}"
    with LiveViewTest({"/": Home, "/other": Other}, page_layout=layout) as view:
        view.click("#todo-1 button")
        page = view.html()
        [joined] = view.send_raw({"k": "join"})  # a second page: the whole tree, components too
        assert set(joined["r"]["c"]) == {"1", "2"}
        assert view.html() == page
        LOG.clear()
        view.push_event("go")
        assert view.has_element("#other") and LOG == [("terminate", "redirect")] * 2
    with LiveViewTest(Todos) as view:
        LOG.clear()
    assert LOG == [("terminate", "closed")] * 2


def test_js_push_target_is_a_cid_or_a_selector() -> None:
    from livewidget import JS

    assert JS().push("save", target=3).ops == [["push", {"event": "save", "target": 3}]]
    assert JS().push("save", target="#t1").ops == [["push", {"event": "save", "target": "#t1"}]]
    for bad, error in ((0, ValueError), (True, TypeError), (1.5, TypeError)):
        with pytest.raises(error, match="target"):
            JS().push("save", target=bad)  # type: ignore[arg-type]

    class Pusher(LiveComponent):
        template = (
            '<div id="p"><i phx-click="{{ JS().push("hit", target=myself) }}">{{ n }}</i></div>'
        )

        def mount(self, socket: ComponentSocket) -> None:
            socket.assign(n=0)

        def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
            socket.assign(n=socket.assigns.n + 1)

    class Page(LiveView):
        components = {"Pusher": Pusher}
        template = "<main>{{ live_component(Pusher, id=1) }}</main>"

    with LiveViewTest(Page) as view:
        view.click("i")
        assert view.find("i").text == "1"


def test_a_component_flash_and_push_event_act_for_its_view() -> None:
    class Saver(LiveComponent):
        template = '<div><b phx-click="save" phx-target="{{ myself }}">save</b></div>'

        def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
            socket.put_flash("info", "saved")
            socket.push_event("saved", {"by": socket.myself})

    class Page(LiveView):
        components = {"Saver": Saver}
        template = "<p id='flash'>{{ flash.info }}</p>{{ live_component(Saver, id=1) }}"

    with LiveViewTest(Page) as view:
        view.click("b")
        assert view.find("#flash").text == "saved"
        assert view.pushed_events == [("saved", {"by": 1})]


def _cell(label: str) -> type[LiveView]:
    """A notebook cell defining a component and its view, run again with another label."""

    class Tag(LiveComponent):
        template = '<b class="tag">' + label + "{{ n }}</b>"

        def mount(self, socket: ComponentSocket) -> None:
            socket.assign(n=0)

        def terminate(self, reason: str) -> None:
            LOG.append(("terminate", reason))

    class Tagged(LiveView):
        components = {"Tag": Tag}
        template = "<div>{{ live_component(Tag, id=1) }}</div>"

    return Tagged


def test_rerunning_the_cell_of_a_view_and_its_component_swaps_both() -> None:
    with LiveViewTest(_cell("old ")) as view:
        assert view.find(".tag").text == "old 0"
        _cell("new ")
        view.flush()
        assert view.find(".tag").text == "new 0"
        assert ("terminate", "removed") in LOG or ("terminate", "redirect") in LOG


def test_a_closed_view_leaves_no_component_alive() -> None:
    import gc
    import weakref

    refs: list[weakref.ref[Any]] = []

    class Tracked(LiveComponent):
        template = "<i>{{ id }}</i>"

        def mount(self, socket: ComponentSocket) -> None:
            refs.append(weakref.ref(self))
            refs.append(weakref.ref(socket))

    class Page(LiveView):
        components = {"Tracked": Tracked}
        template = "{% for i in range(3) %}{{ live_component(Tracked, id=i) }}{% endfor %}"

    with LiveViewTest(Page) as view:
        assert len(view.find_all("i")) == 3
    del view
    gc.collect()
    assert len(refs) == 6 and all(ref() is None for ref in refs)


def test_send_update_in_mount_is_ignored_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    class Early(Todos):
        def mount(self, socket: Any, session: Any, params: Any) -> None:
            super().mount(socket, session, params)
            socket.send_update(Todo, 1, title="early")

    with LiveViewTest(Early) as view:
        assert view.find("#todo-1 button").text == "a"
    assert "before the view's first render" in caplog.text
    with pytest.raises(RuntimeError, match="needs a running view"):
        from livewidget import Socket

        Socket("alone").send_update(Todo, 1)


def test_a_selector_target_sends_one_event_per_match() -> None:
    class Poker(Todos):
        template = Todos.template + (
            '<a id="all" phx-click="note" phx-target="li, p">all</a>'
            '<a id="none" phx-click="note" phx-target="#nope">none</a>'
        )

    with LiveViewTest(Poker) as view:
        view.click("#all")  # todos 1 and 2 get "note" (they ignore it), the view too
        assert [entry for entry in LOG if entry[0] == "event"] == [
            ("event", 1, "note"),
            ("event", 2, "note"),
        ]
        assert view.find("p").text == "n"
        with pytest.raises(LookupError, match="matches no element"):
            view.click("#none")


class Badge(LiveComponent):
    template = '<b class="badge">{{ n }}</b>'


class WholeTemplate(LiveView):
    """Rendered whole (an include inside a block set): components still take their place."""

    components = {"Badge": Badge}
    template = (
        "{{ live_component(Badge, id='a', n=n) }}<p>{{ n }}</p>"
        '{% set t %}{% include "absent.html" ignore missing %}{% endset %}'
        "{{ live_component(Badge, id='b', n=0) }}"
    )

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        socket.assign(n=1)

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        socket.assign(n=socket.assigns.n + 1)


def test_a_template_rendered_whole_places_its_components() -> None:
    with LiveViewTest(WholeTemplate) as view:
        assert view.html().count('class="badge"') == 2
        assert '<b data-phx-component="1" class="badge">1</b><p>1</p>' in view.html()
        view.push_event("inc")
        assert '<b data-phx-component="1" class="badge">2</b><p>2</p>' in view.html()
        assert view.messages[-1]["d"] == {"2": "<p>2</p>", "c": {"1": {"0": "2"}}}
