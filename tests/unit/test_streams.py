"""Streams (``socket.stream`` and friends), ``temporary_assigns`` and their wire format.

Views are driven through :mod:`livewidget.testing`; the wire is merged by the Python client,
our JS client and Phoenix LiveView's own (``tests/_oracle.py``); memory is counted with
tracemalloc over 100,000 rows.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import re
import tracemalloc
import weakref
from typing import Any

import comm
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import livewidget._streams as livewidget_streams
from livewidget import LiveView
from livewidget._streams import Streams
from livewidget.template import CompiledTemplate, Rendered, diff, environment, merge, to_html
from livewidget.template._row_store import RowStore, encode_rows
from livewidget.template._stream_ops import apply_ops
from livewidget.template._streams import StreamOps
from livewidget.testing import LiveViewTest
from tests._assign_updates import apply_step, states, steps, with_helpers
from tests._jinja_grammar import templates
from tests._oracle import merge_three_ways

LIST = (
    '<ul id="msgs" phx-update="stream">{% for dom_id, m in streams.msgs %}'
    '<li id="{{ dom_id }}">{{ m.text }}</li>{% endfor %}</ul>'
)


class Chat(LiveView):
    """Each event names a socket call; its params are the call's arguments."""

    template = LIST

    def mount(self, socket, session, params):
        socket.stream("msgs", [{"id": 1, "text": "a"}, {"id": 2, "text": "b"}])

    def handle_event(self, event, params, socket):
        if event == "insert":
            item = {"id": params["id"], "text": params["text"]}
            socket.stream_insert("msgs", item, at=params.get("at", -1), limit=params.get("limit"))
        elif event == "stream":
            items = [{"id": i, "text": f"t{i}"} for i in params["ids"]]
            socket.stream("msgs", items, at=params.get("at", -1), reset=params.get("reset", False))
        elif event == "delete":
            socket.stream_delete("msgs", {"id": params["id"]})
        elif event == "delete_dom":
            socket.stream_delete_by_dom_id("msgs", params["dom_id"])
        elif event == "fail":
            socket.stream_insert("msgs", {"id": 99, "text": "never"})
            raise RuntimeError("boom")


def rows(view: LiveViewTest) -> list[str]:
    """The rows on the page, as ``id:text``."""
    return [f"{li['id']}:{li.get_text()}" for li in view.find_all("li")]


@pytest.fixture
def chat():
    with LiveViewTest(Chat) as view:
        yield view


def test_mount_renders_the_first_rows(chat):
    assert rows(chat) == ["msgs-1:a", "msgs-2:b"]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (-1, ["msgs-1:a", "msgs-2:b", "msgs-3:c"]),
        (0, ["msgs-3:c", "msgs-1:a", "msgs-2:b"]),
        (1, ["msgs-1:a", "msgs-3:c", "msgs-2:b"]),
        (7, ["msgs-1:a", "msgs-2:b", "msgs-3:c"]),
    ],
)
def test_insert_at_a_position(chat, at, expected):
    chat.push_event("insert", {"id": 3, "text": "c", "at": at})
    assert rows(chat) == expected


def test_an_insert_of_a_shown_row_updates_it_in_place(chat):
    chat.push_event("insert", {"id": 1, "text": "A", "at": -1})
    assert rows(chat) == ["msgs-1:A", "msgs-2:b"]
    assert chat.messages[-1]["d"]["0"]["stream"] == ["0", [["msgs-1", -1, None, False]], []]


def test_several_items_at_zero_show_reversed_as_in_phoenix(chat):
    chat.push_event("stream", {"ids": [5, 6], "at": 0})
    assert rows(chat) == ["msgs-6:t6", "msgs-5:t5", "msgs-1:a", "msgs-2:b"]


def test_delete_and_delete_by_dom_id(chat):
    chat.push_event("delete", {"id": 1})
    assert rows(chat) == ["msgs-2:b"]
    chat.push_event("delete_dom", {"dom_id": "msgs-2"})
    assert rows(chat) == []
    assert chat.messages[-1]["d"]["0"] == {"k": {"kc": 0}, "stream": ["0", [], ["msgs-2"]]}


