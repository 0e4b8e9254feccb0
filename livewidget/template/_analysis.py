"""What a template reads, and whether change tracking may trust it.

Change tracking re-renders a part of a template only when a name it reads changed. That is
sound only where the compiler can prove what a part reads and that evaluating it has no
effect on anything else. This module proves both, conservatively:

- :func:`free_names` lists the names an AST reads that it does not bind itself;
- :class:`Definitions` resolves names bound by ``{% set %}`` / ``{% macro %}`` to the names
  their definitions read, transitively (``None`` where that cannot be known: imports,
  definitions inside an ``{% if %}``);
- :func:`is_pure` says whether evaluating the template can change state or read state that
  no name shows: calls of user callables, methods other than the read-only methods of
  built-in values, ``{% set ns.x %}``, ``caller()``, ``loop.changed()``, random filters,
  ``{% include %}`` / ``{% import %}`` / ``{% extends %}`` (another file's content). A template
  that is not pure is evaluated whole on every render (still diffed, so the wire stays small);
- :func:`loop_dependencies` says what of ``loop`` a ``{% for %}`` body uses, so a row can be
  reused when its item and its position-derived values are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import jinja2.filters
import jinja2.tests
from jinja2 import nodes

from ._charts import CHART_HELPERS
from ._embed import EMBED_HELPERS
from ._form_helpers import FORM_HELPERS
from ._helpers import HELPERS
from ._upload_helpers import UPLOAD_HELPERS

LOOP = "loop"

#: Globals that are pure functions of their arguments (when not shadowed by an assign).
PURE_CALLEES = frozenset(
    {
        "range",
        "dict",
        "namespace",
        "cycler",
        "joiner",
        *HELPERS,
        *FORM_HELPERS,
        *CHART_HELPERS,
        # A placeholder naming the widget's model id, which never changes.
        *EMBED_HELPERS,
        # Markup from an upload's (or entry's) frozen snapshot, which a change replaces.
        *UPLOAD_HELPERS,
        # Its slot holds a cid that stays valid while the call's arguments do not change.
        "live_component",
    }
)
#: Read-only methods of built-in values (str, dict, list, tuple) and of the ``JS`` builder,
#: whose every method returns a new command list.
PURE_METHODS = frozenset(
    {
        # dict
        "items", "keys", "values", "get",
        # str
        "upper", "lower", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip",
        "rstrip", "split", "rsplit", "splitlines", "join", "replace", "startswith", "endswith",
        "format", "count", "find", "rfind", "index", "rindex", "zfill", "center", "ljust",
        "rjust", "partition", "rpartition", "isdigit", "isalpha", "isalnum", "isspace",
        "islower", "isupper", "isnumeric", "isdecimal", "removeprefix", "removesuffix",
        # JS commands
        "push", "navigate", "patch", "show", "hide", "toggle", "add_class", "remove_class",
        "toggle_class", "transition", "set_attribute", "remove_attribute", "toggle_attribute",
        "dispatch", "focus", "focus_first", "exec",
    }
)  # fmt: skip
PURE_FILTERS = frozenset(set(jinja2.filters.FILTERS) - {"random"} | {"keyed", "lw_safe_url"})
PURE_TESTS = frozenset(jinja2.tests.TESTS)
#: What a row may read of ``loop`` and still be reused when only other rows changed, and
#: which of the row's index and the row count each depends on.
LOOP_ATTRS: dict[str, tuple[bool, bool]] = {
    "index": (True, False),
    "index0": (True, False),
    "first": (True, False),
    "cycle": (True, False),
    "revindex": (True, True),
    "revindex0": (True, True),
    "last": (True, True),
    "length": (False, True),
    "depth": (False, False),
    "depth0": (False, False),
}
DEFINITIONS = (nodes.Assign, nodes.AssignBlock, nodes.Macro, nodes.Import, nodes.FromImport)
# Nodes whose bodies see other names than the code around them.
_SCOPES = (nodes.For, nodes.Macro, nodes.CallBlock, nodes.With)


def free_names(body: Iterable[nodes.Node], bound: frozenset[str] = frozenset()) -> set[str]:
    """The names ``body`` reads that it does not bind itself (loop targets, macro arguments,
    ``with`` names). Names bound by ``{% set %}`` are kept: :class:`Definitions` resolves them.
    """
    out: set[str] = set()
    for node in body:
        _free(node, bound, out)
    return out


def _free(node: nodes.Node, bound: frozenset[str], out: set[str]) -> None:
    if isinstance(node, nodes.Name):
        if node.ctx == "load" and node.name not in bound:
            out.add(node.name)
        return
    if isinstance(node, nodes.For):
        _free(node.iter, bound, out)
        inner = bound | _target_names(node.target) | {LOOP}
        if node.test is not None:
            # A loop's filter runs before its own ``loop`` exists: ``loop`` there is the
            # enclosing loop's.
            _free(node.test, bound | _target_names(node.target), out)
        for child in node.body:
            _free(child, inner, out)
        for child in node.else_:
            _free(child, bound, out)
        return
    if isinstance(node, nodes.Macro | nodes.CallBlock):
        if isinstance(node, nodes.CallBlock):
            _free(node.call, bound, out)
        for default in node.defaults:
            _free(default, bound, out)
        params = {arg.name for arg in node.args} | {"caller", "varargs", "kwargs"}
        for child in node.body:
            _free(child, bound | params, out)
        return
    if isinstance(node, nodes.With):
        for value in node.values:
            _free(value, bound, out)
        inner = bound | {name for target in node.targets for name in _target_names(target)}
        for child in node.body:
            _free(child, inner, out)
        return
    for child in node.iter_child_nodes():
        _free(child, bound, out)


def _target_names(target: nodes.Node) -> frozenset[str]:
    return frozenset(name.name for name in _names_in(target))


def _names_in(node: nodes.Node) -> list[nodes.Name]:
    """The ``Name`` nodes of ``node``, itself included (``find_all`` skips the node)."""
    return [node] if isinstance(node, nodes.Name) else list(node.find_all(nodes.Name))


def target_names(target: nodes.Node) -> frozenset[str]:
    """The names a ``for`` or ``with`` target binds."""
    return _target_names(target)


@dataclass(frozen=True, slots=True)
class _Definition:
    reads: frozenset[str] | None  # None: cannot be known


class Definitions:
    """The names a template binds with ``{% set %}``, ``{% macro %}`` or ``{% import %}``,
    each with everything its definitions read (all definitions of a name, wherever they
    are: a name is tracked as the union of what could have defined it)."""

    def __init__(self, template: nodes.Template) -> None:
        raw: dict[str, set[str] | None] = {}
        macros: set[str] = set()
        others: set[str] = set()
        for node, known in _definitions(template.body, top=True):
            if isinstance(node, nodes.Macro):
                macros.add(node.name)
            else:
                others.update(name for name, _ in _defined(node))
            for name, reads in _defined(node):
                if name in raw and raw[name] is None:
                    continue
                if reads is None or not known:
                    raw[name] = None
                else:
                    raw.setdefault(name, set()).update(reads)  # type: ignore[union-attr]
        self._raw = raw
        self.macros = frozenset(macros - others)
        self._resolved: dict[str, frozenset[str] | None] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._raw

    def resolve(self, names: Iterable[str]) -> frozenset[str] | None:
        """``names`` plus everything their definitions read; None if any cannot be known."""
        out: set[str] = set()
        for name in names:
            reads = self._resolve(name, set())
            if reads is None:
                return None
            out |= reads
        return frozenset(out)

    def _resolve(self, name: str, seen: set[str]) -> frozenset[str] | None:
        if name in self._resolved:
            return self._resolved[name]
        if name not in self._raw:
            return frozenset({name})
        raw = self._raw[name]
        if raw is None:
            return None
        if name in seen:  # a definition reading itself (set x = x + 1): its own name suffices
            return frozenset({name})
        seen.add(name)
        out = {name}
        for read in raw:
            reads = self._resolve(read, seen)
            if reads is None:
                self._resolved[name] = None
                return None
            out |= reads
        result = frozenset(out)
        self._resolved[name] = result
        return result


def _definitions(body: Iterable[nodes.Node], *, top: bool) -> Iterator[tuple[nodes.Node, bool]]:
    """Every definition, with whether it sits where tracking can see it run: at the top of the
    template or of a ``{% for %}`` body (nested in those only), not in an ``{% if %}``."""
    for node in body:
        if isinstance(node, DEFINITIONS):
            yield node, top
            if isinstance(node, nodes.Macro | nodes.AssignBlock):
                yield from _definitions(node.body, top=False)
            continue
        if isinstance(node, nodes.For):
            yield from _definitions(node.body, top=top)
            yield from _definitions(node.else_, top=False)
            continue
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Stmt):
                yield from _definitions([child], top=False)


def _defined(node: nodes.Node) -> list[tuple[str, set[str] | None]]:
    if isinstance(node, nodes.Assign):
        reads = free_names([node.node])
        return [(name, reads) for name in _store_names(node.target)]
    if isinstance(node, nodes.AssignBlock):
        reads = free_names(node.body)
        if node.filter is not None:
            reads |= free_names([node.filter])
        return [(name, reads) for name in _store_names(node.target)]
    if isinstance(node, nodes.Macro):
        return [(node.name, free_names([node]))]
    if isinstance(node, nodes.Import):
        return [(node.target, None)]
    if isinstance(node, nodes.FromImport):
        return [(name if isinstance(name, str) else name[1], None) for name in node.names]
    return []


def _store_names(target: nodes.Node) -> list[str]:
    # ``set ns.attr = …`` (an NSRef) binds no name: it changes an object, which is impure.
    return [name.name for name in _names_in(target) if name.ctx == "store"]


def impurities(template: nodes.Template, definitions: Definitions) -> list[str]:
    """Why evaluating ``template`` in parts could differ from evaluating it whole (empty
    when it cannot). Each entry names the construct, for messages and tests."""
    found: list[str] = []
    for node in template.find_all(_CHECKED):
        reason = _impurity(node, definitions)
        if reason:
            found.append(f"line {node.lineno}: {reason}")
    return found


_CHECKED = (
    *(nodes.Call, nodes.Filter, nodes.Test, nodes.NSRef, nodes.FilterBlock),
    *(nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends),
)


def _impurity(node: nodes.Node, definitions: Definitions) -> str | None:
    if isinstance(node, nodes.Call):
        callee = node.node
        if isinstance(callee, nodes.Name):
            if callee.name in definitions:
                if callee.name in definitions.macros:
                    return None
                return f"calls {callee.name}(), defined in the template"
            if callee.name in PURE_CALLEES:
                return None
            return f"calls {callee.name}()"
        if isinstance(callee, nodes.Getattr):
            if isinstance(callee.node, nodes.Name) and callee.node.name == LOOP:
                return None if callee.attr == "cycle" else f"calls loop.{callee.attr}()"
            if callee.attr in PURE_METHODS:
                return None
            return f"calls the method .{callee.attr}()"
        return "calls a computed callable"
    if isinstance(node, nodes.Filter | nodes.FilterBlock):
        filt = node if isinstance(node, nodes.Filter) else node.filter
        return None if filt.name in PURE_FILTERS else f"uses the filter {filt.name}"
    if isinstance(node, nodes.Test):
        return None if node.name in PURE_TESTS else f"uses the test {node.name}"
    if isinstance(node, nodes.NSRef):
        return f"sets {node.name}.{node.attr}"
    return f"{type(node).__name__.lower()}s another template"


@dataclass(frozen=True, slots=True)
class LoopUse:
    """What a ``{% for %}`` body reads of ``loop``: ``None`` for ``reusable`` False (it uses
    ``loop`` as a value, ``previtem``, ``nextitem``, ``changed``…)."""

    reusable: bool
    index: bool
    length: bool
    #: The body never reads ``loop`` at all.
    lean: bool = False


def loop_dependencies(body: Iterable[nodes.Node]) -> LoopUse:
    """What the rows of a loop with ``body`` depend on, besides their item."""
    index = length = used = False
    for name, parent in _loop_names(body, None):
        used = True
        attr = parent.attr if isinstance(parent, nodes.Getattr) and parent.node is name else None
        if attr not in LOOP_ATTRS:
            return LoopUse(False, True, True)
        uses_index, uses_length = LOOP_ATTRS[attr]
        index |= uses_index
        length |= uses_length
    return LoopUse(True, index, length, lean=not used)


def _loop_names(
    body: Iterable[nodes.Node], parent: nodes.Node | None
) -> Iterator[tuple[nodes.Name, nodes.Node | None]]:
    """``loop`` names of this loop (not of nested loops) with their parent node."""
    for node in body:
        if isinstance(node, nodes.Name):
            if node.name == LOOP and node.ctx == "load":
                yield node, parent
            continue
        if isinstance(node, nodes.For):
            # The iterable, the filter and the else clause see the enclosing loop's ``loop``.
            yield from _loop_names([node.iter], node)
            if node.test is not None:
                yield from _loop_names([node.test], node)
            yield from _loop_names(node.else_, node)
            continue
        if isinstance(node, nodes.Macro | nodes.CallBlock):
            # a macro defined in the body may close over this loop: treat it as a value use
            if any(n.name == LOOP for n in node.find_all(nodes.Name)):
                yield nodes.Name(LOOP, "load"), None
            continue
        yield from _loop_names(node.iter_child_nodes(), node)
