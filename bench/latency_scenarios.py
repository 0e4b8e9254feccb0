"""Click → screen through issue #15's scenarios, against the bare anywidget echo on the same page.

    python -m bench.latency_scenarios [--clicks 50] [--gap 30] [--envs voila,lab]
                                      [--nodelay on] [--profile SCENARIO] [--offscreen]
                                      [--against BUNDLE] [--rounds 1]

One notebook holds every scenario, so that all of them and their baseline share one page, one
server and one kernel (``bench.latency`` measures the Counter alone on its own page):

- ``echo``: the bare anywidget echo of ``bench.latency``, the baseline of every ratio;
- ``counter``: a Counter LiveWidget, the first of twenty;
- ``table cell`` / ``table append`` / ``table remove``: one LiveWidget showing a 1,000-row by
  5-column table (rows are dicts), whose buttons change one cell of row 250, append a row,
  and remove the 501st row (the table stays near 1,000 rows as the clicks go round);
- ``tuple table cell``: the same table with immutable rows (named tuples), one cell of row
  250 changed: what the kernel's row comparison costs when rows are found unchanged by
  identity, beside ``table cell``'s dicts, compared by value;
- ``stream +100``: a LiveWidget whose click appends 100 rows to a stream (``limit=-1000``:
  the page keeps the last 1,000);
- ``counter 20/20``: the last of twenty Counter LiveWidgets shown on the page;
- ``stream +100 by hand``: not a LiveWidget but a bare anywidget doing the stream's page
  work with no framework: its click sends a message, the kernel answers with the HTML of 100
  rows, the page inserts it and removes the rows past the last 1,000. What the stream's own
  DOM change costs, beside the echo that changes one text;
- ``table cell by hand``: a bare anywidget holding the table's 1,000 dict rows, whose click
  changes row 250's score and sends it, and whose page sets that one cell's text: the
  table's change with no framework and no comparison of rows (the code knows what changed).

Each click ends when a text the click changes goes from N to N+1 in the page (the changed
cell, the last row's id, the 501st row's id, the last streamed row's batch number, the
count). The clicking and timing are ``bench.latency``'s: round robin over the scenarios,
``--gap`` ms after each update, warm-up rounds dropped, p50 / p90 and the p50's ratio to the
echo's, split into click → the reply's websocket frame and frame → DOM. Each button is
scrolled into view before its click (untimed): the page is taller than the window, and in
JupyterLab a script's click on an element off screen makes Chromium render the whole cell
around it (``--offscreen`` clicks without scrolling, to see that cost; docs/latency.md).

Three more columns say where the time goes:

- ``replies/click`` and ``reply B``: the widget messages (iopub ``comm_msg``, method custom)
  that reached the page between each click and its update, and the median size of their
  content as it travels (the comm envelope included): one per click, and small;
- ``kernel ms``: the same views and events in this process, without server or browser (a
  widget on a recording comm): event in → answer sent, handler + render + diff + JSON. The
  rest of ``→frame`` is the transport, which the echo pays too.

``--profile SCENARIO`` prints the top of a cProfile of that scenario's events, in process.
``--against BUNDLE`` runs each frontend a second time with ``BUNDLE`` (another build of
``js/``) served as the frontend (its rows say ``against``), alternating with this checkout's
build ``--rounds`` times, so that two builds are compared under the same load.
Never asserts a time; ``tests/e2e/test_latency_bench.py`` checks the page once in Voilà.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import comm
from playwright.sync_api import Page, sync_playwright

from bench._against import serve_cell
from bench._comm import RecordingComm
from bench._table import print_table
from bench.latency import (
    BASELINE,
    ECHO_CELL,
    RUNNERS,
    Frame,
    Samples,
    Widgets,
    check,
    frames,
    header,
    launch,
    measure,
    server_env,
    summary,
    wait_for_widgets,
)
from tests.e2e._jupyter import write_notebook

COUNTERS = 20
TABLE_ROWS = 1000
STREAM_BATCH = 100

COUNTER_VIEW = '''
class Counter(LiveView):
    template = """<button id="c{{ i }}-inc" phx-click="inc">+1</button>
