"""A page layout with navigation links and a flash, in a real JupyterLab and a real Voilà.

Two views share one layout: its links move between them, a flash put by one view shows in the
layout (and crosses the redirect), and ``window`` listeners installed before the page loads
record every ``phx:page-loading-start`` / ``-stop``: they pair, nest, and carry Phoenix's kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _jupyter import JupyterLab
from playwright.sync_api import Locator, Page, expect

APP = r'''
from livewidget import JS, LiveView, LiveWidget

SHELL = """
<nav>{{ live_patch("tab 2", to="/?tab=2") }} {{ live_redirect("about", to="/about") }}
{{ live_redirect("home", to="/") }}</nav>
{% if flash.info %}<p class="flash">{{ flash.info }}</p>{% endif %}
<main>{{ inner_content }}</main><footer id="where">{{ url }}</footer>
"""

class Home(LiveView):
    template = """<p id="tab">{{ tab }}</p>
<button id="save" phx-click='{{ JS().push("save", page_loading=True) }}'>save</button>"""

    def mount(self, socket, session, params):
        socket.assign(tab="1")

    def handle_params(self, params, url, socket):
        socket.assign(tab=params.get("tab", "1"))

    def handle_event(self, event, params, socket):
        socket.put_flash("info", "Saved <ok>")

class About(LiveView):
    template = '<p id="about">About</p>'

LiveWidget({"/": Home, "/about": About}, page_layout=SHELL)
'''

# Installed before any script of the page runs: the join's "initial" pair is seen too.
RECORD = """
window.__pageLoading = [];
for (const type of ["start", "stop"]) {
  window.addEventListener(`phx:page-loading-${type}`, (e) => {
    window.__pageLoading.push([type, e.detail.kind, e.detail.to ?? null,
                               e.detail.target ? e.detail.target.id : null]);
  });
}
"""


def live(page: Page, selector: str) -> Locator:
    """``selector`` inside the live widget (not its static snapshot beside it, in Lab)."""
    return page.locator(f".lw-view {selector}")


def events(page: Page) -> list[list[Any]]:
    recorded: list[list[Any]] = page.evaluate("window.__pageLoading")
    return recorded


def assert_paired(recorded: list[list[Any]]) -> None:
    """Every start is stopped once, innermost first, with the same detail."""
    open_: list[list[Any]] = []
    for type_, *detail in recorded:
        if type_ == "start":
            open_.append(detail)
        else:
            assert open_ and open_.pop() == detail, f"unpaired stop {detail} in {recorded}"
    assert not open_, f"never stopped: {open_} in {recorded}"


def new_events(page: Page, seen: int) -> list[tuple[str, str]]:
    return [(t, kind) for t, kind, *_ in events(page)[seen:]]


def navigate_through_the_layout(page: Page) -> None:
    expect(live(page, "main #tab")).to_have_text("1", timeout=60_000)
    page.wait_for_function("window.__pageLoading.length >= 2")
    assert [e[:2] for e in events(page)] == [["start", "initial"], ["stop", "initial"]]

    seen = len(events(page))
    live(page, "#save").click()  # JS().push(..., page_loading=True), from the view
    expect(live(page, ".flash")).to_have_text("Saved <ok>")
    page.wait_for_function(f"window.__pageLoading.length >= {seen + 2}")
    assert events(page)[seen:] == [
        ["start", "element", None, "save"],
        ["stop", "element", None, "save"],
    ]

    seen = len(events(page))
    live(page, "nav a").filter(has_text="tab 2").click()  # a patch, from the layout
    expect(live(page, "main #tab")).to_have_text("2")
    expect(live(page, "#where")).to_have_text("/?tab=2")
    page.wait_for_function(f"window.__pageLoading.length >= {seen + 2}")
    assert new_events(page, seen) == [("start", "patch"), ("stop", "patch")]

    seen = len(events(page))
    live(page, "nav a").filter(has_text="about").click()  # a redirect: About mounts
    expect(live(page, "main #about")).to_have_text("About")
    expect(live(page, ".flash")).to_have_text("Saved <ok>")  # the flash crossed over
    page.wait_for_function(f"window.__pageLoading.length >= {seen + 4}")
    assert new_events(page, seen) == [
        ("start", "redirect"),
        ("start", "initial"),
        ("stop", "initial"),
        ("stop", "redirect"),
    ]
    assert {e[2] for e in events(page)[seen:]} == {"/about"}

    live(page, "nav a").filter(has_text="home").click()
    expect(live(page, "main #tab")).to_have_text("1")
    expect(live(page, "#where")).to_have_text("/")
    page.wait_for_function(f"window.__pageLoading.length >= {seen + 8}")
    assert_paired(events(page))
    assert live(page, "nav").count() == 1, "the layout was rendered twice"


@pytest.mark.parametrize("host", ["lab", "voila"])
def test_layout_links_flash_and_page_loading_events(
    host: str,
    request: pytest.FixtureRequest,
    page: Page,
    make_notebook: Callable[..., Path],
) -> None:
    page.add_init_script(RECORD)
    notebook = make_notebook([APP])
    if host == "lab":
        lab: JupyterLab = request.getfixturevalue("jupyter_lab")
        lab.open_notebook(page, notebook)
    else:
        voila: Callable[..., str] = request.getfixturevalue("voila")
        page.goto(voila(notebook))
    navigate_through_the_layout(page)
