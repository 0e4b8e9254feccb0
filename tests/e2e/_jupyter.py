"""Start real JupyterLab / Voilà servers for end-to-end tests, and drive notebooks in Lab.

Kept free of pytest so the fixtures in conftest.py stay short. See the shared TESTING.md for why
each step is done the way it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
KERNEL_IDLE = "Python 3 (ipykernel) | Idle"


# Debian's Chromium, driven by the end-to-end tests and the browser benchmarks.
CHROMIUM = "/usr/bin/chromium"
# Quiet on a closed network: no sandbox (root), no GPU, no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Any other host fails at once instead of waiting on DNS (Voilà links a CDN stylesheet).
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


def free_port() -> int:
    """A loopback port free right now (the server gets port_retries=0, so a race fails loudly)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def isolated_env(base: Path) -> dict[str, str]:
    """Environment with Jupyter's config/runtime/data/settings dirs under `base`.

    Nothing from the user's ~/.jupyter or ~/.ipython leaks in; Lab's news toast and build check
    are off.
    """
    dirs = {
        "JUPYTER_CONFIG_DIR": base / "config",
        "JUPYTER_RUNTIME_DIR": base / "runtime",
        "JUPYTER_DATA_DIR": base / "data",
        "JUPYTERLAB_SETTINGS_DIR": base / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": base / "lab-workspaces",
        "IPYTHONDIR": base / "ipython",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    labconfig = dirs["JUPYTER_CONFIG_DIR"] / "labconfig"
    labconfig.mkdir(exist_ok=True)
    page_config = {
        "disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True},
        # No "is a rebuild needed?" check on each page load: ~5 s of server CPU, nothing to build.
        "buildCheck": False,
        "buildAvailable": False,
    }
    (labconfig / "page_config.json").write_text(json.dumps(page_config))
    env = {**os.environ, **{k: str(v) for k, v in dirs.items()}}
    # The kernel must be this interpreter's (the one with the package installed).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Server:
    """A server subprocess in its own process group, its output in a log file."""

    def __init__(self, name: str, cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path):
        self.name, self.log_path = name, log
        self._log = log.open("wb")
        # Own process group: teardown signals the server and any child it did not detach.
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return f"--- last {lines} lines of {self.log_path} ---\n" + "\n".join(text[-lines:])

    def wait_ready(self, url: str, *, timeout: float = 60, any_status: bool = False) -> None:
        """Poll `url` until it answers 200 (or any HTTP status with `any_status`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                if any_status:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"{self.name} not ready after {timeout}s\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM the group (the server shuts its kernels down), SIGKILL if it lingers."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.proc.poll() is not None:
                break  # reaped: its pid (= group id) may belong to someone else now
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                continue
        self._log.close()


class JupyterLab(Server):
    """A running `jupyter lab`; `url(path)` adds the token, notebooks live in `root_dir`."""

    def __init__(self, *, root_dir: Path, env: dict[str, str], log: Path):
        self.root_dir, self.port, self.token = root_dir, free_port(), secrets.token_hex(16)
        cmd = [
            *(sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root"),
            *("--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0"),
            f"--ServerApp.token={self.token}",
            f"--ServerApp.root_dir={root_dir}",
        ]
        super().__init__("jupyter lab", cmd, cwd=root_dir, env=env, log=log)
        self.wait_ready(self.url("/api/status"))

    def url(self, path: str = "/") -> str:
        """Absolute URL of `path` (may carry its own query) with the token appended."""
        parts = urlsplit(path)
        query = f"{parts.query}&token={self.token}" if parts.query else f"token={self.token}"
        netloc = f"127.0.0.1:{self.port}"
        return urlunsplit(("http", netloc, parts.path, query, parts.fragment))

    def open_notebook(
        self, page: Page, notebook: Path, *, name: str | None = None, run_all: bool = True
    ) -> str:
        """Copy `notebook` into the root dir (as `name`), open it in `page`, run all cells.

        The copy gets a python3 kernelspec (else Lab asks "Select Kernel") and no saved outputs
        (a selector must not find a stale one). The workspace is reset, and Run All starts once
        the kernel is idle. Returns the name in the root dir. Only the notebook is copied.
        Widgets then appear in the light DOM: wait for them with `expect(page.locator(...))`.
        """
        name = name or notebook.name
        nb = json.loads(notebook.read_text())
        nb.setdefault("metadata", {})["kernelspec"] = KERNELSPEC
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        (self.root_dir / name).write_text(json.dumps(nb, indent=1))
        page.goto(self.url(f"/lab/tree/{name}?reset"))
        # The status bar text, not the toolbar's data-status, which flips to idle too early.
        page.locator(".jp-StatusBar-TextItem", has_text=KERNEL_IDLE).wait_for(timeout=60_000)
        if run_all:
            # Exact texts: `has_text` would also match "Run All Above Selected Cell" etc.
            page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
            page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
        return name

    def open_in_notebook_7(self, page: Page, notebook: Path, *, name: str | None = None) -> None:
        """Copy `notebook` into the root dir (as `name`), open it in Notebook 7 (this server's
        /notebooks page) and run its first cell, until a LiveWidget shows."""
        name = name or notebook.name
        nb = json.loads(notebook.read_text())
        nb.setdefault("metadata", {})["kernelspec"] = KERNELSPEC
        (self.root_dir / name).write_text(json.dumps(nb))
        page.goto(self.url(f"/notebooks/{name}"))
        editor = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-editor").first
        editor.wait_for(timeout=60_000)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
        # Notebook 7 reports the kernel idle a little before it takes a first execution: a
        # Shift+Enter sent in that moment is lost, so send it again until the cell runs.
        for _attempt in range(3):
            editor.click()
            page.keyboard.press("Shift+Enter")
            try:
                page.locator(".lw-root").first.wait_for(timeout=15_000)
                return
            except PlaywrightTimeoutError:
                page.keyboard.press("Escape")
        raise AssertionError(f"the first cell of {name} did not run in Notebook 7")

    def shutdown_kernels(self) -> None:
        """Delete every session and kernel, so tests do not pile up kernels on one server."""
        for kind in ("sessions", "kernels"):
            with urllib.request.urlopen(self.url(f"/api/{kind}"), timeout=10) as r:
                items: list[dict[str, Any]] = json.load(r)
            for item in items:
                req = urllib.request.Request(self.url(f"/api/{kind}/{item['id']}"), method="DELETE")
                # A kernel may be gone already: deleting its session ended it.
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(req, timeout=10).close()


def start_voila(notebook: Path, *args: str, env: dict[str, str], log: Path) -> tuple[Server, str]:
    """Serve `notebook` with standalone Voilà from its own folder; the server and its base URL."""
    port = free_port()
    cmd = [
        *(sys.executable, "-m", "voila", notebook.name, "--no-browser"),
        *("--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0", *args),
    ]
    server = Server(f"voila {notebook.name}", cmd, cwd=notebook.parent, env=env, log=log)
    base = f"http://127.0.0.1:{port}/"
    # A cheap static route: GET / would start a kernel and run the notebook.
    server.wait_ready(base + "voila/static/", any_status=True)
    return server, base


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write an nbformat-4 notebook of code cells `cells` (with a python3 kernelspec) to `path`."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(cells)
        ],
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1))
    return path


def run_cell(page: Page, index: int) -> None:
    """Select code cell ``index`` of the notebook open in JupyterLab and run it (Shift+Enter)."""
    page.locator(".jp-Notebook .jp-CodeCell").nth(index).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def widget_messages_sent(page: Page) -> list[str]:
    """The kind (``"k"``) of each custom widget message the page sends its kernel from now on
    (not ipywidgets' own, such as a state request), as they go."""
    kinds: list[str] = []

    def on_frame(payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        custom = re.search(r'"method":\s*"custom"', text)
        if custom and re.search(r'"msg_type":\s*"comm_msg"', text):
            found = re.search(r'"content":\s*\{"k":\s*("\w+")', text)
            kinds.append(json.loads(found.group(1)) if found else "?")

    page.on("websocket", lambda ws: ws.on("framesent", on_frame))
    return kinds
