"""Build event payloads from parsed HTML the way the browser client does.

Used by :mod:`livewidget.testing`; mirrors ``js/src/payloads.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

try:
    from bs4 import BeautifulSoup, Tag
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "livewidget.testing needs BeautifulSoup to find elements by CSS selector; "
        'install it with: pip install "livewidget[testing]"'
    ) from exc

__all__ = [
    "BeautifulSoup",
    "Tag",
    "click_value",
    "closest_form",
    "element_value",
    "form_fields",
    "unused_name",
    "with_unused_markers",
]

VALUE_PREFIX = "phx-value-"
UNUSED_PREFIX = "_unused_"


def click_value(el: Tag) -> dict[str, str]:
    """The ``phx-value-*`` attributes of ``el``, prefix stripped."""
    return {
        name[len(VALUE_PREFIX) :].lower(): str(value)
        for name, value in el.attrs.items()
        if name.startswith(VALUE_PREFIX)
    }


def element_value(el: Tag) -> dict[str, str]:
    """The ``phx-value-*`` of ``el`` and, for a form field, its ``value`` (key/focus events)."""
    value = click_value(el)
    if el.name in ("input", "textarea", "select"):
        kind = str(el.get("type", "text")).lower()
        if not (kind in ("checkbox", "radio") and not el.has_attr("checked")):
            values = _values(el)
            value["value"] = values[-1] if values else ""
    return value


def unused_name(name: str) -> str:
    """The marker a phx-change sends for an untouched field, as the JS does.

    >>> unused_name("user[address][city]"), unused_name("tags[]"), unused_name("n")
    ('user[address][_unused_city]', '_unused_tags[]', '_unused_n')
    """
    is_list = name.endswith("[]")
    base = name[:-2] if is_list else name
    head, bracket, last = base.rpartition("[")
    marked = f"{head}[{UNUSED_PREFIX}{last}" if bracket else UNUSED_PREFIX + base
    return marked + "[]" if is_list else marked


def with_unused_markers(
    form: Tag, fields: list[tuple[str, str]], used: set[str]
) -> list[tuple[str, str]]:
    """``fields`` with an ``_unused_`` marker before the first value of each field not in
    ``used`` (hidden fields get none), as the browser sends them with a phx-change."""
    hidden: dict[str, bool] = {}
    for el in form.find_all(["input", "textarea", "select"]):
        name = el.get("name")
        if isinstance(name, str):
            is_hidden = el.name == "input" and str(el.get("type", "")).lower() == "hidden"
            hidden[name] = hidden.get(name, True) and is_hidden
    out: list[tuple[str, str]] = []
    marked: set[str] = set()
    for name, value in fields:
        if name not in used and name not in marked:
            marked.add(name)
            if not hidden.get(name, False):
                out.append((unused_name(name), ""))
        out.append((name, value))
    return out


def closest_form(el: Tag, binding: str) -> Tag:
    """``el`` or its nearest ancestor form carrying ``binding`` (``phx-submit``…)."""
    node: Tag | None = el
    while node is not None:
        if node.name == "form" and node.has_attr(binding):
            return node
        node = node.parent if isinstance(node.parent, Tag) else None
    raise LookupError(f"no <form {binding}=...> at or around {el}")


def form_fields(form: Tag, overrides: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The form's fields as (name, value) pairs, as FormData gives them, then ``overrides``.

    A name in ``overrides`` replaces every field of that name; a list value repeats it.
    Names not in the form are added, so a test can send what a user could type.
    """
    fields: list[tuple[str, str]] = []
    for el in form.find_all(["input", "textarea", "select"]):
        name = el.get("name")
        if not isinstance(name, str) or not name or el.has_attr("disabled"):
            continue
        fields.extend((name, value) for value in _values(el))
    if not overrides:
        return fields
    fields = [(name, value) for name, value in fields if name not in overrides]
    for name, value in overrides.items():
        values = value if isinstance(value, list | tuple) else [value]
        fields.extend((name, _text(item)) for item in values)
    return fields


def _values(el: Tag) -> list[str]:
    if el.name == "textarea":
        return [el.get_text()]
    if el.name == "select":
        options = el.find_all("option")
        chosen = [o for o in options if o.has_attr("selected")]
        if not chosen and options and not el.has_attr("multiple"):
            chosen = options[:1]
        return [_option_value(o) for o in chosen]
    kind = str(el.get("type", "text")).lower()
    if kind in {"submit", "button", "reset", "image", "file"}:
        return []
    if kind in {"checkbox", "radio"}:
        return [str(el.get("value", "on"))] if el.has_attr("checked") else []
    return [str(el.get("value", ""))]


def _option_value(option: Tag) -> str:
    value = option.get("value")
    return str(value) if value is not None else option.get_text()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
