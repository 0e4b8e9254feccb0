"""The differential test of issue #11 through the JS client's DOM patch paths, in happy-dom.

``test_differential.py`` checks the merged page; here a share of the same generated
sequences goes through livewidget's real frontend view (``js/test/oracle/patch.mjs``: the
transport, the store, the rows patched in place, the lists skipped, morphdom), and after
every message the view's DOM must equal a fresh parse of the page Jinja2 renders.

- ``test_generated_sequences_patch_like_a_fresh_render``: templates from the grammar as
  they are (their loops have no ids, so morphdom does the work).
- ``test_keyed_rows_patch_like_a_fresh_render``: grammar bodies inside keyed rows (one
  element with an id per row, in a list, a table and divs), so the row and list fast paths
  run on random content; it also asserts that they did run.
- Hand-written sequences that surely take each path: one cell of a 200-row table, a title
  above a list, rows inserted, removed and moved, an if-branch switch.

Seeded (``derandomize``); ``LIVEWIDGET_DIFFERENTIAL_DOM_EXAMPLES`` sets how many templates
to draw for each generated test (each runs ``SEQUENCES`` update sequences).
"""

from __future__ import annotations

import collections
import itertools
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livewidget.template import CompiledTemplate, diff, environment
from tests._assign_updates import make_row, states, steps
from tests._dom_oracle import kernel_messages, patch_paths_in_dom
from tests._jinja_grammar import GeneratedTemplate, _Builder, templates
from tests.unit.test_differential import (
    Replay,
    _no_cids,
    _prepare,
    _settings,
    _wire,
    check_sequence,
)

EXAMPLES = int(os.environ.get("LIVEWIDGET_DIFFERENTIAL_DOM_EXAMPLES", "150"))
SEQUENCES = 2  # update sequences per drawn template
BATCH = 300  # sequences per node process

#: Keyed rows around a grammar body (``BODY``): each row one element with an id, so the
#: view can patch rows in place and skip lists (unless the parser drops it: the last
#: wrapper). ``ID`` is the row's id, also for plain tuple rows; the ``<p>`` wrapper leaves
#: tuple rows without one, so their ids repeat (as does an edit that copies another row's
#: id), which the DOM patch must survive too.
_ID = "{{ r.id|default(r[0]) }}"
ROW_WRAPPERS = (
    '<ul>{% for r in rows %}\n  <li id="row-ID">BODY</li>{% endfor %}\n</ul>',
    '<table><tbody>{% for r in rows %}<tr id="row-ID"><td>BODY</td></tr>'
    "{% endfor %}</tbody></table>",
    '<div>{% for r in rows %}<div id="row-ID">BODY</div>{% endfor %}</div>',
    '<div>{% for r in rows %}<p id="row-{{ r.id }}">BODY</p>{% endfor %}</div>',
    # Rows the HTML parser does not keep where the template puts them: it drops a <tr> and
    # its <td> in a <ul>, and only their text stays. (Not a <div> in a <table>: the DOM
    # here, happy-dom's, foster-parents it unlike browsers, leaving its text behind.)
    '<ul>{% for r in rows %}\n<tr id="row-ID"><td>BODY</td></tr>{% endfor %}</ul>',
)


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every generated file: names are content hashes, so they never clash."""
    return tmp_path_factory.mktemp("differential_dom")


@st.composite
def keyed_templates(
    draw: Callable[[st.SearchStrategy[Any]], Any], wrappers: tuple[str, ...] = ROW_WRAPPERS
) -> GeneratedTemplate:
    """Grammar output above a keyed loop whose rows hold a grammar body reading ``r``, in
    one of ``wrappers``."""
    builder = _Builder(draw)
    prelude, scope = builder.macros()
    # Half the heads read a few scalars only, so that some updates change rows alone and
    # some change the head alone: the two fast paths.
    simple = draw(st.booleans())
    head = (
        "<h1>{{ title }} {{ a }} {{ x }} {{ count }}</h1>"
        if simple
        else builder.body(replace(scope, depth=1), 2)
    )
    body = builder.body(replace(scope, rows=("r",), loop="row", depth=1), 3)
    wrapper = draw(st.sampled_from(wrappers)).replace("ID", _ID)
    source = prelude + head + wrapper.replace("BODY", body)
    return GeneratedTemplate(source, tuple(sorted(builder.files.items())))


def _retitled(sequence: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``sequence`` with a new ``title`` after each step: an update of the head alone, after
    rows that may all be on screen (the list skip's case)."""
    return [
        change
        for index, step in enumerate(sequence)
        for change in (step, (("set", "title", f"Title {index}"),))
    ]


