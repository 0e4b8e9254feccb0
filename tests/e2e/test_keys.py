"""Keys belong to the widget that has the focus, in a real JupyterLab and Notebook 7.

Inside a widget: a `phx-window-keydown` ArrowUp binding counts, Enter submits a search form,
the notebook's command-mode shortcuts (`a`, `b`, `dd`) change no cell, and a second widget's
window binding hears nothing. Escape hands the focus back, and then `b` is the notebook's again;
Shift+Enter, which the widget does not name, runs the cell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from _jupyter import JupyterLab, write_notebook
from playwright.sync_api import Page, expect

APP = r'''
from livewidget import LiveView, LiveWidget

class Keys(LiveView):
    template = """
      <div phx-window-keydown="up" phx-key="ArrowUp"></div>
      <button class="go" phx-click="clicked">go</button>
      <form class="search" phx-submit="search"><input class="q" name="q"></form>
      <p>ups <span class="ups">{{ ups }}</span> found <span class="found">{{ found }}</span></p>
    """

    def mount(self, socket, session, params):
        socket.assign(ups=0, found="")

    def handle_event(self, event, params, socket):
        if event == "up":
            socket.assign(ups=socket.assigns.ups + 1)
        elif event == "search":
            socket.assign(found=f"results for {params['q']}")

LiveWidget(Keys)
'''
OTHER = "LiveWidget(Keys)"


def notebook_cells(page: Page) -> int:
    return page.locator(".jp-Notebook .jp-Cell").count()


def check_keys(page: Page) -> None:
    """The keys of a notebook whose two Keys widgets are shown (first cell and second)."""
    first, second = page.locator(".lw-root").nth(0), page.locator(".lw-root").nth(1)
    expect(second.locator(".ups")).to_have_text("0", timeout=60_000)
    cells = notebook_cells(page)

    first.locator(".go").click()  # a button has the focus: keys are the widget's
    for key in ("ArrowUp", "a", "b", "d", "d", "ArrowUp"):
        page.keyboard.press(key)
    expect(first.locator(".ups")).to_have_text("2")
    assert notebook_cells(page) == cells, "a notebook shortcut ran inside the widget"
    expect(second.locator(".ups")).to_have_text("0")  # the other widget heard nothing

    first.locator(".q").click()
    page.keyboard.type("cats dd")
    page.keyboard.press("Enter")
    expect(first.locator(".found")).to_have_text("results for cats dd")
    expect(first.locator(".q")).to_be_focused()
    assert notebook_cells(page) == cells

    first.locator(".go").click()
    page.keyboard.press("Escape")  # no binding takes it: the focus goes back to the cell
    expect(first.locator(".go")).not_to_be_focused()
    page.keyboard.press("b")  # the notebook's again: a cell is inserted below
    expect(page.locator(".jp-Notebook .jp-Cell")).to_have_count(cells + 1)
    expect(first.locator(".ups")).to_have_text("2")

    # a modifier shortcut the widget does not name is the notebook's: Shift+Enter runs the cell
    cell = page.locator(".jp-CodeCell", has=page.locator(".lw-root")).nth(1)
    prompt = cell.locator(".jp-InputPrompt")
    ran_as = prompt.inner_text()
    second.locator(".q").click()
    page.keyboard.type("dogs")
    page.keyboard.press("Shift+Enter")
    expect(prompt).not_to_have_text(ran_as)
    expect(cell.locator(".lw-root .found")).to_have_text("")  # no submission on the way


def test_keys_inside_a_widget_in_jupyterlab(
    jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]
) -> None:
    jupyter_lab.open_notebook(page, make_notebook([APP, OTHER]))
    check_keys(page)


def test_keys_inside_a_widget_in_notebook_7(
    jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]
) -> None:
    notebook = write_notebook(jupyter_lab.root_dir / "keys7.ipynb", [APP, OTHER])
    jupyter_lab.open_in_notebook_7(page, notebook)
    page.keyboard.press("Shift+Enter")  # the second cell (selected after the first ran)
    check_keys(page)