@pytest.mark.parametrize(
    ("at", "limit", "expected"),
    [
        (-1, -2, ["msgs-2:b", "msgs-3:c"]),  # keep the last two
        (0, 2, ["msgs-3:c", "msgs-1:a"]),  # keep the first two
        (-1, 5, ["msgs-1:a", "msgs-2:b", "msgs-3:c"]),
    ],
)
def test_limit_prunes_the_other_end(chat, at, limit, expected):
    chat.push_event("insert", {"id": 3, "text": "c", "at": at, "limit": limit})
    assert rows(chat) == expected


def test_reset_replaces_every_row(chat):
    chat.push_event("stream", {"ids": [7, 8], "reset": True})
    assert rows(chat) == ["msgs-7:t7", "msgs-8:t8"]
    assert chat.messages[-1]["d"]["0"]["stream"][3] is True


def test_a_failing_handler_inserts_nothing_and_the_next_render_forgets_it(chat):
    chat.raise_errors = False
    chat.push_event("fail")
    chat.push_event("insert", {"id": 3, "text": "c"})
    assert rows(chat) == ["msgs-1:a", "msgs-2:b", "msgs-3:c"]


def test_only_new_rows_travel():
    with LiveViewTest(Chat) as view:
        view.push_event("insert", {"id": 3, "text": "c"})
        assert view.messages[-1]["d"]["0"]["k"] == {"0": {"0": "msgs-3", "1": "c"}, "kc": 1}
    with LiveViewTest(Two) as view:
        view.push_event("hide")  # no stream changed: neither stream is in the diff
        assert set(view.messages[-1]["d"]) == {"1"}


class Configured(LiveView):
    template = (
        "{% for dom_id, u in streams.users %}<p id=\"{{ dom_id }}\">{{ u['name'] }}</p>{% endfor %}"
    )

    def mount(self, socket, session, params):
        socket.stream_configure("users", dom_id=lambda user: f"user-{user['email']}")
        socket.stream("users", [{"email": "a@x", "name": "Ada"}])


def test_configure_names_the_rows():
    with LiveViewTest(Configured) as view:
        assert view.html() == '<p id="user-a@x">Ada</p>'


class Two(LiveView):
    """Two streams named like dict methods, beside a normal loop, one inside an if."""

    template = (
        '<ul id="a" phx-update="stream">{% for dom_id, x in streams.items %}'
        '<li id="{{ dom_id }}">{{ x.id }}</li>{% endfor %}</ul>'
        '{% if shown %}<ol id="b" phx-update="stream">{% for dom_id, x in streams.keys %}'
        '<li id="{{ dom_id }}">{{ x.id }}</li>{% endfor %}</ol>{% endif %}'
        "{% for n in plain %}<i>{{ n }}</i>{% endfor %}"
    )

    def mount(self, socket, session, params):
        socket.assign(shown=True, plain=[1, 2])
        socket.stream("items", [{"id": 1}])
        socket.stream("keys", [{"id": 2}])

    def handle_event(self, event, params, socket):
        if event == "both":
            socket.stream_insert("items", {"id": 3})
            socket.stream_insert("keys", {"id": 4}, at=0)
            socket.assign(plain=[*socket.assigns.plain, 9])
        elif event == "hide":
            socket.assign(shown=not socket.assigns.shown)


def test_two_streams_named_items_and_keys_beside_a_normal_loop():
    with LiveViewTest(Two) as view:
        assert view.html() == (
            '<ul id="a" phx-update="stream"><li id="items-1">1</li></ul>'
            '<ol id="b" phx-update="stream"><li id="keys-2">2</li></ol><i>1</i><i>2</i>'
        )
        view.push_event("both")
        assert [li["id"] for li in view.find_all("#a li")] == ["items-1", "items-3"]
        assert [li["id"] for li in view.find_all("#b li")] == ["keys-4", "keys-2"]
        assert len(view.find_all("i")) == 3
        view.push_event("hide")
        assert view.find_all("#b") == []
        view.push_event("hide")  # the container comes back: its stream starts empty, as in Phoenix
        assert view.find_all("#b li") == []
        assert len(view.find_all("#a li")) == 2


def test_a_late_joiner_sees_every_row():
    with LiveViewTest(Chat) as view:
        view.push_event("insert", {"id": 3, "text": "c", "at": 0})
        view.push_event("delete", {"id": 1})
        full = view.session.tree.to_json()  # what a join sends
        page = merge_three_ways([[json.loads(json.dumps(full))]])[0]
        assert page["python"] == page["ours"] == page["phoenix"] == [view.html()]
        assert rows(view) == ["msgs-3:c", "msgs-2:b"]


