"""Many LiveWidgets on one page (issue #15): all show, the last answers a click, and the page
imports the frontend bundle once, in Voilà and in JupyterLab; without the shared bundle model,
the widgets fetch the bundle from their kernel and still work. In JupyterLab, widgets drawn
from their comm_open's state send the kernel nothing until used: the click's widget joins,
then sends its event."""

from __future__ import annotations

from pathlib import Path

from _jupyter import JupyterLab, widget_messages_sent
from playwright.sync_api import Page, expect

from bench.many_widgets import COUNTER

COUNT = 20

# The benchmark's Counter (bench/many_widgets.py), twenty of them.
COUNTERS = COUNTER + "\nwidgets = [LiveWidget(Counter, session={'i': i}) for i in range(COUNT)]\n"

SHOW = "for w in widgets:\n    display(w)\n"
# The widgets name a bundle model the page will never get: their loaders ask the kernel.
WITHOUT_SHARED_MODEL = "from livewidget import _frontend\n_frontend.shared_bundle().close()\n"

#: How many bundles the page imported, and how many livewidget stylesheets it holds.
IMPORTS = """() => [
    globalThis[Symbol.for("livewidget.bundles")]?.size ?? 0,
    document.querySelectorAll("style[id^='livewidget-css-']").length,
]"""


def kernel_requests(page: Page) -> list[str]:
    """The loader's console notes that it asked the kernel for the bundle, as they come."""
    asked: list[str] = []
    page.on("console", lambda m: asked.append(m.text) if "asking the kernel" in m.text else None)
    return asked


def all_show_and_the_last_answers(page: Page, count: int) -> None:
    buttons = page.locator(".lw-root button.mw-inc")
    expect(buttons).to_have_count(count, timeout=60_000)
    last = f"[data-i='{count - 1}']"
    page.locator(f".lw-root button.mw-inc{last}").click()
    expect(page.locator(f".lw-root span.mw-count{last}")).to_have_text("1", timeout=15_000)
    expect(page.locator(".lw-root span.mw-count[data-i='0']")).to_have_text("0")
    assert page.evaluate(IMPORTS) == [1, 1]


def test_twenty_widgets_in_voila(voila, make_notebook, page: Page) -> None:
    notebook = make_notebook([f"COUNT = {COUNT}", COUNTERS, SHOW])
    asked = kernel_requests(page)
    sent = widget_messages_sent(page)
    page.goto(voila(notebook))
    all_show_and_the_last_answers(page, COUNT)
    assert asked == []  # the bundle came from the shared model
    # Voilà's page asks for the widgets' states (the notebook ran before it opened): each
    # view joins at once, as it may have missed a change sent before its comm existed.
    assert sent == ["join"] * COUNT + ["event"]


def test_without_the_shared_model_the_widgets_ask_their_kernel(
    voila, make_notebook, page: Page
) -> None:
    notebook = make_notebook(["COUNT = 3", COUNTERS, WITHOUT_SHARED_MODEL, SHOW])
    asked = kernel_requests(page)
    page.goto(voila(notebook))
    all_show_and_the_last_answers(page, 3)
    assert len(asked) == 1  # one request for the page: the other loaders waited for it


def test_twenty_widgets_in_jupyterlab(
    jupyter_lab: JupyterLab, make_notebook, page: Page, tmp_path: Path
) -> None:
    notebook = make_notebook([f"COUNT = {COUNT}", COUNTERS, SHOW], name="many.ipynb")
    asked = kernel_requests(page)
    sent = widget_messages_sent(page)
    jupyter_lab.open_notebook(page, notebook)
    all_show_and_the_last_answers(page, COUNT)
    assert asked == []
    assert sent == ["join", "event"]
