"""Where in the HTML each ``{{ expr }}`` of a template lands, and what that allows.

Autoescaping makes an assign text in element content and in quoted attribute values. Three
places need more than escaping, and the compiler deals with them before anything renders:

- an **unquoted attribute value** (``<p title={{ v }}>``): a space in the value would start a
  new attribute, so the template is refused with an error naming the line;
- a **``<script>`` or ``<style>`` element**: its text is code, where escaping does not help, so
  an expression there is refused too (pass data through ``data-*`` attributes or a hook);
- the **start of a URL attribute's value** (``href``, ``src``, ``action``, ``formaction``…):
  the expression goes through :func:`safe_url`, which neutralises ``javascript:`` and other
  script schemes (a ``Markup`` value is trusted as it is). An expression later in the value
  while the scheme is still open (``href="{{ base }}{{ path }}"``, no ``:/?#`` in the static
  text before it) goes through it too, as a part: it may not bring a ``:`` before its first
  ``/``, ``?`` or ``#``, or the two values could spell a scheme together.

The scan reads Jinja2's token stream: the text between tags is HTML, ``{% %}`` tags are
transparent, and each ``{{ }}`` is checked in the HTML state it appears in.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import jinja2
from jinja2 import nodes

_log = logging.getLogger("livewidget")

SAFE_URL_FILTER = "lw_safe_url"
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
        "data", "codebase", "longdesc", "manifest", "ping", "usemap", "icon", "lowsrc",
        "dynsrc", "classid", "archive", "srcset", "imagesrcset", "profile",
    }
)  # fmt: skip
_RAW_TEXT = ("script", "style")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
# Characters browsers drop from or ignore in a URL before reading its scheme.
_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f]+")
# Static text that may still be the start of a scheme: nothing of ``:/?#`` or the like yet.
_OPEN_SCHEME = re.compile(r"[a-z0-9+.\-]*")


def safe_url(value: Any, part: bool = False) -> Any:
    """``value`` for a URL attribute, with a script scheme neutralised (``unsafe:`` put in
    front, and a warning logged). ``Markup`` is trusted and kept as it is; so are images in
    ``data:image/…`` URLs other than SVG. A ``part`` (a value that follows others while the
    scheme is still open) is neutralised when it holds a ``:`` before any ``/``, ``?``, ``#``.

    >>> safe_url(" JaVa\\tscript:alert(1)")
    'unsafe: JaVa\\tscript:alert(1)'
    >>> safe_url("/users/7?tab=a")
    '/users/7?tab=a'
    >>> safe_url("script:alert(1)", part=True)
    'unsafe:script:alert(1)'
    """
    if hasattr(value, "__html__") or isinstance(value, jinja2.Undefined):
        return value
    text = str(value)
    probe = _IGNORED.sub("", html.unescape(text)).lower()
    if part:
        unsafe = ":" in re.split(r"[/?#]", probe, maxsplit=1)[0]
    else:
        unsafe = probe.startswith(_UNSAFE_SCHEMES) and not _is_image(probe)
    if unsafe:
        _log.warning("livewidget: neutralised an unsafe URL from an assign: %.80r", text)
        return "unsafe:" + text
    return text


def _is_image(probe: str) -> bool:
    return probe.startswith("data:image/") and not probe.startswith("data:image/svg")


class _Scanner:
    """An HTML tokenizer reduced to what decides how a value may be placed."""

    def __init__(self) -> None:
        self.state = "text"  # text, tag, raw (script/style content), comment
        self.raw_tag = ""
        self.tag = ""
        self.attr = ""  # the attribute whose value we are in (lower case)
        self.quote = ""  # the open quote of the value, or "" for unquoted / not in a value
        self.value = ""  # the value's static text so far
        self.parts = 0  # expressions in the value so far
        self.after_equals = False
        self.unquoted_open = False  # an unquoted value runs to the end of the text so far

    def feed(self, data: str) -> None:
        i = 0
        while i < len(data):
            i = getattr(self, "_" + self.state)(data, i)

    def _text(self, data: str, i: int) -> int:
        start = data.find("<", i)
        if start < 0:
            return len(data)
        if data.startswith("<!--", start):
            self.state = "comment"
            return start + 4
        match = re.match(r"</?([A-Za-z][^\s/>]*)", data[start:])
        if not match:
            return start + 1
        self.tag = match.group(1).lower() if not match.group(0).startswith("</") else ""
        self.state, self.attr, self.quote, self.after_equals = "tag", "", "", False
        return start + len(match.group(0))

    def _comment(self, data: str, i: int) -> int:
        end = data.find("-->", i)
        if end < 0:
            return len(data)
        self.state = "text"
        return end + 3

    def _raw(self, data: str, i: int) -> int:
        match = re.compile(rf"</{self.raw_tag}[\s/>]", re.IGNORECASE).search(data, i)
        if not match:
            return len(data)
        self.state = "text"
        return match.start()

    def _tag(self, data: str, i: int) -> int:
        char = data[i]
        if self.quote:
            if char == self.quote:
                self.quote, self.attr = "", ""
            else:
                self.value += char
            return i + 1
        if self.after_equals:
            if char.isspace():
                return i + 1
            self.after_equals = False
            if char in "\"'":
                self.quote, self.value, self.parts = char, "", 0
                return i + 1
            self.attr = ""  # an unquoted value: up to the next space or >
            return self._unquoted(data, i)
        if char == ">":
            self.state = "raw" if self.tag in _RAW_TEXT else "text"
            self.raw_tag = self.tag
            return i + 1
        if char == "=":
            self.after_equals = True
            return i + 1
        match = re.match(r"[^\s=>/\"']+", data[i:])
        if match:
            self.attr = match.group(0).lower()
            return i + len(match.group(0))
        if not char.isspace():
            self.attr = ""
        return i + 1

    def _unquoted(self, data: str, i: int) -> int:
        match = re.match(r"[^\s>]*", data[i:])
        end = i + len(match.group(0)) if match else i
        self.unquoted_open = end == len(data)
        return end

    def place(self) -> str:
        """Where an expression standing here lands: text, url, url-part, attr, unquoted or raw."""
        if self.state == "raw":
            return "raw"
        if self.state != "tag":
            return "text"
        if self.after_equals or (not self.quote and self.unquoted_open):
            return "unquoted"
        if self.quote and self.attr in URL_ATTRIBUTES:
            # What the browser reads of the static text so far: entities decoded, the
            # characters it drops before a scheme removed.
            probe = _IGNORED.sub("", html.unescape(self.value)).lower()
            if not probe and not self.parts:
                return "url"
            if _OPEN_SCHEME.fullmatch(probe):
                return "url-part"
        return "attr"


def check_placements(env: jinja2.Environment, source: str, tree: nodes.Template, name: str) -> None:
    """Refuse expressions in unquoted attribute values and in ``<script>``/``<style>``; route
    those that start a URL attribute's value through :func:`safe_url` (``tree`` is changed)."""
    scanner = _Scanner()
    places: list[tuple[str, int]] = []
    for lineno, kind, value in env.lex(source, name=name):
        if kind == "data":
            scanner.unquoted_open = False
            scanner.feed(value)
        elif kind == "variable_begin":
            places.append((scanner.place(), lineno))
            if scanner.quote:
                scanner.parts += 1  # the value is no longer empty after an expression
    outputs = [
        (output, index)
        for output in tree.find_all(nodes.Output)
        for index, child in enumerate(output.nodes)
        if not isinstance(child, nodes.TemplateData)
    ]
    if len(outputs) != len(places):  # cannot pair them: be strict, check nothing silently
        raise jinja2.TemplateSyntaxError(
            "livewidget could not match the template's expressions with their places in the "
            "HTML; please report this template",
            1,
            name,
        )
    for (place, lineno), (output, index) in zip(places, outputs, strict=True):
        if place == "unquoted":
            raise jinja2.TemplateSyntaxError(
                "an expression in an unquoted attribute value could add attributes "
                '(a space starts a new one); quote the value: title="{{ value }}"',
                lineno,
                name,
            )
        if place == "raw":
            raise jinja2.TemplateSyntaxError(
                "an expression inside <script> or <style> would be code, which escaping "
                "cannot make safe; pass data in a data-* attribute and read it from a hook",
                lineno,
                name,
            )
        if place in ("url", "url-part"):
            child = output.nodes[index]
            args: list[nodes.Expr] = [nodes.Const(True)] if place == "url-part" else []
            output.nodes[index] = nodes.Filter(child, SAFE_URL_FILTER, args, [], None, None)
            output.nodes[index].set_lineno(child.lineno or lineno)