def test_names_positions_and_ids_are_checked():
    streams = Streams()
    with pytest.raises(ValueError, match="identifier"):
        streams.stream("_x", [])
    with pytest.raises(ValueError, match="at must be"):
        streams.insert("msgs", {"id": 1}, at=-2)
    with pytest.raises(ValueError, match="no id"):
        streams.insert("msgs", {"text": "x"})
    with pytest.raises(ValueError, match="whitespace"):
        streams.delete_by_dom_id("msgs", "a b")
    with pytest.raises(TypeError, match="iterable of items"):
        streams.stream("msgs", {"id": 1})


class _Item:
    def __init__(self, id: Any) -> None:
        self.id = id


class _Mapping(dict):  # type: ignore[type-arg]
    def get(self, key: Any, default: Any = None) -> Any:
        return f"own-{dict.get(self, key, default)}"


_ids = st.one_of(
    st.integers(-5, 5), st.booleans(), st.none(), st.sampled_from(["a", "a b", "", "x\ty"])
)
_items = st.one_of(
    st.builds(lambda i: {"id": i, "text": "t"}, _ids),
    st.builds(lambda: {"text": "no id"}),
    st.builds(_Item, _ids),
    st.builds(lambda i: _Mapping(id=i), _ids),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_items, max_size=6))
def test_a_batch_is_named_as_each_item_one_by_one(items: list[Any]) -> None:
    """A batch's DOM ids (read in a few passes for dicts and objects) are those that
    ``dom_id`` gives each item alone, and a batch fails where an item alone fails (naming
    an item without an id before an id with whitespace)."""
    streams = Streams()
    try:
        expected = [streams.dom_id("msgs", item) for item in items]
    except ValueError:
        with pytest.raises(ValueError, match=r"^stream 'msgs': (an item has no id|a row's DOM id)"):
            streams._dom_ids_of("msgs", items)
    else:
        assert streams._dom_ids_of("msgs", items) == expected


def test_a_batch_of_dicts_with_int_ids_is_named_without_a_call_per_item(monkeypatch):
    calls: list[Any] = []
    real = livewidget_streams.default_dom_id
    monkeypatch.setattr(
        livewidget_streams, "default_dom_id", lambda name: calls.append(name) or real(name)
    )
    items = [{"id": i, "text": "t"} for i in range(100)]
    assert Streams()._dom_ids_of("msgs", items) == [f"msgs-{i}" for i in range(100)]
    assert calls == []


# -- temporary assigns with phx-update="append" / "prepend" ------------------------------------


class Feed(LiveView):
    temporary_assigns = {"messages": []}
    template = (
        '<div id="feed" phx-update="{{ mode }}">{% for m in messages %}'
        '<p id="m-{{ m.id }}">{{ m.text }}</p>{% endfor %}</div><span>{{ count }}</span>'
    )

    def mount(self, socket, session, params):
        socket.assign(mode=session.get("mode", "append"), count=0)
        socket.assign(messages=[{"id": 1, "text": "a"}])

    def handle_event(self, event, params, socket):
        if event == "post":
            socket.assign(messages=[{"id": params["id"], "text": params["text"]}])
        socket.assign(count=socket.assigns.count + 1)


@pytest.mark.parametrize("mode", ["append", "prepend"])
def test_temporary_assigns_reset_after_each_render_and_send_only_new_rows(mode):
    with LiveViewTest(Feed, session={"mode": mode}) as view:
        assert view.assigns["messages"] == []  # reset once the first render was made
        view.push_event("post", {"id": 2, "text": "b"})
        rows_sent = view.messages[-1]["d"]["1"]["k"]
        assert rows_sent == {"0": {"0": "2", "1": "b"}, "kc": 1}
        assert view.assigns["messages"] == []
        view.push_event("tick")  # not marked changed: the loop is not sent again
        assert view.messages[-1]["d"] == {"2": "2"}


# -- the wire against Phoenix's client ------------------------------------------------------


