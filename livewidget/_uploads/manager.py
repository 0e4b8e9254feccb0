"""The uploads of one view: their options, their entries, and the bytes on their way to disk.

An :class:`UploadManager` belongs to one socket. It follows Phoenix LiveView's flow:

1. the page announces the chosen files with the form's ``phx-change`` (:meth:`put_entries`):
   each entry is checked at once, so ``too_large`` / ``not_accepted`` / ``too_many_files``
   show before any byte is sent;
2. ``phx-submit`` (or ``auto_upload``) asks to send them (:meth:`start`): valid entries
   are allowed and get a temporary file;
3. the bytes come in chunks of ``chunk_size`` (:meth:`chunk`), each written to that file as
   it arrives and acknowledged before the next is sent, so the kernel holds one chunk per
   upload at a time; ``entry.progress`` moves in whole percents;
4. the view reads the files in ``consume_uploaded_entries`` (:meth:`consume`), after which
   they are deleted, as they are on :meth:`cancel` and when the view ends (:meth:`close`).

A chunk that does not fit what was announced (an unknown or cancelled entry, more bytes than
the file's size, a chunk over ``chunk_size``) raises :class:`UploadRefused` and cuts its
entry off: the entry and its file are gone, nothing else changes.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import tempfile
import weakref
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import IO, Any

from .. import config as _config
from ..errors import BadMessageError
from .entries import UploadConfig, UploadEntry, UploadsNamespace, normalize_accept, validated
from .wire import CHUNK_SIZE, ENTRIES, EntryMeta, UploadChunk, UploadStart

_refs = itertools.count(1)
# Refs name file inputs by id in the page, which may show widgets of several kernels.
_KERNEL = secrets.token_hex(3)

#: The largest chunk an upload may ask for, as a fraction of the inbound message limit.
CHUNK_FRACTION = 4


class UploadRefused(BadMessageError):
    """An upload message that does not fit what the page announced; its entry is cut off."""


class _Transfer:
    """The temporary file of one entry, open while its bytes arrive."""

    __slots__ = ("file", "path", "received")

    def __init__(self, suffix: str) -> None:
        fd, self.path = tempfile.mkstemp(prefix="livewidget-upload-", suffix=suffix)
        self.file: IO[bytes] | None = os.fdopen(fd, "wb")
        self.received = 0

    def finish(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def remove(self) -> None:
        self.finish()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def _suffix(client_name: str) -> str:
    """The temporary file's suffix: the name's extension, ASCII letters and digits only.

    >>> _suffix("cat.PNG"), _suffix("a.p/../g"), _suffix("x.s h;"), _suffix("noext")
    ('.PNG', '', '.sh', '')
    """
    extension = os.path.splitext(client_name)[1][1:]
    kept = "".join(c for c in extension if c.isascii() and c.isalnum())[:15]
    return f".{kept}" if kept else ""


def _remove_all(transfers: dict[tuple[str, str], _Transfer]) -> None:
    for transfer in list(transfers.values()):
        transfer.remove()
    transfers.clear()


class UploadManager:
    """The uploads of one socket; ``publish`` receives the ``uploads`` a template reads."""

    def __init__(self, publish: Callable[[UploadsNamespace], None]) -> None:
        self._publish = publish
        self._configs: dict[str, UploadConfig] = {}
        self._names: dict[str, str] = {}  # upload ref -> name
        self._transfers: dict[tuple[str, str], _Transfer] = {}
        # Whatever happens to the view, its temporary files go with it.
        self._finalizer = weakref.finalize(self, _remove_all, self._transfers)

    # -- the view's side --------------------------------------------------------------------

    def allow(
        self,
        name: str,
        *,
        accept: str | Iterable[str],
        max_entries: int,
        max_file_size: int,
        auto_upload: bool,
        chunk_size: int,
    ) -> UploadConfig:
        """Allow (or configure again) the upload ``name``; returns its snapshot."""
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ValueError(
                f"an upload name must be an identifier not starting with '_' (templates read "
                f"it as uploads.<name>), got {name!r}"
            )
        for what, value in (("max_entries", max_entries), ("max_file_size", max_file_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"allow_upload({name!r}): {what} must be an int >= 1, got {value!r}"
                )
        largest = _config.limits.max_message_bytes // CHUNK_FRACTION
        if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
            raise ValueError(f"allow_upload({name!r}): chunk_size must be an int >= 1")
        if chunk_size > largest:
            raise ValueError(
                f"allow_upload({name!r}): chunk_size={chunk_size} is over {largest} bytes, a "
                f"quarter of the inbound message limit; keep chunks small (64_000 is the default)"
            )
        old = self._configs.get(name)
        if old is not None and old.in_progress:
            raise RuntimeError(
                f"allow_upload({name!r}) while files of it are on their way; cancel them "
                f"first with socket.cancel_upload({name!r}, entry.ref)"
            )
        ref = old.ref if old is not None else f"lw-upload-{_KERNEL}-{next(_refs)}"
        fresh = UploadConfig(
            name=name,
            ref=ref,
            accept=normalize_accept(accept),
            max_entries=max_entries,
            max_file_size=max_file_size,
            auto_upload=bool(auto_upload),
            chunk_size=chunk_size,
        )
        self._configs[name] = validated(fresh, old.entries if old is not None else ())
        self._names[ref] = name
        self._changed()
        return self._configs[name]

    def config(self, name: str) -> UploadConfig:
        """The upload ``name``; a helpful error when it was never allowed."""
        try:
            return self._configs[name]
        except (KeyError, TypeError):
            known = ", ".join(sorted(self._configs)) or "none yet"
            raise KeyError(
                f"no upload named {name!r} (uploads: {known}); call "
                f"socket.allow_upload({name!r}, accept=[...]) in mount first"
            ) from None

    def cancel(self, name: str, entry_ref: str) -> bool:
        """Drop one entry and its bytes; False when no such entry (cancelled already)."""
        upload = self.config(name)
        if not any(entry.ref == entry_ref for entry in upload.entries):
            return False
        self._drop(upload, entry_ref)
        return True

    def consume(self, name: str, fn: Callable[[str, UploadEntry], Any]) -> list[Any]:
        """Call ``fn(path, entry)`` for each entry whose bytes all arrived, then delete it.

        Returns what ``fn`` returned, in order. Entries still on their way stay.
        """
        results: list[Any] = []
        for entry in self.config(name).done_entries:
            transfer = self._transfers.get((entry.upload_ref, entry.ref))
            if transfer is None:
                continue
            try:
                results.append(fn(transfer.path, entry))
            finally:
                # Consumed, even when fn raised: its file is not left behind.
                self._drop(self.config(name), entry.ref)
        return results

    def close(self) -> None:
        """The view ended: every temporary file goes."""
        self._finalizer()

    def namespace(self) -> UploadsNamespace:
        """What templates read as ``uploads``."""
        return UploadsNamespace(dict(self._configs))

    @property
    def files_on_disk(self) -> int:
        """How many temporary files this view holds (for tests and the docs' claims)."""
        return len(self._transfers)

    # -- the page's side --------------------------------------------------------------------

    def put_entries(self, upload_ref: str, metas: Iterable[EntryMeta], *, keep: bool) -> None:
        """The page's file input holds these files: add the new ones, check them all.

        With ``keep`` False (a form change), entries not started and no longer listed go;
        entries already on their way or done stay until consumed or cancelled.
        """
        upload = self._by_ref(upload_ref)
        listed = {meta.ref: meta for meta in metas}
        kept = [
            entry for entry in upload.entries if keep or entry.preflighted or entry.ref in listed
        ]
        known = {entry.ref for entry in kept}
        new = [
            UploadEntry(
                ref=meta.ref,
                upload_ref=upload.ref,
                client_name=meta.name,
                client_size=meta.size,
                client_type=meta.type,
                client_last_modified=meta.last_modified,
            )
            for meta in listed.values()
            if meta.ref not in known
        ]
        dropped = [entry for entry in upload.entries if entry.ref not in known]
        for entry in dropped:
            self._remove_transfer(upload.ref, entry.ref)
        self._set(validated(upload, [*kept, *new]))

    def start(self, message: UploadStart) -> dict[str, Any]:
        """Allow the valid, unsent entries of ``message``; the reply names them."""
        self.put_entries(message.upload, message.entries, keep=True)
        upload = self._by_ref(message.upload)
        wanted = {meta.ref for meta in message.entries}
        allowed: list[str] = []
        entries: list[UploadEntry] = []
        for entry in upload.entries:
            if not upload.errors and entry.ref in wanted and entry.valid and not entry.preflighted:
                transfer = _Transfer(_suffix(entry.client_name))
                self._transfers[(upload.ref, entry.ref)] = transfer
                entry = replace(entry, preflighted=True)
                if entry.client_size == 0:  # nothing to send: done at once
                    transfer.finish()
                    entry = replace(entry, done=True, progress=100)
                else:
                    allowed.append(entry.ref)
            entries.append(entry)
        self._set(replace(upload, entries=tuple(entries)))
        return {ENTRIES: allowed, CHUNK_SIZE: upload.chunk_size}

    def chunk(self, message: UploadChunk) -> None:
        """Write the next bytes of an entry; cut it off when they do not fit."""
        upload = self._names.get(message.upload)
        if upload is None:
            raise UploadRefused(f"a chunk for unknown upload {message.upload!r}")
        config = self._configs[upload]
        entry = next((e for e in config.entries if e.ref == message.entry), None)
        transfer = self._transfers.get((config.ref, message.entry))
        if entry is None or transfer is None or transfer.file is None:
            state = "done" if entry is not None and entry.done else "unknown or cancelled"
            if entry is not None:
                self._drop(config, entry.ref)
            raise UploadRefused(
                f"a chunk for {state} entry {message.entry!r} of upload {upload!r}; the "
                f"entry was cut off"
            )
        size = message.data.nbytes
        if size > config.chunk_size or transfer.received + size > entry.client_size:
            self._drop(config, entry.ref)
            raise UploadRefused(
                f"entry {entry.ref!r} of upload {upload!r} announced {entry.client_size} bytes "
                f"in chunks of at most {config.chunk_size}, but a chunk of {size} bytes came "
                f"after {transfer.received}; the entry was cut off"
            )
        assert transfer.file is not None
        transfer.file.write(message.data)
        transfer.received += size
        done = transfer.received == entry.client_size
        if done:
            transfer.finish()
        progress = 100 if done else transfer.received * 100 // entry.client_size
        if progress != entry.progress or done:
            # Whole percents: a 50 MB file re-renders the view at most 101 times.
            self._replace_entry(config, replace(entry, progress=progress, done=done))

    # -- internals --------------------------------------------------------------------------

    def _by_ref(self, upload_ref: str) -> UploadConfig:
        name = self._names.get(upload_ref)
        if name is None:
            raise UploadRefused(f"unknown upload {upload_ref!r}")
        return self._configs[name]

    def _replace_entry(self, upload: UploadConfig, entry: UploadEntry) -> None:
        entries = tuple(entry if e.ref == entry.ref else e for e in upload.entries)
        self._set(replace(upload, entries=entries))

    def _drop(self, upload: UploadConfig, entry_ref: str) -> None:
        self._remove_transfer(upload.ref, entry_ref)
        rest = [entry for entry in upload.entries if entry.ref != entry_ref]
        self._set(validated(upload, rest))

    def _remove_transfer(self, upload_ref: str, entry_ref: str) -> None:
        transfer = self._transfers.pop((upload_ref, entry_ref), None)
        if transfer is not None:
            transfer.remove()

    def _set(self, upload: UploadConfig) -> None:
        if self._configs.get(upload.name) != upload:
            self._configs[upload.name] = upload
            self._changed()

    def _changed(self) -> None:
        self._publish(self.namespace())
