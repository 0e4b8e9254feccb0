"""Template helpers for forms: inputs, labels and error tags, plus ``JS`` for commands.

Every helper takes a field: a :class:`livewidget.forms.FormField` (``form["email"]``) or any
object with ``name``, ``id``, ``value`` and ``errors``, or just an input name. Keyword
arguments become attributes (``class_="wide"`` → ``class="wide"``, ``phx_debounce="300"`` →
``phx-debounce="300"``, ``required=True`` → ``required``, ``False``/``None`` → left out).
Everything is escaped: names, values, labels, messages and attributes.

>>> from types import SimpleNamespace as F
>>> email = F(name="user[email]", id="user_email", value='a"<b>', errors=("is <bad>",))
>>> str(input(email, type="email", phx_debounce="blur"))
'<input type="email" name="user[email]" id="user_email" value="a&#34;&lt;b&gt;" aria-invalid="true" phx-debounce="blur">'
>>> str(error_tag(email))
'<p class="lw-field-error" data-for="user[email]">is &lt;bad&gt;</p>'
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from ..js import JS
from ._html_context import URL_ATTRIBUTES, safe_url

_ATTR_NAME = re.compile(r"^[A-Za-z_:][-A-Za-z0-9_:.]*$")
_TRUE = frozenset({"true", "on", "1", "yes"})


def input(field: Any, type: str = "text", **attrs: Any) -> Markup:
    """An ``<input>`` for ``field`` showing its value (never for passwords, unless
    ``value=`` is given); ``type="checkbox"`` gives :func:`checkbox`."""
    if type == "checkbox":
        return checkbox(field, **attrs)
    name, id_, value, errors = _parts(field)
    base: dict[str, Any] = {"type": type, "name": name, "id": id_}
    if "value" not in attrs and type != "password" and value is not None:
        base["value"] = _scalar(value)
    if errors:
        base["aria-invalid"] = "true"
    return Markup("<input{}>").format(_attrs(base, attrs))


def textarea(field: Any, **attrs: Any) -> Markup:
    """A ``<textarea>`` holding the field's value."""
    name, id_, value, errors = _parts(field)
    base: dict[str, Any] = {"name": name, "id": id_}
    if errors:
        base["aria-invalid"] = "true"
    text = attrs.pop("value", value)
    # The newline after <textarea> is dropped by the HTML parser: text starting with a
    # newline keeps it.
    return Markup("<textarea{}>\n{}</textarea>").format(
        _attrs(base, attrs), "" if text is None else _scalar(text)
    )


def select(
    field: Any,
    options: Iterable[Any] | Mapping[str, Any],
    *,
    prompt: str | None = None,
    multiple: bool | None = None,
    **attrs: Any,
) -> Markup:
    """A ``<select>`` of ``options`` (values, ``(label, value)`` pairs or a label → value
    dict), the field's value(s) selected; ``multiple`` (default: the field is a list) names
    it ``name[]``; ``prompt`` adds a first option with an empty value."""
    name, id_, value, errors = _parts(field)
    if multiple is None:
        multiple = bool(getattr(field, "multiple", False))
    chosen = {_scalar(v) for v in (value if isinstance(value, list | tuple | set) else [value])}
    base: dict[str, Any] = {"name": f"{name}[]" if multiple else name, "id": id_}
    if multiple:
        base["multiple"] = True
    if errors:
        base["aria-invalid"] = "true"
    pairs = options.items() if isinstance(options, Mapping) else (_pair(o) for o in options)
    html = [Markup('<option value="">{}</option>').format(prompt)] if prompt is not None else []
    for label, option in pairs:
        text = _scalar(option)
        selected = Markup(" selected") if text in chosen else Markup("")
        html.append(Markup('<option value="{}"{}>{}</option>').format(text, selected, label))
    return Markup("<select{}>{}</select>").format(_attrs(base, attrs), Markup("").join(html))


