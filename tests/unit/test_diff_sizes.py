"""Bytes on the wire for the benchmark's scenarios: the targets, pinned (deterministic)."""

from __future__ import annotations

import json

import pytest

from bench.scenarios import SCENARIOS
from livewidget.template import CompiledTemplate, diff, environment, merge, to_html


def compact(value) -> int:
    return len(json.dumps(value, separators=(",", ":")))


@pytest.mark.parametrize("name", SCENARIOS)
def test_diff_bytes_meet_the_target(name):
    template, make, update, target = SCENARIOS[name]
    env = environment()
    compiled = CompiledTemplate(env, template)
    assigns = make()
    before = compiled.render(assigns)
    client = json.loads(json.dumps(before.to_json()))
    changed = update(assigns)
    after = compiled.render(assigns, changed=changed, previous=before)
    change = diff(before, after)
    assert compact(change) <= target, json.dumps(change)[:500]
    # and the client, merging it, shows exactly what a plain Jinja2 render gives
    client = merge(client, json.loads(json.dumps(change)))
    assert to_html(client) == env.from_string(template).render(assigns)


def test_title_change_does_not_rerender_the_table():
    template, make, update, _ = SCENARIOS["e title only"]
    compiled = CompiledTemplate(environment(), template)
    assigns = make()
    before = compiled.render(assigns)
    after = compiled.render(assigns, changed=update(assigns), previous=before)
    assert after.dynamics[1] is before.dynamics[1]


def test_a_cell_change_rerenders_one_row_only():
    template, make, update, _ = SCENARIOS["b one cell"]
    compiled = CompiledTemplate(environment(), template)
    assigns = make()
    before = compiled.render(assigns)
    after = compiled.render(assigns, changed=update(assigns), previous=before)
    same = sum(a is b for a, b in zip(before.dynamics[1].rows, after.dynamics[1].rows, strict=True))
    assert same == 999


def test_removing_a_row_is_one_run_of_moves():
    template, make, update, _ = SCENARIOS["d row removed"]
    compiled = CompiledTemplate(environment(), template)
    assigns = make()
    before = compiled.render(assigns)
    after = compiled.render(assigns, changed=update(assigns), previous=before)
    assert diff(before, after) == {"1": {"k": {"m": [[499, 500, 500]], "km": True, "kc": 999}}}


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_message_adds_at_most_40_bytes_of_envelope(name):
    from bench.diff import scenario_view
    from livewidget.testing import LiveViewTest

    template, make, update, target = SCENARIOS[name]
    with LiveViewTest(scenario_view(template, make, update)) as view:
        view.push_event("update")
        message = view.messages[-1]
    assert set(message) == {"d", "ref"}
    assert compact(message) - compact(message["d"]) <= 40
    assert compact(message["d"]) <= target
