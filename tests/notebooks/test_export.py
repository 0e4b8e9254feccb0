"""A saved notebook still shows its views: nbconvert exports opened offline, without a kernel.

One small notebook displays a Counter, then a later cell changes it (a number and a hostile
string). It is executed and exported with the real ``jupyter nbconvert --execute`` (to a
notebook, and to HTML); the HTML is opened in Chromium with every request but ``file:``
refused, and no kernel anywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import sync_playwright

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SNAPSHOT = "[data-livewidget-snapshot]"
CHROMIUM = "/usr/bin/chromium"
HOSTILE = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'

VIEW = '''
from livewidget import LiveView, LiveWidget

class Counter(LiveView):
    template = """<p id="count">Count: {{ count }}</p><p id="note">{{ note }}</p>
<button phx-click="inc">+1</button>"""

    def mount(self, socket, session, params):
        socket.assign(count=0, note="")

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)

widget = LiveWidget(Counter)
widget
'''


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The notebook, executed and exported by nbconvert to ``.ipynb`` and to ``.html``."""
    folder = tmp_path_factory.mktemp("export")
    source = folder / "counter.ipynb"
    notebook = new_notebook(
        cells=[
            new_code_cell(VIEW),
            # After the displaying cell: only the end-of-cell snapshot can carry this.
            new_code_cell(f"widget.assign(count=3, note={HOSTILE!r})"),
            new_code_cell("print('the end')"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, source)
    out = {}
    for fmt, suffix in (("notebook", ".ipynb"), ("html", ".html")):
        name = f"executed-{fmt}"
        subprocess.run(
            [
                *(sys.executable, "-m", "nbconvert", "--to", fmt, "--execute", str(source)),
                *("--output", name, "--ExecutePreprocessor.timeout=120"),
            ],
            check=True,
            cwd=folder,
            capture_output=True,
            timeout=300,
        )
        out[fmt] = folder / (name + suffix)
    return out


def test_the_saved_notebook_holds_the_last_render_as_html(exported):
    notebook = json.loads(exported["notebook"].read_text(encoding="utf-8"))
    outputs = notebook["cells"][0]["outputs"]
    views = [out for out in outputs if WIDGET_VIEW in out.get("data", {})]
    snapshots = [out for out in outputs if "data-livewidget-snapshot" in _html(out)]
    assert len(views) == 1 and len(snapshots) == 1
    # The obstacle: nbconvert saved the widget's state, so exporters prefer the view in its
    # output. The snapshot lives in an output of its own, which holds no widget view.
    state = notebook["metadata"]["widgets"][WIDGET_STATE]["state"]
    assert views[0]["data"][WIDGET_VIEW]["model_id"] in state
    assert set(snapshots[0]["data"]) == {"text/html"}
    html = _html(snapshots[0])
    assert '-count">Count: 3</p>' in html  # the last render, not the first (0)
    assert "&lt;img src=x onerror=" in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "phx-click" not in html


def test_the_exported_html_shows_the_view_offline_and_safely(exported):
    blocked: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith("file:")
                    else (blocked.append(route.request.url), route.abort())
                ),
            )
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(exported["html"].as_uri())
            page.wait_for_load_state("load")
            snapshot = page.locator(SNAPSHOT)
            assert snapshot.count() == 1
            assert snapshot.is_visible()
            assert page.locator(f"{SNAPSHOT} [id$='-count']").inner_text() == "Count: 3"
            note = page.locator(f"{SNAPSHOT} [id$='-note']")
            assert note.inner_text() == HOSTILE  # shown as text
            assert page.locator(f"{SNAPSHOT} img, {SNAPSHOT} script").count() == 0
            assert page.evaluate("window.__pwned") is None
            assert "static snapshot" in snapshot.inner_text()
        finally:
            browser.close()
    # The page did try the network (nbconvert's widget manager and require.js are on a CDN):
    # the view showed without them.
    assert any("html-manager" in url for url in blocked), blocked
    assert dialogs == []


def _html(output: dict) -> str:
    html = output.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html
