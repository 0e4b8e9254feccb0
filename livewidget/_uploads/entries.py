"""What a template sees of an upload: its configuration and its entries, as frozen snapshots.

:class:`UploadConfig` and :class:`UploadEntry` carry Phoenix LiveView's names
(``uploads.avatar.entries``, ``entry.client_name``, ``entry.progress``, ``entry.errors``, …).
They never change: the upload's state (:mod:`livewidget._uploads.manager`) publishes a new
snapshot under the ``uploads`` assign whenever something a template could show moved, so
change tracking and rollback treat uploads like any other assign.

The validation of a file the page announces lives here too: Phoenix's per-entry errors
``too_large`` and ``not_accepted``, and ``too_many_files`` beyond ``max_entries``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

#: The file is larger than the upload's ``max_file_size``.
TOO_LARGE = "too_large"
#: The file's extension and MIME type match nothing in the upload's ``accept``.
NOT_ACCEPTED = "not_accepted"
#: More files than the upload's ``max_entries`` were chosen.
TOO_MANY_FILES = "too_many_files"

#: ``accept="any"`` (or ``accept=["any"]``) takes every file, as Phoenix's ``accept: :any``.
ANY = "any"


@dataclass(frozen=True, slots=True)
class UploadEntry:
    """One file chosen for an upload, as the page announced it and as far as it got.

    ``client_name``, ``client_size``, ``client_type`` and ``client_last_modified`` are what
    the page says about the file (not trusted: the kernel counts the bytes itself).
    ``progress`` is 0-100, ``done`` is True once every byte arrived, ``valid`` is False when
    ``errors`` holds one of ``"too_large"``, ``"not_accepted"``, ``"too_many_files"``.
    """

    ref: str
    upload_ref: str
    client_name: str
    client_size: int
    client_type: str
    client_last_modified: int | None = None
    progress: int = 0
    done: bool = False
    preflighted: bool = False
    errors: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the file passed the upload's checks (``errors`` is empty)."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class UploadConfig:
    """An upload allowed with ``socket.allow_upload``: its options and its entries.

    ``ref`` names it on the page (``phx-drop-target="{{ uploads.avatar.ref }}"``); ``errors``
    holds the upload's own errors (``"too_many_files"``), each entry its own.
    """

    name: str
    ref: str
    accept: tuple[str, ...]
    max_entries: int
    max_file_size: int
    auto_upload: bool
    chunk_size: int
    entries: tuple[UploadEntry, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def accept_attribute(self) -> str:
        """The value of the file input's ``accept`` attribute ("" when any file goes)."""
        return "" if self.accept == (ANY,) else ",".join(self.accept)

    @property
    def done_entries(self) -> tuple[UploadEntry, ...]:
        """The entries whose bytes all arrived."""
        return tuple(entry for entry in self.entries if entry.done)

    @property
    def in_progress(self) -> tuple[UploadEntry, ...]:
        """The entries whose transfer started and has not finished."""
        return tuple(entry for entry in self.entries if entry.preflighted and not entry.done)


class UploadsNamespace:
    """The ``uploads`` a template reads: its only attributes are the upload names.

    ``uploads.avatar`` is the :class:`UploadConfig` named ``avatar``; an upload called
    ``items`` or ``keys`` works too, since this is no dict.
    """

    __slots__ = ("_configs",)

    def __init__(self, configs: dict[str, UploadConfig]) -> None:
        object.__setattr__(self, "_configs", configs)

    def __getattr__(self, name: str) -> UploadConfig:
        configs: dict[str, UploadConfig] = object.__getattribute__(self, "_configs")
        try:
            return configs[name]
        except KeyError:
            known = ", ".join(sorted(configs)) or "none"
            raise AttributeError(
                f"no upload named {name!r} (uploads: {known}); allow it first with "
                f"socket.allow_upload({name!r}, accept=[...]) in mount"
            ) from None

    def __iter__(self) -> Iterator[UploadConfig]:
        configs: dict[str, UploadConfig] = object.__getattribute__(self, "_configs")
        return iter(configs.values())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("uploads are read-only; change them through the socket")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UploadsNamespace):
            return NotImplemented
        mine: dict[str, UploadConfig] = object.__getattribute__(self, "_configs")
        theirs: dict[str, UploadConfig] = object.__getattribute__(other, "_configs")
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        configs: dict[str, UploadConfig] = object.__getattribute__(self, "_configs")
        return f"<uploads {', '.join(sorted(configs)) or '(none)'}>"


def normalize_accept(accept: str | Iterable[str]) -> tuple[str, ...]:
    """``accept`` as a tuple of lowercase extensions (``.png``) and MIME types (``image/*``).

    >>> normalize_accept([".PNG", "image/*"])
    ('.png', 'image/*')
    >>> normalize_accept("any")
    ('any',)
    """
    items = [accept] if isinstance(accept, str) else list(accept)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"accept holds extensions or MIME types as str, got {item!r}")
        value = item.strip().lower()
        if value == ANY:
            if len(items) != 1:
                raise ValueError('accept="any" takes every file; give it alone')
            return (ANY,)
        is_ext = value.startswith(".") and len(value) > 1 and "/" not in value
        major, slash, minor = value.partition("/")
        is_mime = bool(slash) and bool(major) and bool(minor) and "*" not in major
        if not (is_ext or is_mime):
            raise ValueError(
                f"accept entries are extensions such as '.png' or MIME types such as "
                f"'image/*' or 'image/png', got {item!r}; or accept='any'"
            )
        out.append(value)
    if not out:
        raise ValueError("accept must name at least one extension or MIME type, or be 'any'")
    return tuple(out)


def accepted(accept: tuple[str, ...], client_name: str, client_type: str) -> bool:
    """Whether a file of this name and MIME type matches ``accept``.

    >>> accepted((".png",), "Cat.PNG", "")
    True
    >>> accepted(("image/*",), "cat.bin", "image/webp")
    True
    >>> accepted((".png", "image/png"), "cat.gif", "image/gif")
    False
    """
    if accept == (ANY,):
        return True
    name = client_name.lower()
    mime = client_type.lower().split(";", 1)[0].strip()
    major = mime.partition("/")[0]
    for pattern in accept:
        if pattern.startswith("."):
            if name.endswith(pattern):
                return True
        elif pattern == mime or (pattern.endswith("/*") and pattern[:-2] == major and major):
            return True
    return False


def entry_errors(config: UploadConfig, entry: UploadEntry, index: int) -> tuple[str, ...]:
    """Phoenix's errors for the ``index``-th entry of ``config`` (empty when it is valid)."""
    errors: list[str] = []
    if entry.client_size > config.max_file_size:
        errors.append(TOO_LARGE)
    if not accepted(config.accept, entry.client_name, entry.client_type):
        errors.append(NOT_ACCEPTED)
    if index >= config.max_entries:
        errors.append(TOO_MANY_FILES)
    return tuple(errors)


def validated(config: UploadConfig, entries: Iterable[UploadEntry]) -> UploadConfig:
    """``config`` holding ``entries``, each with its errors, and the upload's own errors."""
    checked = tuple(
        _with_errors(entry, entry_errors(config, entry, index))
        for index, entry in enumerate(entries)
    )
    own = (TOO_MANY_FILES,) if len(checked) > config.max_entries else ()
    return replace(config, entries=checked, errors=own)


def _with_errors(entry: UploadEntry, errors: tuple[str, ...]) -> UploadEntry:
    return entry if entry.errors == errors else replace(entry, errors=errors)