<span id="c{{ i }}-count">{{ count }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(i=session["i"], count=0)

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)
'''

TABLE_VIEW = f'''
CITIES = ["Oslo", "Lima", "Pune", "Kyiv", "Accra", "Quito", "Hanoi", "Porto"]

def make_row(i):
    return {{"id": i, "name": f"Person {{i}}", "email": f"person{{i}}@example.com",
            "city": CITIES[i % len(CITIES)], "score": (i * 37) % 100}}

class BigTable(LiveView):
    template = """<button id="big-cell" phx-click="cell">cell</button>
<button id="big-append" phx-click="append">append</button>
<button id="big-remove" phx-click="remove">remove</button>
<table>
  <thead><tr><th>id</th><th>name</th><th>email</th><th>city</th><th>score</th></tr></thead>
  <tbody id="big-rows">
  {{% for row in rows %}}
    <tr id="row-{{{{ row.id }}}}"><td>{{{{ row.id }}}}</td><td>{{{{ row.name }}}}</td><td>{{{{ row.email }}}}</td><td>{{{{ row.city }}}}</td><td>{{{{ row.score }}}}</td></tr>
  {{% endfor %}}
  </tbody>
</table>"""

    def mount(self, socket, session, params):
        socket.assign(rows=[make_row(i) for i in range(1, {TABLE_ROWS} + 1)])

    def handle_event(self, event, params, socket):
        rows = socket.assigns.rows
        if event == "cell":      # row id 250: never removed (removals take the 501st row)
            rows = [*rows[:249], {{**rows[249], "score": rows[249]["score"] + 1}}, *rows[250:]]
        elif event == "append":
            rows = [*rows, make_row(rows[-1]["id"] + 1)]
        elif event == "remove":
            rows = rows[:500] + rows[501:]
        socket.assign(rows=rows)
'''  # noqa: E501

TUPLE_TABLE_VIEW = f'''
from typing import NamedTuple

class Row(NamedTuple):
    id: int
    name: str
    email: str
    city: str
    score: int

class TupleTable(LiveView):
    template = """<button id="tup-cell" phx-click="cell">cell</button>
<table>
  <tbody id="tup-rows">
  {{% for row in rows %}}
    <tr id="trow-{{{{ row.id }}}}"><td>{{{{ row.id }}}}</td><td>{{{{ row.name }}}}</td><td>{{{{ row.email }}}}</td><td>{{{{ row.city }}}}</td><td>{{{{ row.score }}}}</td></tr>
  {{% endfor %}}
  </tbody>
</table>"""

    def mount(self, socket, session, params):  # make_row: the dict table's cell, run before
        socket.assign(rows=[Row(**make_row(i)) for i in range(1, {TABLE_ROWS} + 1)])

    def handle_event(self, event, params, socket):
        rows = socket.assigns.rows
        row = rows[249]
        socket.assign(rows=[*rows[:249], row._replace(score=row.score + 1), *rows[250:]])
'''  # noqa: E501

FEED_VIEW = f'''
class Feed(LiveView):
    template = """<button id="feed-more" phx-click="more">+{STREAM_BATCH}</button>
<ul id="feed-rows" phx-update="stream">{{% for dom_id, m in streams.msgs %}}
<li id="{{{{ dom_id }}}}"><b>{{{{ m.batch }}}}</b> {{{{ m.text }}}}</li>{{% endfor %}}</ul>"""

    def mount(self, socket, session, params):
        socket.assign(batch=0)
        self.append(socket, 0)

    def append(self, socket, batch):
        first = batch * {STREAM_BATCH}
        items = [{{"id": i, "batch": batch, "text": f"message number {{i}}"}}
                 for i in range(first, first + {STREAM_BATCH})]
        socket.stream("msgs", items, limit=-1000)

    def handle_event(self, event, params, socket):
        batch = socket.assigns.batch + 1
        self.append(socket, batch)
        socket.assign(batch=batch)
