"""The widget in JupyterLab's dark theme: its colors follow Lab's, focus stays visible, and
screen readers hear the busy and error states (`aria-busy`, `role="alert"`).

This test starts its own JupyterLab, with the dark theme written into its isolated settings
dir, so the session's shared Lab (light) is left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _jupyter import JupyterLab, isolated_env, write_notebook
from playwright.sync_api import Page, expect

APP = '''
import asyncio
from livewidget import LiveView, LiveWidget

class Themed(LiveView):
    template = """
      <p id="said">{{ said }}</p>
      <input id="field" name="text">
      <button id="slow" phx-click="slow">slow</button>
      <button id="fail" phx-click="fail">fail</button>
    """

    def mount(self, socket, session, params):
        socket.assign(said="ready")

    async def handle_event(self, event, params, socket):
        if event == "fail":
            raise ValueError("this button always fails")
        await asyncio.sleep(1.0)   # long enough to see the view busy
        socket.assign(said="done")

LiveWidget(Themed)
'''

# Resolve a CSS expression (a `var(--jp-…)`) to the computed color Chromium uses.
RESOLVE = """(value) => {
  const probe = document.createElement("div");
  probe.style.color = value;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}"""

# Computed values of some properties of an element.
COMPUTED = """(el, props) => {
  const style = getComputedStyle(el);
  return Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)]));
}"""


@pytest.fixture
def dark_lab(tmp_path: Path) -> Iterator[JupyterLab]:
    """A JupyterLab of its own whose user settings choose the dark theme."""
    env = isolated_env(tmp_path / "env")
    themes = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Dark"}))
    root = tmp_path / "root"
    root.mkdir()
    lab = JupyterLab(root_dir=root, env=env, log=tmp_path / "jupyter-lab.log")
    yield lab
    lab.shutdown_kernels()
    lab.stop()


def computed(page: Page, selector: str, *props: str) -> dict[str, str]:
    return page.locator(selector).evaluate(COMPUTED, list(props))


def resolve(page: Page, value: str) -> str:
    return page.evaluate(RESOLVE, value)


def test_the_widget_follows_labs_dark_theme(dark_lab: JupyterLab, page: Page, tmp_path: Path):
    notebook = write_notebook(tmp_path / "themed.ipynb", [APP])
    dark_lab.open_notebook(page, notebook)
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false", timeout=30_000)
    root = ".lw-root:has(#said)"
    expect(page.locator(f"{root} #said")).to_have_text("ready", timeout=60_000)

    # Colors: the widget's text and background are Lab's, and Lab's are dark here.
    background = resolve(page, "var(--jp-layout-color0)")
    text = resolve(page, "var(--jp-content-font-color1)")
    assert background == "rgb(17, 17, 17)", "Lab's dark theme did not load"
    style = computed(page, root, "color", "background-color", "color-scheme")
    assert style == {"color": text, "background-color": background, "color-scheme": "dark"}

    # Focus: a focused field shows a 2px ring in Lab's brand color.
    page.locator(f"{root} #field").click()
    ring = computed(page, f"{root} #field", "outline-style", "outline-width", "outline-color")
    brand = resolve(page, "var(--jp-brand-color1)")
    assert ring == {"outline-style": "solid", "outline-width": "2px", "outline-color": brand}

    # Busy: the rendered region is aria-busy while the slow event is in flight, then not.
    view = page.locator(f"{root} > .lw-view")
    page.locator(f"{root} #slow").click()
    expect(view).to_have_attribute("aria-busy", "true")
    expect(page.locator(f"{root} #said")).to_have_text("done")
    expect(view).not_to_have_attribute("aria-busy", "true")

    # Errors: an alert, outside the busy region, in the theme's error colors.
    page.locator(f"{root} #fail").click()
    alert = page.locator(f"{root} > .lw-error[role=alert]")
    expect(alert).to_contain_text("this button always fails")
    box = computed(page, f"{root} > .lw-error", "color", "background-color")
    assert box == {
        "color": text,
        "background-color": resolve(page, "var(--jp-rendermime-error-background)"),
    }
