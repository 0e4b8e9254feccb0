"""Print benchmark results as a plain-text table."""

from __future__ import annotations

import datetime
import os
import platform
import time
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print ``rows`` under ``header`` with aligned columns, after a ``title`` line."""
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * w for w in widths))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)


def print_conditions() -> None:
    """Print the load average: the machine is shared, so every figure needs its context."""
    one, five, fifteen = os.getloadavg()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"{when}, {os.cpu_count()} cores, load average {one:.2f} / {five:.2f} / {fifteen:.2f}"
        " (1 / 5 / 15 min); times are medians, compare the ratios"
    )


#: The packages a browser benchmark's figures depend on, named in its run header.
JUPYTER_PACKAGES = ("jupyterlab", "voila", "jupyter_server", "tornado", "ipywidgets", "anywidget")


def run_header(browser_version: str) -> str:
    """The first lines of a browser benchmark's output: when, on what machine under what
    load, with which Python, Jupyter packages and Chromium (the machine is shared)."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    packages = ", ".join(f"{name} {_version(name)}" for name in JUPYTER_PACKAGES)
    return (
        f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}\n"
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load}\n"
        f"python {platform.python_version()}, {packages}, chromium {browser_version}"
    )


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "(not installed)"
