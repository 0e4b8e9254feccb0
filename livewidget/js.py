"""JS commands: small DOM operations a binding runs in the page, with or without the kernel.

A :class:`JS` is a chain of operations encoded as JSON in Phoenix LiveView's shape, a list of
``[name, {args}]`` pairs, and it goes wherever an event name goes (``phx-click``,
``phx-submit``, ``phx-keydown``, ``phx-click-away``, ``phx-mounted``, ``phx-remove``, …)::

    <button phx-click="{{ JS().toggle(to='#menu').push('opened') }}">menu</button>

``str(js)`` and ``js.__html__()`` give the HTML-escaped JSON, safe inside a quoted attribute;
:meth:`JS.to_json` gives the plain JSON. The frontend runs the operations in order, inside the
widget that shows the element: selectors (``to=``) only ever match elements of that widget.
Only ``push`` (an event for ``handle_event``), ``navigate`` and ``patch`` reach the kernel; the
other operations never leave the page.

>>> str(JS().push("inc", value={"by": 1}).hide(to="#menu"))
'[[&#34;push&#34;, {&#34;event&#34;: &#34;inc&#34;, &#34;value&#34;: {&#34;by&#34;: 1}}], [&#34;hide&#34;, {&#34;to&#34;: &#34;#menu&#34;}]]'
>>> JS().toggle(to="#menu").to_json()
'[["toggle", {"to": "#menu"}]]'

A target (``to=``) is a CSS selector matched in the widget, ``{"inner": sel}`` (inside the
element the binding is on) or ``{"closest": sel}`` (its nearest ancestor); without ``to``, an
operation acts on the element the binding is on.
"""  # noqa: E501

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from markupsafe import Markup, escape

from ._paths import is_widget_path

__all__ = ["JS", "Target", "Transition", "parse_commands"]

#: Where an operation acts: a selector, ``{"inner": selector}`` or ``{"closest": selector}``.
Target: TypeAlias = str | Mapping[str, str]
#: CSS classes for a transition: one string of classes (applied during the transition), or
#: three: ``("ease-out duration-300", "opacity-0", "opacity-100")`` (during, start, end).
Transition: TypeAlias = str | Sequence[str]

#: How long a transition runs when no ``time`` is given, in milliseconds (Phoenix's default).
DEFAULT_TIME = 200

#: Every operation name the frontend runs (Phoenix's names on the wire).
OPERATIONS = frozenset(
    {
        "push",
        "show",
        "hide",
        "toggle",
        "add_class",
        "remove_class",
        "toggle_class",
        "transition",
        "set_attr",
        "remove_attr",
        "toggle_attr",
        "dispatch",
        "focus",
        "focus_first",
        "navigate",
        "patch",
        "exec",
    }
)
#: The operations that reach the kernel; the others stay in the page.
SERVER_OPERATIONS = frozenset({"push", "navigate", "patch"})

Op: TypeAlias = list[Any]  # [name, {args}]


