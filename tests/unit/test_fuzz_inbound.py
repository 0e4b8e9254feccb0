"""Fuzzed inbound messages through a LiveWidget's own comm entry point (a recording comm).

Thousands of hypothesis-generated messages (wrong types everywhere, huge and deep values, odd
Unicode, unknown kinds and names, any ref) reach the widget the way a Voilà visitor's page
would send them. Each one must get exactly one answer, a refused one (an error reply) must
change nothing (assigns, the rendered tree, URL and title), and the work per message is
bounded by its size, counted in Python function calls (never timed).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import sys
from typing import Any

import comm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livewidget import LiveComponent, LiveView, LiveWidget

from .test_widget import RecordingComm

EXAMPLES = 2_000
# Work allowed per message: a fixed part plus a part per byte of the message (counted calls).
BASE_CALLS = 3_000
# The densest input is a form body: parse_qsl makes ~25 calls per field of 2+ bytes.
CALLS_PER_BYTE = 16


class Tag(LiveComponent):
    """A stateful component a visitor can target with any cid: it echoes, or raises."""

    template = '<span phx-click="echo" phx-target="{{ myself }}">{{ said }}</span>'

    def mount(self, socket):
        socket.assign(said="")

    def handle_event(self, event, params, socket):
        if event != "echo":
            raise ValueError(f"no such event: {str(event)[:50]}")
        socket.assign(said=str(params)[:200])


class Echo(LiveView):
    """Echoes what a visitor sent everywhere it can go: assigns, flash, title, events, reply."""

    components = {"Tag": Tag}
    template = (
        "<p>{{ last }}</p><p>{{ flash.info }}</p>"
        '<form phx-submit="form"><input name="t"></form>'
        '<button phx-click="echo">echo</button>{{ live_component(Tag, id="t") }}'
    )

    def mount(self, socket, session, params):
        socket.assign(last="", count=0)

    def handle_params(self, params, url, socket):
        socket.assign(query=dict(params))

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)
        if event == "echo":
            socket.assign(last=str(params))
        elif event == "flash":
            socket.put_flash("info", str(params))
        elif event == "title":
            socket.page_title = str(params)[:100]
        elif event == "push":
            socket.push_event("echoed", dict(params))
        elif event == "patch":
            socket.push_patch("/", {"q": str(params)[:200]})
        elif event == "form":
            socket.assign(last=repr(params)[:1000])
        elif event == "reply":
            return {"echo": params}
        else:
            raise ValueError(f"no such event: {event[:50]}")
        return None


ODD_STRINGS = [
    "\ud800",
    "a\udfffb",
    "\udc80",
    "\x00",
    "\u202e",
    "\ufeff",
    "😀",
    "<script>alert(1)</script>",
    "__class__",
    "../../etc",
    "//evil.example",
    "/\\evil.example/",
    "javascript:alert(1)",
    "",
    "x" * 300,
]

odd_text = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=20),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def form_body(fields: int, name: str = "a[]") -> str:
    return "&".join(f"{name}=x" for _ in range(fields))


# Values the generic strategy would rarely reach: huge, deep and form-shaped ones. Built on
# draw (hypothesis shows its strategies with repr, which a deep value would overflow).
SPECIAL_VALUES = [
    lambda: nested(40),
    lambda: nested(2_000),
    lambda: {"v": nested(10_000)},
    lambda: "x" * 1_100_000,
    lambda: {"big": "y" * 1_000_001},
    lambda: form_body(10_001),
    lambda: form_body(2_000),
    lambda: form_body(50, "a" + "[b]" * 40),
    lambda: "t=%ED%A0%80",  # percent-encoded surrogate bytes: decoded as U+FFFD
    lambda: "t=" + "\ud800",
    lambda: "a=1&a[]=2&a[b]=3&_unused_t=",
]
special_values = st.integers(0, len(SPECIAL_VALUES) - 1).map(lambda i: SPECIAL_VALUES[i]())
anything = st.one_of(json_values, special_values)

event_names = st.one_of(
    st.sampled_from(["echo", "flash", "title", "push", "patch", "form", "reply", "nope"]),
    odd_text,
    json_values,
)


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["click", "form", "hook", "keydown", "blur"]) | anything)
    message: dict[str, Any] = {
        "k": "event",
        "ref": draw(st.integers(min_value=0, max_value=10**6) | anything),
        "type": kind,
        "event": draw(event_names),
    }
    if kind == "form":
        value = draw(st.sampled_from(["t=hi", "t=%F0%9F%98%80&x[]=1"]) | special_values | odd_text)
    else:
        value = draw(st.dictionaries(odd_text, json_values, max_size=4) | anything)
    message["value"] = value
    if draw(st.booleans()):
        # The page's component cid is 1: hit it, miss it, or send anything.
        message["cid"] = draw(st.integers(min_value=-2, max_value=3) | anything)
    return draw(mangled(message))


@st.composite
def navigations(draw: st.DrawFn) -> dict[str, Any]:
    message = {
        "k": "nav",
        "ref": draw(st.integers(min_value=0, max_value=10**6) | anything),
        "kind": draw(st.sampled_from(["patch", "redirect", "go"]) | anything),
        "url": draw(st.sampled_from(["/", "/?q=1", "/x"]) | odd_text | anything),
        "replace": draw(st.booleans() | anything),
        "index": draw(st.integers(min_value=-2, max_value=5) | anything),
    }
    return draw(mangled(message))


@st.composite
def mangled(draw: st.DrawFn, message: dict[str, Any]) -> dict[str, Any]:
    """Drop some keys, add unknown ones."""
    kept = {k: v for k, v in message.items() if k == "k" or draw(st.integers(0, 9)) > 0}
    kept.update(draw(st.dictionaries(odd_text, json_values, max_size=2)))
    return kept


# Well-formed events whose values are hostile: these reach the handlers.
well_formed = st.builds(
    lambda ref, name, value, cid: {
        "k": "event",
        "ref": ref,
        "type": "click",
        "event": name,
        "value": value,
        **cid,
    },
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["echo", "flash", "title", "push", "patch", "reply"]),
    st.dictionaries(st.sampled_from(["t", "n", "x"]), json_values, max_size=3),
    # To the view, to its component (cid 1), or to a cid that is not there.
    st.sampled_from([{}, {}, {"cid": 1}, {"cid": 1}, {"cid": 2}, {"cid": 0}, {"cid": "1"}]),
)
well_formed_forms = st.builds(
    lambda ref, body: {"k": "event", "ref": ref, "type": "form", "event": "form", "value": body},
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["t=hi", "t=%F0%9F%98%80&x[]=1&x[]=2", "u[a][b]=1&_unused_t="])
    | special_values.filter(lambda v: isinstance(v, str)),
)

messages = st.one_of(
    well_formed,
    well_formed,
    well_formed_forms,
    events(),
    events(),
    navigations(),
    st.fixed_dictionaries({"k": st.just("join")}, optional={"url": anything}),
    st.fixed_dictionaries({"k": anything}, optional={"ref": anything}),
    anything,
)


def size_of(value: Any) -> int:
    """Bytes the message takes as JSON, counted without recursion (deep values included)."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        total += 2
        if isinstance(item, str):
            total += len(item.encode("utf-8", "surrogatepass"))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            total += 24
    return total


