"""notebooks/dashboard.ipynb served by a real Voilà: pages, the live Matplotlib chart (inline SVG
from figure_svg), a plotly FigureWidget embedded and updated in place, the form, errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

DASHBOARD = Path(__file__).parents[2] / "notebooks" / "dashboard.ipynb"


def test_dashboard(voila, page: Page, tmp_path: Path) -> None:
    notebook = tmp_path / "dashboard.ipynb"
    shutil.copy(DASHBOARD, notebook)
    page.goto(voila(notebook))

    # the chart: a Matplotlib figure drawn again each second, inline SVG from figure_svg()
    chart = page.locator("#chart")
    expect(chart).to_have_attribute("data-points", re.compile(r"^[3-9]|\d\d"), timeout=60_000)
    svg = page.locator("#chart > svg.lw-figure#load-chart")
    expect(svg).to_have_attribute("role", "img")
    expect(svg).to_have_attribute("aria-label", "Load over the last minute")
    assert page.locator("#chart polyline, #chart script, #chart foreignObject").count() == 0
    # every id inside is the figure's own (prefixed), and the drawing moves with the data
    inner_ids = svg.evaluate("el => [...el.querySelectorAll('[id]')].map(e => e.id)")
    assert inner_ids and all(i.startswith("load-chart-") for i in inner_ids)
    drawn = svg.inner_html()
    ticks = page.locator("#ticks").inner_text()
    expect(page.locator("#ticks")).not_to_have_text(ticks, timeout=10_000)
    page.wait_for_function(
        "before => document.querySelector('#load-chart').innerHTML !== before", arg=drawn
    )
    expect(page).to_have_title("Overview")

    # plotly's FigureWidget, placed with embed(): made once, its bars changed in place
    plot = page.locator("#by-region .js-plotly-plot")
    expect(plot).to_have_count(1, timeout=30_000)
    bars = plot.evaluate("el => { el.dataset.mark = 'kept'; return JSON.stringify(el.data[0].y) }")
    page.wait_for_function(
        """bars => {
            const el = document.querySelector('#by-region .js-plotly-plot');
            return el.dataset.mark === 'kept' && JSON.stringify(el.data[0].y) !== bars;
        }""",
        arg=bars,
        timeout=15_000,
    )
    assert page.locator("#by-region .js-plotly-plot").count() == 1

    # a failure shows a short message, never a traceback or a path
    page.locator("#fail").click()
    expect(page.locator(".lw-error-message")).to_have_text(
        "Something went wrong. The details are in the server's log."
    )
    assert page.locator(".lw-error-traceback").count() == 0
    page.locator(".lw-error-dismiss").click()

    # pages, with the route in the address bar
    page.locator("#nav-north").click()
    expect(page.locator("#region-title")).to_have_text("Region North")
    expect(page).to_have_url(re.compile(r"#/regions/north$"))
    expect(page.locator("#region-chart > svg.lw-figure#region-bars")).to_have_count(1)
    page.locator("#details-link").click()
    expect(page.locator("#details")).to_have_text("Capacity per site: 8.3")
    page.go_back()
    expect(page.locator("#details")).to_have_count(0)

    # the form: errors only for touched fields, all of them on submit, then a flash
    page.locator("#nav-signup").click()
    expect(page).to_have_url(re.compile(r"#/signup$"))
    page.locator("input[name=email]").fill("nope")
    expect(page.locator("#error-email")).to_have_text("An email address needs an @.")
    expect(page.locator("#error-name")).to_have_count(0)
    page.locator("#save").click()
    expect(page.locator("#error-name")).to_have_text("Tell us your name.")
    expect(page.locator("#error-age")).to_be_visible()
    page.locator("input[name=name]").fill("Ada")
    page.locator("input[name=email]").fill("ada@example.com")
    page.locator("input[name=age]").fill("36")
    page.locator("#save").click()
    expect(page.locator("#flash-info")).to_have_text("Welcome, Ada! ✕")
    expect(page).to_have_url(re.compile(r"#/$"))
    page.locator("#flash-info").click()
    expect(page.locator("#flash-info")).to_have_count(0)
