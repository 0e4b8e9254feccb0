"""Names of the wire format between the kernel and the frontend, in one place.

Every custom message of the widget's comm carries one JSON object. The JavaScript twin of
this file is ``js/src/constants.js``; keep both in step.

Frontend → kernel (``model.send``)::

    {"k": "join"}                                    # a frontend model wants the full tree
    {"k": "event", "ref": 3, "type": "click",        # phx-click / a hook's pushEvent
     "event": "inc", "value": {"by": "5"}}
    {"k": "event", "ref": 4, "type": "form",         # phx-submit / phx-change
     "event": "set", "value": "n=5&_target=n"}       # URL-encoded form fields

Kernel → frontend (``widget.send``)::

    {"r": TREE}                  # replace the whole rendered tree (join reply, new template)
    {"d": DIFF, "ref": 3}        # merge a diff; "ref" echoes the event it answers
    {"ref": 4}                   # the event changed nothing visible
    {"err": {"message": "...", "traceback": "..."}, "ref": 5}   # show an error in the widget

Every inbound event is answered by exactly one outbound message carrying its ``ref``.

Trees and diffs use Phoenix LiveView's JSON shapes: ``"s"`` holds the statics (sent once per
template), the keys ``"0"``, ``"1"``, … hold dynamics (strings, nested trees or
comprehensions ``{"s": [...], "d": [[...], ...]}``); a diff holds only the changed dynamics.
"""

from __future__ import annotations

from typing import Final

# Keys of every message.
KIND: Final = "k"
REF: Final = "ref"

# Inbound message kinds.
JOIN: Final = "join"
EVENT: Final = "event"

# Keys of an inbound event.
EVENT_TYPE: Final = "type"
EVENT_NAME: Final = "event"
EVENT_VALUE: Final = "value"

# Event types.
TYPE_CLICK: Final = "click"
TYPE_FORM: Final = "form"
TYPE_HOOK: Final = "hook"

# Keys of an outbound message.
RENDERED: Final = "r"
DIFF: Final = "d"
ERROR: Final = "err"

# Keys of a rendered tree.
STATICS: Final = "s"
DYNAMICS: Final = "d"

# Inbound messages larger than this (in bytes of JSON) are refused.
MAX_MESSAGE_BYTES: Final = 1_000_000
# An event name longer than this is refused.
MAX_EVENT_NAME: Final = 200