def reference(state: list[tuple[str, str]], ops: dict[str, Any]) -> list[tuple[str, str]]:
    """What the page shows, written from Phoenix's rules independently of the code."""
    rows_ = [] if ops["reset"] else [row for row in state if row[0] not in ops["deletes"]]
    for dom_id, text, at, limit in ops["inserts"]:
        index = next((i for i, row in enumerate(rows_) if row[0] == dom_id), None)
        if index is not None:
            rows_[index] = (dom_id, text)
            continue
        rows_.insert(len(rows_) if at == -1 else at, (dom_id, text))
        if limit is not None and len(rows_) > abs(limit):
            rows_ = rows_[len(rows_) + limit :] if limit < 0 else rows_[:limit]
    return rows_


def random_ops(
    rng: random.Random, streams: Streams, state: list[tuple[str, str]]
) -> dict[str, Any]:
    """Queue random stream calls for one render; the same calls, as the reference reads them."""
    ops: dict[str, Any] = {"reset": False, "deletes": set(), "inserts": []}
    if rng.random() < 0.08:
        streams.stream("msgs", [], reset=True)
        ops["reset"] = True
    shown = [dom_id for dom_id, _ in state]
    for _ in range(rng.randrange(0, 3)):
        if shown and rng.random() < 0.5:
            dom_id = rng.choice(shown)
            if all(insert[0] != dom_id for insert in ops["inserts"]):
                streams.delete_by_dom_id("msgs", dom_id)
                ops["deletes"].add(dom_id)
    used: set[str] = set()
    for _ in range(rng.randrange(0, 4)):
        key = rng.randrange(12)
        dom_id = f"msgs-{key}"
        if dom_id in used or dom_id in ops["deletes"]:
            continue
        used.add(dom_id)
        at = rng.choice([-1, -1, 0, 1, 3])
        limit = rng.choice([None, None, None, -4, 5])
        text = f"v{rng.randrange(100)}"
        streams.insert("msgs", {"id": key, "text": text}, at=at, limit=limit)
        ops["inserts"].append((dom_id, text, at, limit))
    return ops


def page_of(state: list[tuple[str, str]]) -> str:
    items = "".join(f'<li id="{dom_id}">{text}</li>' for dom_id, text in state)
    return f'<ul id="msgs" phx-update="stream">{items}</ul>'


