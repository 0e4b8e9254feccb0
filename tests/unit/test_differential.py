"""The differential test of issue #11: random templates x random updates against Jinja2.

The rule: after any sequence of updates, the page a client merges from the messages equals a
plain Jinja2 render of the template with the current assigns. Templates come from the
grammar in ``tests/_jinja_grammar.py``, assigns and updates from ``tests/_assign_updates.py``.

- ``test_merged_page_equals_jinja``: the template API and the Python client, after every
  message (and ``str(rendered)`` too).
- ``test_live_view_session_equals_jinja``: a share of the cases through a real session
  (``LiveViewTest``), so ``socket.assign``'s own ``changed`` bookkeeping is covered.
- ``test_three_clients_agree``: the same messages merged by our JS client and Phoenix
  LiveView's own client too (``tests/_oracle.py``), in batches, one node process each.

Templates may place stateful LiveComponents (``tests/_jinja_grammar.py``): the template API
renders run inside a component set as the session's do, their trees carry the components
under ``"c"``, and pages are compared without the ``data-phx-component`` attribute, which a
plain Jinja2 render cannot know.

Seeded (``derandomize``), so CI repeats the same cases; ``LIVEWIDGET_DIFFERENTIAL_EXAMPLES``
sets how many templates to draw (each runs ``SEQUENCES`` update sequences).
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from livewidget import LiveView
from livewidget._core.components import ComponentSet
from livewidget.socket import Socket
from livewidget.template import CompiledTemplate, Rendered, diff, environment, merge, to_html
from livewidget.template._components import hosting
from livewidget.testing import LiveViewTest
from tests import _oracle as oracle
from tests._assign_updates import Fmt, Label, apply_step, states, steps, with_helpers
from tests._jinja_grammar import (
    LIVE_COMPONENTS,
    PLAIN_COMPONENTS,
    GeneratedTemplate,
    templates,
)

EXAMPLES = int(os.environ.get("LIVEWIDGET_DIFFERENTIAL_EXAMPLES", "800"))
SEQUENCES = 3  # update sequences per drawn template (compiling is the costly part)
SESSION_SHARE = 5  # one template in SESSION_SHARE also goes through a LiveViewTest session
ORACLE_BATCH = 200  # sequences per node process

_BASE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def _settings(examples: int) -> settings:
    """Seeded settings drawing ``examples`` cases."""
    return settings(_BASE, max_examples=examples)


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every generated file: names are content hashes, so they never clash."""
    return tmp_path_factory.mktemp("differential")


def _prepare(
    template: GeneratedTemplate, spec: dict[str, Any], folder: Path
) -> tuple[jinja2.Environment, jinja2.Template]:
    """The environment and the plain Jinja2 template; rejects templates Jinja2 cannot render."""
    for name, text in template.files:
        path = folder / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    env = environment(str(folder))
    try:
        plain = env.from_string(template.source)
        plain.render({**with_helpers(spec), **PLAIN_COMPONENTS})
    except Exception:
        reject()
    return env, plain


_CID_ATTRIBUTE = re.compile(r' data-phx-component="\d+"')


def _no_cids(html: str) -> str:
    """A live page as a plain render shows it: without the components' cids."""
    return _CID_ATTRIBUTE.sub("", html)


class _Live:
    """Renders of one template as a session makes them: inside a component set."""

    def __init__(self, compiled: CompiledTemplate) -> None:
        self.compiled = compiled
        self.components = ComponentSet(lambda later: None)
        self.components.attach(Socket("differential"))

    def render(
        self,
        state: dict[str, Any],
        changed: set[str] | None = None,
        previous: Rendered | None = None,
    ) -> Rendered:
        with hosting(self.components):
            tree = self.compiled.render(
                {**state, **LIVE_COMPONENTS}, changed=changed, previous=previous
            )
            return self.components.finish(tree)


def _wire(message: dict[str, Any]) -> Any:
    """What the client receives: the message through JSON."""
    return json.loads(json.dumps(message))


@dataclass
class Replay:
    """One sequence as sent: the messages and the page Jinja2 renders after each one."""

    template: GeneratedTemplate
    spec: dict[str, Any]
    steps: list[tuple[Any, ...]]
    messages: list[Any]
    expected: list[str]

    def describe(self, index: int, got: str) -> str:
        """A failure report: template, assigns, updates up to ``index``, expected vs got."""
        return (
            f"\nTEMPLATE:\n{self.template}\nASSIGNS: {self.spec!r}\n"
            f"UPDATES: {self.steps[:index]!r}\nMESSAGE {index}: {self.messages[index]!r}\n"
            f"EXPECTED: {self.expected[index]!r}\nGOT:      {got!r}"
        )


