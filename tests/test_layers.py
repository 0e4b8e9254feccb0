"""The package's one-way layering (docs/architecture.md) holds, and a circle cannot come back.

The contracts live in pyproject.toml's ``[tool.importlinter]``; ``lint-imports`` checks them
(``.ci/dev test`` runs it too). Type-only imports (``if TYPE_CHECKING:``) count.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "livewidget"


def lint_imports(config: Path, *, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` (installed next to this interpreter) on ``config``, analysing the
    ``livewidget`` package found in ``pythonpath`` (not whichever one is installed)."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail(
            "lint-imports is not installed next to this Python; "
            'install the dev extra: pip install -e ".[dev]"'
        )
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [exe, "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=config.parent,
        timeout=120,
        check=False,
    )


def test_the_package_keeps_its_layers() -> None:
    result = lint_imports(ROOT / "pyproject.toml", pythonpath=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_type_only_back_import_breaks_the_contracts(tmp_path: Path) -> None:
    # A copy of the package where the live layer imports the socket above it, for types only.
    shutil.copytree(PACKAGE, tmp_path / "livewidget", ignore=shutil.ignore_patterns("static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    timers = tmp_path / "livewidget" / "_live" / "timers.py"
    timers.write_text(
        timers.read_text(encoding="utf-8")
        + "\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        + "    from ..socket import Socket  # noqa: F401\n",
        encoding="utf-8",
    )
    result = lint_imports(tmp_path / "pyproject.toml", pythonpath=tmp_path)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "livewidget._live.timers -> livewidget.socket" in result.stdout
    assert "2 broken" in result.stdout  # the layers and the no-circle contract
