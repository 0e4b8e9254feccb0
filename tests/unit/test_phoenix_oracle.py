"""Phoenix LiveView 1.2's own client merges livewidget's messages to the page Jinja2 renders.

The seeded random edits of ``test_diff_random`` (keyed tables, loop variables, nested loops,
moves, runs, clears), each sequence merged by the Python client, our JS client and Phoenix's
(``tests/_oracle.py``, one node process for the whole batch); all three must show the plain
Jinja2 render after every message.
"""

from __future__ import annotations

import json
import random
from typing import Any

from livewidget.template import CompiledTemplate, diff, environment
from tests._oracle import merge_three_ways
from tests.unit.test_diff_random import TEMPLATES, edit, row

SEEDS = range(1, 41)
STEPS = 30


def sequence(source: str, seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The messages of one seeded run of random edits, and the Jinja2 page after each."""
    env = environment()
    compiled = CompiledTemplate(env, source)
    plain = env.from_string(source)
    rng = random.Random(seed)
    next_id = [0]
    state: dict[str, Any] = {"title": "T", "rows": [row(next_id) for _ in range(6)]}
    state["names"] = [r["name"] for r in state["rows"]]
    server = compiled.render(state)
    messages = [server.to_json()]
    pages = [plain.render(state)]
    for _ in range(STEPS):
        changed = edit(rng, state, next_id)
        after = compiled.render(state, changed=changed, previous=server)
        messages.append(diff(server, after))
        pages.append(plain.render(state))
        server = after
    return json.loads(json.dumps(messages)), pages


def test_three_clients_show_the_jinja_page_after_every_message():
    cases = [(name, seed) for name in TEMPLATES for seed in SEEDS]
    built = [sequence(TEMPLATES[name], seed) for name, seed in cases]
    results = merge_three_ways([messages for messages, _ in built])
    assert len(results) == len(cases) >= 200
    moves = sum('"km": true' in json.dumps(messages) for messages, _ in built)
    assert moves >= 100, "the edits should move rows in most sequences"
    for (name, seed), (messages, pages), result in zip(cases, built, results, strict=True):
        assert set(result) == {"python", "ours", "phoenix"}
        for client in result:
            for step, (html, page) in enumerate(zip(result[client], pages, strict=True)):
                assert html == page, (client, name, seed, step, messages[step])


def test_a_client_that_fails_says_so_in_its_list():
    rows = {"0": {"0": "a"}, "1": {"0": "b"}, "kc": 2}
    tree = {"s": ["<ul>", "</ul>"], "0": {"s": ["<li>", "</li>"], "k": rows}}
    no_flag = {"0": {"k": {"0": 1, "1": 0, "kc": 2}}}  # moves without "km": Phoenix throws
    bad_row = {"0": {"k": {"0": "row", "kc": 2}}}  # no client reads a string as a row
    [moves, bad] = merge_three_ways([[tree, no_flag, {}], [tree, bad_row]])
    page, swapped = "<ul><li>a</li><li>b</li></ul>", "<ul><li>b</li><li>a</li></ul>"
    assert moves["python"] == moves["ours"] == [page, swapped, swapped]
    assert moves["phoenix"][0] == page
    assert moves["phoenix"][1].startswith("<oracle: phoenix failed at message 1: TypeError")
    assert moves["phoenix"][2] is None
    assert bad["python"][1].startswith("<oracle: python failed at message 1: bad keyed entry")
    assert bad["ours"][1].startswith("<oracle: ours failed at message 1: [livewidget]")