def _collect(
    strategy: st.SearchStrategy[GeneratedTemplate],
    folder: Path,
    examples: int,
    sequence: st.SearchStrategy[list[tuple[Any, ...]]],
) -> list[Replay]:
    """Draw ``examples`` templates with ``SEQUENCES`` update sequences each; the replays of
    those the Python client merges right (its failures are test_differential's to report)."""
    records: list[Replay] = []

    @_settings(examples)
    @given(
        template=strategy,
        spec=states(),
        sequences=st.lists(sequence, min_size=SEQUENCES, max_size=SEQUENCES),
    )
    def collect(template: GeneratedTemplate, spec: dict[str, Any], sequences: Any) -> None:
        env, plain = _prepare(template, spec, folder)
        try:
            compiled = CompiledTemplate(env, template.source)
            for sequence in sequences:
                record = check_sequence(compiled, plain, template, spec, sequence)
                if record is not None:
                    records.append(record)
        except Exception:
            return

    collect()
    return records


def _check_in_dom(records: list[Replay]) -> collections.Counter[str]:
    """Patch every record's messages in the DOM; assert the page after each; count paths."""
    paths: collections.Counter[str] = collections.Counter()
    for start in range(0, len(records), BATCH):
        batch = records[start : start + BATCH]
        sequences = [
            list(zip(kernel_messages(record.messages), record.expected, strict=True))
            for record in batch
        ]
        for record, results in zip(batch, patch_paths_in_dom(sequences), strict=True):
            for index, step in enumerate(results):
                paths[step.path] += 1
                # The live page marks each component's root with its cid; a plain render cannot.
                assert _no_cids(step.patched) == step.expected, (
                    f"the DOM differs from a fresh parse (path {step.path!r})"
                    + record.describe(index, step.patched)
                    + f"\nEXPECTED (as the DOM parses it): {step.expected!r}"
                )
    return paths


def test_generated_sequences_patch_like_a_fresh_render(template_dir: Path) -> None:
    records = _collect(templates(), template_dir, EXAMPLES, steps())
    assert len(records) >= EXAMPLES, f"too few sequences to patch: {len(records)}"
    paths = _check_in_dom(records)
    assert paths["full"] > len(records), f"morphdom patched too few messages: {paths}"


