"""Click → DOM updated, end to end, in a real JupyterLab and a real Voilà, with TCP_NODELAY on/off.

    python -m bench.latency [--clicks 50] [--gap 30] [--no-back-to-back]
                            [--envs lab,voila[,lab-nosub,lab-nowindow]] [--nodelay on,off]

One notebook shows three widgets, each a round trip through the kernel that ends in a span's
text going from N to N+1:

- ``livewidget``: ``LiveWidget`` of a Counter LiveView (``phx-click`` → handle_event → diff);
- ``echo``: a bare anywidget (click → ``model.send`` → Python ``send`` → JS writes the span),
  the transport's floor and the baseline of the ratios;
- ``ipywidgets``: a ``Button`` whose ``on_click`` increments a ``Label``.

For each environment (JupyterLab, Voilà) and each state of livewidget's nodelay hook (on; off
by starting the server with ``LIVEWIDGET_NODELAY=0``), a fresh server runs the notebook in
Debian's Chromium and the page itself measures: ``performance.now()`` just before
``button.click()`` (the button scrolled into view first, untimed, as a user sees what they
click), and again when a MutationObserver sees the expected text. Clicks go round
robin over the three widgets (so load on this shared machine hits them alike), ``--gap`` ms
after each update ("spaced"), then again with no gap ("back-to-back"). A few warm-up rounds
are dropped. Prints p50 and p90 per widget, and the ratio of its p50 to the echo's p50 in the
same server and page. Two more columns split the p50: click → the reply's websocket frame
reaching the page (wire, server and kernel; taken as the last kernel-websocket frame before the
DOM changed), and that frame → the DOM updated (the frontend's work). Times are noisy on a
loaded machine; compare the ratios and on/off.
``lab-nosub`` and ``lab-nowindow`` (not run by default) are JupyterLab with its
``commsOverSubshells`` setting off, and with its notebook ``windowingMode`` ``none``.
The page clock (:data:`FRAME_CLOCK`, :func:`frames`), :func:`measure` and :data:`RUNNERS` (the
runners of ``bench._browser`` with the page clock) serve ``bench.latency_scenarios`` too.
About three minutes with the defaults; fewer ``--clicks`` or ``--envs`` make it shorter.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from bench import _browser
from bench._browser import READY_TIMEOUT_MS, Runner, T, Use
from bench._browser import launch as launch  # bench.latency_scenarios imports it from here
from bench._table import print_table, run_header
from tests.e2e._jupyter import isolated_env, write_notebook

#: The run header (``bench.latency_scenarios`` imports it from here).
header = run_header
WARMUP_ROUNDS = 3
#: widget name → (selector of what is clicked, selector of the text that goes N → N+1)
Widgets = dict[str, tuple[str, str]]

LIVEWIDGET_CELL = '''
from livewidget import LiveView, LiveWidget

class Counter(LiveView):
    template = """<button id="lw-inc" phx-click="inc">+1</button>
<span id="lw-count">{{ count }}</span>"""

    def mount(self, socket, session, params):
        socket.assign(count=0)

    def handle_event(self, event, params, socket):
        socket.assign(count=socket.assigns.count + 1)

LiveWidget(Counter)
'''

ECHO_CELL = '''
import anywidget

class Echo(anywidget.AnyWidget):
    _esm = """
    export default {
      render({ model, el }) {
        const button = Object.assign(document.createElement("button"),
                                     { id: "echo-ping", textContent: "echo" });
        const out = Object.assign(document.createElement("span"),
                                  { id: "echo-out", textContent: "0" });
        button.addEventListener("click", () => {
          model.send({ n: Number(out.textContent) + 1 });
        });
        model.on("msg:custom", (msg) => { out.textContent = String(msg.n); });
        el.append(button, out);
      },
    };
    """

    def __init__(self):
        super().__init__()
        self.on_msg(lambda widget, content, buffers: self.send({"n": content["n"]}))

Echo()
'''

IPYWIDGETS_CELL = """
import ipywidgets as widgets

ipw_button = widgets.Button(description="+1")
ipw_button.add_class("ipw-inc")
ipw_label = widgets.Label("0")
ipw_label.add_class("ipw-count")

def ipw_increment(_):
    ipw_label.value = str(int(ipw_label.value) + 1)

