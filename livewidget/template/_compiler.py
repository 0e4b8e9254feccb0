"""Compile Jinja2 source into one instrumented Jinja2 template and the shape of its tree.

Jinja2 parses the source; the compiler walks its statements:

- text becomes statics (dropped from the compiled code: the tree holds them once);
- ``{{ expr }}`` becomes an expression slot;
- ``{% if %}`` becomes a nested tree (the taken branch, compiled the same way);
- ``{% for x in xs %}`` becomes a comprehension whose body is compiled the same way;
- anything else that outputs (``{% include %}``, ``{% with %}``, a ``for`` with ``else`` or a
  filter, …) becomes one slot rendered whole;
- definitions (``{% set %}``, ``{% macro %}``, ``{% import %}``) stay where they are.

The result is still one template, rendered in one pass, so every construct means exactly
what it means to Jinja2 (``namespace()`` counters, ``cycler``, ``joiner``, ``loop.previtem``,
macros reading names set later…). The compiled code calls a :class:`~._blocks.Builder` at
the edges of slots, which collects the output into a tree and skips slots that read nothing
that changed. Skipping is used only where :mod:`._analysis` proves it safe; elsewhere the
slot is evaluated every render, and the diff still sends only what changed. A template with
``{% extends %}`` is rendered whole.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import jinja2
from jinja2 import nodes

from ._analysis import (
    DEFINITIONS,
    LOOP,
    PURE_CALLEES,
    Definitions,
    free_names,
    impurities,
    loop_dependencies,
    target_names,
)
from ._blocks import (
    BRANCH,
    BUILDER,
    CLOSE,
    EXPR,
    FOR,
    IF,
    ITER,
    LOOP_END,
    NEED,
    PUT,
    ROW,
    ROW_END,
    Block,
    Builder,
    Slot,
)
from ._html_context import check_placements
from ._rendered import Rendered
from ._runtime import compile_template


class CompiledTemplate:
    """A Jinja2 template split into statics and change-tracked dynamic slots.

    >>> from livewidget.template import environment
    >>> t = CompiledTemplate(environment(), "<b>{{ n }}</b><i>{{ m }}</i>")
    >>> first = t.render({"n": 1, "m": 2})
    >>> first.to_json()
    {'s': ['<b>', '</b><i>', '</i>'], '0': '1', '1': '2'}
    >>> t.render({"n": 5, "m": 3}, changed={"n"}, previous=first).dynamics
    ['5', '2']

    ``impurities`` lists what keeps change tracking off for the whole template (calls of
    user callables, ``{% include %}``…): such a template is evaluated whole on every render.

    ``name`` names the template in errors; ``file=True`` says it is a template file's name,
    which an environment whose ``autoescape`` is a function (``select_autoescape``) decides
    escaping by. A template given as a string is escaped as ``env.from_string`` would.
    """

    def __init__(
        self, env: jinja2.Environment, source: str, *, name: str = "<template>", file: bool = False
    ) -> None:
        self.name = name
        # An autoescape function (select_autoescape) decides by a file's name; a template
        # given as a string has none, and is decided as Jinja2's from_string decides it.
        escape_name = name if file else None
        self.source = source
        self.env = env
        tree = env.parse(source, name=name)
        check_placements(env, source, tree, name)
        extends = any(isinstance(node, nodes.Extends) for node in tree.body)
        self._plain = extends or _include_in_capture(tree)
        if self._plain:
            self.impurities: list[str] = [
                "extends another template"
                if extends
                else "includes a template inside {% set %}…{% endset %}, a filter block, a macro "
                "or a call block (Jinja2 then prints the include where it stands)"
            ]
            self.root = Block(("", ""), (Slot(EXPR, None),))
            self._template = _compile(env, tree, name, escape_name)
            self._callees: frozenset[str] = frozenset()
            return
        definitions = Definitions(tree)
        self.impurities = impurities(tree, definitions)
        compiler = _Compiler(definitions, tracked=not self.impurities)
        self.root, body = compiler.block(tree.body)
        self._template = _compile(env, nodes.Template(body, lineno=1), name, escape_name)
        self._callees = frozenset(
            call.node.name
            for call in tree.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name)
            and call.node.name in PURE_CALLEES
            and call.node.name not in definitions
        )

    @property
    def statics(self) -> tuple[str, ...]:
        """The top-level statics."""
        return self.root.statics

    @property
    def tracked(self) -> bool:
        """Whether renders with ``changed`` skip what reads nothing changed."""
        return not self.impurities

    def render(
        self,
        assigns: Mapping[str, Any],
        *,
        changed: Collection[str] | None = None,
        previous: Rendered | None = None,
    ) -> Rendered:
        """Render with ``assigns``; with ``previous`` and ``changed``, reuse what is unchanged.

        ``changed`` names the assigns that may differ from the render that gave ``previous``
        (values reached through them are compared by value); ``None`` means all of them.
        """
        track = changed is not None and self.tracked and not self._shadowed(assigns)
        builder = Builder(self.root, previous, frozenset(changed or ()) if track else None)
        context = self._template.new_context(
            # The environment's globals as they are now: one added later is seen, as in Jinja2.
            {**self.env.globals, **assigns, **builder.context()},
            shared=True,
        )
        try:
            # extend() appends each string as it is yielded, so the builder, called from
            # inside the generator, sees exactly what was printed before it.
            builder.out.extend(self._template.root_render_func(context))
        except Exception:
            # Rewrites the traceback so that it names the template's own lines.
            self.env.handle_exception(self.source)
        if self._plain:
            return builder.whole_result()
        return builder.result()

    def _shadowed(self, assigns: Mapping[str, Any]) -> bool:
        """Whether an assign replaces a helper the template calls (it may be impure then)."""
        return any(
            name in assigns and assigns[name] is not self.env.globals.get(name)
            for name in self._callees
        )


def _compile(
    env: jinja2.Environment, tree: nodes.Template, name: str, escape_name: str | None
) -> jinja2.Template:
    tree.set_environment(env)
    code = env.compile(tree, name=escape_name, filename=name)
    return compile_template(env, code, env.make_globals(None))


class _Compiler:
    def __init__(self, definitions: Definitions, *, tracked: bool) -> None:
        self.definitions = definitions
        self.tracked = tracked

    def reads(self, names: Iterable[str]) -> frozenset[str] | None:
        return self.definitions.resolve(names) if self.tracked else None

    def block(
        self, body: Sequence[nodes.Node], *, row: bool = False
    ) -> tuple[Block, list[nodes.Node]]:
        """The block of ``body`` and the instrumented statements that render its slots.

        A loop body (``row``) made only of ``{{ expr }}`` slots compiles to a *simple* block:
        each expression yields exactly one string, so the builder takes a row's dynamics in
        one piece at its end, with no edge per slot (the row is evaluated whole or reused).
        """
        statics: list[str] = [""]
        slots: list[Slot] = []
        code: list[nodes.Node] = []
        simple: list[nodes.Node] = []  # the same body, without edges (for a simple block)
        for node in body:
            if isinstance(node, DEFINITIONS):
                code.append(node)
                simple.append(node)
                continue
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if isinstance(child, nodes.TemplateData):
                        statics[-1] += child.data
                        continue
                    slot = Slot(EXPR, self.reads(free_names([child])))
                    slots.append(slot)
                    statics.append("")
                    output = nodes.Output([child])
                    simple.append(output)
                    code.extend(_skippable(slot, [output, nodes.ExprStmt(_edge(PUT))], child))
                continue
            slot, statements = self.statement(node)
            slots.append(slot)
            statics.append("")
            code.extend(_skippable(slot, statements, node))
            row = False  # a nested if, loop or statement may yield any number of strings
        if row:
            return Block(tuple(statics), tuple(slots), simple=True), simple
        return Block(tuple(statics), tuple(slots)), code

    def statement(self, node: nodes.Node) -> tuple[Slot, list[nodes.Node]]:
        if isinstance(node, nodes.If):
            return self.if_slot(node)
        if isinstance(node, nodes.For) and _splittable(node):
            return self.for_slot(node)
        reads = None if _defines(node) else self.reads(free_names([node]))
        return Slot(EXPR, reads), [node, nodes.ExprStmt(_edge(PUT))]

    def if_slot(self, node: nodes.If) -> tuple[Slot, list[nodes.Node]]:
        tests = [node.test] + [branch.test for branch in node.elif_]
        bodies = [node.body] + [branch.body for branch in node.elif_]
        if node.else_:
            bodies.append(node.else_)
        branches: list[Block] = []
        code: list[list[nodes.Node]] = []
        for index, body in enumerate(bodies):
            block, statements = self.block(body)
            branches.append(block)
            code.append([_stmt(BRANCH, index), *statements, nodes.ExprStmt(_edge(CLOSE))])
        else_ = code[len(tests)] if node.else_ else [_stmt(BRANCH, -1)]
        elifs = [
            nodes.If(test, body, [], []) for test, body in zip(tests[1:], code[1:], strict=False)
        ]
        instrumented = nodes.If(tests[0], code[0], elifs, else_)
        reads = None if _defines(node) else self.reads(free_names([node]))
        return Slot(IF, reads, branches=tuple(branches)), [instrumented]

    def for_slot(self, node: nodes.For) -> tuple[Slot, list[nodes.Node]]:
        targets = target_names(node.target)
        body, statements = self.block(node.body, row=True)
        use = loop_dependencies(node.body)
        # A lean loop iterates only the rows to evaluate (the builder hands them out one by
        # one and takes each row's output when asked for the next), so a row kept as it was
        # costs nothing; a loop that reads ``loop`` must see every row at its index.
        rows: list[nodes.Node] = (
            statements
            if use.lean
            else [nodes.If(_edge(ROW), [*statements, nodes.ExprStmt(_edge(ROW_END))], [], [])]
        )
        instrumented = nodes.For(
            node.target,
            _call(ITER, node.iter),  # type: ignore[arg-type]  # jinja2 types iter as Node
            rows,
            [],
            None,
            False,
        )
        slot = Slot(
            FOR,
            self.reads(free_names([node])),
            body=body,
            targets=targets,
            row_reads=self.reads(free_names(node.body, targets | {LOOP})),
            reusable=use.reusable and self.tracked,
            uses_index=use.index,
            uses_length=use.length,
            lean=use.lean,
        )
        return slot, [instrumented, nodes.ExprStmt(_edge(LOOP_END))]


def _splittable(node: nodes.For) -> bool:
    """A loop whose rows can be a comprehension: no else, no filter, not recursive, and
    every row runs to its end (no ``{% break %}`` or ``{% continue %}`` of the
    ``loopcontrols`` extension, which would leave a row half printed)."""
    return (
        not node.else_
        and node.test is None
        and not node.recursive
        and not any(True for _ in node.find_all((nodes.Break, nodes.Continue)))
    )


def _defines(node: nodes.Node) -> bool:
    """Whether ``node`` binds names for what follows it (so it must run every render)."""
    return any(True for _ in node.find_all(DEFINITIONS))


def _skippable(slot: Slot, statements: list[nodes.Node], origin: nodes.Node) -> list[nodes.Node]:
    """``statements``, run only when the builder says the slot must be evaluated."""
    out: list[nodes.Node] = (
        statements if slot.reads is None else [nodes.If(_edge(NEED), statements, [], [])]
    )
    for node in out:
        node.set_lineno(origin.lineno)
    return out


def _edge(name: str) -> nodes.Getattr:
    """Read the builder property ``name`` (it acts when read: see ``Builder.context``)."""
    return nodes.Getattr(nodes.Name(BUILDER, "load"), name, "load")


def _call(name: str, *args: nodes.Expr | int) -> nodes.Call:
    values = [arg if isinstance(arg, nodes.Expr) else nodes.Const(arg) for arg in args]
    return nodes.Call(nodes.Name(name, "load"), values, [], None, None)


def _stmt(name: str, *args: int) -> nodes.ExprStmt:
    return nodes.ExprStmt(_call(name, *args))


def _include_in_capture(tree: nodes.Template) -> bool:
    """Whether an ``{% include %}`` sits inside output Jinja2 captures (a block set, a filter
    block, a macro, a call block). Jinja2 writes an include without context straight to the
    page even there, so only a whole render of the template places its output as Jinja2 does.
    """
    return any(
        capture.find(nodes.Include) is not None
        for kind in (nodes.AssignBlock, nodes.FilterBlock, nodes.Macro, nodes.CallBlock)
        for capture in tree.find_all(kind)
    )
