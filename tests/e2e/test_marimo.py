"""marimo: a LiveWidget inside ``mo.ui.anywidget`` in a real ``marimo run`` app, clicks and all."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from _jupyter import Server, free_port, isolated_env
from playwright.sync_api import Page, expect

APP = '''
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    from livewidget import LiveView, LiveWidget

    class Counter(LiveView):
        template = """<button id="inc" phx-click="inc">+1</button>
<span id="count">{{ count }}</span>"""

        def mount(self, socket, session, params):
            socket.assign(count=0)

        def handle_event(self, event, params, socket):
            socket.assign(count=socket.assigns.count + 1)

    widget = mo.ui.anywidget(LiveWidget(Counter))
    widget
    return


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture
def marimo_app(tmp_path: Path):
    app = tmp_path / "app.py"
    app.write_text(APP)
    port = free_port()
    marimo = Path(sys.executable).parent / "marimo"
    command = [str(marimo), "run", str(app), "--headless", "--no-token"]
    server = Server(
        "marimo",
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=isolated_env(tmp_path / "env"),
        log=tmp_path / "marimo.log",
    )
    server.wait_ready(f"http://127.0.0.1:{port}/", any_status=True)
    yield f"http://127.0.0.1:{port}/"
    server.stop()


def test_a_live_view_works_in_a_marimo_app(marimo_app: str, page: Page) -> None:
    page.goto(marimo_app)
    count = page.locator("#count")  # Playwright's locators reach into marimo's shadow roots
    expect(count).to_have_text("0", timeout=60_000)
    for clicks in range(1, 4):
        page.locator("#inc").click()
        expect(count).to_have_text(str(clicks), timeout=10_000)
