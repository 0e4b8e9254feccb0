"""``--against BUNDLE`` (bench/_against.py): the cell makes the kernel serve another build."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench._against import serve_cell
from bench.latency_scenarios import notebook
from livewidget import _frontend


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Whatever the cell rebinds in ``livewidget._frontend`` is put back afterwards."""
    monkeypatch.setattr(_frontend, "static_text", _frontend.static_text)
    yield
    _frontend.bundle_digest.cache_clear()


def test_the_cell_serves_the_other_build(tmp_path: Path, restored: None) -> None:
    bundle = tmp_path / "widget.js"
    bundle.write_text("export default {}; // another build", encoding="utf-8")
    ours = _frontend.bundle_digest()
    exec(serve_cell(bundle), {})
    assert _frontend.static_text("widget.js") == bundle.read_text(encoding="utf-8")
    assert _frontend.static_text("loader.js") != bundle.read_text(encoding="utf-8")
    assert _frontend.bundle_digest() != ours


def _first_cell(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = cells[0]["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def test_the_scenarios_notebook_serves_it_before_any_widget(tmp_path: Path) -> None:
    bundle = tmp_path / "widget.js"
    (tmp_path / "plain").mkdir()
    (tmp_path / "against").mkdir()
    plain = _first_cell(notebook(tmp_path / "plain"))
    against = _first_cell(notebook(tmp_path / "against", bundle))
    assert against.startswith(serve_cell(bundle))
    assert against.endswith(plain)
    assert str(bundle) not in plain
