"""The LiveView base class: lifecycle callbacks and the template that renders its assigns."""

from __future__ import annotations

import sys
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup

from . import _reload
from .errors import TemplateNotFoundError, UnhandledEventError
from .template import CompiledTemplate, Rendered, environment

if TYPE_CHECKING:
    from ._live.async_work import AsyncResult
    from .socket import Socket


class LiveView:
    """A piece of UI whose state lives in Python: subclass it and display it with LiveWidget.

    Set ``template`` (Jinja2 source, autoescaped) or ``template_file`` (a path relative to the
    module that defines the class), set state in ``mount`` and change it in ``handle_event``.
    Every callback may be ``def`` or ``async def``.

    >>> class Counter(LiveView):
    ...     template = '<button phx-click="inc">{{ count }}</button>'
    ...     def mount(self, socket, session, params):
    ...         socket.assign(count=0)
    ...     def handle_event(self, event, params, socket):
    ...         socket.assign(count=socket.assigns.count + 1)
    >>> from livewidget.testing import LiveViewTest
    >>> LiveViewTest(Counter).click("button")
    '<button phx-click="inc">1</button>'
    """

    #: Jinja2 source of the view's HTML.
    template: ClassVar[str | None] = None
    #: A template file, relative to the file of the module that defines the class.
    template_file: ClassVar[str | Path | None] = None
    #: Assigns reset to these values after each render, e.g. ``{"messages": []}``: with a
    #: ``phx-update="append"`` (or ``"prepend"``) container, the page keeps the rows already
    #: shown and the kernel forgets them (see docs/streams.md).
    temporary_assigns: ClassVar[Mapping[str, Any]] = {}

    def mount(self, socket: Socket, session: Mapping[str, Any], params: Mapping[str, Any]) -> Any:
        """Set the initial assigns. ``session`` is what the widget was given."""

    def handle_params(self, params: Mapping[str, Any], url: str, socket: Socket) -> Any:
        """React to the URL's params; runs after mount and after every patch."""

    def handle_event(self, event: str, params: Mapping[str, Any], socket: Socket) -> Any:
        """React to an event from the page (``phx-click``, ``phx-submit``, …)."""
        raise UnhandledEventError(
            f"{type(self).__name__} received the event {event!r} but does not handle it; "
            f"define handle_event(self, event, params, socket) and handle {event!r} there"
        )

    def handle_info(self, info: Any, socket: Socket) -> Any:
        """React to a message sent to this view from Python."""

    def handle_async(self, name: str, result: AsyncResult, socket: Socket) -> Any:
        """Work started with ``socket.start_async(name, work)`` ended: ``result.ok``/``.error``."""
        raise UnhandledEventError(
            f"{type(self).__name__} started background work {name!r} with start_async but "
            f"does not define handle_async; define handle_async(self, name, result, socket) "
            f"and read result.ok, result.result and result.error there"
        )

    def terminate(self, reason: str) -> Any:
        """The view is going away (widget closed, redirected); release what it holds."""

    def render(self, assigns: Mapping[str, Any]) -> str | Markup:
        """The view's HTML for ``assigns``; by default its compiled ``template``.

        Override to build HTML yourself: the string you return is used as HTML, as is, and
        sent whole on every change. Escape values you did not write with ``escape()``.
        """
        return Markup(str(self._render_tree(assigns, None, None)))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _reload.class_defined(cls)

    # -- used by the session ----------------------------------------------------------------

    @classmethod
    def _compiled_template(cls) -> CompiledTemplate:
        compiled = _COMPILED.get(cls)
        if compiled is None:
            compiled = _COMPILED[cls] = _compile(cls)
        return compiled

    @classmethod
    def _recompile_template(cls) -> CompiledTemplate:
        """Compile the template again (its file changed) and use it from now on."""
        compiled = _COMPILED[cls] = _compile(cls)
        return compiled

    @classmethod
    def _use_template(cls, compiled: CompiledTemplate) -> None:
        """Go back to an earlier compilation (the edited template failed)."""
        _COMPILED[cls] = compiled

    def _render_tree(
        self, assigns: Mapping[str, Any], changed: set[str] | None, previous: Rendered | None
    ) -> Rendered:
        if type(self).render is not LiveView.render:
            html = self.render(assigns)
            if not isinstance(html, str):
                raise TypeError(
                    f"{type(self).__name__}.render() must return a str or Markup, "
                    f"got {type(html).__name__}"
                )
            return Rendered(("", ""), [str(html)])
        return self._compiled_template().render(assigns, changed=changed, previous=previous)


_COMPILED: weakref.WeakKeyDictionary[type[LiveView], CompiledTemplate] = weakref.WeakKeyDictionary()


def template_file_path(cls: type[LiveView]) -> Path | None:
    """Where ``cls.template_file`` is: relative to the module that defines the class (or to
    the working directory, for a class defined in a notebook)."""
    if cls.template_file is None:
        return None
    path = Path(cls.template_file)
    module_dir = _module_dir(cls)
    if not path.is_absolute() and module_dir is not None:
        path = Path(module_dir) / path
    return path


def _compile(cls: type[LiveView]) -> CompiledTemplate:
    module_dir = _module_dir(cls)
    path = template_file_path(cls)
    if path is not None:
        if not path.is_file():
            raise TemplateNotFoundError(
                f"{cls.__name__}.template_file is {str(cls.template_file)!r} but {path} does not "
                f"exist; give a path relative to the module that defines {cls.__name__}"
            )
        env = environment(str(path.parent))
        return CompiledTemplate(
            env, path.read_text(encoding="utf-8"), name=str(path.name), file=True
        )
    if cls.template is None:
        raise TemplateNotFoundError(
            f'{cls.__name__} has no template; set `template = "..."` (Jinja2 source) or '
            f'`template_file = "name.html"` on the class, or override render(assigns)'
        )
    return CompiledTemplate(
        environment(module_dir), cls.template, name=f"{cls.__qualname__}.template"
    )


def _module_dir(cls: type) -> str | None:
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    return str(Path(filename).parent) if filename else None
