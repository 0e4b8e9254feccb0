"""Prototyping: a redefined view class (a cell run again) takes over its displayed widgets."""

from __future__ import annotations

import os
import time

from livewidget import LiveView
from livewidget.testing import LiveViewTest


def define(source: str, step: int = 1, hooks: dict | None = None):
    """Each call defines "the same" class again, as re-running a notebook cell does.

    The template is set in the class body, as in a cell: the running session may take the
    class over (on its own thread) as soon as the class statement ends."""
    client_hooks = hooks or {}

    class Proto(LiveView):
        template = source
        hooks = client_hooks

        def mount(self, socket, session, params):
            socket.assign(n=0)

        def handle_event(self, event, params, socket):
            socket.assign(n=socket.assigns.n + step)

    return Proto


def test_a_redefinition_updates_the_view_in_place_and_keeps_assigns():
    first = define("<b>{{ n }}</b>")
    with LiveViewTest(first, path="/x?y=1") as view:
        view.push_event("inc")
        define("<i>n={{ n }}</i>", step=10, hooks={"H": "export default {}"})
        assert view.flush() == "<i>n=1</i>"
        assert view.hooks == {"H": "export default {}"}
        assert view.messages[-1]["r"]["s"] == ["<i>n=", "</i>"]
        view.push_event("inc")  # the new handler runs
        assert view.html() == "<i>n=11</i>"
        assert view.url == "/x?y=1"


def test_a_redefinition_that_fails_to_render_keeps_the_last_good_one():
    first = define("<b>{{ n }}</b>")
    with LiveViewTest(first, raise_errors=False) as view:
        define("<b>{{ n.missing.attribute }}</b>")
        view.flush()
        assert "the last one runs on" in view.errors[-1]["message"]
        assert view.html() == "<b>0</b>"
        view.push_event("inc")
        assert view.html() == "<b>1</b>"


def test_other_classes_are_left_alone():
    first = define("<b>{{ n }}</b>")
    with LiveViewTest(first) as view:

        class Other(LiveView):
            template = "other"

        before = len(view.messages)
        view.flush()
        assert len(view.messages) == before


def test_routes_serve_the_new_class_after_a_redirect():
    first = define("<b>{{ n }}</b>")

    class Home(LiveView):
        template = "home"

    with LiveViewTest({"/": Home, "/p": first}) as view:
        second = define("<em>{{ n }}</em>")
        view.flush()
        view.navigate("/p")
        assert view.html() == "<em>0</em>"
        assert view.session.view_class is second


def test_watched_template_files_reload(tmp_path):
    path = tmp_path / "card.html"
    path.write_text("<p>{{ n }}</p>")

    class Card(LiveView):
        template_file = str(path)

        def mount(self, socket, session, params):
            socket.assign(n=3)

    with LiveViewTest(Card) as view:
        view._run(_start_watch(view))
        path.write_text("<div>{{ n }}!</div>")
        stat = path.stat()
        os.utime(path, (stat.st_atime, stat.st_mtime + 5))
        deadline = time.monotonic() + 5
        while view.flush() != "<div>3!</div>" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert view.html() == "<div>3!</div>"


async def _start_watch(view):
    view.session.watch_templates(interval=0.05)