def checkbox(
    field: Any, value: str = "true", unchecked: str | None = "false", **attrs: Any
) -> Markup:
    """A checkbox, checked when the field's value is true (or equals ``value``), after a hidden
    input sending ``unchecked`` when it is not (``None`` leaves the hidden input out)."""
    name, id_, current, errors = _parts(field)
    values = current if isinstance(current, list | tuple | set) else [current]
    checked = any(
        v is True
        or (isinstance(v, str) and (v == value or (value == "true" and v.lower() in _TRUE)))
        for v in values
    )
    base: dict[str, Any] = {"type": "checkbox", "name": name, "id": id_, "value": value}
    if checked:
        base["checked"] = True
    if errors:
        base["aria-invalid"] = "true"
    hidden = (
        Markup('<input type="hidden" name="{}" value="{}">').format(name, unchecked)
        if unchecked is not None
        else Markup("")
    )
    return hidden + Markup("<input{}>").format(_attrs(base, attrs))


def radio(field: Any, value: Any, **attrs: Any) -> Markup:
    """A radio button of the field's group for ``value``, checked when it is the field's."""
    name, id_, current, _ = _parts(field)
    text = _scalar(value)
    base: dict[str, Any] = {
        "type": "radio",
        "name": name,
        "id": f"{id_}_{re.sub(r'[^A-Za-z0-9_-]', '_', text)}",
        "value": text,
    }
    if current is not None and _scalar(current) == text:
        base["checked"] = True
    return Markup("<input{}>").format(_attrs(base, attrs))


def label(field: Any, text: Any = None, **attrs: Any) -> Markup:
    """A ``<label for=...>``; its text defaults to the field's name, humanised."""
    _, id_, _, _ = _parts(field)
    if text is None:
        key = getattr(field, "field", None) or id_
        text = str(key).replace("_", " ").strip().capitalize()
    return Markup("<label{}>{}</label>").format(_attrs({"for": id_}, attrs), text)


def error_tag(field: Any, **attrs: Any) -> Markup:
    """One ``<p class="lw-field-error">`` per error the field shows; nothing without."""
    name, _, _, errors = _parts(field)
    base = {"class": "lw-field-error", "data-for": name}
    return Markup("").join(
        Markup("<p{}>{}</p>").format(_attrs(base, attrs), message) for message in errors
    )


def _parts(field: Any) -> tuple[str, str, Any, tuple[str, ...]]:
    if isinstance(field, str):
        return field, field.replace("[", "_").replace("]", ""), None, ()
    try:
        name, id_ = field.name, field.id
    except AttributeError:
        raise TypeError(
            f"a form helper takes a field (form['name']) or an input name, got {field!r}"
        ) from None
    return str(name), str(id_), getattr(field, "value", None), tuple(getattr(field, "errors", ()))


def _pair(option: Any) -> tuple[Any, Any]:
    if isinstance(option, tuple) and len(option) == 2:
        return option
    return option, option


def _scalar(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attrs(base: Mapping[str, Any], extra: Mapping[str, Any]) -> Markup:
    merged = dict(base)
    for key, value in extra.items():
        merged[key.rstrip("_").replace("_", "-")] = value
    parts = []
    for name, value in merged.items():
        if not _ATTR_NAME.match(name):
            raise ValueError(f"not an attribute name: {name!r}")
        if value is None or value is False:
            continue
        if value is True:
            parts.append(Markup(" {}").format(name))
        else:
            if name.lower() in URL_ATTRIBUTES:  # formaction=, src= from an assign
                value = safe_url(value)
            parts.append(Markup(' {}="{}"').format(name, value))
    return Markup("").join(parts)


FORM_HELPERS: dict[str, Any] = {
    "JS": JS,
    "input": input,
    "textarea": textarea,
    "select": select,
    "checkbox": checkbox,
    "radio": radio,
    "label": label,
    "error_tag": error_tag,
}

__all__ = ["FORM_HELPERS", *(name for name in FORM_HELPERS if name != "JS")]
