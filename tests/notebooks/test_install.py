"""`pip install livewidget`, then the tour: it runs top to bottom with the core dependencies only.

The wheel is built from this work tree and installed into a fresh virtual environment (no
system site-packages) with nothing but its declared core dependencies, plus nbclient and
ipykernel to execute the notebook. The kernel runs with the network refused (an audit hook
raises on any non-loopback connection or name lookup), so the tour must not fetch anything.
pip itself may fetch the dependencies from the package index; its cache keeps this quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).parents[2]
TOUR = ROOT / "notebooks" / "tour.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NO_NETWORK = "livewidget test: the network is off"

pytestmark = pytest.mark.install

# Imported by every Python of the venv (through PYTHONPATH): the kernel may talk to loopback
# (its own ZMQ sockets are C-level and not audited anyway) and to nothing else.
SITECUSTOMIZE = f"""
import socket
import sys

LOOPBACK = {{"localhost", "127.0.0.1", "::1", "", None}}


def _no_network(event, args):
    if event == "socket.getaddrinfo" and args[0] not in LOOPBACK:
        raise OSError({NO_NETWORK!r} + f": lookup of {{args[0]!r}}")
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise OSError({NO_NETWORK!r} + f": connect to {{address!r}}")


sys.addaudithook(_no_network)
"""

# Runs inside the venv: executes the tour, then a probe cell telling where the kernel's Python
# and livewidget live and whether the network guard holds there.
RUNNER = """
import sys

import nbformat
from nbclient import NotebookClient

source, target, workdir = sys.argv[1:4]
nb = nbformat.read(source, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell('''
import importlib.util, json, socket, sys
import livewidget
try:
    socket.getaddrinfo("example.org", 443)
    guard = "open"
except OSError as error:
    guard = str(error)
print(json.dumps({"prefix": sys.prefix, "livewidget": livewidget.__file__, "guard": guard,
                  "redis": importlib.util.find_spec("redis") is not None}))
'''))
NotebookClient(
    nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": workdir}}
).execute()
nbformat.write(nb, target)
"""


def _run(args: list[str], what: str, **kwargs) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False, **kwargs)
    assert done.returncode == 0, (
        f"{what} failed (exit {done.returncode}); expected it to succeed.\n"
        f"command: {args}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    )


@pytest.fixture(scope="module")
def executed_tour(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    """The tour, executed in a fresh venv holding the wheel and its core dependencies."""
    tmp = tmp_path_factory.mktemp("install")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)

    wheels = tmp / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        "building the wheel",
        env=env,
    )
    (wheel,) = wheels.glob("livewidget-*.whl")

    # --without-pip: this environment's pip installs into it (`pip --python`), which saves
    # bootstrapping a second pip; the venv still sees no site-packages but its own.
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], "creating the venv", env=env)
    python = venv / "bin" / "python"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            str(wheel),
            "nbclient",
            "ipykernel",
        ],
        "installing the wheel with its core dependencies (and nbclient, ipykernel)",
        env=env,
    )

    guard = tmp / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    runner = tmp / "run_tour.py"
    runner.write_text(RUNNER, encoding="utf-8")
    workdir = tmp / "work"  # the kernel's cwd: nothing importable there, not the repo root
    workdir.mkdir()
    out = tmp / "tour.ipynb"
    _run(
        [str(python), str(runner), str(TOUR), str(out), str(workdir)],
        "executing notebooks/tour.ipynb in the fresh venv",
        env={**env, "PYTHONPATH": str(guard), "JUPYTER_PLATFORM_DIRS": "1"},
        cwd=workdir,
    )
    return nbformat.read(out, as_version=4)


def _probe(nb: nbformat.NotebookNode) -> dict:
    (stream,) = [out for out in nb.cells[-1].outputs if out.output_type == "stream"]
    return json.loads(stream.text)


def test_the_tour_runs_without_an_error(executed_tour):
    errors = [
        f"{out.ename}: {out.evalue}"
        for cell in executed_tour.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []


def test_the_tour_shows_its_widgets(executed_tour):
    widgets = [
        out
        for cell in executed_tour.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if WIDGET_VIEW in out.get("data", {})
    ]
    assert len(widgets) >= 10, "each section of the tour displays at least one widget"


def test_the_kernel_ran_the_installed_wheel_with_the_network_off(executed_tour, tmp_path_factory):
    probe = _probe(executed_tour)
    venv = Path(probe["prefix"])
    assert venv.name == "venv" and venv.parent.name.startswith("install")
    assert Path(probe["livewidget"]).is_relative_to(venv), "livewidget came from the wheel"
    assert probe["guard"].startswith(NO_NETWORK), "the kernel could reach the network"


def test_extras_stay_out_of_a_plain_install(executed_tour):
    assert _probe(executed_tour)["redis"] is False
