"""Routes, push_patch / push_redirect, links, and the kernel-owned history."""

from __future__ import annotations

import pytest

from livewidget import LiveView
from livewidget._params import build_url
from livewidget._routing.router import Router
from livewidget.errors import RouteError
from livewidget.testing import LiveViewTest

LOG: list[tuple] = []


class Home(LiveView):
    template = """<h1>home</h1><p id="q">{{ q }}</p>
{{ live_patch("search", to="/?q=cats") }}{{ live_redirect("user 8", to="/users/8") }}"""

    def mount(self, socket, session, params):
        LOG.append(("Home.mount", dict(params)))
        socket.assign(q="")

    def handle_params(self, params, url, socket):
        LOG.append(("Home.handle_params", dict(params), url))
        socket.assign(q=params.get("q", ""))

    def handle_event(self, event, params, socket):
        if event == "patch":
            socket.push_patch("/foo", {"bar": "baz"})
        elif event == "patch-away":
            socket.push_patch("/users/1")
        elif event == "redirect":
            socket.put_flash("info", "moved")
            socket.push_redirect("/users/9", [("tab", "posts"), ("tab", "likes")])
        elif event == "replace":
            socket.push_patch("/", "q=dogs", replace_history=True)
        elif event == "nowhere":
            socket.push_redirect("/no/such/page")

    def terminate(self, reason):
        LOG.append(("Home.terminate", reason))


class UserShow(LiveView):
    template = "<h1>user {{ id }}</h1><p id='tab'>{{ tab }}</p><p id='flash'>{{ flash.info }}</p>"

    def mount(self, socket, session, params):
        LOG.append(("UserShow.mount", dict(params)))
        socket.assign(id=params["id"], tab=params.get("tab", ""))
        socket.page_title = f"User {params['id']}"


ROUTES = {"/": Home, "/foo": Home, "/users/:id": UserShow}


@pytest.fixture
def app():
    LOG.clear()
    with LiveViewTest(ROUTES, raise_errors=False) as client:
        yield client


def test_router_matches_path_params():
    router = Router(ROUTES)
    assert router.match("/users/7?tab=x").path_params == {"id": "7"}
    assert router.match("/users/7/extra") is None
    assert router.match("/").view is Home
    rest = Router({"/files/*path": Home}).match("/files/a/b.txt")
    assert rest.path_params == {"path": "a/b.txt"}


@pytest.mark.parametrize(
    "routes",
    [{}, {"users": Home}, {"/x/*rest/y": Home}, {"/": object}, "nope", {"/a:b": Home}],
)
def test_bad_route_tables_say_what_is_wrong(routes):
    with pytest.raises(RouteError):
        Router(routes)


def test_build_url():
    assert build_url("/foo", {"bar": "baz"}) == "/foo?bar=baz"
    assert build_url("/foo", "bar=baz") == "/foo?bar=baz"
    assert build_url("/foo", {"t": ["a", "b"]}) == "/foo?t=a&t=b"
    with pytest.raises(RouteError):
        build_url("foo")


def test_mount_gets_path_params_merged_with_query_params():
    LOG.clear()
    with LiveViewTest(ROUTES, path="/users/7?tab=posts&x=1&x=2") as view:
        assert view.find("#tab").get_text() == "posts"
        assert LOG == [("UserShow.mount", {"tab": "posts", "x": ["1", "2"], "id": "7"})]
        assert view.title == "User 7"


def test_push_patch_runs_handle_params_and_keeps_the_view(app):
    view_before = app.view
    app.push_event("patch")
    assert app.view is view_before
    assert LOG[-1] == ("Home.handle_params", {"bar": "baz"}, "/foo?bar=baz")
    assert app.url == "/foo?bar=baz"
    assert app.messages[-1]["nav"] == {"url": "/foo?bar=baz", "replace": False, "index": 1}
    assert [e.url for e in app.session.history.entries] == ["/", "/foo?bar=baz"]


def test_push_patch_with_replace_history(app):
    app.push_event("replace")
    assert app.find("#q").get_text() == "dogs"
    assert [e.url for e in app.session.history.entries] == ["/?q=dogs"]


