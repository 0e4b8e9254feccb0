"""The tour notebook in a real JupyterLab: click, submit, type, errors, two displays."""

from __future__ import annotations

from pathlib import Path

import pytest
from _jupyter import JupyterLab
from playwright.sync_api import Page, expect

TOUR = Path(__file__).parents[2] / "notebooks" / "tour.ipynb"


@pytest.fixture
def tour(jupyter_lab: JupyterLab, page: Page) -> Page:
    """The tour, opened in Lab and run to its last cell.

    Run All returns at once, and the widgets show long before the last cells have run. Later
    cells change the widgets already shown: one redefines Counter, whose displays then take a
    new template with an ``<em>`` before the form, so their form is rebuilt (an unkeyed
    sibling inserted before it) and whatever was typed into it is gone. A test that clicked as
    soon as the first widget showed raced that: under load it typed "42", the rebuild put the
    kernel's "4" back, and "set" sent 4. So wait for the end: the last cell's output, and
    both Counter displays in their redefined version.
    """
    jupyter_lab.open_notebook(page, TOUR)
    expect(page.locator(".jp-OutputArea-output", has_text="count is 46")).to_have_count(
        1, timeout=120_000
    )
    redefined = counter_views(page).locator("em", has_text="(redefined)")
    expect(redefined).to_have_count(2, timeout=30_000)
    expect(counter_views(page).locator("#count")).to_have_text(["0", "0"])
    return page


def counter_views(page: Page):
    """The Counter widget is displayed twice (cells 1 and 2 of the tour)."""
    return page.locator(".lw-root:has(#count)")


def test_click_and_submit_update_the_dom_in_both_displays(tour: Page) -> None:
    views = counter_views(tour)
    expect(views).to_have_count(2)
    first, second = views.nth(0), views.nth(1)
    first.locator("button[phx-click=inc]").click()
    expect(first.locator("#count")).to_have_text("5")
    expect(second.locator("#count")).to_have_text("5")
    second.locator("button[phx-click=dec]").click()
    expect(first.locator("#count")).to_have_text("4")
    first.locator("input[name=n]").fill("42")
    first.locator("form button").click()
    expect(first.locator("#count")).to_have_text("42")
    expect(second.locator("#count")).to_have_text("42")
    expect(second.locator("input[name=n]")).to_have_value("42")


def test_typing_keeps_focus_and_text_while_patches_arrive(tour: Page) -> None:
    echo = tour.locator(".lw-root:has(#echo)")
    field = echo.locator("input[name=text]")
    field.click()
    field.press_sequentially("<b>hi</b> there", delay=30)
    expect(echo.locator("#echo")).to_have_text("You typed: <b>hi</b> there")
    expect(field).to_be_focused()
    expect(field).to_have_value("<b>hi</b> there")
    assert echo.locator("#echo b").count() == 0  # typed HTML stays text


def test_a_raising_handler_shows_an_error_and_the_widget_keeps_working(tour: Page) -> None:
    fragile = tour.locator(".lw-root:has(#clicks)")
    fragile.locator("button[phx-click=ok]").click()
    expect(fragile.locator("#clicks")).to_have_text("1")
    fragile.locator("button[phx-click=fail]").click()
    error = fragile.locator(".lw-error")
    expect(error.locator(".lw-error-message")).to_contain_text(
        "Fragile raised ValueError while handling the event 'fail': this button always fails"
    )
    expect(error.locator(".lw-error-traceback")).to_contain_text("raise ValueError")
    expect(fragile.locator("#clicks")).to_have_text("1")  # the failed event changed nothing
    error.locator(".lw-error-dismiss").click()
    expect(error).to_have_count(0)
    fragile.locator("button[phx-click=ok]").click()
    expect(fragile.locator("#clicks")).to_have_text("2")