class JS:
    """A chain of JS commands. Each method returns a new JS with one more operation.

    >>> menu = JS().show(to="#menu", transition=("ease-out duration-200", "opacity-0", "opacity-100"))
    >>> menu.ops
    [['show', {'to': '#menu', 'transition': [['ease-out', 'duration-200'], ['opacity-0'], ['opacity-100']], 'time': 200}]]
    """  # noqa: E501

    __slots__ = ("_ops",)

    def __init__(self, ops: Iterable[Sequence[Any]] = ()) -> None:
        self._ops: tuple[Op, ...] = tuple(_checked_op(op) for op in ops)

    @property
    def ops(self) -> list[Op]:
        """The operations, as the JSON lists they encode to."""
        return [[name, dict(args)] for name, args in self._ops]

    # -- reaching the kernel ----------------------------------------------------------------

    def push(
        self,
        event: str,
        value: Mapping[str, Any] | None = None,
        *,
        loading: str | None = None,
        page_loading: bool = False,
        target: int | str | None = None,
    ) -> JS:
        """Send ``event`` to ``handle_event``, as the binding itself would.

        The params are the binding's own (``phx-value-*``, the key, the form's fields) merged
        with ``value``. ``loading`` is a selector of more elements that get the binding's
        loading class (``phx-click-loading`` …) until the reply arrives. ``page_loading=True``
        fires ``phx:page-loading-start`` / ``phx:page-loading-stop`` on ``window`` around it
        (``detail.kind`` is ``"element"``), as Phoenix does: a page's progress bar shows.
        ``target`` sends it to a LiveComponent: its cid (``myself``) or a CSS selector naming
        an element inside it (without it, the element's own ``phx-target`` decides).
        """
        args: dict[str, Any] = {"event": _name(event, "push", "an event name")}
        if value is not None:
            args["value"] = _json_object(value, "push(value=...)")
        if loading is not None:
            args["loading"] = _selector(loading, "push(loading=...)")
        if not isinstance(page_loading, bool):
            raise TypeError(
                f"push(page_loading=...) takes True or False, got {type(page_loading).__name__}"
            )
        if page_loading:
            args["page_loading"] = True
        if target is not None:
            if isinstance(target, bool) or not isinstance(target, int | str):
                raise TypeError(
                    f"push(target=...) takes a component's cid (myself) or a CSS selector, "
                    f"got {type(target).__name__}"
                )
            if isinstance(target, int) and target < 1:
                raise ValueError(f"push(target=...): a cid is a positive integer, got {target}")
            args["target"] = (
                target if isinstance(target, int) else _selector(target, "push(target=...)")
            )
        return self._add("push", args)

    def navigate(self, href: str, *, replace: bool = False) -> JS:
        """Go to ``href`` inside the widget, mounting its route's view (a redirect)."""
        return self._add("navigate", {"href": _path(href, "navigate"), "replace": bool(replace)})

    def patch(self, href: str, *, replace: bool = False) -> JS:
        """Patch the current view to ``href`` (``handle_params`` runs)."""
        return self._add("patch", {"href": _path(href, "patch"), "replace": bool(replace)})

    # -- visibility -------------------------------------------------------------------------

    def show(
        self,
        *,
        to: Target | None = None,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
        display: str | None = None,
    ) -> JS:
        """Show the target(s): ``display`` (default ``block``) unless already visible."""
        args = _target_args(to, "show")
        _transition_args(args, "transition", transition, time, "show")
        if display is not None:
            args["display"] = _name(display, "show", "a display value")
        return self._add("show", args)

    def hide(
        self,
        *,
        to: Target | None = None,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
    ) -> JS:
        """Hide the target(s) (``display: none``), after the transition when one is given."""
        args = _target_args(to, "hide")
        _transition_args(args, "transition", transition, time, "hide")
        return self._add("hide", args)

    def toggle(
        self,
        *,
        to: Target | None = None,
        in_: Transition | None = None,
        out: Transition | None = None,
        time: int = DEFAULT_TIME,
        display: str | None = None,
    ) -> JS:
        """Show the target(s) when hidden, hide them when shown (``in_``/``out`` transitions)."""
        args = _target_args(to, "toggle")
        _transition_args(args, "ins", in_, time, "toggle")
        _transition_args(args, "outs", out, time, "toggle")
        if display is not None:
            args["display"] = _name(display, "toggle", "a display value")
        return self._add("toggle", args)

    # -- classes ----------------------------------------------------------------------------

    def add_class(
        self,
        names: str | Iterable[str],
        *,
        to: Target | None = None,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
    ) -> JS:
        """Add CSS classes (a space-separated string or a list) to the target(s)."""
        return self._class_op("add_class", names, to, transition, time)

    def remove_class(
        self,
        names: str | Iterable[str],
        *,
        to: Target | None = None,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
    ) -> JS:
        """Remove CSS classes from the target(s)."""
        return self._class_op("remove_class", names, to, transition, time)

    def toggle_class(
        self,
        names: str | Iterable[str],
        *,
        to: Target | None = None,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
    ) -> JS:
        """Add each class the target lacks, remove each it has."""
        return self._class_op("toggle_class", names, to, transition, time)

    def transition(
        self, transition: Transition, *, to: Target | None = None, time: int = DEFAULT_TIME
    ) -> JS:
        """Run a CSS transition on the target(s): classes added for ``time`` ms, then removed."""
        args = _target_args(to, "transition")
        _transition_args(args, "transition", transition, time, "transition")
        return self._add("transition", args)

    # -- attributes -------------------------------------------------------------------------

    def set_attribute(self, name: str, value: str, *, to: Target | None = None) -> JS:
        """Set an attribute on the target(s)."""
        args = _target_args(to, "set_attribute")
        args["attr"] = [_attr_name(name), _text(value, "set_attribute")]
        return self._add("set_attr", args)

    def remove_attribute(self, name: str, *, to: Target | None = None) -> JS:
        """Remove an attribute from the target(s)."""
        args = _target_args(to, "remove_attribute")
        args["attr"] = _attr_name(name)
        return self._add("remove_attr", args)

    def toggle_attribute(
        self, name: str, value: str, other: str | None = None, *, to: Target | None = None
    ) -> JS:
        """Set ``name`` to ``value`` when absent, remove it when present; or, given ``other``,
        switch it between ``value`` and ``other``."""
        args = _target_args(to, "toggle_attribute")
        attr = [_attr_name(name), _text(value, "toggle_attribute")]
        if other is not None:
            attr.append(_text(other, "toggle_attribute"))
        args["attr"] = attr
        return self._add("toggle_attr", args)

    # -- events and focus -------------------------------------------------------------------

    def dispatch(
        self,
        event: str,
        *,
        to: Target | None = None,
        detail: Mapping[str, Any] | None = None,
        bubbles: bool = True,
    ) -> JS:
        """Dispatch a DOM ``CustomEvent`` named ``event`` on the target(s)."""
        args = _target_args(to, "dispatch")
        args["event"] = _name(event, "dispatch", "an event name")
        if detail is not None:
            args["detail"] = _json_object(detail, "dispatch(detail=...)")
        if not bubbles:
            args["bubbles"] = False
        return self._add("dispatch", args)

    def focus(self, *, to: Target | None = None) -> JS:
        """Focus the target."""
        return self._add("focus", _target_args(to, "focus"))

    def focus_first(self, *, to: Target | None = None) -> JS:
        """Focus the first focusable element inside the target."""
        return self._add("focus_first", _target_args(to, "focus_first"))

    def exec(self, attr: str, *, to: Target | None = None) -> JS:
        """Run the commands held by the ``attr`` attribute of the target(s)
        (e.g. a ``data-cancel`` attribute shared by a close button and the Escape key)."""
        args = _target_args(to, "exec")
        args["attr"] = _attr_name(attr)
        return self._add("exec", args)

    # -- encoding ---------------------------------------------------------------------------

    def to_json(self) -> str:
        """The commands as plain JSON (what the attribute's value is, once unescaped)."""
        return json.dumps(self.ops, ensure_ascii=False)

    def __html__(self) -> Markup:
        return escape(self.to_json())

    def __str__(self) -> str:
        return str(self.__html__())

    def __repr__(self) -> str:
        return f"JS({self.ops!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JS) and self.ops == other.ops

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __add__(self, other: JS) -> JS:
        if not isinstance(other, JS):
            return NotImplemented
        return JS([*self._ops, *other._ops])

    def __len__(self) -> int:
        return len(self._ops)

    # -- internals --------------------------------------------------------------------------

    def _add(self, name: str, args: dict[str, Any]) -> JS:
        new = JS.__new__(JS)
        new._ops = (*self._ops, [name, args])
        return new

    def _class_op(
        self,
        op: str,
        names: str | Iterable[str],
        to: Target | None,
        transition: Transition | None,
        time: int,
    ) -> JS:
        args = _target_args(to, op)
        args["names"] = _classes(names, op)
        _transition_args(args, "transition", transition, time, op)
        return self._add(op, args)