ipw_button.on_click(ipw_increment)
widgets.HBox([ipw_button, ipw_label])
"""

CELLS = [LIVEWIDGET_CELL, ECHO_CELL, IPYWIDGETS_CELL]
BASELINE = "echo"
#: widget → (selector of what is clicked, selector of the text that goes N → N+1)
WIDGETS: Widgets = {
    "livewidget": ("#lw-inc", "#lw-count"),
    BASELINE: ("#echo-ping", "#echo-out"),
    "ipywidgets": ("button.ipw-inc", ".ipw-count"),
}

FRAME_CLOCK = """
(() => {
  // Arrival times of the kernel websockets' frames (.../api/kernels/ID/channels), for the
  // click → reply frame column, and the frames themselves (read by FRAME_KINDS after the
  // run, so that decoding costs nothing while clicks are timed). Installed before the
  // page's own scripts run.
  const Native = window.WebSocket;
  const frames = (window.__lwFrames = []);
  const data = (window.__lwFrameData = []);
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (String(args[0]).includes("/channels")) {
        this.addEventListener("message", (e) => {
          frames.push(performance.now());
          data.push(e.data);
        });
      }
    }
  };
})();
"""

FRAME_KINDS = r"""
([from, to]) => {
  // Frames from..to-1 of FRAME_CLOCK, decoded: [channel, msg_type, comm method, content bytes,
  // the message's header date and the frame's arrival, both as epoch ms].
  // Jupyter's kernel websocket speaks JSON text, or the binary v1 protocol: a little-endian
  // uint64 count n, n uint64 offsets, then channel, header, parent header, metadata, content.
  const utf8 = new TextDecoder();
  const decode = (raw) => {
    if (typeof raw === "string") {
      const msg = JSON.parse(raw);
      return [msg.channel, msg.header, msg.content, JSON.stringify(msg.content).length];
    }
    if (!(raw instanceof ArrayBuffer)) return [null, {}, {}, 0];
    const view = new DataView(raw);
    const at = (i) => Number(view.getBigUint64(8 * (i + 1), true));
    const part = (i) => utf8.decode(new Uint8Array(raw, at(i), at(i + 1) - at(i)));
    return [part(0), JSON.parse(part(1)), JSON.parse(part(4)), at(5) - at(4)];
  };
  return window.__lwFrameData.slice(from, to).map((raw, i) => {
    const [channel, header, content, bytes] = decode(raw);
    // Date.parse drops the microseconds Jupyter's dates carry: add them back.
    const fraction = header.date ? /\.(\d+)/.exec(header.date) : null;
    const date = header.date
      ? Date.parse(header.date.replace(/\.\d+/, "")) + Number(`0.${fraction?.[1] ?? 0}`) * 1000
      : null;
    const arrival = performance.timeOrigin + window.__lwFrames[from + i];
    return [channel, header.msg_type ?? null, content?.data?.method ?? null, bytes, date, arrival];
  });
}
"""

MEASURE = """
async ({widgets, rounds, gapMs, timeoutMs, onScreen}) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const raf = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const frames = window.__lwFrames;  // absent without FRAME_CLOCK
  // A user clicks what is on screen. Off screen, in a JupyterLab cell that its default
  // windowing lays out with `content-visibility: auto`, `element.click()` makes Chromium
  // render the whole cell for two frames (a simulated click unlocks the cell's skipped
  // content), which no user's click does: a 1,000-row table's cell made the frame after each
  // click 10-35 ms longer. So (onScreen) the button is scrolled into view first, and the page
  // given a few frames (Lab's observer of visible cells runs in between) before the clock starts.
  const show = async (selector) => {
    const target = document.querySelector(selector);
    const before = target.getBoundingClientRect().top;
    target.scrollIntoView({block: "nearest"});
    if (target.getBoundingClientRect().top === before) return;
    for (let i = 0; i < 4; i++) await raf();
    await sleep(0);  // click from a task, as after the gap
  };
  const once = ({name, button, output}) => new Promise((resolve, reject) => {
    const target = document.querySelector(button);
    const text = () => document.querySelector(output)?.textContent.trim();
    const expected = String(Number(text()) + 1);
    // Watch the smallest subtree holding both (a patch may replace the output element).
    let scope = document.querySelector(output);
    while (!scope.contains(target)) scope = scope.parentElement;
    const mark = frames ? frames.length : 0;
    let start = 0;
    const finish = (sample, error) => {
      observer.disconnect();
      clearTimeout(timer);
      if (error) reject(error); else resolve(sample);
    };
    const observer = new MutationObserver(() => {
      const now = performance.now();
      if (text() !== expected) return;
      // The reply's frame: the last kernel frame that arrived before the DOM changed.
      let frame = null;
      for (let i = (frames?.length ?? 0) - 1; i >= mark; i--) {
        if (frames[i] <= now) { frame = frames[i] - start; break; }
      }
      const end = frames ? frames.length : 0;
      finish([now - start, frame, mark, end, performance.timeOrigin + start]);
    });
    observer.observe(scope, {subtree: true, childList: true, characterData: true});
    const timer = setTimeout(
      () => finish(null, new Error(`${name}: no "${expected}" after ${timeoutMs} ms`)),
      timeoutMs,
    );
    start = performance.now();
    target.click();
  });
  const samples = Object.fromEntries(widgets.map((w) => [w.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < widgets.length; i++) {
      const widget = widgets[(round + i) % widgets.length];  // rotate who goes first
      if (onScreen) await show(widget.button);
      samples[widget.name].push(await once(widget));
      if (gapMs > 0) await sleep(gapMs);
    }
  }
  return samples;
}
"""


def notebook(folder: Path) -> Path:
    """The benchmark notebook (the three widgets, one per cell) written into ``folder``."""
    return write_notebook(folder / "latency.ipynb", CELLS)


def wait_for_widgets(
    page: Page, timeout_ms: float = READY_TIMEOUT_MS, widgets: Widgets | None = None
) -> None:
    """Wait until every widget shows its button and its output (the kernel has run all).

    ``widgets``: name → (button, output) selectors; this page's three by default.
    """
    for button, output in (widgets or WIDGETS).values():
        page.locator(button).wait_for(timeout=timeout_ms)
        page.locator(output).wait_for(timeout=timeout_ms)


@dataclass
class Samples:
    """Per widget, one entry per click: ms to the updated DOM, and to the reply's frame."""

    dom: dict[str, list[float]]
    #: None for every click when the page has no FRAME_CLOCK
    frame: dict[str, list[float | None]]
    #: the FRAME_CLOCK frames that arrived between the click and the DOM update (from, to)
    window: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    #: each click's time as epoch ms (to compare with the kernel's message dates)
    clicked: dict[str, list[float]] = field(default_factory=dict)


