"""LiveComponents: parts of a LiveView with their own state, template and events.

A component is placed by a template with ``{{ live_component(Card, id="c1", title=title) }}``
(the class reaches the template through the view's ``components = {"Card": Card}``, or an
assign). With an ``id`` it is *stateful*: mounted once, given ``update`` when the parent passes
other assigns, and its own events, sent with ``phx-target="{{ myself }}"``, go to its
``handle_event``. The session's component set (``livewidget/_core/components.py``) runs it;
this module holds what the user subclasses and the socket its callbacks receive.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup

from ._assigns import Assigns, checked_assigns
from ._live.async_work import AsyncResult, AsyncSource, AsyncValue
from ._live.runtime import _outcome
from ._params import ParamsLike
from .errors import TemplateNotFoundError, UnhandledEventError
from .template import CompiledTemplate, Rendered, environment
from .template._components import check_one_root

if TYPE_CHECKING:
    from .socket import Socket


class LiveComponent:
    """A part of a LiveView with its own assigns, template and events.

    Set ``template`` (or ``template_file``, or override ``render``); a stateful component's
    template has exactly one root element. Callbacks may be ``def`` or ``async def``.

    >>> class Card(LiveComponent):
    ...     template = '<div phx-click="flip" phx-target="{{ myself }}">{{ title }} {{ n }}</div>'
    ...     def mount(self, socket):
    ...         socket.assign(n=0)
    ...     def handle_event(self, event, params, socket):
    ...         socket.assign(n=socket.assigns.n + 1)
    """

    #: Jinja2 source of the component's HTML (one root element when stateful).
    template: ClassVar[str | None] = None
    #: A template file, relative to the file of the module that defines the class.
    template_file: ClassVar[str | Path | None] = None
    #: Components this one's template places, by the name it uses for them.
    components: ClassVar[Mapping[str, type[LiveComponent]]] = {}

    def mount(self, socket: ComponentSocket) -> Any:
        """Set the initial assigns; runs once, before the first ``update``."""

    def update(self, assigns: Mapping[str, Any], socket: ComponentSocket) -> Any:
        """The parent passed ``assigns`` (its ``id`` among them); by default assign them all."""
        socket.assign(assigns)

    def handle_event(self, event: str, params: Mapping[str, Any], socket: ComponentSocket) -> Any:
        """React to an event targeted at this component (``phx-target="{{ myself }}"``)."""
        raise UnhandledEventError(
            f"{type(self).__name__} received the event {event!r} but does not handle it; "
            f"define handle_event(self, event, params, socket) on the component, or drop "
            f"phx-target to send {event!r} to the view"
        )

    def handle_async(self, name: str, result: AsyncResult, socket: ComponentSocket) -> Any:
        """Work this component started with ``socket.start_async(name, work)`` ended."""
        raise UnhandledEventError(
            f"{type(self).__name__} started background work {name!r} with start_async but "
            f"does not define handle_async; define handle_async(self, name, result, socket) "
            f"on the component and read result.ok, result.result and result.error there"
        )

    def terminate(self, reason: str) -> Any:
        """The component left the page (or its view ended); release what it holds."""

    def render(self, assigns: Mapping[str, Any]) -> str | Markup:
        """The component's HTML for ``assigns``; by default its compiled ``template``.

        A string returned here is used as HTML as is, and sent whole on every change.
        """
        return Markup(str(self._render_tree(assigns, None, None)))

    # -- used by the session ----------------------------------------------------------------

    @classmethod
    def _compiled_template(cls) -> CompiledTemplate:
        compiled = _COMPILED.get(cls)
        if compiled is None:
            compiled = _COMPILED[cls] = _compile(cls)
        return compiled

    def _render_tree(
        self, assigns: Mapping[str, Any], changed: set[str] | None, previous: Rendered | None
    ) -> Rendered:
        if type(self).render is not LiveComponent.render:
            html = self.render(assigns)
            if not isinstance(html, str):
                raise TypeError(
                    f"{type(self).__name__}.render() must return a str or Markup, "
                    f"got {type(html).__name__}"
                )
            return Rendered(("", ""), [str(html)])
        return self._compiled_template().render(assigns, changed=changed, previous=previous)


_COMPILED: weakref.WeakKeyDictionary[type[LiveComponent], CompiledTemplate] = (
    weakref.WeakKeyDictionary()
)


def _compile(cls: type[LiveComponent]) -> CompiledTemplate:
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    module_dir = str(Path(filename).parent) if filename else None
    if cls.template_file is not None:
        path = Path(cls.template_file)
        if not path.is_absolute() and module_dir is not None:
            path = Path(module_dir) / path
        if not path.is_file():
            raise TemplateNotFoundError(
                f"{cls.__name__}.template_file is {str(cls.template_file)!r} but {path} does "
                f"not exist; give a path relative to the module that defines {cls.__name__}"
            )
        compiled = CompiledTemplate(
            environment(str(path.parent)),
            path.read_text(encoding="utf-8"),
            name=path.name,
            file=True,
        )
    elif cls.template is None:
        raise TemplateNotFoundError(
            f'{cls.__name__} has no template; set `template = "..."` (Jinja2 source with one '
            f"root element) or `template_file` on the class, or override render(assigns)"
        )
    else:
        compiled = CompiledTemplate(
            environment(module_dir), cls.template, name=f"{cls.__qualname__}.template"
        )
    # Compile time, as in Phoenix: the page finds a component by its one root element.
    check_one_root(compiled.statics, compiled.name)
    return compiled


class ComponentSocket:
    """What a component's callbacks receive: its own assigns, and the doors to its view.

    ``push_event``, ``push_patch``, ``push_redirect`` and ``put_flash`` act for the view (the
    flash shows where the view or layout renders it); ``send_parent(info)`` reaches the view's
    ``handle_info``; ``send_update(Card, id, **assigns)`` updates one component. Timers and
    subscriptions stay on the view: forward them with ``send_update``.
    """

    def __init__(self, parent: Socket, cid: int) -> None:
        self._parent = parent
        self._cid = cid
        self._assigns = Assigns({})
        self._changed: set[str] = set()
        # The session's component set: this component and its socket while it is on the page.
        self._find: Callable[[int], tuple[LiveComponent, ComponentSocket] | None] = _gone

    @property
    def id(self) -> str:
        """The view's socket id (the component is part of that view)."""
        return self._parent.id

    @property
    def myself(self) -> int:
        """This component's cid: ``phx-target="{{ myself }}"`` in its template."""
        return self._cid

    @property
    def url(self) -> str:
        """The widget's current URL."""
        return self._parent.url

    @property
    def connected(self) -> bool:
        """True once the view runs live (always, here)."""
        return self._parent.connected

    @property
    def assigns(self) -> Assigns:
        """The component's state, read-only (``socket.assigns.title``)."""
        return self._assigns

    def assign(self, mapping: Mapping[str, Any] | None = None, /, **values: Any) -> None:
        """Set the component's assigns (the same names as a view's, ``myself`` reserved)."""
        values = checked_assigns(mapping, values)
        self._assigns._data.update(values)
        self._changed.update(values)

    def push_event(
        self, event: str | Mapping[str, Any], payload: Mapping[str, Any] | None = None
    ) -> None:
        """Send an event to the page, as the view's ``push_event`` does."""
        self._parent.push_event(event, payload)

    def push_patch(
        self, path: str, params: ParamsLike = None, *, replace_history: bool = False
    ) -> None:
        """Patch the view's URL (its ``handle_params`` runs), as the view's socket does."""
        self._parent.push_patch(path, params, replace_history=replace_history)

    def push_redirect(
        self, path: str, params: ParamsLike = None, *, replace_history: bool = False
    ) -> None:
        """End the view (and this component) and mount the view of ``path``."""
        self._parent.push_redirect(path, params, replace_history=replace_history)

    push_navigate = push_redirect

    def put_flash(self, kind: str, message: str) -> None:
        """A flash message of the view (shown by the view's template or the page layout)."""
        self._parent.put_flash(kind, message)

    def send_parent(self, info: Any) -> None:
        """Deliver ``info`` to the view's ``handle_info``, after the current callback."""
        self._parent.send_info(info)

    def send_update(self, component: type[LiveComponent], id: Any, /, **assigns: Any) -> None:
        """Give component ``component`` with ``id`` these assigns (its ``update`` runs)."""
        self._parent.send_update(component, id, **assigns)

    def start_async(self, name: str, work: AsyncSource) -> None:
        """Run ``work`` in the background (as the view's ``start_async`` does); then this
        component's ``handle_async(name, result, socket)``, if it is still on the page."""
        cid, find = self._cid, self._find

        def finish(result: AsyncResult) -> Any:
            def deliver(view: Any, socket: Any) -> Any:
                found = find(cid)
                if found is None:
                    return None  # the component left the page meanwhile
                component, own = found
                return component.handle_async(name, result, own)

            return deliver

        key = f"component {cid}: {name}"
        self._parent._runtime("start_async").tasks.start(
            ("start", (key,)), work, finish, "handle_async"
        )

    def assign_async(self, keys: str | Iterable[str], work: AsyncSource) -> None:
        """Assign ``keys`` now as loading :class:`~livewidget.AsyncValue`, then the outcome
        (``work`` returns the value, or a dict holding each key), as the view's does."""
        names = (keys,) if isinstance(keys, str) else tuple(keys)
        self.assign({n: AsyncValue("loading", result=_last(self._assigns.get(n))) for n in names})
        cid, find = self._cid, self._find

        def finish(result: AsyncResult) -> Any:
            def deliver(view: Any, socket: Any) -> Any:
                found = find(cid)
                if found is not None:
                    component, own = found
                    # _outcome reads the class name only, for its error message.
                    named: Any = component
                    own.assign(_outcome(names, isinstance(keys, str), result, named))

            return deliver

        key = tuple(f"component {cid}: {n}" for n in names)
        self._parent._runtime("assign_async").tasks.start(
            ("assign", key), work, finish, "handle_async"
        )

    def __repr__(self) -> str:
        return f"<ComponentSocket cid={self._cid} assigns={dict(self._assigns)!r}>"

    # -- used by the session ----------------------------------------------------------------

    def _snapshot(self) -> tuple[dict[str, Any], set[str]]:
        return dict(self._assigns._data), set(self._changed)

    def _restore(self, snapshot: tuple[dict[str, Any], set[str]]) -> None:
        data, changed = snapshot
        self._assigns._data.clear()
        self._assigns._data.update(data)
        self._changed = changed


def _gone(cid: int) -> None:
    return None


def _last(value: Any) -> Any:
    return value.result if isinstance(value, AsyncValue) else None
