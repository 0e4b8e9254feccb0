"""Many widgets on one page: 50 Counter LiveWidgets against 50 ipywidgets Button + Label pairs.

    python -m bench.many_widgets [--count 50] [--rounds 3] [--envs voila,lab] [--one-cell]
                                 [--against BUNDLE]

For each environment (a standalone Voilà page, a JupyterLab notebook) and each page, one
widget per cell (the LiveWidgets; the same LiveWidgets with the whole frontend bundle in
every widget, as before issue #15, ``LIVEWIDGET_INLINE_BUNDLE=1``; the ipywidgets pairs), in
Debian's Chromium. Two more pages (not run by default) split what a LiveWidget costs in
JupyterLab: ``livewidget-nosnapshot`` displays each view without its static snapshot output
(``livewidget._export``), ``livewidget-noupdate`` keeps the snapshot but never updates it at
a cell's end; ``livewidget-nofirst`` leaves the first reply out of each widget's state, so
each view shows "connecting…" until its join is answered (as before 2026-12-01).
``--against BUNDLE`` adds ``livewidget-against``: the LiveWidgets with the frontend bundle
read from BUNDLE (another build of ``js/``), to compare two builds in one run.

- *shown*: seconds until every widget shows (Voilà: from the page's navigation, kernel start
  included; Lab: from "Run All Cells" in an opened notebook whose kernel is idle);
- *click answered*: until then, plus a click on the last widget answered on screen;
- *ws KB*: kernel websocket bytes the page received until the click was answered (comm_open
  messages and widget state included);
- *JS heap / widget*: the page's JS heap after a forced GC (CDP ``Runtime.getHeapUsage``),
  minus that of the same environment without the widgets (Voilà: a page of one empty cell;
  Lab: the notebook before Run All), divided by the number of widgets.

Times are medians over ``--rounds`` rounds; every page of an environment runs once per
round, in turn, so they see the same load; ratios are against the ipywidgets page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from bench._against import serve_cell
from bench._browser import (
    count_ws_bytes,
    js_heap,
    lab_page,
    launch,
    run_all_cells,
    voila_page,
    wait_count,
)
from bench._table import print_table, run_header
from tests.e2e._jupyter import isolated_env, write_notebook

#: The Counter LiveView (shared with tests/e2e/test_many_widgets.py): ``session["i"]`` marks
#: its button and count with ``data-i``.
COUNTER = '''
from IPython.display import display
from livewidget import LiveView, LiveWidget

class Counter(LiveView):
    template = """<button class="mw-inc" data-i="{{ i }}" phx-click="inc">+1</button>