def stream_sequence(seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Random renders; some diffs span several renders (held back, as the pacer does)."""
    rng = random.Random(seed)
    compiled = CompiledTemplate(environment(), LIST)
    streams = Streams()
    state: list[tuple[str, str]] = []
    ops = random_ops(rng, streams, state)
    state = reference(state, ops)
    server = compiled.render({"streams": streams.namespace})
    streams.rendered()
    messages, pages = [server.to_json()], [page_of(state)]
    sent: Rendered = server
    for _ in range(25):
        ops = random_ops(rng, streams, state)
        state = reference(state, ops)
        server = compiled.render(
            {"streams": streams.namespace}, changed={"streams"}, previous=server
        )
        streams.rendered()
        if rng.random() < 0.35:
            continue  # held: the next message carries it too
        messages.append(diff(sent, server))
        pages.append(page_of(state))
        sent = server
    return json.loads(json.dumps(messages)), pages


def test_three_clients_agree_with_the_reference_on_random_stream_operations():
    built = [stream_sequence(seed) for seed in range(60)]
    results = merge_three_ways([messages for messages, _ in built])
    spans = sum('"stream": ["0", [], [], true]' not in json.dumps(m) for m, _ in built)
    assert spans > 0
    for seed, ((messages, pages), result) in enumerate(zip(built, results, strict=True)):
        for client, htmls in result.items():
            for step, (html, page) in enumerate(zip(htmls, pages, strict=True)):
                assert html == page, (client, seed, step, messages[step])


# -- memory ---------------------------------------------------------------------------------


class Item:
    __slots__ = ("__weakref__", "id", "text")

    def __init__(self, id: int) -> None:
        self.id = id
        self.text = f"message number {id}"


def test_memory_stays_flat_over_100_000_rows():
    compiled = CompiledTemplate(environment(), LIST)
    streams = Streams()
    streams.stream("msgs", [])
    tree = compiled.render({"streams": streams.namespace})
    streams.rendered()
    gc.collect()
    tracemalloc.start()
    # The test's own records (its weak references) are not the kernel's: leave them out.
    mine = [tracemalloc.Filter(False, __file__)]
    try:
        before = tracemalloc.take_snapshot().filter_traces(mine)
        alive: list[weakref.ref[Item]] = []
        sent = 0
        for batch in range(100):
            items = [Item(batch * 1000 + i) for i in range(1000)]
            alive.extend(weakref.ref(item) for item in items)
            streams.stream("msgs", items)
            del items
            new = compiled.render(
                {"streams": streams.namespace}, changed={"streams"}, previous=tree
            )
            sent += len(diff(tree, new)["0"]["stream"][1])
            tree = new
            streams.rendered()
        gc.collect()
        after = tracemalloc.take_snapshot().filter_traces(mine)
        retained = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    assert not any(ref() is not None for ref in alive), "an item outlived its render"
    html = str(tree).encode()
    assert len(re.findall(r'<li id="msgs-\d+">', html.decode())) == 100_000
    body = len(html) - len('<ul id="msgs" phx-update="stream"></ul>')
    assert retained <= 2 * body, (retained, body)
    assert sent == 100_000  # each row travelled once


@pytest.mark.parametrize(
    "loop",
    [
        "{% for dom_id, m in streams.msgs if m %}{{ dom_id }}{% endfor %}",
        "{% for dom_id, m in streams.msgs %}{{ dom_id }}{% else %}none{% endfor %}",
        "{% macro rows() %}{% for d, m in streams.msgs %}{{ d }}{% endfor %}{% endmacro %}"
        "{{ rows() }}",
    ],
)
def test_a_stream_read_by_anything_but_its_own_loop_is_refused(loop):
    streams = Streams()
    streams.stream("msgs", [{"id": 1}])
    with pytest.raises(TypeError, match="loop of its own"):
        CompiledTemplate(environment(), loop).render({"streams": streams.namespace})


# -- the differential test, with a stream beside random templates --------------------------

# The grammar's templates and updates (issue #11's differential test), with a stream container
# beside them and random stream operations queued with each update: after every message the
# page must be Jinja2's render of the template followed by the reference's stream.


@settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("LIVEWIDGET_DIFFERENTIAL_EXAMPLES", "800")) // 8,
    suppress_health_check=list(HealthCheck),
)
@given(template=templates(), spec=states(), sequence=steps(), seed=st.integers(0, 2**16))
def test_a_stream_beside_random_templates_equals_jinja_and_the_reference(
    template, spec, sequence, seed, tmp_path_factory
):
    if "extends" in template.source:
        reject()  # an extending template renders whole: its streams are refused (tested above)
    folder = tmp_path_factory.getbasetemp() / "stream-differential"
    folder.mkdir(exist_ok=True)
    for name, text in template.files:
        (folder / name).write_text(text, encoding="utf-8")
    env = environment(str(folder))
    state = with_helpers(spec)
    try:
        plain = env.from_string(template.source)
        plain.render(state)
    except Exception:
        reject()
    compiled = CompiledTemplate(env, template.source + LIST)
    rng = random.Random(seed)
    streams = Streams()
    page: list[tuple[str, str]] = []
    page = reference(page, random_ops(rng, streams, page))
    server = compiled.render({**state, "streams": streams.namespace})
    streams.rendered()
    client = merge(None, json.loads(json.dumps(server.to_json())))
    assert to_html(client) == plain.render(state) + page_of(page)
    for step in sequence:
        update = apply_step(state, step)
        state.update(update)
        try:
            expected = plain.render(state)
        except Exception:
            return
        page = reference(page, random_ops(rng, streams, page))
        after = compiled.render(
            {**state, "streams": streams.namespace},
            changed={*update, "streams"},
            previous=server,
        )
        streams.rendered()
        client = merge(client, json.loads(json.dumps(diff(server, after))))
        assert to_html(client) == expected + page_of(page), (template.source, step)
        assert str(after) == expected + page_of(page)
        server = after


class Ticker(LiveView):
    """Rows from handle_info, which the pacer may hold back (one message per frame)."""

    temporary_assigns = {"lines": []}
    template = (
        '<div id="log" phx-update="append">{% for l in lines %}'
        '<p id="l-{{ l }}">{{ l }}</p>{% endfor %}</div>'
    )

    def mount(self, socket, session, params):
        socket.assign(lines=[])

    def handle_info(self, info, socket):
        socket.assign(lines=[info])

    def handle_event(self, event, params, socket):
        socket.assign(lines=[params["n"]])


def test_temporary_rows_held_by_the_pacer_all_reach_the_page():
    with LiveViewTest(Ticker) as view:

        async def burst():
            for n in range(1, 21):
                view.session.send_info(n)
            # An event whose reply comes while updates are held back.
            event = {"value": {"n": 21}, "ref": 99}
            view.session.receive({"k": "event", "type": "click", "event": "line", **event})
            await view.session.drain()

        view._run(burst())
        sent = [
            row["1"]
            for message in view.messages
            for row in message.get("d", {}).get("0", {}).get("k", {}).values()
            if isinstance(row, dict)
        ]
        assert sorted(int(n) for n in sent) == list(range(1, 22))


def test_a_loop_that_reads_a_stream_then_a_list_renders_each():
    source = (
        "{% for dom_id, m in (streams.msgs if live else pairs) %}<i>{{ dom_id }}</i>{% endfor %}"
    )
    compiled = CompiledTemplate(environment(), source)
    streams = Streams()
    streams.stream("msgs", [{"id": 1}])
    first = compiled.render({"streams": streams.namespace, "live": True, "pairs": []})
    streams.rendered()
    state = {"streams": streams.namespace, "live": False, "pairs": [("p", 1)]}
    second = compiled.render(state, changed={"live", "pairs"}, previous=first)
    client = merge(merge(None, first.to_json()), json.loads(json.dumps(diff(first, second))))
    assert to_html(client) == str(second) == "<i>p</i>"


# -- the kernel's record of a stream, and a batch's cost in counts ---------------------------


def _reference(chunks: list[tuple[list[str], list[Any]]]) -> tuple[list[str], list[Any]]:
    """What the page shows after appending each chunk: a shown id is updated in place."""
    ids: list[str] = []
    rows: list[Any] = []
    for chunk_ids, chunk_rows in chunks:
        steps = [(i, -1, None, False, r) for i, r in zip(chunk_ids, chunk_rows, strict=True)]
        apply_ops(ids, rows, False, (), steps)
    return ids, rows


@pytest.mark.parametrize("seed", range(40))
def test_the_row_store_shows_what_the_page_shows_after_appends(seed):
    """Appends of rows of every packing (text, NUL inside, cids, nested JSON), ids that repeat
    across and within chunks, through merges: the store reads back as the page's rows."""
    rng = random.Random(seed)
    kinds = [
        lambda n: [f"row {n}", f"<b>{n}</b>"],
        lambda n: [f"nul\x00{n}", "x"],
        lambda n: [n, f"cid row {n}"],
        lambda n: [{"s": ["<i>", "</i>"], "0": str(n)}, "nested"],
    ]
    store = RowStore()
    chunks: list[tuple[list[str], list[Any]]] = []
    for _ in range(rng.randrange(1, 80)):
        ids = [f"m-{rng.randrange(60)}" for _ in range(rng.randrange(0, 12))]
        kind = rng.choice(kinds)
        rows = [kind(rng.randrange(1000)) for _ in ids]
        chunks.append((ids, rows))
        store = store.appended(ids, *encode_rows(rows))
        assert len(store.chunks) <= 33
    assert store.unpack() == _reference(chunks)
    assert store.compacted().unpack() == _reference(chunks)
    assert store.compacted().logged == len(_reference(chunks)[0])


def test_rows_of_strings_are_packed_as_text_and_others_as_json():
    assert encode_rows([["a", "b"], ["c", "d"]]) == ("a\x00b\x00c\x00d", 2)
    assert encode_rows([["a\x00", "b"]]) == ('[["a\\u0000","b"]]', 0)
    assert encode_rows([[3, "b"]]) == ('[[3,"b"]]', 0)
    assert encode_rows([["a"], ["b", "c"]]) == ('[["a"],["b","c"]]', 0)
    with pytest.raises(TypeError):
        encode_rows([[object()]])


def _grow_in_batches(rows: int, batch: int) -> dict[str, Any]:
    """bench.stream_batches' path on a loop of its own: its figures (counts and bytes)."""
    from bench import stream_batches

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    created = comm.create_comm
    try:
        return stream_batches.grow(rows, batch, loop)
    finally:
        comm.create_comm = created
        loop.close()
        asyncio.set_event_loop(None)


def test_a_stream_batch_through_a_widget_is_one_message_of_pinned_size_and_keeps_no_item():
    """Deterministic counts of bench.stream_batches' path: one answer per batch, its bytes,
    no item alive once a batch is answered, and the kernel's record in a few chunks."""
    from bench import stream_batches

    figures = _grow_in_batches(5000, 1000)
    assert figures["messages"] == 1 + 5  # the join's page, then one answer per batch
    # Rows 1000..1999: 49-51 B each in "k" ('"7":{"0":"msgs-1007","1":"message number
    # 1007"},'), 28 B in the instruction ('["msgs-1007",-1,null,false],'), and the envelope.
    assert figures["batch bytes"] == 77_947
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, stream_batches.Message)]