def parse_commands(value: str) -> list[Op] | None:
    """The operations of a binding's value when it holds JS commands, else None (an event name).

    Raises ValueError for a value that looks like commands (starts with ``[``) but is not.

    >>> parse_commands('[["push", {"event": "save"}]]')
    [['push', {'event': 'save'}]]
    >>> parse_commands("save") is None
    True
    """
    if not value.lstrip().startswith("["):
        return None
    try:
        ops = json.loads(value)
    except ValueError as exc:
        raise ValueError(f"JS commands that are not valid JSON: {exc}") from None
    if not isinstance(ops, list):
        raise ValueError("JS commands must be a list of [name, {args}] pairs")
    return [_checked_op(op) for op in ops]


def _checked_op(op: object) -> Op:
    if (
        not isinstance(op, list | tuple)
        or len(op) != 2
        or not isinstance(op[0], str)
        or not isinstance(op[1], dict)
    ):
        raise ValueError(f"a JS command is a [name, {{args}}] pair, got {op!r:.80}")
    if op[0] not in OPERATIONS:
        raise ValueError(f"unknown JS command {op[0]!r}; expected one of {sorted(OPERATIONS)}")
    return [op[0], dict(op[1])]


def _name(value: object, op: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"JS.{op} needs {what} (a non-empty string), got {value!r}")
    return value


