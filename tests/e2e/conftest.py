"""End-to-end fixtures: Debian's Chromium via pytest-playwright, a real JupyterLab, real Voilà.

A test asks for `page` (pytest-playwright) plus `jupyter_lab` or `voila`, and builds notebooks
with `make_notebook`. Every test in this folder is marked `e2e` (deselect with `-m "not e2e"`).
When one fails, the report gets the log tails of the servers it used, the browser console, and
any error output shown on the page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).parent))  # the helper imports under any --import-mode
from _jupyter import (
    CHROMIUM,
    CHROMIUM_ARGS,
    JupyterLab,
    Server,
    isolated_env,
    start_voila,
    write_notebook,
)

HERE = Path(__file__).parent
CONSOLE = pytest.StashKey[list[str]]()
SERVERS = pytest.StashKey[list[Server]]()  # the servers a test used, for its failure report
ERROR_OUTPUTS = (
    "[data-mime-type='application/vnd.jupyter.stderr'],"
    " [data-mime-type='application/vnd.jupyter.error']"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end test in a real browser, Lab or Voilà")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On an e2e failure, attach what explains it: server logs, browser console, page errors."""
    report = yield
    if report.failed and report.when == "call" and item.get_closest_marker("e2e"):
        for server in item.stash.get(SERVERS, []):
            report.sections.append((f"{server.name} log", server.log_tail()))
        if item.stash.get(CONSOLE, None):
            report.sections.append(("browser console", "\n".join(item.stash[CONSOLE][-100:])))
        page = getattr(item, "funcargs", {}).get("page")
        if page is not None and not page.is_closed():
            errors = page.locator(ERROR_OUTPUTS).all_inner_texts()
            if errors:
                report.sections.append(("error outputs on the page", "\n---\n".join(errors)))
    return report


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (Playwright cannot download its own browsers here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with "
            "`apt-get install chromium` (or run `.ci/dev setup` as root).",
            pytrace=False,
        )
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(scope="session")
def bundle_url() -> str:
    """The built frontend bundle as a URL a blank page can import (the client under test)."""
    from bench.browser_patch import BUNDLE, data_url

    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE.name} is not built: run `npm run build` in js/", pytrace=False)
    return data_url(BUNDLE)


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL: every test opens the server it started.

    This replaces pytest-playwright's fallback ``base_url`` fixture, an instance method,
    which pytest 9 warns about (``PytestRemovedIn10Warning``) in every run.
    """
    return None


@pytest.fixture(autouse=True)
def _record_console(request: pytest.FixtureRequest) -> None:
    """Keep the page's console messages and uncaught errors for the failure report."""
    if "page" in request.fixturenames:
        page: Page = request.getfixturevalue("page")
        lines = request.node.stash[CONSOLE] = []
        page.on("console", lambda m: lines.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: lines.append(f"[pageerror] {e}"))
        page.on("requestfailed", lambda r: lines.append(f"[requestfailed] {r.url} {r.failure}"))


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for servers: fresh Jupyter/IPython config, runtime, data and settings dirs."""
    return isolated_env(tmp_path_factory.mktemp("jupyter-env"))


@pytest.fixture(scope="session")
def jupyter_lab(
    tmp_path_factory: pytest.TempPathFactory, jupyter_env: dict[str, str]
) -> Iterator[JupyterLab]:
    """One `jupyter lab` for the session, on a free loopback port with a random token.

    `jupyter_lab.url(path)` gives a URL with the token, `jupyter_lab.root_dir` its notebook
    folder, `jupyter_lab.open_notebook(page, path)` copies, opens and runs a notebook.
    Kernels are shut down after each test that used it.
    """
    root = tmp_path_factory.mktemp("lab-root")
    lab = JupyterLab(root_dir=root, env=jupyter_env, log=root.parent / "jupyter-lab.log")
    yield lab
    lab.stop()


@pytest.fixture(autouse=True)
def _shutdown_lab_kernels(request: pytest.FixtureRequest) -> Iterator[None]:
    """Kernels started by a test end with it, so a long session does not pile them up."""
    if "jupyter_lab" not in request.fixturenames:
        yield
        return
    lab: JupyterLab = request.getfixturevalue("jupyter_lab")
    request.node.stash.setdefault(SERVERS, []).append(lab)
    yield
    lab.shutdown_kernels()


@pytest.fixture
def voila(
    request: pytest.FixtureRequest, tmp_path: Path, jupyter_env: dict[str, str]
) -> Iterator[Callable[..., str]]:
    """Factory: `voila(notebook, *extra_args, env=None)` serves `notebook` with Voilà; its URL.

    `env` adds environment variables for the server (and so for its kernels).

    Each call starts its own server (from the notebook's folder); all end with the test.
    """
    servers: list[Server] = []

    def start(notebook: Path, *args: str, env: dict[str, str] | None = None) -> str:
        log = tmp_path / f"voila-{len(servers)}.log"
        server_env = {**jupyter_env, **(env or {})}
        server, url = start_voila(Path(notebook), *args, env=server_env, log=log)
        servers.append(server)
        request.node.stash.setdefault(SERVERS, []).append(server)
        return url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def make_notebook(tmp_path: Path) -> Callable[..., Path]:
    """Factory: `make_notebook(["code", ...], name="test.ipynb")` writes a notebook; its path."""

    def make(cells: list[str], name: str = "test.ipynb") -> Path:
        return write_notebook(tmp_path / name, cells)

    return make
