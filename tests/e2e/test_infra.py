"""The e2e fixtures work, independent of livewidget: a tiny inline anywidget echoes through the
kernel in JupyterLab and in Voilà (click → `model.send` → Python `send` → span text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from _jupyter import JupyterLab
from playwright.sync_api import Page, expect

ECHO_CELL = '''
import anywidget

class Echo(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      let n = 0;
      const button = Object.assign(document.createElement("button"),
                                   { className: "echo-ping", textContent: "ping" });
      const out = Object.assign(document.createElement("span"), { className: "echo-out" });
      button.addEventListener("click", () => model.send({ n: ++n }));
      model.on("msg:custom", (msg) => { out.textContent = msg.answer; });
      el.append(button, out);
    }
    export default { render };
    """

    def __init__(self):
        super().__init__()
        self.on_msg(self._reply)

    def _reply(self, widget, content, buffers):
        self.send({"answer": f"pong {content['n'] * 2}"})  # computed in the kernel

Echo()
'''


def click_and_check(page: Page) -> None:
    """Two round trips: the kernel doubles the frontend's click count."""
    out = page.locator("span.echo-out")
    page.locator("button.echo-ping").click()
    expect(out).to_have_text("pong 2")
    page.locator("button.echo-ping").click()
    expect(out).to_have_text("pong 4")


def test_echo_in_lab(
    jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]
) -> None:
    jupyter_lab.open_notebook(page, make_notebook([ECHO_CELL]))
    click_and_check(page)


def test_echo_in_voila(
    voila: Callable[..., str], page: Page, make_notebook: Callable[..., Path]
) -> None:
    page.goto(voila(make_notebook([ECHO_CELL])))
    click_and_check(page)
