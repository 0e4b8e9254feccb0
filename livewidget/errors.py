"""Exceptions livewidget raises; each message says what was expected, what came, and the fix."""

from __future__ import annotations


class LiveWidgetError(Exception):
    """Base class of every livewidget error."""


class UnhandledEventError(LiveWidgetError):
    """A view received an event its ``handle_event`` does not handle."""


class TemplateNotFoundError(LiveWidgetError):
    """A view has no template, or its ``template_file`` does not exist."""


class BadMessageError(LiveWidgetError, ValueError):
    """An inbound message from the frontend is malformed, oversized or not allowed."""


class ClosedError(LiveWidgetError):
    """The widget or session was closed and cannot take messages any more."""


class RouteError(LiveWidgetError, ValueError):
    """A route table, route pattern or URL is malformed."""


class NavigationError(LiveWidgetError):
    """A push_patch or push_redirect that cannot be done as asked."""


class LayoutError(LiveWidgetError, ValueError):
    """A ``page_layout`` that cannot wrap the views: it never prints ``{{ inner_content }}``."""
