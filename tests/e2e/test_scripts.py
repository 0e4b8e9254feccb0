"""A template's static ``<script>`` in a real Voilà page: it runs each time it enters the page.

The branch holds a classic script and a module script, each counting its runs on ``window``.
Both run once on the first render, not again over five updates that keep their element,
and once more when a branch switch takes them out and brings them back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

APP = r'''
from livewidget import LiveView, LiveWidget

class Scripted(LiveView):
    template = """
<p id="ticks">{{ ticks }}</p>
<button id="tick" phx-click="tick">tick</button>
<button id="toggle" phx-click="toggle">toggle</button>
{% if shown %}<div id="branch">
<script>window.__runs = (window.__runs || 0) + 1;</script>
<script type="module">window.__modules = (window.__modules || 0) + 1;</script>
</div>{% endif %}
"""

    def mount(self, socket, session, params):
        socket.assign(ticks=0, shown=True)

    def handle_event(self, event, params, socket):
        if event == "tick":
            socket.assign(ticks=socket.assigns["ticks"] + 1)
        elif event == "toggle":
            socket.assign(shown=not socket.assigns["shown"])

LiveWidget(Scripted)
'''


def runs(page: Page) -> list[int]:
    """How many times the classic and the module script ran so far."""
    counts: list[int] = page.evaluate("[window.__runs || 0, window.__modules || 0]")
    return counts


def test_static_script_runs_each_time_it_enters_the_page(
    voila: Callable[..., str], page: Page, make_notebook: Callable[..., Path]
) -> None:
    page.goto(voila(make_notebook([APP])))
    expect(page.locator("#branch")).to_be_attached(timeout=60_000)
    page.wait_for_function("window.__runs === 1 && window.__modules === 1")
    assert runs(page) == [1, 1]

    for tick in range(1, 6):
        page.locator("#tick").click()
        expect(page.locator("#ticks")).to_have_text(str(tick))
    assert runs(page) == [1, 1], "a script ran again though its element was kept"

    page.locator("#toggle").click()
    expect(page.locator("#branch")).not_to_be_attached()
    assert runs(page) == [1, 1]
    page.locator("#toggle").click()
    expect(page.locator("#branch")).to_be_attached()
    page.wait_for_function("window.__runs === 2 && window.__modules === 2")
    page.locator("#tick").click()
    expect(page.locator("#ticks")).to_have_text("6")
    assert runs(page) == [2, 2]
