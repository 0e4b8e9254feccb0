"""Compile Jinja2 source into blocks of statics and change-tracked slots.

Jinja2 parses the source; the compiler walks the top of the tree:

- text becomes statics;
- ``{{ expr }}`` becomes an expression slot, compiled as a small template of its own;
- ``{% if %}`` becomes a nested tree (the taken branch, compiled the same way);
- ``{% for x in xs %}`` becomes a comprehension whose body is compiled the same way;
- anything else that outputs (``{% include %}``, ``{% with %}``, a ``for`` with ``else`` or a
  filter, …) becomes one slot rendered whole.

Definitions that output nothing (``{% set %}``, ``{% macro %}``, ``{% import %}``) are replayed
in front of every later slot, so a slot sees what a whole-template render would. A template
with ``{% extends %}`` is rendered whole. Whatever the shape, the HTML is exactly what a plain
Jinja2 render gives; the tests compare both on a corpus.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import jinja2
from jinja2 import meta, nodes

from ._blocks import CAPTURE, LOOP, Block, ExprSlot, ForSlot, IfSlot
from ._rendered import Rendered

_LOOP_ATTRS = frozenset(
    {
        "index",
        "index0",
        "revindex",
        "revindex0",
        "first",
        "last",
        "length",
        "cycle",
        "depth",
        "depth0",
    }
)
# Statements that define names for later slots and output nothing.
_DEFINITIONS = (nodes.Assign, nodes.Macro, nodes.Import, nodes.FromImport)


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
        self._globals = dict(env.globals)
        compiler = _Compiler(env, name)
        if any(isinstance(node, nodes.Extends) for node in tree.body):
            self.root = Block(("", ""), (compiler.whole([], tree.body),))
        else:
            self.root = compiler.block(tree.body, [])

    @property
    def statics(self) -> tuple[str, ...]:
        """The top-level statics."""
        return self.root.statics

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
        # Slots render with shared contexts (no copy per slot), so globals go in once here.
        return self.root.render({**self._globals, **assigns}, changed, previous)


class _Compiler:
    def __init__(self, env: jinja2.Environment, name: str) -> None:
        self.env = env
        self.name = name

    def block(self, body: Sequence[nodes.Node], prelude: list[nodes.Node]) -> Block:
        statics: list[str] = [""]
        slots: list[ExprSlot | IfSlot | ForSlot] = []
        definitions = list(prelude)
        for node in body:
            if isinstance(node, _DEFINITIONS):
                definitions.append(node)
                continue
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if isinstance(child, nodes.TemplateData):
                        statics[-1] += child.data
                    else:
                        slots.append(self.whole(definitions, [nodes.Output([child])]))
                        statics.append("")
                continue
            slots.append(self.statement(node, list(definitions)))
            statics.append("")
        return Block(tuple(statics), tuple(slots))

    def statement(self, node: nodes.Node, prelude: list[nodes.Node]) -> ExprSlot | IfSlot | ForSlot:
        if isinstance(node, nodes.If):
            return self.if_slot(node, prelude)
        if isinstance(node, nodes.For) and _simple_for(node):
            return self.for_slot(node, prelude)
        return self.whole(prelude, [node])

    def whole(self, prelude: list[nodes.Node], body: list[nodes.Node]) -> ExprSlot:
        template, reads = self.template(prelude + body)
        return ExprSlot(template, reads)

    def if_slot(self, node: nodes.If, prelude: list[nodes.Node]) -> IfSlot:
        tests = [node.test] + [branch.test for branch in node.elif_]
        bodies = [node.body] + [branch.body for branch in node.elif_]
        if node.else_:
            bodies.append(node.else_)
        selector_node = nodes.If(
            tests[0],
            [_text("0")],
            [nodes.If(test, [_text(str(i))], [], []) for i, test in enumerate(tests[1:], 1)],
            [_text(str(len(tests)))] if node.else_ else [],
        )
        selector, reads = self.template([*prelude, selector_node])
        branches = tuple(self.block(body, prelude) for body in bodies)
        all_reads = reads.union(*(branch.reads for branch in branches))
        return IfSlot(selector, branches, all_reads)

    def for_slot(self, node: nodes.For, prelude: list[nodes.Node]) -> ForSlot:
        capture_call = nodes.Call(nodes.Name(CAPTURE, "load"), [node.iter], [], None, None)
        capture, iter_reads = self.template([*prelude, nodes.Output([capture_call])])
        targets = _target_names(node.target)
        body = self.block(node.body, prelude)
        local = set(targets) | {LOOP}
        outer_reads = body.reads - local
        reads = (iter_reads - {CAPTURE}) | outer_reads
        return ForSlot(capture, targets, body, frozenset(outer_reads), LOOP in body.reads, reads)

    def template(self, body: list[nodes.Node]) -> tuple[jinja2.Template, frozenset[str]]:
        ast = nodes.Template(body, lineno=1)
        ast.set_environment(self.env)
        code = self.env.compile(ast, name=self.name, filename=self.name)
        template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None))
        return template, frozenset(meta.find_undeclared_variables(ast))


def _simple_for(node: nodes.For) -> bool:
    """A loop the compiler can split into rows: no else, no filter, not recursive, and a
    ``loop`` variable used only for what :class:`~._blocks.Loop` offers."""
    if node.else_ or node.test is not None or node.recursive:
        return False
    for attr in node.find_all(nodes.Getattr):
        uses_loop = isinstance(attr.node, nodes.Name) and attr.node.name == LOOP
        if uses_loop and attr.attr not in _LOOP_ATTRS:
            return False
    return bool(_target_names(node.target))


def _target_names(target: nodes.Node) -> tuple[str, ...]:
    if isinstance(target, nodes.Name):
        return (target.name,)
    if isinstance(target, nodes.Tuple) and all(isinstance(i, nodes.Name) for i in target.items):
        return tuple(item.name for item in target.items if isinstance(item, nodes.Name))
    return ()


def _text(data: str) -> nodes.Output:
    return nodes.Output([nodes.TemplateData(data)])