'''

HAND = f"stream +{STREAM_BATCH} by hand"
TUPLES = "tuple table cell"
HAND_TABLE = "table cell by hand"

# The stream's page work written by hand in a bare anywidget: the baseline of its DOM change.
HAND_FEED_CELL = f'''
import html as _html

import anywidget
import traitlets

class HandFeed(anywidget.AnyWidget):
    _esm = """
    export default {{
      render({{ model, el }}) {{
        const button = Object.assign(document.createElement("button"),
                                     {{ id: "hand-more", textContent: "+{STREAM_BATCH}" }});
        const list = Object.assign(document.createElement("ul"), {{ id: "hand-rows" }});
        const add = (html) => {{
          list.insertAdjacentHTML("beforeend", html);
          const excess = list.children.length - 1000;
          if (excess > 0) {{
            const range = document.createRange();
            range.setStartBefore(list.firstElementChild);
            range.setEndAfter(list.children[excess - 1]);
            range.deleteContents();
          }}
        }};
        button.addEventListener("click", () => model.send({{ n: 1 }}));
        model.on("msg:custom", (msg) => add(msg.html));
        add(model.get("first"));
        el.append(button, list);
      }},
    }};
    """
    first = traitlets.Unicode("").tag(sync=True)

    def __init__(self):
        super().__init__(first=self.rows(0))
        self.batch = 0
        self.on_msg(self.more)

    def rows(self, batch):
        first = batch * {STREAM_BATCH}
        return "".join(
            f'<li id="hand-{{i}}"><b>{{batch}}</b> {{_html.escape(f"message number {{i}}")}}</li>'
            for i in range(first, first + {STREAM_BATCH})
        )

    def more(self, widget, content, buffers):
        self.batch += 1
        self.send({{"html": self.rows(self.batch)}})
'''

# The table's one-cell change written by hand in a bare anywidget: the kernel knows which cell
# changed (no comparison of rows), the page sets that cell's text. Its rows are the dict table's
# (``make_row``, defined by TABLE_VIEW, which runs first in the notebook and in process).
HAND_TABLE_CELL = f'''
import html as _html

import anywidget
import traitlets

class HandTable(anywidget.AnyWidget):
    _esm = """
    export default {{
      render({{ model, el }}) {{
        const button = Object.assign(document.createElement("button"),
                                     {{ id: "hand-cell", textContent: "cell" }});
        const table = document.createElement("table");
        table.innerHTML = model.get("first");
        button.addEventListener("click", () => model.send({{ n: 1 }}));
        model.on("msg:custom", (msg) => {{
          table.querySelector(`#hrow-${{msg.id}} > td:nth-child(5)`).textContent = msg.score;
        }});
        el.append(button, table);
      }},
    }};
    """
    first = traitlets.Unicode("").tag(sync=True)

    def __init__(self):  # make_row: the dict table's cell, run before
        self.rows = [make_row(i) for i in range(1, {TABLE_ROWS} + 1)]
        cells = "</td><td>".join
        body = "".join(
            f'<tr id="hrow-{{r["id"]}}"><td>'
            + cells(_html.escape(str(r[k])) for k in ("id", "name", "email", "city", "score"))
            + "</td></tr>"
            for r in self.rows
        )
        super().__init__(first=f"<tbody>{{body}}</tbody>")
        self.on_msg(self.cell)

    def cell(self, widget, content, buffers):
        row = self.rows[249]
        row["score"] += 1
        self.send({{"id": row["id"], "score": row["score"]}})
