"""Page layouts: one template around every view of a widget, in one diffed tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markupsafe import Markup

from livewidget import LiveView
from livewidget import _protocol as p
from livewidget._core.layout import PageLayout
from livewidget.errors import LayoutError, TemplateNotFoundError
from livewidget.template import Rendered, diff, environment, merge, to_html
from livewidget.testing import LiveViewTest

LAYOUT = (
    '<nav>{{ live_patch("home", to="/") }} {{ live_redirect("about", to="/about") }}</nav>'
    "<h1>{{ page_title }}</h1>"
    '{% if flash.info %}<p class="flash" phx-click="lv:clear-flash" phx-value-key="info">'
    "{{ flash.info }}</p>{% endif %}"
    '<main>{{ inner_content }}</main><footer id="url">{{ url }}</footer>'
)


class Home(LiveView):
    template = '<button id="inc" phx-click="inc">{{ count }}</button><i>{{ note }}</i>'

    def mount(self, socket, session, params):
        socket.assign(count=0, note="")
        socket.page_title = "Home"

    def handle_params(self, params, url, socket):
        socket.assign(note=params.get("q", ""))

    def handle_event(self, event, params, socket):
        if event == "inc":
            socket.assign(count=socket.assigns.count + 1)
        elif event == "save":
            socket.put_flash("info", "Saved <home>")
        elif event == "title":
            socket.page_title = params["title"]
        elif event == "leave":
            socket.push_redirect("/about")


class About(LiveView):
    template = '<p id="about">About {{ who }}</p>'

    def mount(self, socket, session, params):
        socket.assign(who="<us>")
        socket.page_title = "About"

    def handle_event(self, event, params, socket):
        socket.put_flash("info", "About says hi")


ROUTES = {"/": Home, "/about": About}


def size(value: object) -> int:
    return len(json.dumps(value, separators=(",", ":")))


def last(view: LiveViewTest) -> dict:
    return view.messages[-1]


def joined_page(view: LiveViewTest) -> dict:
    """The whole tree the join's answer carried."""
    return next(m[p.RENDERED] for m in view.messages if p.RENDERED in m)


def test_the_layout_wraps_each_routes_view_and_its_links_navigate():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        assert view.find("main #inc").get_text() == "0"
        assert view.has_element("nav a[data-phx-link=redirect]", "about")
        view.click("nav a[data-phx-link=redirect]")
        assert view.url == "/about"
        assert view.find("main #about").get_text() == "About <us>"
        assert not view.has_element("#inc")
        view.click("nav a[data-phx-link=patch]")  # to "/": Home's route, a redirect back
        assert view.find("main #inc").get_text() == "0"
        assert view.html().startswith("<nav>")


def test_flash_from_two_views_shows_in_the_layout():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        assert not view.has_element(".flash")
        view.push_event("save")
        assert view.find(".flash").get_text() == "Saved <home>"
        view.click(".flash")  # lv:clear-flash, from the layout
        assert not view.has_element(".flash")
        view.click("nav a[data-phx-link=redirect]")
        view.push_event("anything")
        assert view.find(".flash").get_text() == "About says hi"


def test_flash_carries_across_a_redirect_into_the_layout():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        view.push_event("save")
        view.push_event("leave")
        assert view.url == "/about"
        assert view.find(".flash").get_text() == "Saved <home>"


def test_page_title_and_url_are_visible_in_the_layout():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        assert view.find("h1").get_text() == "Home"
        assert view.find("#url").get_text() == "/"
        view.push_event("title", {"title": "Counting"})
        assert view.find("h1").get_text() == "Counting"
        assert view.title == "Counting"
        view.navigate("/?q=cats")  # a patch: the layout's url slot follows
        assert view.find("#url").get_text() == "/?q=cats"
        assert view.find("main i").get_text() == "cats"
        view.click("nav a[data-phx-link=redirect]")
        assert view.find("h1").get_text() == "About"


