"""Driving Debian's Chromium through a real JupyterLab or Voilà, for the browser benchmarks.

One way to start a server, open a notebook in it, run its cells and read the page, shared by
``bench.latency``, ``bench.latency_scenarios`` and ``bench.many_widgets``:

- :func:`lab_page` and :func:`voila_page` give a page on a fresh server for a notebook (Lab:
  opened, its kernel idle, its cells run or not; Voilà: not navigated yet), and stop the
  server afterwards, printing its log's tail if the block failed;
- :data:`RUNNERS` runs a function on such a page, by environment name, with JupyterLab's
  settings under test (``lab-nosub``: comms not over subshells; ``lab-nowindow``: notebook
  windowing ``none``);
- :func:`run_all_cells` clicks Run All until the notebook really starts;
- :func:`wait_count`, :func:`js_heap` and :func:`count_ws_bytes` read the page.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e._jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterLab, start_voila

#: How long a page may take to show what a benchmark waits for (kernel start included).
READY_TIMEOUT_MS = 120_000
T = TypeVar("T")
#: What a runner does with the page once the notebook is open (its result is the runner's).
Use = Callable[[Page], T]


class Runner(Protocol):
    """Runs ``use(page)`` on notebook ``nb`` in a fresh server (``work``: a scratch folder)."""

    def __call__(
        self,
        browser: Browser,
        work: Path,
        env: dict[str, str],
        nb: Path,
        use: Use[T],
        *,
        init_script: str | None = None,
    ) -> T: ...


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, as the end-to-end tests launch it."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser: Browser, init_script: str | None = None) -> Page:
    """A page in a context of its own, with ``init_script`` run before the page's scripts."""
    page = browser.new_context().new_page()
    if init_script is not None:
        page.add_init_script(init_script)
    return page


@contextmanager
def lab_page(
    browser: Browser,
    work: Path,
    env: dict[str, str],
    nb: Path,
    *,
    run_all: bool = True,
    init_script: str | None = None,
    prepare: Callable[[Page], object] | None = None,
) -> Iterator[Page]:
    """``nb`` opened in a fresh JupyterLab, its kernel idle, and (``run_all``) its cells run.

    With ``run_all=False`` the caller starts the cells with :func:`run_all_cells` (and so
    knows when they started). ``prepare(page)`` runs before Lab opens (e.g. to listen to
    its websockets). JupyterLab's settings come from ``env``'s settings folder
    (:func:`lab_settings`).
    """
    root = work / "lab-root"
    root.mkdir(exist_ok=True)
    lab = JupyterLab(root_dir=root, env=env, log=work / "jupyter-lab.log")
    page = new_page(browser, init_script)
    try:
        if prepare is not None:
            prepare(page)
        lab.open_notebook(page, nb, run_all=False)
        if run_all:
            run_all_cells(page)
        yield page
    except Exception:
        print(lab.log_tail(), file=sys.stderr)
        raise
    finally:
        page.context.close()
        lab.shutdown_kernels()
        lab.stop()


@contextmanager
def voila_page(
    browser: Browser, work: Path, env: dict[str, str], nb: Path, *, init_script: str | None = None
) -> Iterator[tuple[Page, str]]:
    """A fresh standalone Voilà serving ``nb``, and a page that has not gone to its URL yet."""
    server, url = start_voila(nb, env=env, log=work / "voila.log")
    page = new_page(browser, init_script)
    try:
        yield page, url
    except Exception:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        page.context.close()
        server.stop()


def run_lab(
    browser: Browser,
    work: Path,
    env: dict[str, str],
    nb: Path,
    use: Use[T],
    *,
    init_script: str | None = None,
) -> T:
    """``use(page)`` on notebook ``nb`` run in a fresh JupyterLab."""
    with lab_page(browser, work, env, nb, init_script=init_script) as page:
        return use(page)


def run_voila(
    browser: Browser,
    work: Path,
    env: dict[str, str],
    nb: Path,
    use: Use[T],
    *,
    init_script: str | None = None,
) -> T:
    """``use(page)`` on notebook ``nb`` served by a fresh standalone Voilà."""
    with voila_page(browser, work, env, nb, init_script=init_script) as (page, url):
        page.goto(url)
        return use(page)


