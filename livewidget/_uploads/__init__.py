"""File uploads over the widget's comm, with Phoenix LiveView's names and flow.

``entries`` holds what templates read, ``wire`` the messages and their checks, ``manager``
the state and the temporary files, ``socket_api`` the methods a socket gets.
"""

from __future__ import annotations

from .entries import (
    NOT_ACCEPTED,
    TOO_LARGE,
    TOO_MANY_FILES,
    UploadConfig,
    UploadEntry,
    UploadsNamespace,
)
from .manager import UploadManager, UploadRefused
from .socket_api import UPLOADS_ASSIGN, SocketUploads
from .wire import UploadChunk, UploadEntries, UploadMessage, UploadStart, parse_upload

__all__ = [
    "NOT_ACCEPTED",
    "TOO_LARGE",
    "TOO_MANY_FILES",
    "UPLOADS_ASSIGN",
    "SocketUploads",
    "UploadChunk",
    "UploadConfig",
    "UploadEntries",
    "UploadEntry",
    "UploadManager",
    "UploadMessage",
    "UploadRefused",
    "UploadStart",
    "UploadsNamespace",
    "parse_upload",
]
