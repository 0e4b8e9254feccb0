"""Build event payloads from parsed HTML the way the browser client does.

Used by :mod:`livewidget.testing`; mirrors ``js/src/bindings.js``.
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

__all__ = ["BeautifulSoup", "Tag", "click_value", "closest_form", "form_fields"]

VALUE_PREFIX = "phx-value-"


def click_value(el: Tag) -> dict[str, str]:
    """The ``phx-value-*`` attributes of ``el``, prefix stripped."""
    return {
        name[len(VALUE_PREFIX) :].lower(): str(value)
        for name, value in el.attrs.items()
        if name.startswith(VALUE_PREFIX)
    }


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
