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
    [
        {"0": "x"},
        {"s": "not a list"},
        {"s": ["a"], "k": 5},
        {"s": ["a", "b"], "k": {"0": {}, "kc": 1}},
        {"s": ["a", "b"], "k": {"0": {"0": "x"}}},
        {"s": ["a", "b"], "k": {"kc": 2, "0": {"0": "x"}}},
    ],
)
def test_malformed_trees_raise_a_clear_error(bad):
    with pytest.raises(MalformedTreeError):
        to_html(bad)


LIST = {"s": ["<i>", "</i>"], "k": {"0": {"0": "a"}, "1": {"0": "b"}, "kc": 2}}


@pytest.mark.parametrize(
    "keyed",
    [
        5,
        {"kc": -1},
        {"kc": True},
        {"5": {"0": "x"}, "kc": 2},
        {"0": 7, "km": True, "kc": 2},
        {"0": "row", "kc": 2},
        {"m": [[0, 1, 2]], "km": True, "kc": 2},
        {"m": [[0, 1]], "km": True, "kc": 2},
        {"m": "runs", "kc": 2},
        {"kc": 3},
        {"0": {"x": "1"}, "kc": 2},
    ],
)
def test_malformed_keyed_diffs_raise_a_clear_error(keyed):
    with pytest.raises(MalformedTreeError):
        merge(LIST, {"k": keyed})


def test_keyed_diffs_from_older_servers_still_merge():
    # without "kc" the count stays, and "i": j is read without "km"
    assert to_html(merge(LIST, {"k": {"0": {"0": "c"}}})) == "<i>c</i><i>b</i>"
    assert to_html(merge(LIST, {"k": {"0": 1, "1": 0}})) == "<i>b</i><i>a</i>"


def test_a_comprehension_diff_needs_k():
    assert merge(LIST, {}) == LIST
    with pytest.raises(MalformedTreeError, match="needs 'k'"):
        merge(LIST, {"0": "x"})


def test_merge_refuses_non_objects():
    with pytest.raises(MalformedTreeError, match="expected a diff object"):
        merge({"s": [""]}, ["x"])  # type: ignore[arg-type]
