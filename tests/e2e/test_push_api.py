"""The push API end to end: the seed's examples in JupyterLab, URL sync in Voilà."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from _jupyter import JupyterLab
from playwright.sync_api import Page, expect

APP_CELL = r'''
from IPython.display import HTML, display
from livewidget import LiveView, LiveWidget

# The hook reports on <body> data attributes: the widget's own DOM belongs to the server and
# the next patch would reset what a hook wrote there.
SEED_HOOK = """
export default {
  mounted() {
    document.body.dataset.hook = "mounted " + this.el.id;
    this.handleEvent("my-event", (payload) => {
      document.body.dataset.hook = "got foo=" + payload.foo;
      this.pushEvent("hook-ack", {foo: payload.foo}, (reply) => {
        document.body.dataset.reply = reply.echo;
      });
    });
  },
  destroyed() {
    document.body.dataset.destroyed = this.el.id;
  },
};
"""

class Home(LiveView):
    template = """
      <p id="where">{{ where }}</p>
      <p id="params">{{ params }}</p>
      <div id="seed-hook" phx-hook="Seed">not mounted</div>
      <button id="push" phx-click="push">push_event</button>
      <button id="patch" phx-click="patch">push_patch</button>
      <button id="redirect" phx-click="redirect">push_redirect</button>
      <span id="acks">{{ acks }}</span>
      {{ live_patch("link patch", to="/?via=link") }}
    """
    hooks = {"Seed": SEED_HOOK}

    def mount(self, socket, session, params):
        socket.assign(where="home", params="", acks=0)

    def handle_params(self, params, url, socket):
        socket.assign(params=f"{url} {dict(params)}")

    def handle_event(self, event, params, socket):
        if event == "push":
            socket.push_event({"type": "my-event", "foo": "bar"})
        elif event == "patch":
            socket.push_patch("/foo", {"bar": "baz"})
        elif event == "redirect":
            socket.push_redirect("/users/7")
        elif event == "hook-ack":
            socket.assign(acks=socket.assigns.acks + 1)
            return {"echo": params["foo"]}

class UserShow(LiveView):
    template = """<h2 id="user">User {{ id }}</h2>{{ live_redirect("home", to="/") }}
      {{ live_patch("tab", to="/users/" ~ id ~ "?tab=posts") }}<span id="tab">{{ tab }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(id=params["id"], tab="")
        socket.page_title = f"User {params['id']}"

    def handle_params(self, params, url, socket):
        socket.assign(tab=params.get("tab", ""))

display(HTML("""<p id="window-log">window: nothing</p><script>
window.addEventListener("phx:my-event", (e) => {
  document.querySelector("#window-log").textContent = "window got foo=" + e.detail.foo;
});
</script>"""))
app = LiveWidget({"/": Home, "/foo": Home, "/users/:id": UserShow}, sync_url=True)
app
'''


def lab_app(jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]) -> Page:
    jupyter_lab.open_notebook(page, make_notebook([APP_CELL]))
    expect(page.locator("body")).to_have_attribute("data-hook", "mounted seed-hook", timeout=60_000)
    return page


def test_push_event_reaches_the_window_and_the_hook(jupyter_lab, page, make_notebook):
    lab_app(jupyter_lab, page, make_notebook)
    page.locator("#push").click()
    expect(page.locator("body")).to_have_attribute("data-hook", "got foo=bar")
    # Lab trusts the notebook it just ran, so the output's script runs: the window listener
    expect(page.locator("#window-log")).to_have_text("window got foo=bar")
    # the hook's pushEvent reached handle_event, whose dict came back to onReply
    expect(page.locator("#acks")).to_have_text("1")
    expect(page.locator("body")).to_have_attribute("data-reply", "bar")


def test_push_patch_and_redirect_inside_the_widget(jupyter_lab, page, make_notebook):
    lab_app(jupyter_lab, page, make_notebook)
    lab_url = page.url
    page.locator("#patch").click()
    expect(page.locator("#params")).to_have_text("/foo?bar=baz {'bar': 'baz'}")
    page.locator("a[data-phx-link=patch]").click()
    expect(page.locator("#params")).to_have_text("/?via=link {'via': 'link'}")
    page.locator("#redirect").click()
    expect(page.locator("#user")).to_have_text("User 7")
    expect(page.locator("#seed-hook")).to_have_count(0)
    expect(page.locator("body")).to_have_attribute("data-destroyed", "seed-hook")
    page.locator("a[data-phx-link=redirect]").click()
    expect(page.locator("#where")).to_have_text("home")
    # sync_url is on, but JupyterLab's own URL and title are never touched
    assert page.url == lab_url
    assert "User" not in page.title()


def test_voila_mirrors_the_route_in_the_address_bar(voila, page, make_notebook):
    page.goto(voila(make_notebook([APP_CELL])))
    expect(page.locator("body")).to_have_attribute("data-hook", "mounted seed-hook", timeout=60_000)
    page.locator("#push").click()
    expect(page.locator("body")).to_have_attribute("data-hook", "got foo=bar")
    expect(page.locator("body")).to_have_attribute("data-reply", "bar")
    page.locator("#patch").click()
    expect(page).to_have_url(re.compile(r"#/foo\?bar=baz$"))
    page.locator("#redirect").click()
    expect(page.locator("#user")).to_have_text("User 7")
    expect(page).to_have_url(re.compile(r"#/users/7$"))
    expect(page).to_have_title("User 7")
    page.locator("a[data-phx-link=patch]").click()
    expect(page.locator("#tab")).to_have_text("posts")
    expect(page).to_have_url(re.compile(r"#/users/7\?tab=posts$"))
    # the browser's back button moves the widget
    page.go_back()
    expect(page.locator("#tab")).to_have_text("")
    expect(page).to_have_url(re.compile(r"#/users/7$"))
    page.go_back()
    expect(page.locator("#params")).to_have_text("/foo?bar=baz {'bar': 'baz'}")
    page.go_forward()
    expect(page.locator("#user")).to_have_text("User 7")
    # a reload (a new kernel) opens the same route
    page.locator("a[data-phx-link=patch]").click()
    expect(page).to_have_url(re.compile(r"#/users/7\?tab=posts$"))
    page.reload()
    expect(page.locator("#user")).to_have_text("User 7", timeout=60_000)
    expect(page.locator("#tab")).to_have_text("posts")


def test_a_shared_link_opens_its_route_with_a_preheated_kernel(voila, page, make_notebook):
    base = voila(make_notebook([APP_CELL]), "--preheat_kernel=True", "--pool_size=1")
    page.goto(base + "#/users/42?tab=likes")
    expect(page.locator("#user")).to_have_text("User 42", timeout=60_000)
    expect(page.locator("#tab")).to_have_text("likes")