def test_keyed_rows_patch_like_a_fresh_render(template_dir: Path) -> None:
    examples = max(EXAMPLES // 2, 20)
    records = _collect(keyed_templates(), template_dir, examples, steps().map(_retitled))
    assert len(records) >= examples, f"too few sequences to patch: {len(records)}"
    paths = _check_in_dom(records)
    # The fast paths ran on random content, not only on the hand-written cases below.
    assert paths["rows"] >= 10, f"rows patched in place too rarely: {paths}"
    assert paths["lists"] >= 50, f"lists skipped too rarely: {paths}"


# -- hand-written sequences that surely take each path ------------------------------------


def _sequence(source: str, states_: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """The kernel's messages for ``source`` rendered with each state in turn (every name
    that differs from the previous state counts as assigned), with Jinja2's page for each."""
    env = environment()
    compiled = CompiledTemplate(env, source)
    plain = env.from_string(source)
    server = compiled.render(states_[0])
    wire = [_wire(server.to_json())]
    pages = [plain.render(states_[0])]
    for before, after in itertools.pairwise(states_):
        changed = {name for name in after if name not in before or after[name] != before[name]}
        rendered = compiled.render(after, changed=changed, previous=server)
        wire.append(_wire(diff(server, rendered)))
        pages.append(plain.render(after))
        server = rendered
    return list(zip(kernel_messages(wire), pages, strict=True))


def _patch(source: str, states_: list[dict[str, Any]]) -> list[str]:
    """Patch the sequence in the DOM, assert the page after each message; the paths taken."""
    [results] = patch_paths_in_dom([_sequence(source, states_)])
    for index, step in enumerate(results):
        assert step.patched == step.expected, f"message {index} ({step.path})\n{source}"
    return [step.path for step in results]


def _rows(count: int, **edits: Any) -> list[dict[str, Any]]:
    rows = [make_row("dict", i, f"n{i}", i * 10, False, []) for i in range(1, count + 1)]
    for key, value in edits.items():
        rows[int(key.removeprefix("r")) - 1]["score"] = value
    return rows


TABLE = (
    '<table><tbody>{% for r in rows %}<tr id="r{{ r.id }}"><td>{{ r.name }}</td>'
    "<td>{{ r.score }}</td></tr>{% endfor %}</tbody></table>"
)
LIST = (
    '<h1>{{ title }}</h1><ul>{% for r in rows %}\n<li id="r{{ r.id }}">{{ r.name }}</li>'
    "{% endfor %}\n</ul>"
)


def test_one_cell_of_a_200_row_table_is_patched_in_place() -> None:
    rows = _rows(200)
    appended = [*rows, make_row("dict", 201, "new", 0, False, [])]
    paths = _patch(
        TABLE,
        [
            {"rows": rows},
            {"rows": _rows(200, r100=-1)},
            {"rows": _rows(200, r100=-1, r7=-2)},
            {"rows": [r for r in _rows(200, r100=-1, r7=-2) if r["id"] != 50]},
            {"rows": [*[r for r in _rows(200, r100=-1, r7=-2) if r["id"] != 50], appended[-1]]},
        ],
    )
    # The first row patch checks every row; the next cell change only sets the cell's text.
    assert paths == ["full", "rows", "texts", "rows", "rows"]


def test_a_title_above_a_list_skips_the_list() -> None:
    rows = _rows(50)
    paths = _patch(
        LIST,
        [
            {"title": "One", "rows": rows},
            {"title": "Two", "rows": rows},
            {"title": "<Three & four>", "rows": rows},
            {"title": "Five", "rows": _rows(50, r3=1)},
        ],
    )
    assert paths[:3] == ["full", "lists", "lists"]


def test_rows_inserted_removed_and_moved() -> None:
    rows = _rows(6)
    middle = [*rows[:3], make_row("dict", 9, "mid", 0, False, []), *rows[3:]]
    moved = [middle[4], *middle[:4], *middle[5:]]
    reversed_ = moved[::-1]
    paths = _patch(
        LIST,
        [
            {"title": "t", "rows": rows},
            {"title": "t", "rows": middle},
            {"title": "t", "rows": moved},
            {"title": "t", "rows": reversed_},
            {"title": "t", "rows": reversed_[1:-1]},
            {"title": "t", "rows": []},
            {"title": "t", "rows": rows[:2]},
        ],
    )
    assert paths[4] == "rows"  # the first and last rows removed
    assert "full" in paths[1] and "full" in paths[2]  # inserted mid-list, moved


def test_an_if_branch_switch() -> None:
    source = (
        "{% if a %}<b>{{ x }}</b>{% else %}<b>{{ y }}</b>{% endif %}"
        '{% if rows %}<ul>{% for r in rows %}<li id="r{{ r.id }}">{{ r.name }}</li>'
        "{% endfor %}</ul>{% else %}<p>none</p>{% endif %}"
    )
    rows = _rows(3)
    base = {"a": True, "x": "X", "y": "Y", "rows": rows}
    paths = _patch(
        source,
        [
            base,
            {**base, "a": False},
            {**base, "a": False, "rows": []},
            {**base, "a": True, "rows": rows},
            {**base, "a": True, "rows": [rows[0], {**rows[1], "name": "renamed"}, rows[2]]},
        ],
    )
    assert paths[-1] == "rows"