def replay(
    compiled: CompiledTemplate,
    plain: jinja2.Template,
    template: GeneratedTemplate,
    spec: dict[str, Any],
    sequence: list[tuple[Any, ...]],
) -> Iterator[tuple[Replay, int, Any, str]]:
    """Render, diff and merge ``sequence``; yield after each message what to compare.

    Yields ``(replay, index, server_render, client_html)``. A step whose assigns Jinja2
    itself cannot render (a value's new type breaks an expression) ends the sequence.
    """
    state = with_helpers(spec)
    live = _Live(compiled)
    record = Replay(template, spec, [], [], [])
    server = live.render(state)
    record.messages.append(_wire(server.to_json()))
    record.expected.append(plain.render({**state, **PLAIN_COMPONENTS}))
    client = merge(None, record.messages[0])
    yield record, 0, server, _no_cids(to_html(client))
    for step in sequence:
        update = apply_step(state, step)
        state.update(update)
        try:
            expected = plain.render({**state, **PLAIN_COMPONENTS})
        except Exception:
            return
        after = live.render(state, changed=set(update), previous=server)
        record.steps.append(step)
        record.messages.append(_wire(diff(server, after)))
        record.expected.append(expected)
        client = merge(client, record.messages[-1])
        yield record, len(record.messages) - 1, after, _no_cids(to_html(client))
        server = after


def check_sequence(
    compiled: CompiledTemplate,
    plain: jinja2.Template,
    template: GeneratedTemplate,
    spec: dict[str, Any],
    sequence: list[tuple[Any, ...]],
) -> Replay | None:
    """Assert the rule after every message of ``sequence``; the replay, for other clients."""
    record = None
    for record, index, server, page in replay(compiled, plain, template, spec, sequence):
        expected = record.expected[index]
        assert page == expected, "merged page differs from Jinja2" + record.describe(index, page)
        assert _no_cids(str(server)) == expected, "server render differs" + record.describe(
            index, str(server)
        )
    return record


@_settings(EXAMPLES)
@given(
    template=templates(),
    spec=states(),
    sequences=st.lists(steps(), min_size=SEQUENCES, max_size=SEQUENCES),
)
def test_merged_page_equals_jinja(template, spec, sequences, template_dir):
    env, plain = _prepare(template, spec, template_dir)
    compiled = CompiledTemplate(env, template.source)
    for sequence in sequences:
        check_sequence(compiled, plain, template, spec, sequence)


def _view_class(template: GeneratedTemplate, spec: dict[str, Any], folder: Path) -> type:
    main = folder / f"main_{abs(hash(template.source)):x}.html"
    main.write_text(template.source, encoding="utf-8")

    class Generated(LiveView):
        """A view whose events apply the generated steps with socket.assign."""

        template_file = str(main)
        components = LIVE_COMPONENTS
        sequence: Sequence[tuple[Any, ...]] = ()

        def mount(self, socket, session, params):
            socket.assign(
                copy.deepcopy(spec),
                label=Label(lambda: socket.assigns),
                fmt=Fmt(lambda: socket.assigns),
            )

        def handle_event(self, event, params, socket):
            socket.assign(apply_step(socket.assigns, self.sequence[int(params["i"])]))

    return Generated


def _renders(plain: jinja2.Template, assigns: Any, step: tuple[Any, ...]) -> bool:
    """Whether Jinja2 can render ``step`` applied to a copy of ``assigns``."""
    values = {k: v for k, v in assigns.items() if k not in ("label", "fmt", "flash")}
    trial = with_helpers(values)
    trial.update(apply_step(trial, step))
    try:
        plain.render({**trial, **PLAIN_COMPONENTS})
    except Exception:
        return False
    return True


@_settings(max(EXAMPLES // SESSION_SHARE, 20))
@given(template=templates(), spec=states(), sequence=steps())
def test_live_view_session_equals_jinja(template, spec, sequence, template_dir):
    _, plain = _prepare(template, spec, template_dir)
    view_class = _view_class(template, spec, template_dir)
    view_class.sequence = sequence
    with LiveViewTest(view_class) as view:
        expected = plain.render({**view.assigns, **PLAIN_COMPONENTS})
        assert _no_cids(view.html()) == expected, f"mount\nTEMPLATE:\n{template}\nASSIGNS: {spec!r}"
        for index, step in enumerate(sequence):
            if not _renders(plain, view.assigns, step):
                break
            page = _no_cids(view.push_event("step", {"i": index}))
            expected = plain.render({**view.assigns, **PLAIN_COMPONENTS})
            assert page == expected, (
                f"after step {index}\nTEMPLATE:\n{template}\nASSIGNS: {spec!r}\n"
                f"UPDATES: {sequence[: index + 1]!r}\nEXPECTED: {expected!r}\nGOT:      {page!r}"
            )


def test_three_clients_agree(template_dir):
    """Our JS client and Phoenix's own merge the same messages into Jinja2's page too."""
    records: list[Replay] = []

    @_settings(max(EXAMPLES // 2, 20))
    @given(template=templates(), spec=states(), sequence=steps())
    def collect(template, spec, sequence):
        env, plain = _prepare(template, spec, template_dir)
        try:  # the Python client's own failures are the test above's to report
            record = check_sequence(
                CompiledTemplate(env, template.source), plain, template, spec, sequence
            )
        except Exception:
            return
        if record is not None:
            records.append(record)

    collect()
    assert len(records) >= 20, f"too few sequences to compare: {len(records)}"
    for start in range(0, len(records), ORACLE_BATCH):
        batch = records[start : start + ORACLE_BATCH]
        results = oracle.merge_three_ways([record.messages for record in batch])
        for record, pages in zip(batch, results, strict=True):
            for client, htmls in pages.items():
                for index, html in enumerate(htmls):
                    page = _no_cids(html) if html is not None else html
                    assert page == record.expected[index], f"{client}" + record.describe(
                        index, page
                    )