def test_a_batch_of_appends_leaves_the_record_in_few_chunks_and_each_row_once():
    compiled = CompiledTemplate(environment(), LIST)
    streams = Streams()
    streams.stream("msgs", [])
    tree = compiled.render({"streams": streams.namespace})
    streams.rendered()
    for batch in range(64):
        streams.stream("msgs", [Item(batch * 100 + i) for i in range(100)])
        tree = compiled.render({"streams": streams.namespace}, changed={"streams"}, previous=tree)
        streams.rendered()
    comprehension = tree.dynamics[0]
    store = comprehension.store
    assert store.logged == 6400
    assert len(store.chunks) <= 8  # merged as rows accumulate: at 300, 700, 1500, 3100 rows
    assert store.chunks[0].width == 2  # packed as text
    assert len(comprehension.to_json()["stream"][1]) == 6400


def test_queued_inserts_of_one_render_keep_one_entry_per_id():
    """Within a render, an id queued again takes the new item where and as it was queued
    (its position), with the new limit; a delete drops its queued insert."""
    ops = StreamOps("0")
    ops.add(["a", "b"], [1, 2], -1, None)
    ops.add(["c", "a"], [3, 4], 0, 5)  # "a" again: its new item, at -1 kept, limit 5
    ops.add(["d", "d"], [5, 6], -1, None)  # repeated within one batch
    assert ops.ids == ["a", "b", "c", "d"]
    assert ops.items == [4, 2, 3, 6]
    assert ops.wire == [
        ["a", -1, 5, False],
        ["b", -1, None, False],
        ["c", 0, 5, False],
        ["d", -1, None, False],
    ]
    assert not ops.plain
    ops.delete("b")
    assert (ops.ids, ops.items, ops.deletes) == (["a", "c", "d"], [4, 3, 6], ["b"])
    ops.add(["b"], [7], -1, None)
    assert ops.queued == {"a": 0, "c": 1, "d": 2, "b": 3}
    plain = StreamOps("1")
    plain.add(["x", "y"], [1, 2], -1, None)
    assert plain.plain and plain.wire == [["x", -1, None, False], ["y", -1, None, False]]