def _text(value: object, op: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"JS.{op}: attribute values are strings, got {value!r}")
    return value


def _selector(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a CSS selector, got {value!r}")
    return value


def _target_args(to: Target | None, op: str) -> dict[str, Any]:
    if to is None:
        return {}
    if isinstance(to, str):
        return {"to": _selector(to, f"JS.{op}(to=...)")}
    if isinstance(to, Mapping) and len(to) == 1:
        ((kind, selector),) = to.items()
        if kind in ("inner", "closest"):
            return {"to": {kind: _selector(selector, f"JS.{op}(to={{{kind!r}: ...}})")}}
    raise ValueError(
        f"JS.{op}(to=...) takes a CSS selector, {{'inner': selector}} or "
        f"{{'closest': selector}}; got {to!r}"
    )


def _classes(names: str | Iterable[str], op: str) -> list[str]:
    items = names.split() if isinstance(names, str) else list(names)
    if not items or not all(isinstance(n, str) and n and not n.isspace() for n in items):
        raise ValueError(f"JS.{op} needs class names, got {names!r}")
    return [part for item in items for part in item.split()]


def _transition_args(
    args: dict[str, Any], key: str, transition: Transition | None, time: int, op: str
) -> None:
    if transition is None:
        return
    if isinstance(time, bool) or not isinstance(time, int) or time < 0:
        raise ValueError(f"JS.{op}(time=...) is a number of milliseconds >= 0, got {time!r}")
    parts = [transition] if isinstance(transition, str) else list(transition)
    if len(parts) not in (1, 3) or not all(isinstance(p, str) for p in parts):
        raise ValueError(
            f"JS.{op}: a transition is a string of classes or three of them "
            f"(during, start, end), got {transition!r}"
        )
    if len(parts) == 1:
        parts += ["", ""]
    args[key] = [part.split() for part in parts]
    args["time"] = time


def _attr_name(name: object) -> str:
    if not isinstance(name, str) or not name or any(c in name for c in " \"'<>/=\t\n"):
        raise ValueError(f"not an attribute name: {name!r}")
    return name


def _path(href: object, op: str) -> str:
    if not is_widget_path(href):
        raise ValueError(
            f"JS.{op} goes to a path inside the widget, starting with '/'; got {href!r}"
        )
    return href


def _json_object(value: Mapping[str, Any], what: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a dict, got {type(value).__name__}")
    try:
        return dict(json.loads(json.dumps(dict(value))))
    except TypeError as exc:
        raise ValueError(f"{what} must hold JSON values: {exc}") from None