def test_a_view_only_change_sends_no_layout_bytes():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        view.click("#inc")
        message = last(view)
        # Only the count, inside the view's slot (4: two links, the title and the flash first).
        assert message[p.DIFF] == {"4": {"0": "1"}}
        assert size(message[p.DIFF]) == 15
        with LiveViewTest(Home) as bare:
            bare.click("#inc")
            # The same change without a layout: 9 bytes; the layout adds the slot's key.
            assert size(bare.messages[-1][p.DIFF]) == 9


def test_a_flash_sends_only_the_layouts_flash_slot():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        view.push_event("save")
        change = last(view)[p.DIFF]
        assert list(change) == ["3"]
        assert "Saved &lt;home&gt;" in json.dumps(change)
        assert "<main>" not in json.dumps(change) and "inc" not in json.dumps(change)


def test_a_redirect_keeps_the_layouts_statics_and_sends_the_inner_part():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        view.push_event("leave")
        message = last(view)
        assert p.RENDERED not in message
        change = message[p.DIFF]
        # The title, the new view's tree and the URL; no statics of the layout, nor its links
        # and flash slot, which did not change.
        assert set(change) == {"2", "4", "5"}
        assert change["4"][p.STATICS] == ['<p id="about">About ', "</p>"]
        assert "<nav>" not in json.dumps(message)
        assert message[p.HOOKS] == {}  # the new view's hook sources come with it
        full = LiveViewTest(ROUTES, path="/about", page_layout=LAYOUT)
        try:
            assert size(change) < size(joined_page(full)) / 2
            assert view.html() == full.html()
        finally:
            full.close()


def test_back_to_an_earlier_view_also_sends_only_the_inner_part():
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:
        view.click("nav a[data-phx-link=redirect]")
        view.back()
        assert p.RENDERED not in last(view)
        assert view.find("#inc").get_text() == "0"


def test_a_joining_page_gets_the_whole_page():
    with LiveViewTest(ROUTES, path="/about", page_layout=LAYOUT) as view:
        first = joined_page(view)
        assert first[p.STATICS][0].startswith("<nav>")
        view.send_raw({p.KIND: p.JOIN})  # a second display of the widget
        assert last(view)[p.RENDERED] == first


def test_unknown_paths_and_failed_mounts_show_inside_the_layout():
    class Broken(LiveView):
        template = "never"

        def mount(self, socket, session, params):
            raise RuntimeError("no database")

    routes = {**ROUTES, "/broken": Broken}
    with LiveViewTest(routes, path="/nowhere", page_layout=LAYOUT, raise_errors=False) as view:
        assert view.has_element("nav") and view.has_element("main")
        view.navigate("/broken")
        assert view.has_element("nav") and view.has_element("main")
        assert view.errors and "no database" in view.errors[-1]["message"]


def test_a_layout_without_inner_content_is_refused():
    with pytest.raises(LayoutError, match=r"\{\{ inner_content \}\}"):
        LiveViewTest(ROUTES, page_layout="<nav>menu</nav><main>{{ content }}</main>")
    # The name only in a comment or a string is not printing it.
    with pytest.raises(LayoutError):
        PageLayout("{# inner_content #}<p>{{ 'inner_content' }}</p>")


def test_a_layout_that_changes_inner_content_is_refused_at_once():
    with pytest.raises(LayoutError, match="as it is"):
        PageLayout("<main>{{ inner_content | upper }}</main>")


def test_path_is_a_file_and_str_is_source(tmp_path):
    (tmp_path / "menu.html").write_text('<nav id="menu">{{ url }}</nav>', encoding="utf-8")
    path = tmp_path / "layout.html"
    path.write_text('{% include "menu.html" %}<main>{{ inner_content }}</main>', encoding="utf-8")
    with LiveViewTest(ROUTES, page_layout=path) as view:
        assert view.find("#menu").get_text() == "/"
        assert view.find("main #inc").get_text() == "0"
        view.click("#inc")
        assert view.find("main #inc").get_text() == "1"
    # A str is always template source, even one that names an existing file.
    with pytest.raises(LayoutError):
        PageLayout(str(path))
    with pytest.raises(TemplateNotFoundError, match="does not exist"):
        PageLayout(Path(tmp_path / "missing.html"))
    with pytest.raises(TypeError, match=r"pathlib\.Path"):
        PageLayout(b"<main>{{ inner_content }}</main>")  # type: ignore[arg-type]


