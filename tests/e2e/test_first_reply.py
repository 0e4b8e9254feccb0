"""A view draws its first reply from the widget's state (``_lw_first``), before its join is
answered, in a real Voilà and JupyterLab: it shows while livewidget's loop is still busy
with work queued before the join, never shows "connecting…", and goes live after. A page not
joined yet is asked to join when the view changes, and gets the events it pushed meanwhile."""

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


# A view that pushes an event 2 s after its mount, without changing what it shows: the page,
# drawn from the state and not joined, is asked to join and gets the event with the answer.
PUSHER = """
from IPython.display import display
from livewidget import LiveView, LiveWidget

class Pusher(LiveView):
    template = "<p id='quiet'>quiet</p>"

    def mount(self, socket, session, params):
        socket.send_info_after(2, "ping")

    def handle_info(self, info, socket):
        socket.push_event("lw-ping", {"info": info})

display(LiveWidget(Pusher))
"""

#: Every phx:lw-ping the page's window receives, recorded from before the page loads.
RECORD_PINGS = """
window.__lwPings = [];
window.addEventListener("phx:lw-ping", (e) => window.__lwPings.push(e.detail));
"""


def gets_the_event_pushed_before_it_joined(page: Page) -> None:
    expect(page.locator(".lw-root #quiet")).to_have_text("quiet", timeout=20_000)
    page.wait_for_function("window.__lwPings.length > 0", timeout=20_000)
    assert page.evaluate("window.__lwPings") == [{"info": "ping"}]


def test_voila_delivers_an_event_pushed_before_the_page_joined(
    voila, make_notebook, page: Page
) -> None:
    page.add_init_script(RECORD_PINGS)
    page.goto(voila(make_notebook([PUSHER])))
    gets_the_event_pushed_before_it_joined(page)


def test_jupyterlab_delivers_an_event_pushed_before_the_page_joined(
    jupyter_lab: JupyterLab, make_notebook, page: Page
) -> None:
    page.add_init_script(RECORD_PINGS)
    jupyter_lab.open_notebook(page, make_notebook([PUSHER], name="pusher.ipynb"))
    gets_the_event_pushed_before_it_joined(page)
