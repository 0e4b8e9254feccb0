"""Live while the kernel works: a view answers clicks, ticks and shows broadcasts while a cell runs.

The notebook's second cell broadcasts five steps one second apart, prints ``loop done``, sleeps
8 s and prints ``cell done``. What the page showed is judged against what the cell had printed
at that moment (never against a clock): steps seen before ``loop done``, a click answered and
timer ticks before ``cell done``.
"""

from __future__ import annotations

import json
import time

from _jupyter import KERNELSPEC, JupyterLab, run_cell
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

VIEW_CELL = '''
from livewidget import LiveView, LiveWidget

class Busy(LiveView):
    template = """<button id="inc" phx-click="inc">+1</button>
<span id="count">{{ count }}</span> <span id="step">{{ step }}</span>
<span id="ticks">{{ ticks }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(count=0, step="none", ticks=0)
        socket.subscribe("tick")
        socket.every(0.25, "tick")

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)

    def handle_info(self, info, socket):
        if info == "tick":
            socket.assign(ticks=socket.assigns.ticks + 1)
        else:
            socket.assign(step=f"step {info}")

widget = LiveWidget(Busy)
widget
'''

LOOP_CELL = """
import time
from livewidget import pubsub

for i in range(5):
    pubsub.broadcast("tick", i)
    time.sleep(1)
print("loop done", flush=True)
time.sleep(8)
print("cell done", flush=True)
"""

SLEEP_CELL = """
import time
print("sleeping", flush=True)
time.sleep(8)
print("cell done", flush=True)
"""


def printed(page: Page, text: str) -> bool:
    return page.locator(".jp-OutputArea-output", has_text=text).count() > 0


def test_a_view_stays_live_while_a_cell_runs_in_jupyterlab(
    jupyter_lab: JupyterLab, page: Page, make_notebook
) -> None:
    jupyter_lab.open_notebook(page, make_notebook([VIEW_CELL, LOOP_CELL]), run_all=False)
    run_cell(page, 0)
    step = page.locator(".lw-root #step")
    # Shown before the loop starts, as a user would: with Run All, JupyterLab may send the
    # widget's first message to the main shell before its comm subshell exists, and that
    # first message then waits for the running cell.
    step.wait_for(timeout=60_000)
    run_cell(page, 1)
    # While the loop runs, poll the page: each step should show as it is broadcast.
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while not printed(page, "loop done"):
        assert time.monotonic() < deadline, f"the loop never ended; steps seen: {seen}"
        # textContent, not innerText: once Lab scrolls to the running cell, the widget's cell
        # may be off screen, where Chromium gives innerText as "" (content-visibility).
        text = step.text_content() or ""
        if not seen or seen[-1] != text:
            seen.append(text)
        page.wait_for_timeout(50)
    shown = [s for s in seen if s.startswith("step ")]
    assert len(shown) >= 3, f"the page jumped instead of following the loop: {seen}"
    assert shown == sorted(shown)  # in broadcast order
    # Now the cell sleeps 8 s: a click is answered and the timer ticks before it ends.
    ticks = page.locator(".lw-root #ticks")
    ticks_before = int(ticks.text_content() or "")
    started = time.monotonic()
    page.locator(".lw-root #inc").click()
    expect(page.locator(".lw-root #count")).to_have_text("1", timeout=7_000)
    answered_in = time.monotonic() - started
    expect(ticks).not_to_have_text(str(ticks_before), timeout=5_000)
    assert not printed(page, "cell done"), "the click was answered only after the cell"
    print(f"click answered during a busy cell in {answered_in * 1000:.0f} ms")


def test_a_click_is_answered_while_a_cell_sleeps_in_notebook_7(
    jupyter_lab: JupyterLab, page: Page, make_notebook
) -> None:
    notebook = make_notebook([VIEW_CELL, SLEEP_CELL], name="busy7.ipynb")
    data = json.loads(notebook.read_text())
    data["metadata"]["kernelspec"] = KERNELSPEC
    (jupyter_lab.root_dir / "busy7.ipynb").write_text(json.dumps(data))
    page.goto(jupyter_lab.url("/notebooks/busy7.ipynb"))
    page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
    count = page.locator(".lw-root #count")
    editor = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-editor").first
    # Notebook 7 reports the kernel idle a little before it takes a first execution: run the
    # view's cell again until the widget shows.
    for _attempt in range(3):
        editor.click()
        page.keyboard.press("Shift+Enter")
        try:
            count.wait_for(timeout=15_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    expect(count).to_have_text("0", timeout=30_000)
    page.keyboard.press("Shift+Enter")  # the next cell, now selected: it sleeps 8 s
    page.locator(".jp-OutputArea-output", has_text="sleeping").wait_for(timeout=30_000)
    page.locator(".lw-root #inc").click()
    expect(count).to_have_text("1", timeout=7_000)
    assert not printed(page, "cell done"), "the click was answered only after the cell"
