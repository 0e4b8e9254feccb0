"""The client-side tree (merge + HTML) against the JSON fixtures shared with the JS client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livewidget.template import MalformedTreeError, merge, to_html

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "render").glob("*.json"))


def test_there_are_fixtures():
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    tree = data["tree"]
    assert to_html(tree) == data["html"]
    for step in data["diffs"]:
        before = json.dumps(tree)
        merged = merge(tree, step["diff"])
        assert json.dumps(tree) == before, "merge must not modify its input"
        assert to_html(merged) == step["html"]
        tree = merged


@pytest.mark.parametrize(
    "bad",
    [{"0": "x"}, {"s": "not a list"}, {"s": ["a"], "d": 5}, {"s": ["a", "b"], "d": [[]]}],
)
def test_malformed_trees_raise_a_clear_error(bad):
    with pytest.raises(MalformedTreeError):
        to_html(bad)


def test_merge_refuses_non_objects():
    with pytest.raises(MalformedTreeError, match="expected a diff object"):
        merge({"s": [""]}, ["x"])  # type: ignore[arg-type]
