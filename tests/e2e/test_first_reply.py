"""A view draws its first reply from the widget's state (``_lw_first``), before its join is
answered, in a real Voilà and JupyterLab: it shows while livewidget's loop is still busy
with work queued before the join, never shows "connecting…", and goes live after."""

from __future__ import annotations

from _jupyter import JupyterLab
from playwright.sync_api import Page, expect

# The view's loop is busy for 3 s with an info queued before the page can join: the join's
# answer (count 100) can only come after it. A view drawn from its state shows 0 before that.
BUSY = '''
import time
from IPython.display import display
from livewidget import LiveView, LiveWidget

class Busy(LiveView):
    template = """<button id="inc" phx-click="inc">+1</button><span id="n">{{ n }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(n=0)

    def handle_info(self, info, socket):
        time.sleep(3)
        socket.assign(n=100)

    def handle_event(self, event, params, socket):
        socket.assign(n=socket.assigns.n + 1)

w = LiveWidget(Busy)
display(w)
w.send_info("work")
'''

#: Every "connecting…" placeholder a view ever put in the page, counted as it is added.
COUNT_PLACEHOLDERS = """
window.__lwConnecting = 0;
new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes)
    if (n.nodeType === 1 && (n.matches(".lw-connecting") || n.querySelector(".lw-connecting")))
      window.__lwConnecting++;
}).observe(document, { subtree: true, childList: true });
"""


def shows_first_then_goes_live(page: Page) -> None:
    count = page.locator(".lw-root #n")
    expect(count).to_have_text("0", timeout=20_000)  # drawn from the state: the loop is busy
    expect(count).to_have_text("100", timeout=20_000)  # the join's answer, after the info
    page.locator(".lw-root #inc").click()
    expect(count).to_have_text("101")
    assert page.evaluate("window.__lwConnecting") == 0


def test_voila_draws_the_first_reply_before_the_join_is_answered(
    voila, make_notebook, page: Page
) -> None:
    page.add_init_script(COUNT_PLACEHOLDERS)
    page.goto(voila(make_notebook([BUSY])))
    shows_first_then_goes_live(page)


def test_jupyterlab_draws_the_first_reply_before_the_join_is_answered(
    jupyter_lab: JupyterLab, make_notebook, page: Page
) -> None:
    page.add_init_script(COUNT_PLACEHOLDERS)
    jupyter_lab.open_notebook(page, make_notebook([BUSY], name="first.ipynb"))
    shows_first_then_goes_live(page)