def measure(
    page: Page,
    clicks: int,
    gap_ms: float,
    *,
    warmup: int = WARMUP_ROUNDS,
    widgets: Widgets | None = None,
    on_screen: bool = True,
) -> Samples:
    """Time ``clicks`` clicks per widget, in the page: click → updated DOM (and → reply frame).

    The widgets must be shown already (:func:`wait_for_widgets`). ``gap_ms`` is the pause after
    each update before the next click (0: back-to-back). ``warmup`` rounds come first, dropped.
    The reply-frame times need :data:`FRAME_CLOCK` added to the page before it loaded.
    ``widgets``: name → (button, output) selectors, each output's text going N → N+1 on a
    click; this page's three by default. ``on_screen`` (the default) scrolls each button into
    view, outside the timed span, before it is clicked, as a user sees what they click; off
    screen, a click in a JupyterLab cell holding a big output costs a frame that re-renders the
    whole cell (docs/latency.md, "Clicks off screen").
    """
    chosen = widgets or WIDGETS
    widgets_arg = [{"name": n, "button": b, "output": o} for n, (b, o) in chosen.items()]
    args = {"widgets": widgets_arg, "gapMs": gap_ms, "timeoutMs": 15_000, "onScreen": on_screen}
    if warmup:
        page.evaluate(MEASURE, {**args, "rounds": warmup})
    raw: dict[str, list[list[Any]]] = page.evaluate(MEASURE, {**args, "rounds": clicks})
    return Samples(
        dom={name: [float(one[0]) for one in each] for name, each in raw.items()},
        frame={name: [one[1] for one in each] for name, each in raw.items()},
        window={name: [(int(one[2]), int(one[3])) for one in each] for name, each in raw.items()},
        clicked={name: [float(one[4]) for one in each] for name, each in raw.items()},
    )


@dataclass(frozen=True)
class Frame:
    """One kernel websocket frame the page received (see :data:`FRAME_KINDS`)."""

    channel: str | None
    msg_type: str | None
    #: a comm message's ``data.method`` ("custom" for a widget's own messages)
    method: str | None
    #: the message content's size as it travelled
    size: int
    #: when the kernel (or server) made the message, epoch ms (None when it has no date)
    made: float | None
    #: when the page received the frame, epoch ms
    arrived: float

    @property
    def reply(self) -> bool:
        """Whether this is a widget's own message (iopub ``comm_msg``, method custom)."""
        return self.channel == "iopub" and self.msg_type == "comm_msg" and self.method == "custom"

    @property
    def busy(self) -> bool:
        """Whether this is the kernel's ``status: busy`` (it started on a request)."""
        return self.channel == "iopub" and self.msg_type == "status" and self.method is None


def frames(page: Page, window: tuple[int, int]) -> list[Frame]:
    """The FRAME_CLOCK frames of ``window`` (from, to), decoded."""
    kinds: list[list[Any]] = page.evaluate(FRAME_KINDS, list(window))
    return [Frame(c, k, m, int(n), made, float(arrived)) for c, k, m, n, made, arrived in kinds]


