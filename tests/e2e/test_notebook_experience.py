"""The notebook experience: Notebook 7, re-running a view's cell, Voilà's visitor errors."""

from __future__ import annotations

from _jupyter import JupyterLab, run_cell
from playwright.sync_api import Page, expect

COUNTER_V1 = '''
from livewidget import LiveView, LiveWidget

class Counter(LiveView):
    template = """<button id="inc" phx-click="inc">+</button> <span id="count">{{ count }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(count=0)

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)

LiveWidget(Counter)
'''

COUNTER_V2 = '''
class Counter(LiveView):
    template = """<button id="inc" phx-click="inc">+10</button> <b id="count">v2: {{ count }}</b>"""

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 10)
'''

COUNTER_BROKEN = '''
class Counter(LiveView):
    template = """<span id="count">{{ count.no.such.thing }}</span>"""
'''

FAILING_VIEW = '''
from livewidget import LiveView, LiveWidget

class Fails(LiveView):
    template = """<button id="boom" phx-click="boom">boom</button> <span id="ok">{{ n }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(n=0)

    def handle_event(self, event, params, socket):
        raise RuntimeError("secret detail at /srv/private/settings.py")

LiveWidget(Fails)
'''


def test_rerunning_a_views_cell_updates_the_displayed_widget(
    jupyter_lab: JupyterLab, page: Page, make_notebook
) -> None:
    notebook = make_notebook([COUNTER_V1, COUNTER_V2, COUNTER_BROKEN])
    jupyter_lab.open_notebook(page, notebook, run_all=False)
    run_cell(page, 0)
    count = page.locator(".lw-root #count")
    expect(count).to_have_text("0", timeout=60_000)
    page.locator("#inc").click()
    page.locator("#inc").click()
    expect(count).to_have_text("2")
    run_cell(page, 1)  # the new definition takes over: count kept, new template and handler
    expect(count).to_have_text("v2: 2")
    page.locator("#inc").click()
    expect(count).to_have_text("v2: 12")
    run_cell(page, 2)  # a definition that fails to render: its error, the last good one runs on
    expect(page.locator(".lw-error-message")).to_contain_text("the last one runs on")
    page.locator("#inc").click()
    expect(count).to_have_text("v2: 22")


def test_a_livewidget_works_in_notebook_7(
    jupyter_lab: JupyterLab, page: Page, make_notebook
) -> None:
    notebook = make_notebook([COUNTER_V1], name="nb7.ipynb")
    jupyter_lab.open_in_notebook_7(page, notebook)
    count = page.locator(".lw-root #count").first
    expect(count).to_have_text("0", timeout=60_000)
    page.locator("#inc").first.click()
    expect(count).to_have_text("1")


def test_voila_visitors_see_a_short_message_not_a_traceback(voila, page, make_notebook) -> None:
    page.goto(voila(make_notebook([FAILING_VIEW])))
    page.locator("#boom").click(timeout=60_000)
    message = page.locator(".lw-error-message")
    expect(message).to_have_text("Something went wrong. The details are in the server's log.")
    assert page.locator(".lw-error-traceback").count() == 0
    assert "secret" not in page.locator(".lw-root").inner_text()
    expect(page.locator("#ok")).to_have_text("0")
