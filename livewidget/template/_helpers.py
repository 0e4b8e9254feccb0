"""Template helpers every LiveView template can call: links that navigate inside the widget."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .._paths import is_widget_path
from ._html_context import URL_ATTRIBUTES, safe_url


def live_patch(label: Any, to: str, *, replace: bool = False, **attrs: Any) -> Markup:
    """A link that patches the current view to ``to`` (``handle_params`` runs).

    >>> live_patch("Next <page>", "/items?page=2", class_="btn")
    Markup('<a href="/items?page=2" data-phx-link="patch" data-phx-link-state="push" class="btn">Next &lt;page&gt;</a>')
    """  # noqa: E501
    return _link("patch", label, to, replace, attrs)


def live_redirect(label: Any, to: str, *, replace: bool = False, **attrs: Any) -> Markup:
    """A link that mounts the view of ``to`` in the same widget.

    >>> live_redirect("User", "/users/8", replace=True)
    Markup('<a href="/users/8" data-phx-link="redirect" data-phx-link-state="replace">User</a>')
    """
    return _link("redirect", label, to, replace, attrs)


def _link(kind: str, label: Any, to: str, replace: bool, attrs: dict[str, Any]) -> Markup:
    if not is_widget_path(to):
        raise ValueError(
            f"live_{kind} links go to a path inside the widget, starting with '/'; got {to!r}"
        )
    state = "replace" if replace else "push"
    extra = "".join(
        Markup(' {}="{}"').format(attr, safe_url(value) if attr in URL_ATTRIBUTES else value)
        for attr, value in ((name.rstrip("_").replace("_", "-"), v) for name, v in attrs.items())
    )
    return Markup('<a href="{}" data-phx-link="{}" data-phx-link-state="{}"{}>{}</a>').format(
        to, kind, state, Markup(extra), label
    )


HELPERS = {"live_patch": live_patch, "live_redirect": live_redirect}
