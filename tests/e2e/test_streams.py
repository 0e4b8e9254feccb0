"""A stream in a real JupyterLab and a real Voilà: append, delete, infinite scroll.

The view streams 20 rows into a fixed-height scrolling list with ``phx-viewport-bottom``;
scrolling its end into view loads the next page of 20 (the observer then watches the new last
row), a button prepends a row and each row's button deletes it. In Lab, the same widget is
displayed a second time after rows changed: the late view shows every row.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

APP = r'''
from livewidget import LiveView, LiveWidget

class Feed(LiveView):
    template = """
<button id="top" phx-click="top">add first</button>
<span id="pages">{{ pages }}</span>
<ul id="rows" phx-update="stream" phx-viewport-bottom="more"
    style="height: 150px; overflow-y: auto; margin: 0; padding: 0">
{% for dom_id, row in streams.rows %}<li id="{{ dom_id }}" style="height: 30px">row {{ row.id }}
<button phx-click="delete" phx-value-id="{{ dom_id }}">x</button></li>
{% endfor %}</ul>
"""

    def mount(self, socket, session, params):
        socket.assign(pages=1, first=0)
        socket.stream("rows", [{"id": i} for i in range(1, 21)])

    def handle_event(self, event, params, socket):
        if event == "more" and socket.assigns.pages < 3:
            start = socket.assigns.pages * 20
            socket.stream("rows", [{"id": i} for i in range(start + 1, start + 21)])
            socket.assign(pages=socket.assigns.pages + 1)
        elif event == "top":
            socket.assign(first=socket.assigns.first - 1)
            socket.stream_insert("rows", {"id": socket.assigns.first}, at=0)
        elif event == "delete":
            socket.stream_delete_by_dom_id("rows", params["id"])

widget = LiveWidget(Feed)
widget
'''


def exercise(page: Page, view: Locator) -> None:
    """Scroll to load two more pages, prepend a row, delete one; check the rows each time."""
    rows = view.locator("#rows > li")
    pages_shown = view.locator("#pages")
    expect(rows).to_have_count(20, timeout=60_000)
    expect(pages_shown).to_have_text("1")
    for pages, count in ((2, 40), (3, 60)):
        rows.last.scroll_into_view_if_needed()
        expect(pages_shown).to_have_text(str(pages))
        expect(rows).to_have_count(count)
    rows.last.scroll_into_view_if_needed()  # no fourth page: the view stops at three
    expect(rows.last).to_contain_text("row 60")
    view.locator("#top").click()
    expect(rows.first).to_contain_text("row -1")
    view.locator("#rows-5 button").click()
    expect(view.locator("#rows-5")).to_have_count(0)
    expect(rows).to_have_count(60)
    expect(pages_shown).to_have_text("3")


def test_stream_with_infinite_scroll_in_voila(
    voila: Callable[..., str], page: Page, make_notebook: Callable[..., Path]
) -> None:
    page.goto(voila(make_notebook([APP])))
    exercise(page, page.locator(".lw-root").first)


def test_stream_in_jupyterlab_and_a_second_view(
    jupyter_lab: Any, page: Page, make_notebook: Callable[..., Path]
) -> None:
    jupyter_lab.open_notebook(page, make_notebook([APP, "widget"]))
    views = page.locator(".lw-root")
    expect(views).to_have_count(2, timeout=60_000)
    exercise(page, views.nth(0))
    # The second cell shows the same widget: it followed every change.
    second = views.nth(1).locator("#rows > li")
    expect(second).to_have_count(60)
    expect(second.first).to_contain_text("row -1")