def replies(page: Page, window: tuple[int, int]) -> list[int]:
    """Content bytes of each widget message (iopub ``comm_msg``, method custom) in ``window``."""
    return [frame.size for frame in frames(page, window) if frame.reply]


def with_frame_clock(run: Runner) -> Runner:
    """``run`` with :data:`FRAME_CLOCK` in its page (unless the caller gives a script)."""

    def framed(
        browser: Browser,
        work: Path,
        env: dict[str, str],
        nb: Path,
        use: Use[T],
        *,
        init_script: str | None = FRAME_CLOCK,
    ) -> T:
        return run(browser, work, env, nb, use, init_script=init_script)

    return framed


#: environment → runner (``bench._browser``'s), its page recording kernel frames;
#: "lab-nosub" and "lab-nowindow" are not in the default run
RUNNERS: dict[str, Runner] = {name: with_frame_clock(run) for name, run in _browser.RUNNERS.items()}


def server_env(work: Path, nodelay: bool) -> dict[str, str]:
    """An isolated Jupyter environment under ``work``, livewidget's nodelay hook on or off."""
    env = isolated_env(work / "jupyter")
    env["LIVEWIDGET_NODELAY"] = "1" if nodelay else "0"
    return env


def p90(samples: list[float]) -> float:
    """The 90th percentile (linear interpolation between closest ranks)."""
    return statistics.quantiles(samples, n=10, method="inclusive")[-1]


def check(samples: Samples, clicks: int) -> None:
    for name, values in samples.dom.items():
        if len(values) != clicks or not all(math.isfinite(v) and v > 0 for v in values):
            raise RuntimeError(f"{name}: bad samples {values!r}")


def summary(samples: Samples) -> list[list[object]]:
    """Per widget: clicks, p50, p90, the p50's ratio to the echo's, and the reply frame's p50s."""
    floor = statistics.median(samples.dom[BASELINE])
    rows: list[list[object]] = []
    for name, values in samples.dom.items():
        p50 = statistics.median(values)
        row: list[object] = [name, len(values), f"{p50:.1f}", f"{p90(values):.1f}"]
        row.append(f"{p50 / floor:.2f}")
        pairs = [(d, f) for d, f in zip(values, samples.frame[name], strict=True) if f is not None]
        if pairs:
            row.append(f"{statistics.median(f for _, f in pairs):.1f}")
            row.append(f"{statistics.median(d - f for d, f in pairs):.1f}")
        else:
            row += ["-", "-"]
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=50, help="measured clicks per widget")
    parser.add_argument("--gap", type=float, default=30, help="ms after each update (spaced)")
    parser.add_argument(
        "--no-back-to-back", action="store_true", help="skip the pass with no gap between clicks"
    )
    parser.add_argument(
        "--envs", default="lab,voila", help=f"comma-separated: {', '.join(RUNNERS)}"
    )
    parser.add_argument("--nodelay", default="on,off", help="comma-separated: on, off")
    args = parser.parse_args()
    envs = args.envs.split(",")
    states = args.nodelay.split(",")
    if not set(envs) <= set(RUNNERS) or not set(states) <= {"on", "off"}:
        parser.error(f"--envs takes {', '.join(RUNNERS)}; --nodelay on and/or off")
    gaps = [args.gap] if args.no_back_to_back else [args.gap, 0.0]

    rows = []
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        print(header(browser.version), flush=True)
        for env_name in envs:
            for state in states:
                with tempfile.TemporaryDirectory(prefix="lw-latency-") as tmp:
                    work = Path(tmp)
                    env = server_env(work, state == "on")

                    def use(page: Page) -> dict[float, Samples]:
                        wait_for_widgets(page)
                        return {gap: measure(page, args.clicks, gap) for gap in gaps}

                    by_gap = RUNNERS[env_name](browser, work, env, notebook(work), use)
                for gap, samples in by_gap.items():
                    check(samples, args.clicks)
                    spacing = f"{gap:g} ms" if gap else "back-to-back"
                    rows += [[env_name, state, spacing, *row] for row in summary(samples)]
                print(f"  {env_name}, nodelay {state}: done", flush=True)
        browser.close()
    print_table(
        f"Click → DOM updated, ms (measured in the page; ratio: p50 / echo p50 in the same run;"
        f" {time.monotonic() - started:.0f} s)",
        [
            *("env", "nodelay", "spacing", "widget", "clicks", "p50 ms", "p90 ms", "p50/echo"),
            *("→frame p50", "frame→DOM p50"),
        ],
        rows,
    )


if __name__ == "__main__":
    main()