<span class="mw-count" data-i="{{ i }}">{{ count }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(i=session["i"], count=0)

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)
'''
LIVEWIDGET_CELL = (
    COUNTER
    + """
def show(i):
    display(LiveWidget(Counter, session={"i": i}))
"""
)

IPYWIDGETS_CELL = """
from IPython.display import display
import ipywidgets as widgets

def show(i):
    button = widgets.Button(description="+1")
    button.add_class("mw-inc")
    button.add_class(f"mw-{i}")
    label = widgets.Label("0")
    label.add_class("mw-count")
    label.add_class(f"mw-{i}")

    def increment(_):
        label.value = str(int(label.value) + 1)

    button.on_click(increment)
    display(widgets.HBox([button, label]))
"""

#: page → (cell, selector of the widgets' buttons, selector of the last one's button and text)
PAGES: dict[str, tuple[str, str, Callable[[int], tuple[str, str]]]] = {
    "ipywidgets": (
        IPYWIDGETS_CELL,  # each pair in an HBox: one output per pair, as one per LiveWidget
        "button.mw-inc",
        lambda last: (f"button.mw-inc.mw-{last}", f".mw-count.mw-{last}"),
    ),
    "livewidget": (
        LIVEWIDGET_CELL,
        ".lw-root button.mw-inc",
        lambda last: (
            f".lw-root button.mw-inc[data-i='{last}']",
            f".lw-root span.mw-count[data-i='{last}']",
        ),
    ),
}
PAGES["livewidget-inline"] = PAGES["livewidget"]
DEFAULT_PAGES = list(PAGES)
# Split of the JupyterLab cost: the same Counters without their static snapshot output (the
# view alone, as a plain widget output), and with the snapshot but no update at cell ends.
PAGES["livewidget-nosnapshot"] = (
    LIVEWIDGET_CELL
    + """
def show(i):
    data, metadata = LiveWidget(Counter, session={"i": i})._repr_mimebundle_()
    display(data, metadata=metadata, raw=True)
""",
    *PAGES["livewidget"][1:],
)
PAGES["livewidget-noupdate"] = (
    LIVEWIDGET_CELL
    + "\nimport livewidget._export\nlivewidget._export.after_cell = lambda *_: None\n",
    *PAGES["livewidget"][1:],
)
# The same Counters without the first reply in their state (each view waits for its join).
PAGES["livewidget-nofirst"] = (
    LIVEWIDGET_CELL
    + "\nfrom livewidget._core.session import Session\nSession.first_reply = lambda self: None\n",
    *PAGES["livewidget"][1:],
)
BASELINE = "ipywidgets"
#: The page added by ``--against BUNDLE``: the same Counters, the frontend bundle read from BUNDLE.
AGAINST = "livewidget-against"


def add_against(bundle: Path) -> None:
    """Add the :data:`AGAINST` page: the Counters, with ``bundle`` served as the frontend."""
    PAGES[AGAINST] = (serve_cell(bundle) + LIVEWIDGET_CELL, *PAGES["livewidget"][1:])


#: The notebook's cells whose output holds no "+1" button: [index, prompt, output text].
UNSHOWN = """() => [...document.querySelectorAll(".jp-Cell")]
  .map((cell, i) => [i, cell.querySelector(".jp-InputPrompt")?.textContent,
                     cell.querySelector(".jp-OutputArea")?.innerText.slice(0, 200) ?? ""])
  .filter(([i, , text]) => i > 0 && !text.includes("+1"))"""


@dataclass
class Result:
    """One page load."""

    shown_s: float
    answered_s: float
    ws_bytes: int
    heap_bytes: float


def click_last(page: Page, name: str, count: int) -> None:
    button, text = PAGES[name][2](count - 1)
    page.locator(button).click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.textContent.trim() === '1'",
        arg=text,
        timeout=60_000,
    )


#: Whether the widgets are shown from one cell (a loop) instead of one cell each.
ONE_CELL = {"value": False}


def cells(name: str, count: int) -> list[str]:
    """The page's notebook: the definitions, then one widget per cell, or all from one cell
    with ``--one-cell`` (Voilà only: JupyterLab shows at most 50 outputs of one cell, and a
    LiveWidget's output comes with its snapshot's)."""
    if ONE_CELL["value"]:
        return [PAGES[name][0], f"for i in range({count}):\n    show(i)"]
    return [PAGES[name][0], *(f"show({i})" for i in range(count))]


def run_voila(browser: Browser, work: Path, name: str, count: int, base_heap: float) -> Result:
    """One Voilà page load of ``name``: a fresh server, a fresh browser context."""
    env = isolated_env(work / "jupyter")
    env["LIVEWIDGET_INLINE_BUNDLE"] = "1" if "inline" in name else "0"
    folder = work / "nb"
    folder.mkdir(exist_ok=True)
    notebook = write_notebook(folder / "many.ipynb", cells(name, count))
    with voila_page(browser, work, env, notebook) as (page, url):
        received = count_ws_bytes(page)
        started = time.monotonic()
        page.goto(url)
        wait_count(page, PAGES[name][1], count)
        shown = time.monotonic() - started
        click_last(page, name, count)
        answered = time.monotonic() - started
        return Result(shown, answered, received[0], (js_heap(page) - base_heap) / count)


def voila_base_heap(browser: Browser, work: Path) -> float:
    """The JS heap of a Voilà page whose notebook shows no widget."""
    env = isolated_env(work / "jupyter")
    folder = work / "nb"
    folder.mkdir(exist_ok=True)
    notebook = write_notebook(folder / "empty.ipynb", ["print('ready')"])
    with voila_page(browser, work, env, notebook) as (page, url):
        page.goto(url)
        page.get_by_text("ready").wait_for()
        return js_heap(page)


def run_lab(browser: Browser, work: Path, name: str, count: int) -> Result:
    """One JupyterLab run of ``name``: a fresh server, the notebook opened, then Run All."""
    env = isolated_env(work / "jupyter")
    env["LIVEWIDGET_INLINE_BUNDLE"] = "1" if "inline" in name else "0"
    notebook = write_notebook(work / "many.ipynb", cells(name, count))
    received: list[list[int]] = []  # the websocket byte count, started before Lab opens
    with lab_page(
        browser,
        work,
        env,
        notebook,
        run_all=False,
        prepare=lambda p: received.append(count_ws_bytes(p)),
    ) as page:
        base_heap = js_heap(page)
        received[0][0] = 0  # count from Run All on
        started = run_all_cells(page)
        try:
            wait_count(page, PAGES[name][1], count)
        except AssertionError:
            print(f"{name}: cells without a shown widget:", page.evaluate(UNSHOWN), file=sys.stderr)
            raise
        shown = time.monotonic() - started
        click_last(page, name, count)
        answered = time.monotonic() - started
        return Result(shown, answered, received[0][0], (js_heap(page) - base_heap) / count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=50, help="widgets per page")
    parser.add_argument("--rounds", type=int, default=3, help="page loads per page, median")
    parser.add_argument("--envs", default="voila,lab", help="comma-separated: voila, lab")
    parser.add_argument(
        "--pages", default=",".join(DEFAULT_PAGES), help=f"comma-separated: {', '.join(PAGES)}"
    )
    parser.add_argument(
        "--one-cell", action="store_true", help="show all widgets from one cell (Voila only)"
    )
    parser.add_argument(
        "--against",
        type=Path,
        help=f"another build of the frontend bundle (widget.js): adds the page {AGAINST}",
    )
    args = parser.parse_args()
    ONE_CELL["value"] = args.one_cell
    envs, names = args.envs.split(","), args.pages.split(",")
    if args.against is not None:
        add_against(args.against.resolve())
        names.append(AGAINST)
    if not set(envs) <= {"voila", "lab"} or not set(names) <= set(PAGES):
        parser.error(f"--envs takes voila and/or lab; --pages takes {', '.join(PAGES)}")
    if args.one_cell and "lab" in envs:
        parser.error("--one-cell is for Voila: JupyterLab shows at most 50 outputs of a cell")
    rows = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        print(run_header(browser.version), flush=True)
        for env_name in envs:
            results: dict[str, list[Result]] = {name: [] for name in names}
            base_heap = 0.0
            if env_name == "voila":
                with tempfile.TemporaryDirectory(prefix="lw-many-") as tmp:
                    base_heap = voila_base_heap(browser, Path(tmp))
            for _round in range(args.rounds):
                for name in names:
                    with tempfile.TemporaryDirectory(prefix="lw-many-") as tmp:
                        work = Path(tmp)
                        if env_name == "voila":
                            result = run_voila(browser, work, name, args.count, base_heap)
                        else:
                            result = run_lab(browser, work, name, args.count)
                    results[name].append(result)
                print(f"  {env_name}: round {_round + 1} done", flush=True)
            rows += table_rows(env_name, results)
            print_rows(rows, args.count, args.rounds)  # so far: a later failure loses nothing
        browser.close()


def print_rows(rows: list[list[object]], count: int, rounds: int) -> None:
    print_table(
        f"{count} widgets on one page (median of {rounds}; ratios: / the ipywidgets "
        "page in the same run)",
        [
            *("env", "page", "shown s", "click answered s", "/ ipywidgets"),
            *("ws KB", "/ ipywidgets", "JS heap / widget KB"),
        ],
        rows,
    )


def table_rows(env_name: str, results: dict[str, list[Result]]) -> list[list[object]]:
    def median(name: str, field: str) -> float:
        return float(statistics.median(getattr(r, field) for r in results[name]))

    base = BASELINE if BASELINE in results else next(iter(results))
    rows: list[list[object]] = []
    for name in results:
        answered, ws = median(name, "answered_s"), median(name, "ws_bytes")
        rows.append(
            [
                *(env_name, name, round(median(name, "shown_s"), 2), round(answered, 2)),
                round(answered / median(base, "answered_s"), 2),
                round(ws / 1024, 1),
                round(ws / max(median(base, "ws_bytes"), 1), 2),
                round(median(name, "heap_bytes") / 1024, 1),
            ]
        )
    return rows


if __name__ == "__main__":
    main()
