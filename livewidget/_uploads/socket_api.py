"""The socket's upload methods: ``allow_upload``, ``consume_uploaded_entries``, ``cancel_upload``.

:class:`~livewidget.socket.Socket` inherits :class:`UploadSocketMixin`. The methods whose
names start with ``_upload`` are the session's: it hands them the page's upload messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .entries import UploadConfig, UploadEntry
from .manager import UploadManager
from .wire import UploadEntries, UploadMessage, UploadStart

#: The assign templates read the uploads from.
UPLOADS_ASSIGN = "uploads"


class UploadSocketMixin:
    """File uploads, as Phoenix LiveView has them."""

    _upload_manager: UploadManager | None = None

    def allow_upload(
        self,
        name: str,
        *,
        accept: str | Iterable[str],
        max_entries: int = 1,
        max_file_size: int = 8_000_000,
        auto_upload: bool = False,
        chunk_size: int = 64_000,
    ) -> UploadConfig:
        """Let the page upload files under ``name``; templates read ``uploads.<name>``.

        ``accept`` lists extensions and MIME types (``[".png", "image/*"]``) or is ``"any"``;
        files beyond ``max_entries``, over ``max_file_size`` bytes or not accepted get the
        entry errors ``"too_many_files"``, ``"too_large"``, ``"not_accepted"`` as soon as
        they are chosen, before any byte is sent. The bytes go when the form is submitted
        (or at once with ``auto_upload=True``), in binary chunks of ``chunk_size`` bytes.
        Put ``{{ live_file_input(uploads.<name>) }}`` in a form with ``phx-change`` and
        ``phx-submit``, then read the files with :meth:`consume_uploaded_entries`.
        """
        return self._uploads().allow(
            name,
            accept=accept,
            max_entries=max_entries,
            max_file_size=max_file_size,
            auto_upload=auto_upload,
            chunk_size=chunk_size,
        )

    def consume_uploaded_entries(
        self, name: str, fn: Callable[[str, UploadEntry], Any]
    ) -> list[Any]:
        """Call ``fn(path, entry)`` for each fully uploaded file of ``name``; return the results.

        ``path`` is a temporary file holding the bytes; copy or read it inside ``fn``: it is
        deleted when ``fn`` returns. Files still on their way are left for later.
        """
        return self._uploads().consume(name, fn)

    def cancel_upload(self, name: str, ref: str) -> None:
        """Drop the entry ``ref`` of upload ``name`` (and whatever of it arrived).

        Typically from ``phx-click="cancel" phx-value-ref="{{ entry.ref }}"``. An entry that
        is gone already is no error (the page may ask twice).
        """
        self._uploads().cancel(name, ref)

    def uploaded_entries(self, name: str) -> tuple[list[UploadEntry], list[UploadEntry]]:
        """``(done, in_progress)`` entries of upload ``name``, as Phoenix's ``uploaded_entries``."""
        upload = self._uploads().config(name)
        return list(upload.done_entries), [e for e in upload.entries if not e.done]

    # -- used by the session ----------------------------------------------------------------

    def _upload_message(self, message: UploadMessage) -> dict[str, Any] | None:
        """Handle an upload message from the page; the reply payload of a ``start``."""
        manager = self._uploads()
        if isinstance(message, UploadEntries):
            manager.put_entries(message.upload, message.entries, keep=False)
        elif isinstance(message, UploadStart):
            return manager.start(message)
        else:
            manager.chunk(message)
        return None

    def _uploads_stale(self) -> bool:
        """Whether the ``uploads`` assign lags the uploads (a refused chunk, a rollback)."""
        if self._upload_manager is None:
            return False
        shown = self._assigns_data().get(UPLOADS_ASSIGN)
        return bool(shown != self._upload_manager.namespace())

    def _publish_uploads(self) -> None:
        """Bring the ``uploads`` assign in line with the uploads."""
        if self._upload_manager is not None:
            self._set({UPLOADS_ASSIGN: self._upload_manager.namespace()})

    def _close_uploads(self) -> None:
        """The view ended: remove its temporary files."""
        if self._upload_manager is not None:
            self._upload_manager.close()

    def _uploads(self) -> UploadManager:
        if self._upload_manager is None:
            self._upload_manager = UploadManager(
                lambda namespace: self._set({UPLOADS_ASSIGN: namespace})
            )
        return self._upload_manager

    def _set(self, values: Mapping[str, Any]) -> None:  # pragma: no cover - Socket's
        raise NotImplementedError

    def _assigns_data(self) -> Mapping[str, Any]:
        assigns = getattr(self, "_assigns", None)
        return assigns._data if assigns is not None else {}