def test_inner_content_is_not_escaped_twice_and_assigns_stay_escaped():
    class Hostile(LiveView):
        template = "<p>{{ text }}</p>"

        def mount(self, socket, session, params):
            socket.assign(text="<script>alert(1)</script>")
            socket.put_flash("info", "<img src=x onerror=alert(1)>")

    with LiveViewTest(Hostile, page_layout=LAYOUT) as view:
        html = view.html()
        assert "<main><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></main>" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<script>" not in html and "&amp;lt;" not in html


def test_a_layout_printing_inner_content_inside_a_whole_slot_is_still_right():
    # {% with %} is rendered whole: the view's HTML goes into that slot as text, never stale.
    layout = "{% with x = 1 %}<main>{{ inner_content }}</main>{% endwith %}<p>{{ url }}</p>"
    with LiveViewTest(ROUTES, page_layout=layout) as view:
        view.click("#inc")
        view.click("#inc")
        assert view.find("main #inc").get_text() == "2"
        view.navigate("/about")
        assert view.find("main #about").get_text() == "About <us>"


def test_the_page_equals_a_plain_jinja2_render_after_every_message():
    layout = environment().from_string(LAYOUT)
    with LiveViewTest(ROUTES, page_layout=LAYOUT) as view:

        def expected() -> str:
            session = view.session
            view_env = environment().from_string(session.view_class.template or "")
            return layout.render(
                inner_content=Markup(view_env.render(session.socket.assigns)),
                flash=session.socket._flash(),
                page_title=session.socket.page_title or "",
                url=session.socket.url,
            )

        steps = [
            lambda: view.click("#inc"),
            lambda: view.push_event("save"),
            lambda: view.push_event("title", {"title": "T"}),
            lambda: view.navigate("/?q=x"),
            lambda: view.click(".flash"),
            lambda: view.push_event("leave"),
            lambda: view.back(),
            lambda: view.click("#inc"),
        ]
        assert view.html() == expected()
        for step in steps:
            step()
            assert view.html() == expected()


def test_the_layout_renders_again_only_when_what_it_reads_changed():
    layout = PageLayout(LAYOUT)
    first = layout.wrap(
        Rendered(("<b>", "</b>"), ["1"]), flash={}, page_title="", url="/", previous=None
    )
    second = layout.wrap(
        Rendered(("<b>", "</b>"), ["2"]), flash={}, page_title="", url="/", previous=first
    )
    # Every layout slot but the view's is the same object: the diff skips it by identity.
    same = [a is b for a, b in zip(first.dynamics, second.dynamics, strict=True)]
    assert same == [True, True, True, True, False, True]
    assert diff(first, second) == {"4": {"0": "2"}}
    # A page the session did not keep (a rolled-back render) is not trusted for tracking.
    other = layout.wrap(
        Rendered(("<b>", "</b>"), ["3"]), flash={}, page_title="", url="/", previous=first
    )
    assert other.dynamics[0] is not second.dynamics[0]
    assert to_html(merge(first.to_json(), diff(first, other))) == str(other)


def test_js_push_page_loading_option():
    from livewidget import JS

    assert JS().push("save", page_loading=True).ops == [
        ["push", {"event": "save", "page_loading": True}]
    ]
    assert JS().push("save").ops == [["push", {"event": "save"}]]  # off: not sent at all
    with pytest.raises(TypeError, match="True or False"):
        JS().push("save", page_loading="yes")  # type: ignore[arg-type]
