"""Names of the wire format between the kernel and the frontend, in one place.

Every custom message of the widget's comm carries one JSON object. The JavaScript twin of
this file is ``js/src/constants.js``; keep both in step.

Frontend → kernel (``model.send``)::

    {"k": "join"}                                    # a frontend model wants the full tree
    {"k": "join", "url": "/users/7"}                 # … at the route the page's URL names
    {"k": "join", "first": true}                     # … showing the state's first reply
                                                     #   (sent before the page's first other
                                                     #   message)
    {"k": "event", "ref": 3, "type": "click",        # phx-click / a hook's pushEvent
     "event": "inc", "value": {"by": "5"}}
    {"k": "event", "ref": 4, "type": "form",         # phx-submit / phx-change
     "event": "set", "value": "n=5&_target=n"}       # URL-encoded form fields
    {"k": "event", "ref": 5, "type": "keydown",      # phx-keydown (also keyup, focus, blur)
     "event": "key", "value": {"key": "Enter"}}      # … with the phx-value-* attributes
    {"k": "event", "ref": 6, "type": "click",        # phx-target="{{ myself }}": handled by
     "event": "toggle", "value": {}, "cid": 2}       # the component whose cid is 2
    {"k": "nav", "ref": 5, "kind": "patch",          # a data-phx-link="patch" / "redirect"
     "url": "/users/8", "replace": false}
    {"k": "nav", "ref": 6, "kind": "go", "index": 2, # the browser's back/forward (sync_url)
     "url": "/users/7"}

Kernel → frontend (``widget.send``)::

    {"r": TREE, "h": HOOKS}      # replace the whole tree (join reply, redirect); hook sources
    {"nav": {...}}               # a "first" join's answer when the page shows the current tree
    {"d": DIFF, "ref": 3}        # merge a diff; "ref" echoes the event it answers
    {"ref": 4}                   # the event changed nothing visible
    {"err": {"message": "...", "traceback": "..."}, "ref": 5}   # show an error in the widget
    {"d": DIFF, "first": true}   # the view's first change before any page joined: a diff
                                 # from the state's first reply, joining the pages showing it

and, beside "r" / "d" in the same message::

    "e": [["my-event", {"foo": "bar"}], ...]   # push_event: dispatched after the DOM patch
    "t": "Title"                               # page_title changed
    "rep": {...}                               # handle_event's reply to a hook's pushEvent
    "nav": {"url": "/foo?bar=baz", "replace": false, "index": 3}   # the widget's URL moved

Every inbound event is answered by exactly one outbound message carrying its ``ref``.

Trees and diffs use Phoenix LiveView 1.2's JSON shapes, exactly as its client reads them:
``"s"`` holds the statics (sent once per template), the keys ``"0"``, ``"1"``, … hold
dynamics: strings, nested trees, or comprehensions in the keyed shape
``{"s": [...], "k": {"0": {row 0's dynamics}, "1": {...}, "kc": row count}}``. A diff holds
only the changed dynamics; a comprehension's diff is ``{"k": {...}}`` with its changed, new
and moved rows, ``"kc"`` always and ``"km": true`` when rows moved. ``"m"`` runs of moved
rows inside ``"k"`` are livewidget's one extension; :mod:`livewidget.template._rendered`
describes every entry.
"""

from __future__ import annotations

from typing import Final

# Keys of every message.
KIND: Final = "k"
REF: Final = "ref"

# Inbound message kinds.
JOIN: Final = "join"
# Key of a join: the page shows the first reply the widget's state carried (``_lw_first``), so
# the kernel leaves the tree out of its answer when that is still the current one.
JOIN_FIRST: Final = "first"
EVENT: Final = "event"
NAV: Final = "nav"

# Keys of a nav message (inbound) and of the "nav" object (outbound).
URL: Final = "url"
NAV_KIND: Final = "kind"
NAV_REPLACE: Final = "replace"
NAV_INDEX: Final = "index"
NAV_PATCH: Final = "patch"
NAV_REDIRECT: Final = "redirect"
NAV_GO: Final = "go"

# Keys of an inbound event.
EVENT_TYPE: Final = "type"
EVENT_NAME: Final = "event"
EVENT_VALUE: Final = "value"
# The component an event targets (phx-target): its cid, a positive integer; absent: the view.
EVENT_CID: Final = "cid"

# Event types.
TYPE_CLICK: Final = "click"
TYPE_FORM: Final = "form"
TYPE_HOOK: Final = "hook"
# phx-keydown / phx-window-keydown (and keyup): value {"key": ..., ...phx-value-*}
TYPE_KEYDOWN: Final = "keydown"
TYPE_KEYUP: Final = "keyup"
# phx-focus / phx-window-focus (and blur): value {...phx-value-*}
TYPE_FOCUS: Final = "focus"
TYPE_BLUR: Final = "blur"

# Keys of an outbound message.
RENDERED: Final = "r"
DIFF: Final = "d"
ERROR: Final = "err"
EVENTS: Final = "e"
TITLE: Final = "t"
REPLY: Final = "rep"
NAVIGATION: Final = "nav"
HOOKS: Final = "h"
# Marks the first reply in the state of a widget's comm_open (its "_lw_first" trait): a page
# showing it may join later (before its first message). A state a page asked for lacks it.
JOIN_LATER: Final = "later"
# Marks the view's first change before any page joined: its diff is from the first reply the
# widget's state carried, and it joins the pages that show that reply without having joined.
FROM_FIRST: Final = "first"

# Keys of a rendered tree.
STATICS: Final = "s"
# Keys of a comprehension, Phoenix's keyed shape (see livewidget/template/_rendered.py).
KEYED: Final = "k"
KEY_COUNT: Final = "kc"
MOVED: Final = "km"
# livewidget's extension inside "k": runs of moved rows, [[index, old index, length], ...].
MOVES: Final = "m"
# Components (Phoenix's shapes): a root's "c" holds each component's tree by cid, a
# component's tree carries "r": 1 (its root element gets data-phx-component), and its "s"
# may be a cid whose statics it shares (positive: in the same "c", negative: held already).
COMPONENTS: Final = "c"
ROOT: Final = "r"
# livewidget's extension at a diff's root: the cids the kernel removed, pruned after merging.
REMOVED_CIDS: Final = "cd"

# Inbound messages larger than this (in bytes of JSON) are refused.
MAX_MESSAGE_BYTES: Final = 1_000_000
# An event name longer than this is refused.
MAX_EVENT_NAME: Final = 200
# A URL longer than this is refused.
MAX_URL: Final = 4096

# The event name that clears a flash message (phx-value-key names which one).
CLEAR_FLASH: Final = "lv:clear-flash"

# Limits on inbound messages (defaults; ``livewidget.configure`` changes them per kernel).
# More fields than this in one form body or query string are refused (``_unused_`` markers
# count): decoding is linear, and this bounds the params a handler receives.
MAX_FORM_FIELDS: Final = 10_000
# Values (an event's value, a form field's name segments) nested deeper than this are refused.
MAX_DEPTH: Final = 32
