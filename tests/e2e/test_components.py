"""LiveComponents in Chromium, in a real JupyterLab and a real Voilà: a todo list of components.

Each todo is a stateful component with its own toggle and edit events (``phx-target="{{
myself }}"``); the parent view adds and removes todos. A toggle changes its todo only (the
other todos keep their very elements, marked with a JS property), an edit form inside a
component submits to it, a removed todo leaves the page, and a todo added again under the
same id starts fresh (a new cid, never the old content).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

CELL = '''
from livewidget import LiveComponent, LiveView, LiveWidget

class Todo(LiveComponent):
    template = """<li id="todo-{{ id }}" class="todo {{ 'done' if done else 'open' }}">
  <span class="title">{{ title }}</span>
  <button class="toggle" phx-click="toggle" phx-target="{{ myself }}">toggle</button>
  <form class="edit" phx-submit="rename" phx-target="{{ myself }}">
    <input name="title" value="{{ title }}"><button>save</button>
  </form>
  <button class="remove" phx-click="remove" phx-value-id="{{ id }}">remove</button>
</li>"""

    def mount(self, socket):
        socket.assign(done=False)

    def handle_event(self, event, params, socket):
        if event == "toggle":
            socket.assign(done=not socket.assigns.done)
        elif event == "rename":
            socket.assign(title=params["title"])

class Todos(LiveView):
    components = {"Todo": Todo}
    template = """<ul id="todos">{% for t in todos %}
  {{ live_component(Todo, id=t.id, title=t.title) }}
{% endfor %}</ul>
<button id="add" phx-click="add">add</button><p id="count">{{ todos | length }}</p>"""

    def mount(self, socket, session, params):
        socket.assign(todos=[{"id": 1, "title": "milk"}, {"id": 2, "title": "eggs"}], next=3)

    def handle_event(self, event, params, socket):
        if event == "add":
            n = socket.assigns.next
            todos = [*socket.assigns.todos, {"id": n, "title": f"item {n}"}]
            socket.assign(todos=todos, next=n + 1)
        elif event == "remove":
            keep = [t for t in socket.assigns.todos if str(t["id"]) != params["id"]]
            socket.assign(todos=keep)

LiveWidget(Todos)
'''


def check_todos(page: Page) -> None:
    todo = lambda n: page.locator(f".lw-root #todo-{n}")  # noqa: E731
    expect(todo(2)).to_have_count(1, timeout=60_000)
    expect(todo(1)).to_have_class("todo open")
    todo(1).evaluate("el => { el.__lwMark = 'one' }")
    todo(2).evaluate("el => { el.__lwMark = 'two' }")

    todo(2).locator(".toggle").click()  # targeted at the component itself
    expect(todo(2)).to_have_class("todo done")
    expect(todo(1)).to_have_class("todo open")
    assert todo(1).evaluate("el => el.__lwMark") == "one"
    assert todo(2).evaluate("el => el.__lwMark") == "two"  # morphed in place

    todo(1).locator("input[name=title]").fill("oat milk")  # a form inside the component
    todo(1).locator(".edit button").click()
    expect(todo(1).locator(".title")).to_have_text("oat milk")
    expect(todo(2).locator(".title")).to_have_text("eggs")

    page.locator(".lw-root #add").click()  # the parent adds a component
    expect(todo(3).locator(".title")).to_have_text("item 3")
    todo(3).locator(".toggle").click()
    expect(todo(3)).to_have_class("todo done")
    cid = todo(3).get_attribute("data-phx-component")

    todo(3).locator(".remove").click()  # the parent removes it
    expect(todo(3)).to_have_count(0)
    expect(page.locator(".lw-root #count")).to_have_text("2")
    page.locator(".lw-root #add").click()
    expect(todo(4)).to_have_class("todo open")
    assert todo(4).get_attribute("data-phx-component") != cid
    assert todo(1).evaluate("el => el.__lwMark") == "one"
    expect(todo(2)).to_have_class("todo done")


def test_todo_components_in_jupyterlab(jupyter_lab, page: Page, make_notebook) -> None:
    jupyter_lab.open_notebook(page, make_notebook([CELL]))
    check_todos(page)


def test_todo_components_in_voila(voila, page: Page, make_notebook) -> None:
    page.goto(voila(make_notebook([CELL])))
    check_todos(page)
