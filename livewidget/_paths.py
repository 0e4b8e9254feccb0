"""Paths inside a widget: what ``live_patch``, ``JS().patch`` and the page may navigate to."""

from __future__ import annotations

import re
from typing import TypeGuard

# Browsers drop tabs and newlines anywhere in a URL before they resolve it.
_DROPPED = re.compile(r"[\t\n\r]")


def is_widget_path(url: object) -> TypeGuard[str]:
    """Whether ``url`` is a path on this widget's own routes (``/users/7?tab=a``), not a URL a
    browser would resolve to another host (``//evil.example``, ``/\\evil.example``).

    >>> [is_widget_path(u) for u in ["/a?b=1", "//x.example", "/\\\\x.example", "/\\t/x", "a"]]
    [True, False, False, False, False]
    """
    if not isinstance(url, str):
        return False
    seen = _DROPPED.sub("", url)
    return seen.startswith("/") and not seen.startswith(("//", "/\\")) and seen == url
