"""Every Python block of every page in docs/ runs, in order, one namespace per page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = sorted((Path(__file__).parents[2] / "docs").glob("*.md"))
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_the_docs_index_lists_every_page():
    index = (Path(__file__).parents[2] / "docs" / "README.md").read_text(encoding="utf-8")
    for page in DOCS:
        if page.name != "README.md":
            assert f"({page.name})" in index, page.name


@pytest.mark.parametrize(
    "page", [p for p in DOCS if BLOCK.search(p.read_text())], ids=lambda p: p.stem
)
def test_python_blocks_run(page):
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        exec(compile(block, str(page), "exec"), namespace)
