"""Every Python block of the README runs, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parents[2] / "README.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_readme_starts_with_exactly_two_commands():
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == [".ci/dev lab", ".ci/dev test"]


def test_readme_python_blocks_run():
    blocks = BLOCK.findall(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    widget = namespace.get("Counter")
    assert widget is not None


def test_ci_runs_the_readmes_test_command():
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    test_command = first_block.splitlines()[1].split("#")[0].strip()
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip().startswith(".ci/")]
    assert commands == [test_command] == [".ci/dev test"]