# -- what a kernel cannot send, in a stream's rows ---------------------------------------------

LONE = "\ud800"


class Unsendable(LiveView):
    """Each event streams something a kernel cannot pack into one part of a stream's change."""

    template = (
        '<ul id="msgs" phx-update="stream">{% for dom_id, m in streams.msgs %}'
        '<li id="{{ dom_id }}">{{ m.text }}</li>{% endfor %}</ul>'
        '<ol id="cards" phx-update="stream">{% for dom_id, c in streams.cards %}'
        '<li id="{{ dom_id }}">{% if c.big %}<b>{{ c.text }}</b>{% endif %}</li>{% endfor %}</ol>'
    )

    def mount(self, socket, session, params):
        socket.stream_configure("msgs", dom_id=lambda m: f"msgs-{m['key']}")
        socket.stream("msgs", [{"key": "1", "text": "a"}])
        socket.stream("cards", [{"id": 1, "big": True, "text": "A"}])

    def handle_event(self, event, params, socket):
        many = [{"key": str(i), "text": f"t{i}"} for i in range(10, 20)]
        if event == "row":  # one row's text, among others
            socket.stream("msgs", [*many, {"key": "2", "text": "b" + LONE}])
        elif event == "id":  # a DOM id
            socket.stream("msgs", [*many, {"key": "2" + LONE, "text": "b"}])
        elif event == "delete":  # a deleted DOM id
            socket.stream("msgs", many)
            socket.stream_delete_by_dom_id("msgs", "msgs-1" + LONE)
        elif event == "nested":  # a row packed as JSON (a nested tree)
            socket.stream("cards", [{"id": 2, "big": True, "text": "B" + LONE}])
        elif event == "at":  # an insert at a position, with a limit
            socket.stream("msgs", [{"key": "2", "text": "b" + LONE}], at=0, limit=5)
        elif event == "ok":
            socket.stream("msgs", [{"key": "3", "text": "NaN and Infinity, as words"}])
            socket.stream("cards", [{"id": 3, "big": True, "text": "Infinity"}])


