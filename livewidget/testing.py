"""Drive a LiveView with no kernel and no browser: the Python twin of the JS client.

:class:`LiveViewTest` mounts a view on a private event loop, keeps the rendered tree exactly
as the browser would (merging the same diffs), finds elements by CSS selector and sends the
same payloads the browser sends for ``phx-click``, ``phx-change``, ``phx-submit``, the key
bindings and ``phx-focus`` / ``phx-blur``. A binding holding JS commands (``livewidget.JS``)
has its ``push``, ``navigate`` and ``patch`` commands honoured; the others only change the
page in a browser, and do nothing here.

>>> from livewidget import LiveView
>>> class Greeter(LiveView):
...     template = '<form phx-submit="hi"><input name="who"></form><p>{{ msg }}</p>'
...     def mount(self, socket, session, params):
...         socket.assign(msg="")
...     def handle_event(self, event, params, socket):
...         socket.assign(msg="Hello " + params["who"])
>>> view = LiveViewTest(Greeter)
>>> view.submit("form", who="<Ada>")
'<form phx-submit="hi"><input name="who"></form><p>Hello &lt;Ada&gt;</p>'

Needs BeautifulSoup: ``pip install "livewidget[testing]"``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from . import _encoding
from . import _protocol as p
from ._core.session import Routes, Session
from ._html_forms import (
    BeautifulSoup,
    Tag,
    click_value,
    closest_form,
    element_value,
    form_fields,
    with_unused_markers,
)
from .js import parse_commands
from .socket import Assigns
from .template import merge, to_html
from .view import LiveView

T = TypeVar("T")


class ViewError(AssertionError):
    """A callback of the view raised: the error the widget would show.

    ``error`` is that error as the page got it (``{"message": ..., "traceback": ...}``);
    ``errors`` every error that reached the page since the last one raised, oldest first
    (``error`` is the first of them).
    """

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        self.error = errors[0]
        text = f"{self.error.get('message', '')}\n{self.error.get('traceback', '')}".rstrip()
        if len(errors) > 1:
            text += f"\n(and {len(errors) - 1} more error(s) after it, in view.errors)"
        super().__init__(text)


class LiveViewTest:
    """A mounted LiveView and the page it would show.

    Every interaction returns the HTML after the view's reply. ``messages`` holds every
    outbound message as sent on the wire; ``errors`` the errors the widget would show.

    With ``raise_errors=True`` (the default) an error in any callback raises
    :class:`ViewError`: a failing ``mount`` (or first render) from the constructor; an error
    in ``handle_event``, ``handle_params``, ``handle_info`` (``send_info``, a timer, a
    broadcast) or ``handle_async`` from the next call that waits on the view (every call
    that interacts, ``flush``, ``run_for``, ``wait_until``), or else from the end of a
    ``with`` block. With ``raise_errors=False`` they are only recorded in ``errors``.
    ``page_layout`` wraps the views as ``LiveWidget(..., page_layout=...)`` does.
    """

    #: Seconds to wait for the view to answer before giving up.
    timeout: float = 30.0

    def __init__(
        self,
        view: Routes,
        *,
        path: str = "/",
        session: Mapping[str, Any] | None = None,
        hooks: Mapping[str, str | Path] | None = None,
        raise_errors: bool = True,
        page_layout: str | Path | None = None,
    ) -> None:
        self.messages: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        #: Every ``push_event`` that reached the page, in order, as ``(event, payload)``.
        self.pushed_events: list[tuple[str, dict[str, Any]]] = []
        #: Every reply a handle_event returned (what a hook's ``onReply`` gets).
        self.replies: list[Any] = []
        #: The URL inside the widget, as the page knows it.
        self.url = path
        #: The page title, as the page knows it.
        self.title: str | None = None
        self.hooks: dict[str, str] = {}
        self.raise_errors = raise_errors
        # How many of ``errors`` were raised (or returned by send_raw) already.
        self._reported = 0
        self._tree: dict[str, Any] | None = None
        self._refs = itertools.count(1)
        self._file_refs = itertools.count(0)  # entry refs of chosen files, as the browser's
        # Per form: the fields changed since it was shown or submitted (for _unused_ markers).
        self._used: dict[str, set[str]] = {}
        # A private loop in its own thread: the client works the same in a script, in
        # pytest and inside a notebook, where the kernel's loop is already running.
        self._loop = asyncio.new_event_loop()
        try:
            self.session = Session(
                view,
                send=self._on_message,
                session=session,
                url=path,
                loop=self._loop,
                hooks=hooks,
                page_layout=page_layout,
            )
        except BaseException:
            self._loop.close()
            raise
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="livewidget-test-client", daemon=True
        )
        self._thread.start()
        try:
            self._run(self._start())
            self._send({p.KIND: p.JOIN})
        except BaseException:
            # The caller never gets this client: end its view and loop here.
            self.close()
            raise

    # -- reading ----------------------------------------------------------------------------

    def html(self) -> str:
        """The view's current HTML, as the browser shows it."""
        return "" if self._tree is None else to_html(self._tree)

    @property
    def assigns(self) -> Assigns:
        """The view's assigns."""
        return self.session.socket.assigns

    @property
    def view(self) -> LiveView:
        """The live LiveView instance."""
        return self.session.view

    def find(self, selector: str) -> Tag:
        """The one element matching ``selector``; raises LookupError for none or several."""
        found = self._soup().select(selector)
        if len(found) != 1:
            raise LookupError(
                f"expected exactly one element matching {selector!r}, found {len(found)} in:\n"
                f"{self.html()[:2000]}"
            )
        return found[0]

    def find_all(self, selector: str) -> list[Tag]:
        """Every element matching ``selector``, in page order (maybe none)."""
        return list(self._soup().select(selector))

    def has_element(self, selector: str, text: str | None = None) -> bool:
        """Whether an element matches ``selector`` (and contains ``text``, when given)."""
        return any(text is None or text in el.get_text() for el in self._soup().select(selector))

    # -- interacting ------------------------------------------------------------------------

    def click(self, selector: str, value: Mapping[str, Any] | None = None) -> str:
        """Click the element matched by ``selector``: its ``phx-click``, or a live link.

        A link with ``data-phx-link="patch"`` or ``"redirect"`` navigates inside the widget.
        """
        el = self.find(selector)
        link = el.get("data-phx-link")
        if el.name == "a" and link in (p.NAV_PATCH, p.NAV_REDIRECT):
            replace = el.get("data-phx-link-state") == "replace"
            return self._navigate(str(link), str(el.get("href", "")), replace)
        if not isinstance(el.get("phx-click"), str):
            raise LookupError(f"the element matching {selector!r} has no phx-click: {el}")
        return self._binding(el, "phx-click", p.TYPE_CLICK, {**click_value(el), **(value or {})})

    def keydown(self, selector: str, key: str, value: Mapping[str, Any] | None = None) -> str:
        """Press ``key`` on the element matched by ``selector``: its ``phx-keydown``, else its
        ``phx-window-keydown``. Nothing is sent when its ``phx-key`` names another key.

        The params are ``{"key": key, ...phx-value-*, "value": <a field's value>}`` and ``value``.
        """
        return self._key(selector, key, value, "keydown", p.TYPE_KEYDOWN)

    def keyup(self, selector: str, key: str, value: Mapping[str, Any] | None = None) -> str:
        """Release ``key`` on the element: its ``phx-keyup`` or ``phx-window-keyup``."""
        return self._key(selector, key, value, "keyup", p.TYPE_KEYUP)

    def focus(self, selector: str, value: Mapping[str, Any] | None = None) -> str:
        """Fire the element's ``phx-focus`` (or ``phx-window-focus``)."""
        return self._focus(selector, value, "focus", p.TYPE_FOCUS)

    def blur(self, selector: str, value: Mapping[str, Any] | None = None) -> str:
        """Fire the element's ``phx-blur`` (or ``phx-window-blur``)."""
        return self._focus(selector, value, "blur", p.TYPE_BLUR)

    def submit(self, selector: str, form: Mapping[str, Any] | None = None, **values: Any) -> str:
        """Submit the form with ``phx-submit`` matched by ``selector`` (or holding it).

        Field values come from the form's HTML, overridden by ``form`` and ``values``.
        """
        el = closest_form(self.find(selector), "phx-submit")
        fields = form_fields(el, {**(form or {}), **values})
        self._used.pop(_form_key(el), None)  # a submit starts the form over
        return self._binding(el, "phx-submit", p.TYPE_FORM, urlencode(fields))

    def change(
        self,
        selector: str,
        form: Mapping[str, Any] | None = None,
        *,
        target: str | None = None,
        **values: Any,
    ) -> str:
        """Fire ``phx-change`` on the form matched by ``selector`` (or holding it).

        ``target`` names the field that changed (sent as ``_target``); by default the
        first field given in ``values``. As in the browser, the fields not changed since the
        form was shown or last submitted get an ``_unused_`` marker.
        """
        el = closest_form(self.find(selector), "phx-change")
        changed = {**(form or {}), **values}
        name = target or next(iter(changed), None)
        used = self._used.setdefault(_form_key(el), set())
        used.update(changed)
        if name is not None:
            used.add(name)
        fields = with_unused_markers(el, form_fields(el, changed), used)
        if name is not None:
            fields.append(("_target", name))
        return self._binding(el, "phx-change", p.TYPE_FORM, urlencode(fields))

    def upload(self, name: str, files: Sequence[tuple[str, bytes, str]]) -> str:
        """Choose ``files``, ``(client_name, data, client_type)`` each, for upload ``name``.

        As the browser does: the file input's entries are announced (errors such as
        ``too_large`` render before any byte), the form's ``phx-change`` fires, then the
        accepted files' bytes go in binary chunks of the upload's ``chunk_size``, each
        acknowledged before the next; returns the HTML then. Submit the form afterwards,
        for the view to consume them.
        """
        el = self._soup().select_one(f'input[data-phx-upload-ref][name="{name}"]')
        ref = el.get("data-phx-upload-ref") if el is not None else None
        if el is None or not isinstance(ref, str):
            raise ValueError(
                f"no file input for upload {name!r} on the page; render "
                f"{{{{ live_file_input(uploads.{name}) }}}} in a form"
            )
        entries = [
            {
                "ref": str(next(self._file_refs)),
                "name": client_name,
                "size": len(data),
                "type": client_type,
                "last_modified": 0,
            }
            for client_name, data, client_type in files
        ]
        upload = {p.KIND: "upload", "upload": ref}
        self._send({**upload, p.REF: next(self._refs), "op": "entries", "entries": entries})
        form = el.find_parent("form")
        if form is not None and form.has_attr("phx-change"):
            fields = [(k, v) for k, v in form_fields(form, {}) if k != name]
            self._binding(form, "phx-change", p.TYPE_FORM, urlencode([*fields, ("_target", name)]))
        start = next(self._refs)
        self._send({**upload, p.REF: start, "op": "start", "entries": entries})
        answer: dict[str, Any] = next(
            (m for m in reversed(self.messages) if m.get(p.REF) == start), {}
        )
        allowed = (answer.get(p.REPLY) or {}).get("entries", [])
        size = int((answer.get(p.REPLY) or {}).get("chunk_size", 1) or 1)
        for entry, (_, data, _) in zip(entries, files, strict=True):
            if entry["ref"] not in allowed:
                continue
            for offset in range(0, len(data), size):
                chunk = {**upload, p.REF: next(self._refs), "op": "chunk", "entry": entry["ref"]}
                # JSON as on the wire; the bytes beside it, as a comm message's buffer.
                raw = {**json.loads(json.dumps(chunk)), "buffers": [data[offset : offset + size]]}
                self._run(self._deliver(raw))
        return self.html()

    def push_event(self, event: str, value: Mapping[str, Any] | None = None) -> str:
        """Send an event as a client hook's ``pushEvent`` would."""
        return self._event(p.TYPE_HOOK, event, dict(value or {}))

    def navigate(self, url: str, *, replace: bool = False) -> str:
        """Go to ``url`` as ``widget.navigate`` does (a patch if the view serves it)."""
        return self._command(lambda: self.session.navigate(url, replace=replace))

    def back(self) -> str:
        """Move back in the widget's history, as ``widget.back()`` does."""
        return self._command(self.session.back)

    def forward(self) -> str:
        """Move forward in the widget's history, as ``widget.forward()`` does."""
        return self._command(self.session.forward)

    def send_info(self, info: Any) -> str:
        """Deliver ``info`` to the view's ``handle_info``."""
        return self._command(lambda: self.session.send_info(info))

    def flush(self) -> str:
        """Wait until everything queued for the view (e.g. by a redefined class) is handled."""
        self._run(self.session.drain())
        return self.html()

    def send_raw(self, message: Any) -> list[dict[str, Any]]:
        """Send any message, even a malformed one; return the replies it produced.

        The errors among those replies are returned, not raised; an error that reached the
        page before this call still raises :class:`ViewError`.
        """
        self._raise_new_errors()
        before = len(self.messages)
        self._run(self._deliver(json.loads(json.dumps(message))), check=False)
        self._reported = len(self.errors)
        return self.messages[before:]

    def run_for(self, seconds: float) -> str:
        """Let ``seconds`` pass, then wait until the view handled all it was sent; the HTML.

        The view's loop runs all along (timers fire, background work ends, broadcasts
        arrive); this only waits, so that what was due in that time has reached the page.
        """

        async def run() -> None:
            await asyncio.sleep(seconds)
            await self.session.drain()

        self._run(run())
        return self.html()

    def wait_until(self, predicate: Callable[[], object], timeout: float = 5.0) -> str:
        """Wait until ``predicate()`` is true (e.g. ``lambda: view.has_element("#done")``).

        The predicate runs on the view's loop between two steps, so it sees a settled page;
        it must only read (not click). Returns the HTML; raises TimeoutError with the HTML
        after ``timeout`` seconds.
        """

        async def wait() -> bool:
            deadline = self._loop.time() + timeout
            while not predicate():
                if self._loop.time() > deadline:
                    return False
                await asyncio.sleep(0.002)
            return True

        if not self._run(wait()):
            raise TimeoutError(
                f"wait_until: the condition was still false after {timeout} s; the page is:\n"
                f"{self.html()[:2000]}"
            )
        return self.html()

    def close(self) -> None:
        """Close the view (``terminate`` runs) and stop the private event loop."""
        if self._loop.is_closed():
            return
        self._run(self._close(), check=False)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __del__(self) -> None:
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_closed() and loop.is_running():
            self.close()

    def __enter__(self) -> LiveViewTest:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close()
        if exc_type is None:  # never hide the exception that ended the block
            self._raise_new_errors()

    # -- internals --------------------------------------------------------------------------

    def _event(self, type_: str, event: str, value: Any, cid: int | None = None) -> str:
        ref = next(self._refs)
        message = {
            p.KIND: p.EVENT,
            p.REF: ref,
            p.EVENT_TYPE: type_,
            p.EVENT_NAME: event,
            p.EVENT_VALUE: value,
        }
        if cid is not None:
            message[p.EVENT_CID] = cid
        self._send(message)
        return self.html()

    def _targets(self, el: Tag, target: object = None) -> list[int | None]:
        """Where an element's event goes, one entry per event (a cid, or None for the view),
        as the JS client decides it: its ``phx-target`` (or a push's ``target``) is a cid, or
        a CSS selector sending one event per element it matches, to the component holding it."""
        target = el.get("phx-target") if target is None else target
        if isinstance(target, int):
            return [target]
        if not isinstance(target, str) or not target.strip():
            return [None]
        if target.strip().isdigit():
            return [int(target)]
        matches = self._soup().select(target)
        if not matches:
            raise LookupError(
                f"phx-target {target!r} of {el} matches no element of the page, so the page "
                f"would send nothing; name an element inside a component, or use a cid"
            )
        cids: list[int | None] = []
        for match in matches:
            owner = (
                match if match.has_attr(_COMPONENT) else match.find_parent(attrs={_COMPONENT: True})
            )
            cids.append(None if owner is None else int(str(owner[_COMPONENT])))
        return cids

    def _key(
        self, selector: str, key: str, value: Mapping[str, Any] | None, kind: str, type_: str
    ) -> str:
        el = self.find(selector)
        attribute = _bound(el, f"phx-{kind}", f"phx-window-{kind}", selector)
        only = el.get("phx-key")
        if isinstance(only, str) and only.lower() != key.lower():
            return self.html()
        payload = {"key": key, **element_value(el), **(value or {})}
        return self._binding(el, attribute, type_, payload)

    def _focus(self, selector: str, value: Mapping[str, Any] | None, kind: str, type_: str) -> str:
        el = self.find(selector)
        attribute = _bound(el, f"phx-{kind}", f"phx-window-{kind}", selector)
        return self._binding(el, attribute, type_, {**element_value(el), **(value or {})})

    def _binding(self, el: Tag, attribute: str, type_: str, payload: Any, depth: int = 0) -> str:
        """Fire ``el``'s binding: send its event, or honour its JS commands' push, navigate
        and patch (the other commands only change the page, so do nothing here)."""
        text = str(el.get(attribute, ""))
        try:
            ops = parse_commands(text)
        except ValueError as exc:
            raise ValueError(
                f"the {attribute} of {el} holds malformed JS commands: {exc}"
            ) from None
        if ops is None:
            if not text:
                raise ValueError(f"the {attribute} attribute is empty on {el}")
            for cid in self._targets(el):
                self._event(type_, text, payload, cid)
            return self.html()
        for name, args in ops:
            if name == "push":
                for cid in self._targets(el, args.get("target")):
                    self._event(type_, args["event"], _merged(payload, args.get("value")), cid)
            elif name in ("patch", "navigate"):
                kind = p.NAV_PATCH if name == "patch" else p.NAV_REDIRECT
                self._navigate(kind, args["href"], bool(args.get("replace", False)))
            elif name == "exec" and depth < 8:
                to = args.get("to")
                targets = (
                    [el] if to is None else self._soup().select(to) if isinstance(to, str) else []
                )
                for target in targets:
                    if target.has_attr(args["attr"]):
                        self._binding(target, args["attr"], type_, payload, depth + 1)
        return self.html()

    def _navigate(self, kind: str, url: str, replace: bool) -> str:
        ref = next(self._refs)
        self._send(
            {p.KIND: p.NAV, p.REF: ref, p.NAV_KIND: kind, p.URL: url, p.NAV_REPLACE: replace}
        )
        return self.html()

    def _command(self, call: Callable[[], None]) -> str:
        async def run() -> None:
            call()
            await self.session.drain()

        self._run(run())
        return self.html()

    def _send(self, message: Any) -> None:
        # A round trip through JSON, as on the wire, so nothing unsendable slips through.
        self._run(self._deliver(json.loads(json.dumps(message))))

    async def _deliver(self, message: Any) -> None:
        self.session.receive(message)
        await self.session.drain()

    async def _close(self) -> None:
        self.session.close("closed")
        await asyncio.sleep(0)

    def _on_message(self, message: dict[str, Any]) -> None:
        # Packed as a kernel packs it (no NaN, UTF-8 without lone surrogates): what a kernel
        # could not send fails here too, with the same check the session makes.
        message = json.loads(_encoding.encode(message))
        self.messages.append(message)
        if p.RENDERED in message:
            self._tree = message[p.RENDERED]
        if p.DIFF in message and self._tree is not None:
            self._tree = merge(self._tree, message[p.DIFF])
        if p.ERROR in message:
            self.errors.append(message[p.ERROR])
        for event, payload in message.get(p.EVENTS, []):
            self.pushed_events.append((event, payload))
        if p.REPLY in message:
            self.replies.append(message[p.REPLY])
        if p.NAVIGATION in message:
            self.url = message[p.NAVIGATION][p.URL]
        if p.TITLE in message:
            self.title = message[p.TITLE]
        if p.HOOKS in message:
            self.hooks = message[p.HOOKS]

    async def _start(self) -> None:
        self.session.start()
        await self.session.drain()

    def _run(self, coroutine: Coroutine[Any, Any, T], *, check: bool = True) -> T:
        """Run ``coroutine`` on the view's loop and wait for it; then, with ``check``, raise
        the errors that reached the page meanwhile (or since the last call that waited)."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            result = future.result(timeout=self.timeout)
        except TimeoutError:
            future.cancel()
            raise TimeoutError(
                f"the view did not answer within {self.timeout} s; a handler may be stuck "
                f"(raise LiveViewTest.timeout for slow handlers)"
            ) from None
        if check:
            self._raise_new_errors()
        return result

    def _raise_new_errors(self) -> None:
        # Errors arrive on the loop's thread, maybe while this runs: take a slice, count it.
        fresh = self.errors[self._reported :]
        self._reported += len(fresh)
        if fresh and self.raise_errors:
            raise ViewError(fresh)

    def _soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.html(), "html.parser")


_COMPONENT = "data-phx-component"


def _form_key(form: Tag) -> str:
    for attribute in ("id", "phx-change", "phx-submit"):
        if form.has_attr(attribute):
            return f"{attribute}={form[attribute]}"
    return str(form.get("name", ""))


def _bound(el: Tag, own: str, window: str, selector: str) -> str:
    if el.has_attr(own):
        return own
    if el.has_attr(window):
        return window
    raise LookupError(f"the element matching {selector!r} has neither {own} nor {window}: {el}")


def _merged(payload: Any, extra: Any) -> Any:
    if not isinstance(extra, dict):
        return payload
    if isinstance(payload, str):
        more = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in extra.items()]
        return "&".join(part for part in (payload, urlencode(more)) if part)
    return {**payload, **extra}