class CallCounter:
    """Counts Python and C function calls while active: the work a message caused."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            self.calls += 1

    def __enter__(self) -> CallCounter:
        sys.setprofile(self)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(None)


def state(widget: LiveWidget) -> Any:
    session = widget._session
    tree = session.tree.to_json() if session.tree is not None else None
    components = {
        cid: copy.deepcopy(dict(s.socket.assigns)) for cid, s in session._components._states.items()
    }
    return (
        copy.deepcopy(dict(widget.assigns)),
        components,
        json.dumps(tree),
        session.socket.url,
        session.socket.page_title,
        widget.url,
        widget.title,
    )


def test_every_fuzzed_message_gets_one_answer_and_a_refused_one_changes_nothing(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    # Thousands of refusals and handler errors are logged with tracebacks: not here.
    monkeypatch.setattr(logging.getLogger("livewidget"), "disabled", True)
    widget = LiveWidget(Echo)
    loop.run_until_complete(asyncio.sleep(0.01))
    channel = widget.comm
    channel.from_frontend({"k": "join"})
    loop.run_until_complete(asyncio.sleep(0.01))
    assert len(channel.custom()) == 1
    seen = {"errors": 0, "answers": 0, "max_calls_per_byte": 0.0, "component_changes": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(message=messages)
    def one_message(message: Any) -> None:
        before = state(widget)
        sent_before = len(channel.custom())
        with CallCounter() as counter:
            channel.from_frontend(message)
        loop.run_until_complete(asyncio.sleep(0))
        answers = channel.custom()[sent_before:]
        assert len(answers) == 1, (message, answers)
        answer = answers[0]
        json.dumps(answer, ensure_ascii=False, allow_nan=False).encode("utf-8")
        if "err" in answer:
            seen["errors"] += 1
            assert state(widget) == before, answer
        elif state(widget)[1] != before[1]:
            seen["component_changes"] += 1
        seen["answers"] += 1
        size = size_of(message)
        assert counter.calls <= BASE_CALLS + CALLS_PER_BYTE * size, (counter.calls, size)
        seen["max_calls_per_byte"] = max(seen["max_calls_per_byte"], counter.calls / size)

    try:
        one_message()
    finally:
        widget.close()
    assert seen["answers"] >= EXAMPLES
    # Both kinds of answer were exercised: refusals and accepted messages, some of them
    # reaching the component through its cid.
    assert 0 < seen["errors"] < seen["answers"]
    assert seen["component_changes"] > 0

    # After close: the page's late messages reach nothing and raise nothing.
    answered = len(channel.custom())
    for message in ({"k": "join"}, {"k": "event", "ref": 1, "type": "click", "event": "echo"}):
        widget._on_custom_msg(widget, message, [])
        channel.from_frontend(message)
    loop.run_until_complete(asyncio.sleep(0.01))
    assert len(channel.custom()) == answered


# -- uploads: messages with binary buffers ------------------------------------------------


class Uploads(LiveView):
    """An upload whose ref the fuzzer knows; files up to 1,000 bytes in chunks of 100."""

    template = (
        '<form phx-change="v" phx-submit="s">{{ live_file_input(uploads.f) }}</form>'
        "{% for e in uploads.f.entries %}<p>{{ e.client_name }} {{ e.progress }} {{ e.errors }}"
        "</p>{% endfor %}{{ n }}"
    )

    def mount(self, socket, session, params):
        socket.assign(n=0)
        socket.allow_upload("f", accept=[".png"], max_entries=3, max_file_size=1000, chunk_size=100)

    def handle_event(self, event, params, socket):
        socket.assign(n=socket.assigns.n + 1)


UPLOAD_EXAMPLES = 1_500
entry_refs = st.sampled_from(["0", "1", "2", "9"]) | odd_text | anything
entry_metas = st.fixed_dictionaries(
    {
        "ref": entry_refs,
        "name": st.sampled_from(["a.png", "b.gif", ""]) | odd_text | anything,
        "size": st.sampled_from([0, 1, 150, 1000, 1001, 2**53, -1]) | anything,
    },
    optional={"type": odd_text | anything, "last_modified": anything},
)
buffer_lists = st.one_of(
    st.just([]),
    st.lists(st.integers(0, 120).map(lambda n: b"z" * n), min_size=1, max_size=2),
    st.integers(0, 120).map(lambda n: [memoryview(b"m" * n)]),
)


@st.composite
def upload_messages(draw: st.DrawFn, hostile: bool) -> tuple[dict[str, Any], list[Any]]:
    """An upload message; ``hostile`` puts anything anywhere, else only odd values."""
    odd = anything if hostile else st.nothing()
    op = draw(st.sampled_from(["entries", "start", "chunk"]) | odd)
    message: dict[str, Any] = {
        "k": "upload",
        "ref": draw(st.integers(min_value=0, max_value=10**6) | odd),
        "op": op,
        "upload": draw(st.just("REF") | (odd_text if hostile else st.just("REF")) | odd),
    }
    refs = entry_refs if hostile else st.sampled_from(["0", "1", "2", "9"])
    if op == "chunk":
        message["entry"] = draw(refs)
    else:
        metas = (
            entry_metas
            if hostile
            else st.builds(
                lambda ref, name, size: {
                    "ref": ref,
                    "name": name,
                    "size": size,
                    "type": "image/png",
                },
                refs,
                st.sampled_from(["a.png", "b.gif"]),
                st.sampled_from([0, 1, 150, 1000, 1001]),
            )
        )
        message["entries"] = draw(
            st.lists(
                metas,
                max_size=4,
                unique_by=lambda m: id(m["ref"]) if isinstance(m["ref"], list | dict) else m["ref"],
            )
            | odd
        )
    buffers = draw(buffer_lists) if op == "chunk" or draw(st.integers(0, 9)) == 0 else []
    return (draw(mangled(message)) if hostile else message), buffers


def test_fuzzed_upload_messages_get_one_answer_and_leave_no_file_behind(monkeypatch, loop):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    monkeypatch.setattr(logging.getLogger("livewidget"), "disabled", True)
    widget = LiveWidget(Uploads)
    loop.run_until_complete(asyncio.sleep(0.01))
    channel = widget.comm
    channel.from_frontend({"k": "join"})
    loop.run_until_complete(asyncio.sleep(0.01))
    ref = widget.assigns["uploads"].f.ref
    manager = widget._session.socket._uploads.manager()
    paths: set[str] = set()
    seen = {"errors": 0, "answers": 0, "chunks_written": 0}

    def send(content: Any, buffers: list[Any]) -> None:
        channel.handle_msg(
            {"content": {"data": {"method": "custom", "content": content}}, "buffers": buffers}
        )

    @settings(
        max_examples=UPLOAD_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        drawn=st.one_of(
            upload_messages(hostile=False),
            upload_messages(hostile=False),
            upload_messages(hostile=False),
            upload_messages(hostile=True),
            st.tuples(messages, buffer_lists.filter(bool)),
        )
    )
    def one_message(drawn: tuple[Any, list[Any]]) -> None:
        message, buffers = drawn
        if isinstance(message, dict) and message.get("upload") == "REF":
            message = {**message, "upload": ref}
        n_before = widget.assigns["n"]
        sent_before = len(channel.custom())
        with CallCounter() as counter:
            send(message, buffers)
        loop.run_until_complete(asyncio.sleep(0))
        new = channel.custom()[sent_before:]
        # Exactly one answer; a refused chunk may add one update without a ref (the entry
        # it cut off leaves the page).
        answers = [m for m in new if "ref" in m or "err" in m]
        assert len(answers) == 1, (message, new)
        if "err" in answers[0]:
            seen["errors"] += 1
        seen["answers"] += 1
        assert widget.assigns["n"] == n_before  # upload messages never reach handle_event
        paths.update(t.path for t in manager._transfers.values())
        seen["chunks_written"] += sum(t.received for t in manager._transfers.values()) > 0
        # Files on disk belong to entries the kernel allowed, and hold no more than announced.
        entries = {e.ref: e for e in widget.assigns["uploads"].f.entries}
        for (_, entry_ref), transfer in manager._transfers.items():
            assert entry_ref in entries and entries[entry_ref].preflighted
            assert transfer.received <= entries[entry_ref].client_size
        size = size_of(message) + sum(len(bytes(b)) for b in buffers)
        assert counter.calls <= BASE_CALLS + CALLS_PER_BYTE * size, (counter.calls, size)

    try:
        one_message()
    finally:
        widget.close()
    assert seen["answers"] >= UPLOAD_EXAMPLES
    assert 0 < seen["errors"] < seen["answers"]
    assert seen["chunks_written"] > 0, "the fuzzer reached the disk"
    assert paths and not any(os.path.exists(path) for path in paths), "closed: files removed"
