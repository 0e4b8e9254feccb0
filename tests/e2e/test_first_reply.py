"""A view draws its first reply from the widget's state (``_lw_first``), before its join is
answered, in a real Voilà and JupyterLab: it shows while livewidget's loop is still busy
with work queued before the join, never shows "connecting…", and goes live after. A page not
joined yet gets the view's first change (and the events pushed with it) without joining."""

from __future__ import annotations

from _jupyter import JupyterLab, run_cell, widget_messages_sent
from playwright.sync_api import Page, expect

# The view's loop is busy for 6 s with an info queued before the page can join: the join's
# answer (count 100) can only come after it. A view drawn from its state shows 0 before that.
# (6 s: long enough for Voilà to serve the page on a loaded machine; a page that loads after
# the view moved has no first reply to draw.)
BUSY = '''
import time
from IPython.display import display
from livewidget import LiveView, LiveWidget

class Busy(LiveView):
    template = """<button id="inc" phx-click="inc">+1</button><span id="n">{{ n }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(n=0)

    def handle_info(self, info, socket):
        time.sleep(6)
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


# A view whose change comes from a later cell: it pushes an event and shows the info. The page,
# drawn from the state and not joined, gets the change (a diff from its first reply) at once,
# and sends nothing: the change joined it.
PUSHER = """
from IPython.display import display
from livewidget import LiveView, LiveWidget

class Pusher(LiveView):
    template = "<p id='said'>{{ said }}</p>"

    def mount(self, socket, session, params):
        socket.assign(said="nothing")

    def handle_info(self, info, socket):
        socket.assign(said=info)
        socket.push_event("lw-ping", {"info": info})

w = LiveWidget(Pusher)
display(w)
"""

#: Every phx:lw-ping the page's window receives, recorded from before the page loads.
RECORD_PINGS = """
window.__lwPings = [];
window.addEventListener("phx:lw-ping", (e) => window.__lwPings.push(e.detail));
"""


def test_jupyterlab_gets_the_views_first_change_from_a_later_cell_without_joining(
    jupyter_lab: JupyterLab, make_notebook, page: Page
) -> None:
    page.add_init_script(RECORD_PINGS)
    sent = widget_messages_sent(page)
    notebook = make_notebook([PUSHER, 'w.send_info("ping")'], name="pusher.ipynb")
    jupyter_lab.open_notebook(page, notebook, run_all=False)
    run_cell(page, 0)
    said = page.locator(".lw-root #said")
    expect(said).to_have_text("nothing", timeout=20_000)
    run_cell(page, 1)
    expect(said).to_have_text("ping", timeout=20_000)
    page.wait_for_function("window.__lwPings.length > 0")
    assert page.evaluate("window.__lwPings") == [{"info": "ping"}]
    assert sent == []  # no join: the change joined the page