@pytest.mark.parametrize("event", ["row", "id", "delete", "nested", "at"])
def test_a_lone_surrogate_in_a_stream_change_rolls_back_with_the_clear_error(event):
    """A stream's rows are checked as sendable when they are packed, not again in the
    message: a lone surrogate in a row, a DOM id or a delete still fails the event, names
    itself, and leaves the page and the stream as they were."""
    with LiveViewTest(Unsendable, raise_errors=False) as view:
        before = (view.html(), view.session.tree.to_json())
        replies = view.send_raw({"k": "event", "ref": 9, "type": "hook", "event": event})
        assert len(replies) == 1 and replies[0]["ref"] == 9
        assert "lone surrogate" in replies[0]["err"]["message"]
        assert (view.html(), view.session.tree.to_json()) == before
        view.push_event("ok")  # the next event works, and words like NaN are only words
        assert [li["id"] for li in view.find_all("li")] == [
            "msgs-1",
            "msgs-3",
            "cards-1",
            "cards-3",
        ]
        assert view.find_all("li")[1].get_text() == "NaN and Infinity, as words"


def test_a_stream_batch_encodes_only_what_was_not_checked_when_packed(monkeypatch):
    """The message check of a batch of 1,000 rows does not write its rows as JSON again:
    per batch, one check encoding a few bytes (the rows are checked when packed)."""
    from livewidget import _encoding

    encoded: list[bytes] = []
    encode = _encoding.encode

    def counting(message: Any) -> bytes:
        data = encode(message)
        encoded.append(data)
        return data

    monkeypatch.setattr(_encoding, "encode", counting)
    figures = _grow_in_batches(5000, 1000)
    assert figures["batch bytes"] == 77_947
    # Per batch, the transaction's check of [diff, events, title, reply, url] writes the
    # stream's change as null; nothing else writes more than an inbound message's bytes.
    assert encoded.count(b'[{"0":null},[],null,null,null]') == 5
    assert max(map(len, encoded)) < 200


def test_a_page_joining_a_long_stream_gets_rows_checked_when_packed(monkeypatch):
    """The rows a late joiner gets were checked when they were packed: the join's check
    leaves the stream out (its statics are checked with it), and writes the rest."""
    from livewidget import _encoding

    encoded: list[Any] = []
    encode = _encoding.encode

    def recording(message: Any) -> bytes:
        encoded.append(message)
        return encode(message)

    with LiveViewTest(Chat) as view:
        view.push_event("stream", {"ids": list(range(3, 300))})
        monkeypatch.setattr(_encoding, "encode", recording)
        view.send_raw({"k": "join"})
        monkeypatch.undo()
        assert len(view.find_all("li")) == 299
    checks = [message for message in encoded if isinstance(message, dict) and "r" in message]
    assert [message["r"]["0"] is None for message in checks] == [True, False]  # session, client


@pytest.mark.parametrize(
    ("template", "rows"),
    [
        (LIST.replace("</li>", "\ud800</li>"), ["a", "b"]),  # the rows' statics
        (LIST, ["a", "b\ud800"]),  # a row mounted
    ],
)
def test_a_mounted_stream_that_cannot_be_sent_fails_the_mount(template, rows):
    class Broken(LiveView):
        def mount(self, socket, session, params):
            socket.stream("msgs", [{"id": n, "text": text} for n, text in enumerate(rows)])

    Broken.template = template
    with LiveViewTest(Broken, raise_errors=False) as view:
        assert "could not be shown" in view.html()
        assert "lone surrogate" in json.dumps(view.messages[0])
