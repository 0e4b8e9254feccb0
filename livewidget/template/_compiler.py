"""Compile Jinja2 source into statics and dynamic slots, with change tracking.

Jinja2 parses the source; each top-level output expression (``{{ … }}``) and each top-level
statement that produces output (``{% if %}``, ``{% for %}``, ``{% include %}``, …) becomes a
*slot*, compiled as a template of its own, while the text between them becomes the statics.
Definitions that produce no output (``{% set %}``, ``{% macro %}``, ``{% import %}``) are
replayed in front of every later slot, so slots see them exactly as a whole-template render
would. A slot records the names it reads; on the next render it runs again only when one of
them changed. A template that cannot be split (``{% extends %}``) becomes a single slot:
the HTML is always what a plain Jinja2 render gives.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta, nodes

from ._rendered import Rendered

# Top-level statements that define names for later slots and output nothing.
_DEFINITIONS = (nodes.Assign, nodes.Macro, nodes.Import, nodes.FromImport)


@dataclass(frozen=True, slots=True)
class _Slot:
    template: jinja2.Template
    reads: frozenset[str]


class CompiledTemplate:
    """A Jinja2 template split into statics and change-tracked dynamic slots.

    >>> from livewidget.template import environment
    >>> t = CompiledTemplate(environment(), "<b>{{ n }}</b><i>{{ m }}</i>")
    >>> first = t.render({"n": 1, "m": 2})
    >>> first.to_json()
    {'s': ['<b>', '</b><i>', '</i>'], '0': '1', '1': '2'}
    >>> t.render({"n": 5, "m": 3}, changed={"n"}, previous=first).dynamics
    ['5', '2']
    """

    def __init__(self, env: jinja2.Environment, source: str, *, name: str = "<template>") -> None:
        self.name = name
        self.source = source
        tree = env.parse(source, name=name)
        self.statics, self._slots = _split(env, tree, name)

    def render(
        self,
        assigns: Mapping[str, Any],
        *,
        changed: Collection[str] | None = None,
        previous: Rendered | None = None,
    ) -> Rendered:
        """Render with ``assigns``; with ``previous`` and ``changed``, reuse what is unchanged.

        ``changed`` names the assigns that may differ from the render that gave ``previous``;
        ``None`` means all of them.
        """
        reusable = (
            previous.dynamics
            if previous is not None and changed is not None and previous.statics == self.statics
            else None
        )
        dynamics: list[str | Rendered] = []
        context = dict(assigns)
        for index, slot in enumerate(self._slots):
            if reusable is not None and changed is not None and slot.reads.isdisjoint(changed):
                dynamics.append(reusable[index])
            else:
                dynamics.append(slot.template.render(context))
        return Rendered(self.statics, dynamics)


def _split(
    env: jinja2.Environment, tree: nodes.Template, name: str
) -> tuple[tuple[str, ...], list[_Slot]]:
    if any(isinstance(node, nodes.Extends) for node in tree.body):
        return ("", ""), [_slot(env, [], tree.body, name)]
    statics: list[str] = [""]
    slots: list[_Slot] = []
    definitions: list[nodes.Node] = []
    for node in tree.body:
        if isinstance(node, _DEFINITIONS):
            definitions.append(node)
            continue
        children = node.nodes if isinstance(node, nodes.Output) else [node]
        for child in children:
            if isinstance(child, nodes.TemplateData):
                statics[-1] += child.data
            else:
                body: list[nodes.Node] = [nodes.Output([child]) if child is not node else node]
                slots.append(_slot(env, list(definitions), body, name))
                statics.append("")
    return tuple(statics), slots


def _slot(
    env: jinja2.Environment, prelude: list[nodes.Node], body: list[nodes.Node], name: str
) -> _Slot:
    ast = nodes.Template(prelude + body, lineno=1)
    ast.set_environment(env)
    code = env.compile(ast, name=name, filename=name)
    template = env.template_class.from_code(env, code, env.make_globals(None))
    return _Slot(template, frozenset(meta.find_undeclared_variables(ast)))
