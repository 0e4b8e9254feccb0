"""Hypothesis strategies for random but valid Jinja2 templates, drawn from a grammar.

A drawn :class:`GeneratedTemplate` is a main source and the files it includes, extends or
imports. Templates read a fixed vocabulary of assigns (see :mod:`tests._assign_updates`):
scalars (some named like template globals: ``input``, ``select``, ``checkbox``, ``range``),
``rows`` (rows with ``id``, ``name``, ``score``, ``vip``, ``tags``), ``names`` (scalars),
``d`` (a dict), and two helper callables, ``label()`` and ``fmt(v)``, that read the current
assigns. The grammar covers what issue #11 lists: if/elif/else (with twin branches of equal
statics), nested ``for`` with ``loop.*``, ``else`` and filters, set / block set / with, macros
and ``call``, ``namespace()``, ``cycler``, ``joiner``, lists filled with ``append``, loop
aliases, include / extends / import, tests, whitespace control and raw blocks; and stateful
LiveComponents placed at the top level (``{{ live_component(Card, id='c3', v=expr) }}``, each
id once per render): a live render uses the ``Card`` below, a plain Jinja2 render the
:data:`PLAIN_COMPONENTS` stand-ins, which render Card's template with the passed assigns.

Validity is the caller's job: render once with Jinja2 and ``assume`` it did not raise.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import strategies as st
from markupsafe import Markup

from livewidget import LiveComponent

#: Scalar assigns; the second group is named like livewidget's template globals.
SCALARS = ("a", "b", "x", "y", "title", "user", "guest", "count")
GLOBAL_NAMED = ("input", "select", "checkbox", "range")
#: Twin branches swap these names (only inside tags), so their statics are equal.
_TWIN = {"a": "b", "b": "a", "x": "y", "y": "x", "user": "guest", "guest": "user"}
_TWIN_RE = re.compile(r"\b(" + "|".join(_TWIN) + r")\b")
_TAG_RE = re.compile(r"({{.*?}}|{%.*?%})", re.S)

_TEXT = ("Hi ", "Total: ", "&amp; ", "\n", "  ", "é", "<br>", "<hr/>", "ok", "; ", "·")
_ELEMENTS = ("span", "b", "i", "em", "div", "section")
_LITERALS = ("'<lit>'", "'odd'", "'dflt'", "' & '", "7", "2.0", "true", "none", "''")
_ROW_FIELDS = ("name", "score", "id", "vip", "tags", "nope")


@dataclass(frozen=True)
class GeneratedTemplate:
    """A main template and the files it loads, as ``(file name, source)`` pairs."""

    source: str
    files: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        parts = [self.source] + [f"--- {name} ---\n{text}" for name, text in self.files]
        return "\n".join(parts)


@dataclass(frozen=True)
class _Scope:
    rows: tuple[str, ...] = ()  # names bound to one row
    values: tuple[str, ...] = ()  # names bound to a scalar (loop items, set, with, params)
    loop: str | None = None  # what the innermost loop iterates: "row" or "value"
    outer: tuple[str, ...] = ()  # names bound to an outer loop object
    callers: int = -1  # a macro called by {% call %}: caller's argument count
    stateful: tuple[tuple[str, str], ...] = ()  # (kind, name): namespace, cycler, joiner, list
    macros: tuple[tuple[str, int], ...] = ()  # (name, arity)
    libs: tuple[str, ...] = ()  # imported macro modules ("lib.cell")
    call_blocks: bool = False  # `wrap` and `each` are defined, for {% call %}
    in_block: bool = False  # a child template's block: super() works
    depth: int = 0
    files: bool = True  # may load other files (not inside included files)


@dataclass
class _Builder:
    draw: Callable[[st.SearchStrategy[Any]], Any]
    files: dict[str, str] = field(default_factory=dict)
    counter: int = 0

    # -- small choices --------------------------------------------------------------------

    def pick(self, options: Any) -> Any:
        return self.draw(st.sampled_from(tuple(options)))

    def chance(self, p: float) -> bool:
        # Shrinks towards False: a minimal example leaves optional features out.
        return bool(self.draw(st.integers(0, 99)) >= 100 - p * 100)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def ws(self) -> str:
        return "-" if self.chance(0.15) else ""

    def tag(self, content: str) -> str:
        return "{%" + self.ws() + " " + content + " " + self.ws() + "%}"

    def file(self, prefix: str, text: str) -> str:
        name = f"{prefix}_{hashlib.sha1(text.encode()).hexdigest()[:12]}.html"
        self.files[name] = text
        return name

    # -- expressions ----------------------------------------------------------------------

    def atom(self, s: _Scope) -> str:
        kinds = ["scalar"] * 4 + ["global", "literal", "label", "fmt", "list", "dict", "missing"]
        kinds += ["row"] * 5 if s.rows else []
        kinds += ["value"] * 4 if s.values else []
        kinds += ["loop"] * 4 if s.loop else []
        kinds += ["outer"] * 2 if s.outer else []
        kinds += ["state"] * 3 if s.stateful else []
        kinds += ["macro"] * 2 if s.macros or s.libs else []
        kinds += ["caller"] * 3 if s.callers >= 0 else []
        kinds += ["super"] if s.in_block else []
        kind = self.pick(kinds)
        if kind == "scalar":
            return str(self.pick(SCALARS))
        if kind == "global":
            return str(self.pick(GLOBAL_NAMED))
        if kind == "literal":
            return str(self.pick(_LITERALS))
        if kind == "label":
            return "label()"
        if kind == "fmt":
            return f"fmt({self.expr(s, 2)})"
        if kind == "list":
            return str(
                self.pick(
                    (
                        "rows|length",
                        "names|join(', ')",
                        "names|length",
                        "names[0]",
                        "names|last",
                        "rows|map(attribute='name')|join('/')",
                        "rows|selectattr('vip')|list|length",
                    )
                )
            )
        if kind == "dict":
            return str(self.pick(("d.k1", "d['k2']", "d|length", "d|join(',')", "d.k3")))
        if kind == "missing":
            return str(self.pick(("nope|default('dflt')", "nope", "nope is defined")))
        if kind == "row":
            row = self.pick(s.rows)
            name = self.pick(_ROW_FIELDS)
            if name == "tags":
                return f"{row}.tags|join('/')"
            return f"{row}['{name}']" if self.chance(0.2) else f"{row}.{name}"
        if kind == "value":
            return str(self.pick(s.values))
        if kind == "loop":
            return self.loop_attr(s)
        if kind == "outer":
            return f"{self.pick(s.outer)}.{self.pick(('index', 'first', 'last', 'length'))}"
        if kind == "state":
            what, name = self.pick(s.stateful)
            return {
                "ns": f"{name}.n",
                "cycler": f"{name}.next()" if self.chance(0.7) else f"{name}.current",
                "joiner": f"{name}()",
                "list": f"{name}|join(',')",
            }[what]
        if kind == "macro":
            return self.macro_call(s)
        if kind == "caller":
            return "caller()" if s.callers == 0 else f"caller({self.expr(s, 2)})"
        return "super()"

    def loop_attr(self, s: _Scope) -> str:
        simple = ("index", "index0", "revindex", "revindex0", "first", "last", "length")
        attr = self.pick((*simple, *simple, "depth", "cycle", "prev", "next", "changed"))
        if attr == "cycle":
            return "loop.cycle('odd', 'even')"
        if attr in ("prev", "next"):
            item = f"loop.{attr}item"
            shown = f"{item}.name" if s.loop == "row" else item
            return f"({shown} if {item} is defined else '-')"
        if attr == "changed":
            watched = f"{s.rows[-1]}.vip" if s.loop == "row" and s.rows else self.expr(s, 2)
            return f"loop.changed({watched})"
        return f"loop.{attr}"

    def macro_call(self, s: _Scope) -> str:
        names = [*(f"{n}:{k}" for n, k in s.macros), *(f"{lib}:1" for lib in s.libs)]
        name, arity = str(self.pick(names)).split(":")
        args = ", ".join(self.expr(s, 2) for _ in range(int(arity)))
        return f"{name}({args})"

    def expr(self, s: _Scope, depth: int = 0) -> str:
        if depth >= 2 or not self.chance(0.45):
            return self.atom(s)
        form = self.pick(
            (
                "filter",
                "filter",
                "concat",
                "arith",
                "compare",
                "cond",
                "test",
                "bool",
            )
        )
        e = self.expr(s, depth + 1)
        if form == "filter":
            f = self.pick(
                (
                    "upper",
                    "e",
                    "safe",
                    "default('dflt')",
                    "default('dflt', true)",
                    "string|length",
                    "default(0)|int",
                    "trim",
                    "string|title",
                )
            )
            return f"({e})|{f}"
        if form == "concat":
            return f"({e}) ~ ({self.expr(s, depth + 1)})"
        if form == "arith":
            op = self.pick(("+", "-", "*"))
            return f"({_num(e)} {op} {_num(self.expr(s, depth + 1))})"
        if form == "compare":
            if self.chance(0.5):
                return f"(({e}) == ({self.expr(s, depth + 1)}))"
            return f"({_num(e)} > {_num(self.expr(s, depth + 1))})"
        if form == "cond":
            return f"(({e}) if {self.cond(s, depth + 1)} else ({self.expr(s, depth + 1)}))"
        if form == "test":
            test = self.pick(("defined", "none", "string", "number", "sameas true"))
            if self.chance(0.3):
                return f"({_num(e)} is odd)"
            return f"(({e}) is {test})"
        return f"(not ({e}))" if self.chance(0.4) else f"(({e}) and ({self.expr(s, depth + 1)}))"

    def cond(self, s: _Scope, depth: int = 0) -> str:
        if self.chance(0.3):
            return self.pick((*SCALARS, "rows", "names", "d", "nope is defined"))
        if s.rows and self.chance(0.3):
            return f"{s.rows[-1]}.vip"
        return self.expr(s, depth)

    # -- statements -----------------------------------------------------------------------

    def body(self, s: _Scope, max_items: int = 4) -> str:
        out: list[str] = []
        for _ in range(self.draw(st.integers(1, max_items))):
            text, s = self.statement(s)
            out.append(text)
        return "".join(out)

    def statement(self, s: _Scope) -> tuple[str, _Scope]:
        deep = s.depth >= 2
        # Plain output is the common case; each rarer feature shows up in a few templates in
        # ten, so a failure points at few features at once.
        kinds = ["text"] * 3 + ["output"] * 6 + ["element"] * 2
        if not deep:
            kinds += ["if"] * 3 + ["twin"] * 2 + ["for"] * 4 + ["set", "blockset", "with"]
            kinds += ["stateful", "call"] if s.call_blocks else ["stateful"]
            kinds += ["include", "import"] if s.files else []
        kinds += ["raw", "comment"]
        kinds += ["update"] * 4 if s.loop and s.stateful else []
        # Top level only: there each id is placed at most once per render.
        kinds += ["component"] * 3 if s.depth == 0 and s.loop is None and not s.in_block else []
        kind = self.pick(kinds)
        inner = replace(s, depth=s.depth + 1)
        if kind == "text":
            return self.pick(_TEXT), s
        if kind == "output":
            return "{{" + self.ws() + " " + self.expr(s) + " " + self.ws() + "}}", s
        if kind == "element":
            el = self.pick(_ELEMENTS)
            attr = f' title="{{{{ {self.expr(s)} }}}}"' if self.chance(0.4) else ""
            content = self.body(inner, 2) if not deep else "{{ " + self.expr(s) + " }}"
            return f"<{el}{attr}>{content}</{el}>", s
        if kind == "if":
            return self.if_chain(inner), s
        if kind == "twin":
            return self.twin(inner), s
        if kind == "for":
            return self.for_loop(inner), s
        if kind in ("set", "blockset", "with"):
            return self.binding(kind, s, inner)
        if kind == "stateful":
            return self.stateful(s)
        if kind == "update":
            return self.stateful_update(s), s
        if kind == "call":
            return self.call_block(s, inner), s
        if kind == "include":
            return self.include(s), s
        if kind == "import":
            return self.import_(s)
        if kind == "component":
            value = self.expr(s)
            return "{{ live_component(Card, id='" + self.fresh("c") + "', v=" + value + ") }}", s
        if kind == "raw":
            return self.tag("raw") + "{{ x }}{% if %}<b>" + self.tag("endraw"), s
        return "{# " + self.pick(("note", "{{ x }}")) + " #}", s

    def if_chain(self, s: _Scope) -> str:
        text = self.tag(f"if {self.cond(s)}") + self.body(s, 3)
        for _ in range(self.draw(st.integers(0, 2))):
            text += self.tag(f"elif {self.cond(s)}") + self.body(s, 3)
        if self.chance(0.6):
            text += self.tag("else") + self.body(s, 3)
        return text + self.tag("endif")

    def twin(self, s: _Scope) -> str:
        """Branches whose statics are equal: the second swaps names inside the tags only."""
        body = self.body(s, 3)
        twin = _TAG_RE.sub(lambda m: _TWIN_RE.sub(lambda n: _TWIN[n.group(1)], m.group(1)), body)
        middle = self.tag(f"elif {self.cond(s)}") + body if self.chance(0.3) else ""
        return (
            self.tag(f"if {self.cond(s)}")
            + body
            + middle
            + self.tag("else")
            + twin
            + self.tag("endif")
        )

    def for_loop(self, s: _Scope) -> str:
        source = self.pick(("rows", "rows", "rows", "names", "tags", "dict", "filtered"))
        if source == "tags" and not s.rows:
            source = "names"
        if source in ("rows", "filtered"):
            var = self.pick(("r", "row", "item", "r"))
            iterable = "rows"
            if source == "filtered":
                iterable = self.pick(
                    ("rows|reverse", "rows|selectattr('vip')", "rows[:2]", "rows|batch(2)|first")
                )
            body_scope = replace(s, rows=(*s.rows, var), loop="row")
        elif source == "dict":
            k, v = self.pick((("k", "v"), ("key", "x")))
            var, iterable = f"{k}, {v}", "d.items()"
            body_scope = replace(s, values=(*s.values, k, v), loop="value")
        else:
            var = self.pick(("t", "v", "x", "a"))  # x and a shadow assigns
            iterable = f"{s.rows[-1]}.tags" if source == "tags" else "names"
            body_scope = replace(s, values=(*s.values, var), loop="value")
        head = f"for {var} in {iterable}"
        if self.chance(0.2):
            head += f" if {self.cond(body_scope)}"
        prefix = ""
        if s.loop and self.chance(0.3):
            alias = self.fresh("outer")
            prefix = self.tag(f"set {alias} = loop")  # before the new loop binds `loop`
            body_scope = replace(body_scope, outer=(*body_scope.outer, alias))
        text = prefix + self.tag(head)
        if self.chance(0.15):
            alias = self.fresh("l")
            text += self.tag(f"set {alias} = loop") + "{{ " + alias + ".previtem }}"
        text += self.body(body_scope, 3)
        if self.chance(0.2):
            text += self.tag("else") + self.body(s, 2)
        return text + self.tag("endfor")

    def binding(self, kind: str, s: _Scope, inner: _Scope) -> tuple[str, _Scope]:
        name = self.pick(("s", "tmp", "x", "label_text"))  # x shadows an assign
        if kind == "set":
            text = self.tag(f"set {name} = {self.expr(s)}")
        elif kind == "blockset":
            text = self.tag(f"set {name}") + self.body(inner, 3) + self.tag("endset")
        else:
            body_scope = replace(inner, values=(*inner.values, name))
            return self.tag(f"with {name} = {self.expr(s)}") + self.body(body_scope, 3) + self.tag(
                "endwith"
            ), s
        return text, replace(s, values=(*s.values, name))

    def stateful(self, s: _Scope) -> tuple[str, _Scope]:
        what = self.pick(("ns", "cycler", "joiner", "list"))
        name = self.fresh({"ns": "ns", "cycler": "cy", "joiner": "j", "list": "acc"}[what])
        value = {
            "ns": "namespace(n=0)",
            "cycler": "cycler('odd', 'even', 'third')",
            "joiner": "joiner(' | ')",
            "list": "[]",
        }[what]
        return self.tag(f"set {name} = {value}"), replace(s, stateful=(*s.stateful, (what, name)))

    def stateful_update(self, s: _Scope) -> str:
        targets = [(w, n) for w, n in s.stateful if w in ("ns", "list")]
        if not targets:
            return "{{ " + self.atom(s) + " }}"
        what, name = self.pick(targets)
        if what == "ns":
            return self.tag(f"set {name}.n = {name}.n + ({self.expr(s, 1)})|int")
        return self.tag(f"set _ = {name}.append({self.expr(s, 1)})")

    def call_block(self, s: _Scope, inner: _Scope) -> str:
        inner = replace(inner, loop=None, outer=())  # a caller's body does not see `loop`
        macro = self.pick(("wrap", "each"))
        if macro == "wrap":
            return (
                self.tag(f"call wrap({self.expr(s)})") + self.body(inner, 3) + self.tag("endcall")
            )
        body_scope = replace(inner, rows=(*inner.rows, "it"))
        return self.tag("call(it) each(rows)") + self.body(body_scope, 3) + self.tag("endcall")

    def include(self, s: _Scope) -> str:
        suffix = self.pick(("", "", " without context", " ignore missing"))
        top = _Scope(depth=1, files=False)
        if suffix != " without context":
            top = replace(top, rows=s.rows, values=s.values)
        name = self.file("inc", self.body(top, 3))
        return self.tag(f'include "{name}"{suffix}')

    def import_(self, s: _Scope) -> tuple[str, _Scope]:
        top = _Scope(values=("v",), depth=2, files=False)
        lib = self.file("lib", self.tag("macro cell(v)") + self.body(top, 3) + self.tag("endmacro"))
        context = self.pick((" with context", " with context", ""))
        if self.chance(0.5):
            alias = self.fresh("lib")
            return self.tag(f'import "{lib}" as {alias}{context}'), replace(
                s, libs=(*s.libs, f"{alias}.cell")
            )
        alias = self.fresh("cell")
        return self.tag(f'from "{lib}" import cell as {alias}{context}'), replace(
            s, libs=(*s.libs, alias)
        )

    # -- whole templates ------------------------------------------------------------------

    def macros(self) -> tuple[str, _Scope]:
        """Macro definitions in front of the template: two plain ones, ``wrap``, ``each``."""
        text = ""
        scope = _Scope()
        for _ in range(self.draw(st.integers(0, 2)) if self.chance(0.3) else 0):
            name = self.fresh("m")
            # A macro body may read `r`, a name a later loop rebinds.
            body_scope = _Scope(values=("v", "w", "r"), depth=2)
            text += self.tag(f"macro {name}(v, w='dflt')") + self.body(body_scope, 3)
            text += self.tag("endmacro")
            scope = replace(scope, macros=(*scope.macros, (name, 1)))
        if self.chance(0.25):
            inside = self.body(_Scope(values=("c",), callers=0, depth=2), 3)
            text += self.tag("macro wrap(c='')") + f"<div>{inside}</div>" + self.tag("endmacro")
            text += self.tag("macro each(xs)") + self.tag("for z in xs")
            text += "<span>{{ caller(z) }}</span>" + self.tag("endfor") + self.tag("endmacro")
            scope = replace(scope, call_blocks=True)
        return text, scope

    def extends(self) -> str:
        """A child template: blocks of a generated base, some overridden, some calling super()."""
        blocks = [self.fresh("blk") for _ in range(self.draw(st.integers(1, 3)))]
        base = ""
        scoped: set[str] = set()
        for name in blocks:
            base += self.body(_Scope(depth=2, files=False), 2)
            if self.chance(0.3):  # a scoped block inside a loop sees the row
                scoped.add(name)
                loop_scope = _Scope(rows=("r",), loop="row", depth=2, files=False)
                base += self.tag("for r in rows") + self.tag(f"block {name} scoped")
                base += self.body(loop_scope, 2) + self.tag("endblock") + self.tag("endfor")
            else:
                base += self.tag(f"block {name}") + self.body(_Scope(depth=2), 2)
                base += self.tag("endblock")
        child = self.tag(f'extends "{self.file("base", base)}"')
        for name in blocks:
            if self.chance(0.7):
                rows = ("r",) if name in scoped else ()
                scope = _Scope(rows=rows, in_block=True, depth=1)
                child += self.tag(f"block {name}") + self.body(scope, 3) + self.tag("endblock")
        return child


@st.composite
def templates(draw: Callable[[st.SearchStrategy[Any]], Any]) -> GeneratedTemplate:
    """A random template (and the files it loads) from the grammar above."""
    builder = _Builder(draw)
    if builder.chance(0.08):
        source = builder.extends()
    else:
        prelude, scope = builder.macros()
        source = prelude + builder.body(scope, 5)
    return GeneratedTemplate(source, tuple(sorted(builder.files.items())))


def _num(expr: str) -> str:
    """``expr`` as an int; an undefined value (a missing key, field or name) counts as 0."""
    return f"(({expr})|default(0)|int)"


CARD = '<span class="card">{{ v }}</span>'


class Card(LiveComponent):
    """The component generated templates place; its state is what it was passed."""

    template = CARD


def _plain_live_component(component: Any, id: str, **assigns: Any) -> Markup:
    from livewidget.template import environment

    return Markup(environment().from_string(CARD).render(**assigns))


#: What a plain Jinja2 render of a generated template needs for its components.
PLAIN_COMPONENTS: dict[str, Any] = {"Card": Card, "live_component": _plain_live_component}
#: What a live render needs (``live_component`` is livewidget's own global).
LIVE_COMPONENTS: dict[str, Any] = {"Card": Card}
