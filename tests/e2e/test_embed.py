"""embed(): an IntSlider and a plotly FigureWidget inside a LiveView: JupyterLab, Notebook 7, Voilà.

Each embedded widget keeps its very DOM element through 100 re-renders of the view (marked
with a JS property that a re-created element would not have), moving the slider in the page
reaches the view's ``handle_info`` (the view's text follows), and the chart's view goes away
with its placeholder and comes back as a new one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

CELL = '''
import plotly.graph_objects as go
from ipywidgets import IntSlider
from livewidget import LiveView, LiveWidget
from livewidget.embedding import WidgetChange, forward_changes

class Embedding(LiveView):
    template = """<p id="renders">{{ renders }}</p>
<div id="slot">{{ embed(slider) }}</div>
<p id="value">value {{ value }}</p>
{% if show_chart %}{{ embed(chart, id="chart") }}{% endif %}
<button id="bump" phx-click="bump">bump</button>
<button id="toggle" phx-click="toggle">toggle</button>"""

    def mount(self, socket, session, params):
        slider = IntSlider(value=3, min=0, max=10, description="n")
        # Sized from the start: the placeholder grows with it, so nothing below is covered.
        chart = go.FigureWidget(
            data=[go.Bar(y=[3, 1, 2])],
            layout=dict(width=400, height=300, margin=dict(l=20, r=20, t=20, b=20)),
        )
        forward_changes(slider, "value", socket, tag="slider")
        socket.assign(renders=0, value=slider.value, slider=slider, chart=chart, show_chart=True)

    def handle_event(self, event, params, socket):
        if event == "bump":
            socket.assign(renders=socket.assigns.renders + 1)
        elif event == "toggle":
            socket.assign(show_chart=not socket.assigns.show_chart)

    def handle_info(self, info, socket):
        match info:
            case WidgetChange("slider", "value", new):
                socket.assign(value=new)

LiveWidget(Embedding)
'''

SLIDER = ".lw-root #slot .lw-embed .widget-slider"
CHART = ".lw-root #chart .js-plotly-plot"

# Click `bump` n times, each time waiting for the view to show the new count.
BUMP = """async (n) => {
  const button = document.querySelector(".lw-root #bump");
  const renders = document.querySelector(".lw-root #renders");
  for (let i = 1; i <= n; i++) {
    const want = String(Number(renders.textContent) + 1);
    button.click();
    const deadline = Date.now() + 10000;
    while (renders.textContent !== want) {
      if (Date.now() > deadline) throw new Error(`no render ${want}: ${renders.textContent}`);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }
  return Number(renders.textContent);
}"""


def check_embedding(page: Page) -> None:
    slider = page.locator(SLIDER)
    chart = page.locator(CHART)
    # The view first, so a failure says which step failed. A page left at "Loading widget..."
    # means the frontend's widget restore failed (in Voila, the kernel's answer to
    # request_states / comm_info raised while a mount was still making widgets).
    view_shown = "the LiveWidget never showed: is the page still at 'Loading widget...'?"
    expect(page.locator(".lw-root"), view_shown).to_have_count(1, timeout=60_000)
    expect(slider).to_have_count(1, timeout=60_000)
    expect(chart).to_have_count(1, timeout=30_000)
    expect(page.locator(".lw-root #value")).to_have_text("value 3")
    # Mark the very elements: a re-created view would not carry the marks.
    slider.evaluate("el => { el.__lwMark = 'slider' }")
    chart.evaluate("el => { el.__lwMark = 'chart' }")

    assert page.evaluate(BUMP, 100) == 100
    assert slider.evaluate("el => el.__lwMark") == "slider"
    assert chart.evaluate("el => el.__lwMark") == "chart"
    assert page.locator(f"{SLIDER}, {CHART}").count() == 2

    # Move the slider in the page: the kernel's handle_info changes the view's text.
    page.locator(f"{SLIDER} .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".lw-root #value")).to_have_text("value 5")
    assert slider.evaluate("el => el.__lwMark") == "slider"

    # The chart's placeholder leaves: its view is removed; it comes back as a new view.
    chart.evaluate("el => { window.__lwChart = el }")
    page.locator(".lw-root #toggle").click()
    expect(page.locator(".lw-root #chart")).to_have_count(0)
    assert page.evaluate("() => window.__lwChart.isConnected") is False
    page.locator(".lw-root #toggle").click()
    expect(chart).to_have_count(1)
    assert chart.evaluate("el => el.__lwMark") is None
    assert slider.evaluate("el => el.__lwMark") == "slider"


def test_embedded_widgets_in_jupyterlab(jupyter_lab, page: Page, make_notebook) -> None:
    jupyter_lab.open_notebook(page, make_notebook([CELL]))
    check_embedding(page)


def test_embedded_widgets_in_notebook_7(jupyter_lab, page: Page, make_notebook) -> None:
    jupyter_lab.open_in_notebook_7(page, make_notebook([CELL], name="embed-nb7.ipynb"))
    check_embedding(page)


def test_embedded_widgets_in_voila(voila, page: Page, make_notebook) -> None:
    page.goto(voila(make_notebook([CELL])))
    check_embedding(page)


@pytest.fixture(autouse=True)
def _plotly_is_installed() -> None:
    """The dev dependencies bring plotly (6+, an anywidget); say so if it is missing."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        pytest.fail("plotly is missing: install the dev dependencies", pytrace=False)