'''

IMPORTS = "from IPython.display import display\nfrom livewidget import LiveView, LiveWidget\n"

CELLS = [
    IMPORTS + COUNTER_VIEW + '\nLiveWidget(Counter, session={"i": 1})\n',
    ECHO_CELL,
    IMPORTS + TABLE_VIEW + "\nLiveWidget(BigTable)\n",
    IMPORTS + TUPLE_TABLE_VIEW + "\nLiveWidget(TupleTable)\n",
    IMPORTS + FEED_VIEW + "\nLiveWidget(Feed)\n",
    HAND_FEED_CELL + "\nHandFeed()\n",
    HAND_TABLE_CELL + "\nHandTable()\n",
    f'for i in range(2, {COUNTERS} + 1):\n    display(LiveWidget(Counter, session={{"i": i}}))\n',
]

#: scenario → (selector of what is clicked, selector of the text that goes N → N+1)
SCENARIOS: Widgets = {
    BASELINE: ("#echo-ping", "#echo-out"),
    "counter": ("#c1-inc", "#c1-count"),
    "table cell": ("#big-cell", "#row-250 > td:nth-child(5)"),
    "table append": ("#big-append", "#big-rows > tr:last-child > td:first-child"),
    "table remove": ("#big-remove", "#big-rows > tr:nth-child(501) > td:first-child"),
    TUPLES: ("#tup-cell", "#trow-250 > td:nth-child(5)"),
    f"stream +{STREAM_BATCH}": ("#feed-more", "#feed-rows > li:last-child > b"),
    f"counter {COUNTERS}/{COUNTERS}": (f"#c{COUNTERS}-inc", f"#c{COUNTERS}-count"),
    HAND: ("#hand-more", "#hand-rows > li:last-child > b"),
    HAND_TABLE: ("#hand-cell", "#hrow-250 > td:nth-child(5)"),
}

#: scenario → (the view's class in the cells above, the event its button sends)
EVENTS: dict[str, tuple[str, str]] = {
    "counter": ("Counter", "inc"),
    "table cell": ("BigTable", "cell"),
    "table append": ("BigTable", "append"),
    "table remove": ("BigTable", "remove"),
    TUPLES: ("TupleTable", "cell"),
    f"stream +{STREAM_BATCH}": ("Feed", "more"),
    f"counter {COUNTERS}/{COUNTERS}": ("Counter", "inc"),
}


def notebook(folder: Path, bundle: Path | None = None) -> Path:
    """The scenarios' notebook (every scenario and the echo on one page) written into
    ``folder``; with ``bundle`` served as the frontend when given (``--against``)."""
    cells = CELLS if bundle is None else [serve_cell(bundle) + CELLS[0], *CELLS[1:]]
    return write_notebook(folder / "latency_scenarios.ipynb", cells)


#: per scenario, per click: the kernel websocket frames between the click and the update
ClickFrames = dict[str, list[list[Frame]]]


def click_frames(page: Page, samples: Samples) -> ClickFrames:
    """Per scenario and click, the frames that reached the page between click and update.

    Needs ``bench.latency.FRAME_CLOCK`` in the page before it loaded.
    """
    last = max(end for windows in samples.window.values() for _, end in windows)
    every = frames(page, (0, last))
    return {
        name: [every[start:end] for start, end in windows]
        for name, windows in samples.window.items()
    }


def replies_per_click(frames_: ClickFrames) -> dict[str, list[list[int]]]:
    """Per scenario and click: the content bytes of each widget message (one is right)."""
    return {
        name: [[frame.size for frame in click if frame.reply] for click in clicks]
        for name, clicks in frames_.items()
    }


def split(clicked: float, click: list[Frame]) -> tuple[float, float, float] | None:
    """One click's path by the kernel's clock: (click → kernel busy, busy → reply made,
    reply made → its frame in the page), ms; None without a dated busy and reply."""
    busy = next((f for f in click if f.busy and f.made is not None), None)
    reply = next((f for f in click if f.reply and f.made is not None), None)
    if busy is None or reply is None or busy.made is None or reply.made is None:
        return None
    return busy.made - clicked, reply.made - busy.made, reply.arrived - reply.made


# -- the kernel's share, in this process -------------------------------------------------------


@contextmanager
def in_process() -> Iterator[tuple[dict[str, Any], asyncio.AbstractEventLoop]]:
    """The cells' view classes and an event loop, with widgets opening recording comms."""
    from bench.throughput import Echo
    from livewidget import LiveView, LiveWidget

    created = comm.create_comm
    comm.create_comm = lambda **kw: RecordingComm(**kw)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    names: dict[str, Any] = {"LiveView": LiveView, "LiveWidget": LiveWidget, "Echo": Echo}
    views = (COUNTER_VIEW, TABLE_VIEW, TUPLE_TABLE_VIEW, FEED_VIEW)
    for source in (*views, HAND_FEED_CELL, HAND_TABLE_CELL):
        exec(source, names)  # our own constant sources: the cells' classes, here
    try:
        yield names, loop
    finally:
        loop.close()
        comm.create_comm = created


def answer(widget: Any, loop: asyncio.AbstractEventLoop, content: dict[str, Any]) -> Any:
    """Feed ``content`` to ``widget`` as the frontend would; its answer, once sent."""
    channel: RecordingComm = widget.comm
    before = len(channel.custom)
    channel.feed(content)
    while len(channel.custom) == before:
        loop.run_until_complete(asyncio.sleep(0))
    return channel.custom[-1]


def kernel_work(clicks: int, profile: str | None = None) -> dict[str, tuple[float, int]]:
    """Per scenario (and the echo): median ms from event in to answer sent, and answer bytes.

    The same classes and events as the page, in this process on recording comms. With
    ``profile``, that scenario's events run under cProfile and its top functions are printed.
    """
    with in_process() as (names, loop):
        live = names["LiveWidget"]
        table = live(names["BigTable"])
        widgets: dict[str, Any] = {
            BASELINE: names["Echo"](),
            "counter": live(names["Counter"], session={"i": 1}),
            "table cell": table,
            "table append": table,
            "table remove": table,
            TUPLES: live(names["TupleTable"]),
            f"stream +{STREAM_BATCH}": live(names["Feed"]),
            f"counter {COUNTERS}/{COUNTERS}": live(names["Counter"], session={"i": COUNTERS}),
            HAND: names["HandFeed"](),
            HAND_TABLE: names["HandTable"](),
        }
        bare = (BASELINE, HAND, HAND_TABLE)
        views = {id(w): w for name, w in widgets.items() if name not in bare}
        for widget in views.values():
            answer(widget, loop, {"k": "join"})
        times: dict[str, list[float]] = {name: [] for name in [BASELINE, *EVENTS, HAND, HAND_TABLE]}
        sizes: dict[str, int] = {}
        profiler = cProfile.Profile()
        for ref in range(1, clicks + 1):
            for name in times:  # round robin, as in the page
                widget = widgets[name]
                content: dict[str, Any] = {"n": ref}
                if name in EVENTS:
                    event = EVENTS[name][1]
                    content = {"k": "event", "ref": ref, "type": "click", "event": event}
                    content["value"] = {}
                on = name == profile
                began = time.perf_counter()
                if on:
                    profiler.enable()
                sent = answer(widget, loop, content)
                if on:
                    profiler.disable()
                times[name].append((time.perf_counter() - began) * 1000)
                sizes[name] = len(json.dumps(sent, separators=(",", ":")).encode())
        for widget in [*(widgets[name] for name in bare), *views.values()]:
            widget.close()
        loop.run_until_complete(asyncio.sleep(0.01))
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"\ncProfile of {clicks} '{profile}' events, in process:\n{out.getvalue()}")
    return {name: (statistics.median(ms), sizes[name]) for name, ms in times.items()}


# -- the run -----------------------------------------------------------------------------------


def rows_for(
    env: str,
    samples: Samples,
    frames_: ClickFrames,
    kernel: dict[str, tuple[float, int]],
) -> list[list[object]]:
    """The table's rows for one environment: ``bench.latency``'s summary, plus where time goes."""
    replies = replies_per_click(frames_)
    rows = []
    for row in summary(samples):
        name = str(row[0])
        sizes = [size for click in replies[name] for size in click]
        count = sum(len(click) for click in replies[name]) / len(replies[name])
        parts = [
            part
            for clicked, click in zip(samples.clicked[name], frames_[name], strict=True)
            if (part := split(clicked, click)) is not None
        ]
        medians = [
            f"{statistics.median(p[i] for p in parts):.1f}" if parts else "-" for i in range(3)
        ]
        rows.append(
            [
                env,
                *row,
                *medians,
                f"{kernel[name][0]:.2f}",
                f"{count:.2f}",
                round(statistics.median(sizes)) if sizes else "-",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=50, help="measured clicks per scenario")
    parser.add_argument("--gap", type=float, default=30, help="ms after each update")
    parser.add_argument(
        "--envs", default="voila,lab", help=f"comma-separated: {', '.join(RUNNERS)}"
    )
    parser.add_argument("--nodelay", default="on", choices=["on", "off"])
    parser.add_argument("--profile", choices=list(EVENTS), help="cProfile one scenario")
    parser.add_argument(
        "--offscreen",
        action="store_true",
        help="click buttons where they are, without scrolling them into view first",
    )
    parser.add_argument(
        "--against", type=Path, help="another build of the frontend's widget.js to compare"
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs of each build, alternated")
    args = parser.parse_args()
    envs = args.envs.split(",")
    if not set(envs) <= set(RUNNERS):
        parser.error(f"--envs takes {', '.join(RUNNERS)}")

    kernel = kernel_work(args.clicks, args.profile)
    rows: list[list[object]] = []
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        print(header(browser.version), flush=True)
        builds: list[tuple[str, Path | None]] = [("", None)]
        if args.against is not None:
            builds.append((" against", args.against.resolve()))
        runs = [
            (env_name, f"{env_name}{suffix}{f' #{n + 1}' if args.rounds > 1 else ''}", bundle)
            for env_name in envs
            for n in range(args.rounds)
            for suffix, bundle in builds
        ]
        for env_name, label, bundle in runs:
            with tempfile.TemporaryDirectory(prefix="lw-latency-scenarios-") as tmp:
                work = Path(tmp)
                env = server_env(work, args.nodelay == "on")

                def use(page: Page) -> tuple[Samples, ClickFrames]:
                    wait_for_widgets(page, widgets=SCENARIOS)
                    samples = measure(
                        page,
                        args.clicks,
                        args.gap,
                        widgets=SCENARIOS,
                        on_screen=not args.offscreen,
                    )
                    return samples, click_frames(page, samples)

                run: Callable[..., tuple[Samples, ClickFrames]] = RUNNERS[env_name]
                samples, frames = run(browser, work, env, notebook(work, bundle), use)
            check(samples, args.clicks)
            rows += rows_for(label, samples, frames, kernel)
            print(f"  {label}, nodelay {args.nodelay}: done", flush=True)
        browser.close()
    print_table(
        f"Click → DOM updated, ms, nodelay {args.nodelay}, {args.gap:g} ms between clicks,"
        f" buttons {'where they are' if args.offscreen else 'scrolled into view'}"
        f" (ratio: p50 / echo p50 on the same page; kernel ms: in process;"
        f" {time.monotonic() - started:.0f} s)",
        [
            *("env", "scenario", "clicks", "p50 ms", "p90 ms", "p50/echo"),
            *("→frame p50", "frame→DOM p50", "→busy", "busy→reply", "reply→frame"),
            *("kernel ms", "replies/click", "reply B"),
        ],
        rows,
    )


if __name__ == "__main__":
    main()