def test_push_patch_to_another_views_route_says_to_use_push_redirect(app):
    app.push_event("patch-away")
    assert "use socket.push_redirect('/users/1')" in app.errors[-1]["message"]
    assert app.url == "/"
    assert len(app.session.history.entries) == 1


def test_push_redirect_terminates_and_mounts_the_routes_view(app):
    app.push_event("redirect")
    assert ("Home.terminate", "redirect") in LOG
    assert LOG[-1] == ("UserShow.mount", {"tab": ["posts", "likes"], "id": "9"})
    assert app.html().startswith("<h1>user 9</h1>")
    reply = app.messages[-1]
    assert "r" in reply and "d" not in reply and reply["ref"] == 1
    assert app.find("#flash").get_text() == "moved"  # flash survives the redirect
    assert app.url == "/users/9?tab=posts&tab=likes"


def test_an_unknown_path_shows_not_found_and_the_widget_stays_usable(app):
    app.push_event("nowhere")
    assert "no route serves" in app.html() and "/no/such/page" in app.html()
    app.back()
    assert app.html().startswith("<h1>home</h1>")


def test_links_patch_and_redirect(app):
    app.click("a[data-phx-link=patch]")
    assert app.find("#q").get_text() == "cats"
    assert app.url == "/?q=cats"
    app.click("a[data-phx-link=redirect]")
    assert app.html().startswith("<h1>user 8</h1>")


def test_back_and_forward_rerun_handle_params_or_remount(app):
    app.click("a[data-phx-link=patch]")  # / -> /?q=cats (patch)
    app.click("a[data-phx-link=redirect]")  # -> /users/8 (redirect)
    LOG.clear()
    app.back()
    assert app.url == "/?q=cats"
    assert [entry[0] for entry in LOG] == ["Home.mount", "Home.handle_params"]
    LOG.clear()
    app.back()
    assert app.url == "/"
    assert LOG == [("Home.handle_params", {}, "/")]
    assert app.find("#q").get_text() == ""
    app.forward()
    app.forward()
    assert app.html().startswith("<h1>user 8</h1>")
    app.forward()  # at the end: nothing happens
    assert app.url == "/users/8"


def test_navigate_from_python_and_a_new_entry_drops_the_forward_ones(app):
    app.navigate("/users/3")
    app.back()
    app.navigate("/?q=new")
    assert [e.url for e in app.session.history.entries] == ["/", "/?q=new"]


def test_history_go_from_the_browser(app):
    app.navigate("/?q=a")
    app.navigate("/?q=b")
    app.send_raw({"k": "nav", "ref": 50, "kind": "go", "index": 0})
    assert app.url == "/"
    assert app.messages[-1]["ref"] == 50


def test_join_with_the_pages_url_opens_that_route(app):
    app.send_raw({"k": "join", "url": "/users/5"})
    assert app.html().startswith("<h1>user 5</h1>")
    assert [e.url for e in app.session.history.entries] == ["/users/5"]


@pytest.mark.parametrize(
    "message",
    [
        {"k": "nav", "ref": 1, "kind": "patch", "url": "http://evil.example/"},
        {"k": "nav", "ref": 1, "kind": "patch", "url": "//evil.example/"},
        {"k": "nav", "ref": 1, "kind": "teleport", "url": "/"},
        {"k": "nav", "ref": 1, "kind": "go", "index": -1},
        {"k": "nav", "ref": 1, "kind": "patch", "url": "/", "replace": "yes"},
        {"k": "join", "url": 5},
    ],
)
def test_bad_navigation_messages_change_nothing(app, message):
    before = (app.html(), app.url, len(app.session.history.entries))
    replies = app.send_raw(message)
    assert "err" in replies[0]
    assert (app.html(), app.url, len(app.session.history.entries)) == before


def test_one_view_serves_every_path():
    with LiveViewTest(Home, path="/anything?q=x") as view:
        assert view.find("#q").get_text() == "x"
        view.push_event("patch-away")  # /users/1 is served by Home here
        assert view.url == "/users/1"
