"""Bindings in a real JupyterLab: keys, rate limits, a validated form, loading states, a menu
driven by JS commands, and malformed commands that only log."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from _jupyter import JupyterLab
from playwright.sync_api import Page, expect

APP_CELL = r'''
import asyncio
from pydantic import BaseModel, Field
from livewidget import JS, LiveView, LiveWidget
from livewidget.forms import Form

class Keys(LiveView):
    template = """
      <input id="search" name="q" phx-keydown="enter" phx-key="Enter">
      <div phx-window-keyup="shortcut" phx-key="k"></div>
      <p class="last">{{ last }}</p><p class="count">{{ count }}</p>
    """
    def mount(self, socket, session, params):
        socket.assign(last="", count=0)
    def handle_event(self, event, params, socket):
        socket.assign(last=f"{event} {params.get('key')} {params.get('value', '')}",
                      count=socket.assigns.count + 1)

class Limits(LiveView):
    template = """
      <form phx-change="typed"><input id="q" name="q" phx-debounce="400"></form>
      <button id="spam" phx-click="spam" phx-throttle="5000">spam</button>
      <p id="typed">{{ typed }}</p><p id="changes">{{ changes }}</p><p id="spams">{{ spams }}</p>
    """
    def mount(self, socket, session, params):
        socket.assign(typed="", changes=0, spams=0)
    def handle_event(self, event, params, socket):
        if event == "typed":
            socket.assign(typed=params["q"], changes=socket.assigns.changes + 1)
        else:
            socket.assign(spams=socket.assigns.spams + 1)

class SignUp(BaseModel):
    name: str = Field(min_length=2)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")

class SignUpView(LiveView):
    template = """
      <form id="signup" phx-change="validate" phx-submit="save">
        {{ input(form["name"]) }}{{ error_tag(form["name"]) }}
        {{ input(form["email"], type="email") }}{{ error_tag(form["email"]) }}
        <button id="save" phx-disable-with="Saving…">Sign up</button>
      </form>
      <p id="welcome">{{ welcome }}</p>
    """
    def mount(self, socket, session, params):
        socket.assign(form=Form(SignUp, name="user"), welcome="")
    async def handle_event(self, event, params, socket):
        form = socket.assigns.form.validate(params)
        if event == "save" and form.ok:
            await asyncio.sleep(0.8)
            socket.assign(form=Form(SignUp, name="user"), welcome=f"Welcome {form.data.name}")
        else:
            socket.assign(form=form)

class Slow(LiveView):
    template = """
      <button id="slow" phx-click="slow" phx-disable-with="Working…">Go</button>
      <p id="done">{{ done }}</p>
    """
    def mount(self, socket, session, params):
        socket.assign(done=0)
    async def handle_event(self, event, params, socket):
        await asyncio.sleep(1.0)
        socket.assign(done=socket.assigns.done + 1)

class Menu(LiveView):
    template = """
      <button id="toggle" phx-click="{{ JS().toggle(to='#menu').push('toggled') }}">menu</button>
      <ul id="menu" style="display: none"
          phx-click-away="{{ JS().hide(to='#menu') }}"
          phx-window-keydown="{{ JS().hide(to='#menu') }}" phx-key="Escape">
        <li><button id="pick" phx-click="pick">pick</button></li>
      </ul>
      <p id="toggles">{{ toggles }}</p><p id="picked">{{ picked }}</p>
      <button id="bad"
              phx-click='[["hide", {"too": "#menu"}], ["push", {"event": "bad"}]]'>bad</button>
      <button id="bad-debounce" phx-click="bad" phx-debounce="soon">bad debounce</button>
      <p id="bads">{{ bads }}</p>
    """
    def mount(self, socket, session, params):
        socket.assign(toggles=0, picked=0, bads=0)
    def handle_event(self, event, params, socket):
        if event == "toggled":
            socket.assign(toggles=socket.assigns.toggles + 1)
        elif event == "pick":
            socket.assign(picked=socket.assigns.picked + 1)
        else:
            socket.assign(bads=socket.assigns.bads + 1)

keys_a, keys_b = LiveWidget(Keys), LiveWidget(Keys)
display(keys_a, keys_b, LiveWidget(Limits), LiveWidget(SignUpView))
display(LiveWidget(Slow), LiveWidget(Menu))
'''


def open_app(jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]) -> Page:
    jupyter_lab.open_notebook(page, make_notebook([APP_CELL]))
    expect(page.locator(".lw-root.phx-connected #toggle")).to_be_visible(timeout=60_000)
    return page


def test_keys_reach_their_widget_once_and_phx_key_filters(jupyter_lab, page, make_notebook):
    open_app(jupyter_lab, page, make_notebook)
    first, second = (
        page.locator(".lw-root:has(#search)").nth(0),
        page.locator(".lw-root:has(#search)").nth(1),
    )
    search = first.locator("#search")
    search.fill("cats")
    search.press("a")  # not Enter: filtered out
    search.press("Enter")
    expect(first.locator(".last")).to_have_text("enter Enter catsa")  # "a" was typed, not sent
    expect(second.locator(".count")).to_have_text("0")
    first.locator(".count").click()  # the input loses focus; the first widget keeps it
    page.keyboard.press("k")
    # the window binding of the widget that has the focus fires once; the other hears nothing
    expect(first.locator(".last")).to_have_text("shortcut k")
    expect(first.locator(".count")).to_have_text("2")
    page.keyboard.press("j")
    time.sleep(0.3)
    expect(first.locator(".count")).to_have_text("2")
    expect(second.locator(".count")).to_have_text("0")


def test_debounce_and_throttle(jupyter_lab, page, make_notebook):
    open_app(jupyter_lab, page, make_notebook)
    limits = page.locator(".lw-root:has(#spams)")
    limits.locator("#q").press_sequentially("debounced", delay=40)
    expect(limits.locator("#typed")).to_have_text("debounced")
    expect(limits.locator("#changes")).to_have_text("1")  # one event for the whole word
    for _ in range(4):
        limits.locator("#spam").click()
    expect(limits.locator("#spams")).to_have_text("1")
    time.sleep(0.3)
    expect(limits.locator("#spams")).to_have_text("1")


def test_a_validated_form_with_loading_states(jupyter_lab, page, make_notebook):
    open_app(jupyter_lab, page, make_notebook)
    form = page.locator(".lw-root:has(#signup)")
    name, email = form.locator("#user_name"), form.locator("#user_email")
    name.press_sequentially("A", delay=30)
    expect(form.locator("[data-for='user[name]']")).to_contain_text("at least 2 characters")
    expect(form.locator("[data-for='user[email]']")).to_have_count(0)  # not touched yet
    expect(name).to_have_value("A")
    name.press_sequentially("da", delay=30)
    expect(form.locator(".lw-field-error")).to_have_count(0)
    form.locator("#save").click()  # submitted: every error shows
    expect(form.locator("[data-for='user[email]']")).to_contain_text("Field required")
    email.fill("ada@example.org")
    expect(form.locator(".lw-field-error")).to_have_count(0)
    form.locator("#save").click()
    # while the slow save is in flight
    expect(form.locator("#save")).to_have_text("Saving…")
    expect(form.locator("#save")).to_be_disabled()
    expect(form.locator("form")).to_have_class("phx-submit-loading")
    expect(name).to_have_attribute("readonly", "")
    expect(form.locator("#welcome")).to_have_text("Welcome Ada")
    expect(form.locator("#save")).to_have_text("Sign up")
    expect(form.locator("#save")).to_be_enabled()
    expect(form.locator("form")).not_to_have_class("phx-submit-loading")
    expect(name).to_have_value("")


def test_click_loading_class_until_the_reply(jupyter_lab, page, make_notebook):
    open_app(jupyter_lab, page, make_notebook)
    slow = page.locator(".lw-root:has(#slow)")
    slow.locator("#slow").click()
    expect(slow.locator("#slow")).to_have_class("phx-click-loading")
    expect(slow.locator("#slow")).to_have_text("Working…")
    expect(slow.locator("#done")).to_have_text("1")
    expect(slow.locator("#slow")).not_to_have_class("phx-click-loading")
    expect(slow.locator("#slow")).to_have_text("Go")


def test_a_menu_driven_by_js_commands(jupyter_lab, page, make_notebook):
    open_app(jupyter_lab, page, make_notebook)
    app = page.locator(".lw-root:has(#menu)")
    menu = app.locator("#menu")
    expect(menu).to_be_hidden()
    app.locator("#toggle").click()
    expect(menu).to_be_visible()
    expect(app.locator("#toggles")).to_have_text("1")  # the push reached the kernel
    app.locator("#pick").click()  # a render arrives: the menu stays open
    expect(app.locator("#picked")).to_have_text("1")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    app.locator("#toggle").click()
    expect(menu).to_be_visible()
    app.locator("#picked").click()  # a click away from the menu
    expect(menu).to_be_hidden()


def test_malformed_commands_and_binding_values_only_log(jupyter_lab, page, make_notebook):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_app(jupyter_lab, page, make_notebook)
    app = page.locator(".lw-root:has(#menu)")
    app.locator("#bad").click()
    app.locator("#bad-debounce").click()
    app.locator("#toggle").click()  # the widget still works, and answers in order
    expect(app.locator("#toggles")).to_have_text("1")
    expect(app.locator("#bads")).to_have_text("0")
    logged = [e for e in errors if e.startswith("[livewidget]")]
    assert any('unknown argument "too"' in e for e in logged), errors
    assert any('phx-debounce="soon"' in e for e in logged), errors
    expect(app.locator("#menu")).to_be_visible()  # the bad hide did nothing
