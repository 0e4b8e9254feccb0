"""Static snapshots in a real JupyterLab: hidden beside the live view, saved, shown later."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from _jupyter import JupyterLab
from playwright.sync_api import Page, expect

VIEW = '''
from livewidget import LiveView, LiveWidget

class Counter(LiveView):
    template = """<span id="count">{{ count }}</span><button phx-click="inc">+1</button>"""

    def mount(self, socket, session, params):
        socket.assign(count=0)

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)

widget = LiveWidget(Counter)
widget
'''
SNAPSHOT = ".lw-snapshot"


def saved_snapshots(path: Path) -> list[str] | None:
    """The saved notebook's snapshot outputs, or None while the server is writing it (it
    writes the file in place: a read may see it empty or cut)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None
    htmls = [
        "".join(output.get("data", {}).get("text/html", ""))
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    ]
    return [html for html in htmls if "data-livewidget-snapshot" in html]


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_the_snapshot_hides_beside_its_view_and_shows_once_the_kernel_is_gone(
    jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]
) -> None:
    source = make_notebook([VIEW, "widget.assign(count=3)"], name="export.ipynb")
    name = jupyter_lab.open_notebook(page, source)
    count = page.locator(".lw-root #count")
    expect(count).to_have_text("3", timeout=60_000)
    # Live: the snapshot output is in the page, hidden; the view alone is seen and works.
    snapshot = page.locator(SNAPSHOT)
    expect(snapshot).to_have_count(1)
    expect(snapshot).to_be_hidden()
    # Its whole output is hidden (no empty output row left), not only the snapshot's element.
    output = page.locator(f".jp-OutputArea-child:has(> .jp-OutputArea-output > {SNAPSHOT})")
    expect(output).to_have_css("display", "none")
    expect(snapshot.locator("[id$='-count']")).to_have_text("3")  # the end of the last cell
    page.locator(".lw-root button").click()
    expect(count).to_have_text("4")

    page.locator(".lm-MenuBar-itemLabel:text-is('File')").click()
    page.locator(".lm-Menu-itemLabel:text-is('Save Notebook')").click()
    saved = jupyter_lab.root_dir / name
    found: list[list[str]] = []

    def one_snapshot() -> bool:
        snapshots = saved_snapshots(saved)
        found[:] = [snapshots] if snapshots is not None else []
        return snapshots is not None and len(snapshots) == 1

    wait_for(one_snapshot, "the saved notebook's snapshot")
    assert '-count">3</span>' in found[0][0]

    # No kernel holds the widget any more: the page shows the snapshot instead.
    jupyter_lab.shutdown_kernels()
    page.goto(jupyter_lab.url(f"/lab/tree/{name}"))
    expect(page.locator(SNAPSHOT)).to_be_visible(timeout=60_000)
    expect(page.locator(f"{SNAPSHOT} [id$='-count']")).to_have_text("3")
    expect(page.locator(SNAPSHOT)).to_contain_text("static snapshot")
    assert page.locator(".lw-root").count() == 0


def test_the_snapshot_hides_beside_its_view_in_notebook_7(
    jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]
) -> None:
    source = make_notebook([VIEW], name="export_nb7.ipynb")
    jupyter_lab.open_in_notebook_7(page, source)
    count = page.locator(".lw-root #count")
    expect(count).to_have_text("0", timeout=60_000)
    # Its output area is marked as holding a live view, and the snapshot's output is hidden.
    snapshot = page.locator(SNAPSHOT)
    expect(snapshot).to_have_count(1)
    expect(snapshot).to_be_hidden()
    expect(page.locator(".jp-OutputArea.lw-live")).to_have_count(1)
    output = page.locator(f".jp-OutputArea-child:has(> .jp-OutputArea-output > {SNAPSHOT})")
    expect(output).to_have_css("display", "none")
    page.locator(".lw-root button").click()
    expect(count).to_have_text("1")
