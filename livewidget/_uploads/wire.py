"""The upload messages of the wire format, and their validation at the door.

Frontend → kernel::

    {"k": "upload", "ref": 6, "op": "entries", "upload": "lw-upload-1",   # files chosen
     "entries": [{"ref": "0", "name": "cat.png", "size": 5120,            # (or dropped):
                  "type": "image/png", "last_modified": 1700000000000}]}  # checked at once
    {"k": "upload", "ref": 7, "op": "start", "upload": "lw-upload-1",     # phx-submit or
     "entries": [{"ref": "0", "name": "cat.png", "size": 5120, "type": "image/png"}]}  # auto_upload
    {"k": "upload", "ref": 8, "op": "chunk", "upload": "lw-upload-1", "entry": "0"}
        + one binary buffer of the comm message: the next chunk_size bytes (or fewer, the last)

The ``entries`` message goes before the form's ``phx-change`` (the view's validate handler
sees the entries) and its reply renders their errors before any byte is sent.

Kernel → frontend: the usual reply carrying ``ref``; a ``start``'s ``"rep"`` is
``{"entries": ["0"], "chunk_size": 64000}`` (which entries to send, in chunks of that size);
a chunk's reply holds the diff when ``entry.progress`` moved. The frontend sends the next
chunk only after the previous one's reply arrived (flow control), so the kernel holds one
chunk of each upload at a time. An error reply cuts the entry off.

The transport puts the comm message's buffers under :data:`BUFFERS` in the message it
hands the session; JSON cannot produce ``bytes``, so a page cannot forge them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .. import config
from ..errors import BadMessageError

# Keys and values of the upload messages.
UPLOAD: Final = "upload"
OP: Final = "op"
OP_ENTRIES: Final = "entries"
OP_START: Final = "start"
OP_CHUNK: Final = "chunk"
UPLOAD_REF: Final = "upload"
ENTRY_REF: Final = "entry"
ENTRIES: Final = "entries"
CHUNK_SIZE: Final = "chunk_size"
BUFFERS: Final = "buffers"

# Limits on what an upload message may hold.
MAX_REF_CHARS: Final = 64
MAX_NAME_CHARS: Final = 1024
MAX_TYPE_CHARS: Final = 255
MAX_ENTRIES: Final = 1000
_MAX_INT = 2**53


@dataclass(frozen=True, slots=True)
class EntryMeta:
    """What the page says of one chosen file (unchecked against the upload's options)."""

    ref: str
    name: str
    size: int
    type: str
    last_modified: int | None = None


@dataclass(frozen=True, slots=True)
class UploadEntries:
    """The page's file input holds these files now (chosen or dropped)."""

    ref: int
    upload: str
    entries: tuple[EntryMeta, ...]


@dataclass(frozen=True, slots=True)
class UploadStart:
    """The page asks to send the bytes of these entries (phx-submit or auto_upload)."""

    ref: int
    upload: str
    entries: tuple[EntryMeta, ...]


@dataclass(frozen=True, slots=True)
class UploadChunk:
    """The next bytes of one entry."""

    ref: int
    upload: str
    entry: str
    data: memoryview


UploadMessage = UploadEntries | UploadStart | UploadChunk


def parse_upload(raw: Mapping[str, Any], ref: int) -> UploadMessage:
    """Check an ``{"k": "upload", ...}`` message; raise BadMessageError when it is malformed."""
    op = raw.get(OP)
    upload = _ref(raw.get(UPLOAD_REF), "an upload ref")
    buffers = raw.get(BUFFERS, [])
    if op in (OP_ENTRIES, OP_START):
        if buffers:
            raise BadMessageError(f"an upload {op!r} carries no binary buffers")
        kind = UploadEntries if op == OP_ENTRIES else UploadStart
        return kind(ref, upload, _entries(raw.get(ENTRIES)))
    if op == OP_CHUNK:
        entry = _ref(raw.get(ENTRY_REF), "an entry ref")
        if not isinstance(buffers, list | tuple) or len(buffers) != 1:
            count = len(buffers) if isinstance(buffers, list | tuple) else "no"
            raise BadMessageError(
                f"an upload chunk carries exactly one binary buffer, got {count}; send the "
                f"bytes as the comm message's buffer, never inside the JSON"
            )
        data = _bytes(buffers[0])
        limit = config.limits.max_message_bytes
        if data.nbytes > limit:
            raise BadMessageError(
                f"an upload chunk of {data.nbytes} bytes exceeds the limit of {limit} bytes"
            )
        return UploadChunk(ref, upload, entry, data)
    raise BadMessageError(f"unknown upload op {_show(op)}; expected 'entries', 'start' or 'chunk'")


def strip_buffers(raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` without its buffers, for the checks that read JSON only."""
    return {key: value for key, value in raw.items() if key != BUFFERS}


def has_buffers(raw: Mapping[str, Any]) -> bool:
    """Whether the transport attached binary buffers to ``raw``."""
    return BUFFERS in raw


def _bytes(value: object) -> memoryview:
    if isinstance(value, bytes | bytearray):
        return memoryview(value)
    if isinstance(value, memoryview):
        return value.cast("B") if value.format != "B" or value.ndim != 1 else value
    raise BadMessageError(f"an upload chunk's buffer must be bytes, got {type(value).__name__}")


def _entries(value: object) -> tuple[EntryMeta, ...]:
    if not isinstance(value, list):
        raise BadMessageError(f"upload entries must be a list, got {type(value).__name__}")
    if len(value) > MAX_ENTRIES:
        raise BadMessageError(f"at most {MAX_ENTRIES} files per upload, got {len(value)}")
    entries = tuple(_entry(item) for item in value)
    if len({entry.ref for entry in entries}) != len(entries):
        raise BadMessageError("upload entries must have distinct refs")
    return entries


def _entry(value: object) -> EntryMeta:
    if not isinstance(value, dict):
        raise BadMessageError(f"an upload entry must be an object, got {type(value).__name__}")
    name = _text(value.get("name"), MAX_NAME_CHARS, "an upload entry's name")
    kind = _text(value.get("type", ""), MAX_TYPE_CHARS, "an upload entry's type")
    size = value.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size < _MAX_INT:
        raise BadMessageError(f"an upload entry's size must be an integer >= 0, got {_show(size)}")
    modified = value.get("last_modified")
    if modified is not None and not (_is_int(modified) and abs(modified) < _MAX_INT):
        raise BadMessageError(f"'last_modified' must be an integer, got {_show(modified)}")
    return EntryMeta(_ref(value.get("ref"), "an entry ref"), name, size, kind, modified)


def _ref(value: object, what: str) -> str:
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= MAX_REF_CHARS
        or not all(c.isascii() and (c.isalnum() or c in "-_") for c in value)
    ):
        raise BadMessageError(
            f"{what} must be 1-{MAX_REF_CHARS} letters, digits, '-' or '_', got {_show(value)}"
        )
    return value


def _text(value: object, limit: int, what: str) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise BadMessageError(f"{what} must be a string of at most {limit} characters")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: object) -> str:
    if isinstance(value, str | int | float | bool | None):
        return f"{value!r:.50}"
    return f"of type {type(value).__name__}"
