"""Random sequences of component operations against a plain Jinja2 render, and three clients.

A todo list whose todos are stateful components, driven by seeded random steps: the view adds
(new or reused ids), removes, renames and reorders todos and changes its own text; a todo
toggles itself (an event targeted at its cid) or is given a title by ``send_update``. After
every reply, the page the Python client merged must equal a plain Jinja2 render of the view
whose ``live_component`` calls render each todo's template with the state a model of the
components predicts (mounted fresh when its id comes back, updated only when the view passes
another title). Every sequence's messages then go through our JS client and Phoenix LiveView's
own client (``tests/_oracle.py``), which must show the same pages.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from livewidget import LiveComponent, LiveView
from livewidget.component import ComponentSocket
from livewidget.testing import LiveViewTest
from tests._oracle import merge_three_ways

SEQUENCES = 40
STEPS = 25

TODO = (
    '<li id="t{{ id }}" class="{{ "done" if done else "open" }}">{{ title }}'
    "{% if done %}<s>{{ title | upper }}</s>{% endif %}"
    '<b phx-click="toggle" phx-target="{{ myself }}">t</b></li>'
)
PAGE = (
    "<h1>{{ shout(note) }}</h1><ul>{% for t in todos %}"
    "{{ live_component(Todo, id=t.id, title=t.title) }}"
    "{% endfor %}</ul><p>{{ todos | length }}</p>"
)


class Todo(LiveComponent):
    template = TODO

    def mount(self, socket: ComponentSocket) -> None:
        socket.assign(done=False)

    def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
        socket.assign(done=not socket.assigns.done)


def shout(text: str) -> str:
    """A user function the template calls (it makes the template untracked)."""
    return text.upper()


class Todos(LiveView):
    components = {"Todo": Todo}
    template = PAGE

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        # A user callable in the template: evaluated whole on every render, so every
        # render places every todo again (the todos must still update only on new assigns).
        socket.assign(todos=[], note="", shout=shout)

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        todos = list(socket.assigns.todos)
        if event == "add":
            todos.append({"id": params["id"], "title": params["title"]})
        elif event == "remove":
            todos = [t for t in todos if t["id"] != params["id"]]
        elif event == "rename":
            todos = [
                {**t, "title": params["title"]} if t["id"] == params["id"] else t for t in todos
            ]
        elif event == "reverse":
            todos.reverse()
        elif event == "note":
            socket.assign(note=params["note"])
            return
        elif event == "update":
            socket.send_update(Todo, params["id"], title=params["title"])
            return
        socket.assign(todos=todos)


@dataclass
class Shown:
    """What the model predicts for one todo component."""

    title: str
    passed: str
    done: bool = False


class Model:
    """The page as a plain Jinja2 render predicts it."""

    def __init__(self) -> None:
        self.todos: list[dict[str, Any]] = []
        self.note = ""
        self.shown: dict[int, Shown] = {}
        env = jinja2.Environment(autoescape=True)
        self.page = env.from_string(PAGE)
        self.todo = env.from_string(TODO)

    def render(self) -> str:
        def live_component(cls: Any, id: int, title: str) -> Markup:
            state = self.shown[id]
            html = self.todo.render(id=id, title=state.title, done=state.done, myself="")
            return Markup(html.replace(' phx-target=""', ""))

        return self.page.render(
            todos=self.todos, note=self.note, Todo=Todo, live_component=live_component, shout=shout
        )

    def settle(self) -> None:
        """After the view's render: mount new todos, update renamed ones, forget removed."""
        ids = {t["id"] for t in self.todos}
        self.shown = {i: s for i, s in self.shown.items() if i in ids}
        for t in self.todos:
            state = self.shown.get(t["id"])
            if state is None:
                self.shown[t["id"]] = Shown(t["title"], t["title"])
            elif state.passed != t["title"]:
                state.title = state.passed = t["title"]


_CIDS = re.compile(r' data-phx-component="\d+"| phx-target="\d+"')


def normalized(html: str) -> str:
    """The page without what only a live page has (the cids)."""
    return _CIDS.sub("", html)


def step(rng: random.Random, model: Model, next_id: list[int]) -> dict[str, Any] | None:
    """A random operation: applied to the model, returned as the message to send."""
    ids = [t["id"] for t in model.todos]
    kind = rng.choice(["add", "add", "remove", "rename", "reverse", "note", "toggle", "update"])
    title = rng.choice(["a", "b", "<i>", "a & b", "ü"])
    cid_of = None
    if kind == "add":
        gone = [i for i in range(1, next_id[0]) if i not in ids]
        new = rng.choice(gone) if gone and rng.random() < 0.4 else next_id[0]
        next_id[0] = max(next_id[0], new + 1)
        model.todos.append({"id": new, "title": title})
        params: dict[str, Any] = {"id": new, "title": title}
    elif not ids:
        return None
    elif kind == "remove":
        target = rng.choice(ids)
        model.todos = [t for t in model.todos if t["id"] != target]
        params = {"id": target}
    elif kind == "rename":
        target = rng.choice(ids)
        model.todos = [{**t, "title": title} if t["id"] == target else t for t in model.todos]
        params = {"id": target, "title": title}
    elif kind == "reverse":
        model.todos.reverse()
        params = {}
    elif kind == "note":
        model.note = title
        params = {"note": title}
    elif kind == "update":
        target = rng.choice(ids)
        model.shown[target].title = title
        params = {"id": target, "title": title}
    else:  # toggle: the component's own event
        target = rng.choice(ids)
        model.shown[target].done = not model.shown[target].done
        cid_of = target
        params = {}
    message: dict[str, Any] = {
        "k": "event",
        "ref": 1,
        "type": "click",
        "event": kind,
        "value": params,
    }
    if cid_of is not None:
        message["cid"] = cid_of  # replaced by the todo's cid when sent
    return message


class TrackedTodos(Todos):
    """The same page, change-tracked: a render re-evaluates only the rows that changed."""

    template = PAGE.replace("shout(note)", "note | upper")


def run(seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    rng = random.Random(seed)
    model = Model()
    next_id = [1]
    view_class = TrackedTodos if seed % 2 else Todos
    with LiveViewTest(view_class) as view:
        messages = [view.messages[-1]["r"]]
        pages = [view.html()]
        for _ in range(STEPS):
            message = step(rng, model, next_id)
            if message is None:
                continue
            if "cid" in message:
                li = view.find(f"#t{message['cid']}")
                message["cid"] = int(str(li["data-phx-component"]))
            for reply in view.send_raw(message):
                assert "err" not in reply, (seed, reply)
                if "d" in reply:
                    messages.append(reply["d"])
                    pages.append(view.html())
            model.settle()
            assert normalized(view.html()) == model.render(), (seed, message)
    return messages, pages


def test_random_component_sequences_equal_jinja_and_three_clients_agree() -> None:
    runs = [run(seed) for seed in range(SEQUENCES)]
    results = merge_three_ways([messages for messages, _ in runs])
    for seed, ((_, pages), result) in enumerate(zip(runs, results, strict=True)):
        assert result == {"python": pages, "ours": pages, "phoenix": pages}, seed