def lab_settings(env: dict[str, str], plugin: str, name: str, values: dict[str, Any]) -> None:
    """Write JupyterLab user settings ``values`` of ``plugin`` (``"@jupyterlab/x-extension"``)
    and settings file ``name`` into the settings folder of ``env``."""
    folder = Path(env["JUPYTERLAB_SETTINGS_DIR"]).joinpath(*plugin.split("/"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values))


def run_lab_without_subshells(
    browser: Browser,
    work: Path,
    env: dict[str, str],
    nb: Path,
    use: Use[T],
    *,
    init_script: str | None = None,
) -> T:
    """As :func:`run_lab`, with Lab's ``commsOverSubshells`` setting ``disabled``.

    JupyterLab 4.6 sends comm messages to a kernel subshell by default ("perCommTarget").
    """
    lab_settings(
        env, "@jupyterlab/apputils-extension", "kernels", {"commsOverSubshells": "disabled"}
    )
    return run_lab(browser, work, env, nb, use, init_script=init_script)


def run_lab_without_windowing(
    browser: Browser,
    work: Path,
    env: dict[str, str],
    nb: Path,
    use: Use[T],
    *,
    init_script: str | None = None,
) -> T:
    """As :func:`run_lab`, with Lab's notebook ``windowingMode`` ``none``.

    JupyterLab 4.6 lays out its notebook cells with ``content-visibility: auto`` by default
    ("contentVisibility"), so that off-screen cells cost no rendering.
    """
    lab_settings(env, "@jupyterlab/notebook-extension", "tracker", {"windowingMode": "none"})
    return run_lab(browser, work, env, nb, use, init_script=init_script)


#: environment → runner; "lab-nosub" and "lab-nowindow" are Lab with a setting changed
RUNNERS: dict[str, Runner] = {
    "lab": run_lab,
    "voila": run_voila,
    "lab-nosub": run_lab_without_subshells,
    "lab-nowindow": run_lab_without_windowing,
}


def run_all_cells(page: Page, attempts: int = 3) -> float:
    """Click Run > Run All Cells until the first cell starts; ``time.monotonic()`` of the
    click that took.

    Lab reports its kernel idle a little before it takes a first execution: a Run All in
    that moment is lost (every cell keeps its blank prompt), so it is clicked again.
    """
    prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
    for _attempt in range(attempts):
        clicked = time.monotonic()
        # Exact texts: `has_text` would also match "Run All Above Selected Cell" etc.
        page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
        page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
        try:
            expect(prompt).not_to_have_text("[ ]:", timeout=5_000)
            return clicked
        except AssertionError:
            page.keyboard.press("Escape")  # a menu left open would take the next click
    raise AssertionError(f"Run All Cells did not start the notebook in {attempts} clicks")


def wait_count(page: Page, selector: str, count: int, timeout_ms: float = READY_TIMEOUT_MS) -> None:
    """Wait until the page holds at least ``count`` elements matching ``selector``."""
    try:
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            arg=[selector, count],
            timeout=timeout_ms,
        )
    except Exception as error:
        found = page.evaluate("(sel) => document.querySelectorAll(sel).length", selector)
        raise AssertionError(
            f"expected {count} elements {selector!r} within {timeout_ms / 1000:g} s, the page "
            f"shows {found}; an error in a cell stops Run All (see the server log above)"
        ) from error


def js_heap(page: Page) -> float:
    """The page's used JS heap after a forced garbage collection, in bytes."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.enable")
        for _ in range(2):
            cdp.send("HeapProfiler.collectGarbage")
        return float(cdp.send("Runtime.getHeapUsage")["usedSize"])
    finally:
        cdp.detach()


def count_ws_bytes(page: Page) -> list[int]:
    """A one-item list that sums the bytes of every websocket frame the page receives from
    now on (set it back to 0 to count from a later moment)."""
    total = [0]

    def on_socket(ws: Any) -> None:
        def on_frame(payload: str | bytes) -> None:
            total[0] += len(payload.encode() if isinstance(payload, str) else payload)

        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return total
