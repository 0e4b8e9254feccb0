"""Escape by default: nothing an assign holds becomes markup unless it is Markup."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from livewidget import LiveView, Markup
from livewidget.testing import LiveViewTest

ATTACKS = [
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "</textarea><img src=x onerror=alert(1)>",
]


class Echo(LiveView):
    template = """
    <p id="text">{{ value }}</p>
    <input id="dq" value="{{ value }}">
    <input id="sq" value='{{ value }}'>
    <div id="trusted">{{ trusted }}</div>
    """

    def mount(self, socket, session, params):
        socket.assign(value=session["value"], trusted=Markup("<b>ok</b>"))


@pytest.mark.parametrize("attack", ATTACKS)
def test_assigns_never_become_markup(attack):
    with LiveViewTest(Echo, session={"value": attack}) as view:
        soup = BeautifulSoup(view.html(), "html.parser")
        assert soup.select_one("#text").get_text() == attack
        assert soup.select_one("#dq")["value"] == attack
        assert soup.select_one("#sq")["value"] == attack
        assert not soup.find("script")
        assert not soup.find(attrs={"onmouseover": True})
        assert not soup.find("img")
        assert soup.select_one("#trusted b").get_text() == "ok"


def test_render_override_is_html_as_written():
    from livewidget import escape

    class Custom(LiveView):
        def render(self, assigns):
            return f"<b>{escape('<i>')}</b>"

    with LiveViewTest(Custom) as view:
        assert view.html() == "<b>&lt;i&gt;</b>"
        assert view.messages[0]["r"] == {"s": ["", ""], "0": "<b>&lt;i&gt;</b>"}
