"""The socket's upload methods: ``allow_upload``, ``consume_uploaded_entries``, ``cancel_upload``.

:class:`~livewidget.socket.Socket` owns a :class:`SocketUploads` and its public methods
delegate to it; the session hands it the page's upload messages (``message``, ``stale``,
``publish``, ``close``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .entries import UploadEntry
from .manager import UploadManager
from .wire import UploadEntries, UploadMessage, UploadStart

#: The assign templates read the uploads from.
UPLOADS_ASSIGN = "uploads"


class SocketUploads:
    """One view's uploads, as Phoenix LiveView has them; owned by its socket.

    ``set_assigns`` puts the ``uploads`` assign (the socket's ``_set``); ``shown`` reads the
    one the page last got, so the session can tell when it lags.
    """

    def __init__(
        self,
        set_assigns: Callable[[Mapping[str, Any]], None],
        shown: Callable[[], Any],
    ) -> None:
        self._set = set_assigns
        self._shown = shown
        self._manager: UploadManager | None = None

    def consume(self, name: str, fn: Callable[[str, UploadEntry], Any]) -> list[Any]:
        """See :meth:`livewidget.Socket.consume_uploaded_entries`."""
        return self.manager().consume(name, fn)

    def cancel(self, name: str, ref: str) -> None:
        """See :meth:`livewidget.Socket.cancel_upload`."""
        self.manager().cancel(name, ref)

    def entries(self, name: str) -> tuple[list[UploadEntry], list[UploadEntry]]:
        """See :meth:`livewidget.Socket.uploaded_entries`."""
        upload = self.manager().config(name)
        return list(upload.done_entries), [e for e in upload.entries if not e.done]

    # -- used by the session ----------------------------------------------------------------

    def message(self, message: UploadMessage) -> dict[str, Any] | None:
        """Handle an upload message from the page; the reply payload of a ``start``."""
        manager = self.manager()
        if isinstance(message, UploadEntries):
            manager.put_entries(message.upload, message.entries, keep=False)
        elif isinstance(message, UploadStart):
            return manager.start(message)
        else:
            manager.chunk(message)
        return None

    def stale(self) -> bool:
        """Whether the ``uploads`` assign lags the uploads (a refused chunk, a rollback)."""
        if self._manager is None:
            return False
        return bool(self._shown() != self._manager.namespace())

    def publish(self) -> None:
        """Bring the ``uploads`` assign in line with the uploads."""
        if self._manager is not None:
            self._set({UPLOADS_ASSIGN: self._manager.namespace()})

    def close(self) -> None:
        """The view ended: remove its temporary files."""
        if self._manager is not None:
            self._manager.close()

    def manager(self) -> UploadManager:
        """The upload state, made on first use (most views never upload)."""
        if self._manager is None:
            self._manager = UploadManager(lambda namespace: self._set({UPLOADS_ASSIGN: namespace}))
        return self._manager
