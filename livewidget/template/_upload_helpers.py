"""Template helpers for uploads: the file input and a preview of a chosen image.

``{{ live_file_input(uploads.avatar) }}`` renders the ``<input type="file">`` the frontend
watches (``data-phx-upload-ref`` and the refs of its entries, as Phoenix renders them);
``{{ live_img_preview(entry) }}`` an ``<img>`` the frontend fills with an object URL of the
chosen file, so the preview never sends the bytes to the kernel and back.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .._uploads.entries import UploadConfig, UploadEntry

#: Attributes the helpers write themselves; a caller's keyword cannot replace them.
_OWN = frozenset(
    {"type", "id", "name", "accept", "multiple", "phx-update", "src"}
    | {"data-phx-upload-ref", "data-phx-entry-ref", "data-phx-auto-upload"}
    | {"data-phx-active-refs", "data-phx-done-refs", "data-phx-preflighted-refs"}
)


def live_file_input(upload: UploadConfig, **attrs: Any) -> Markup:
    """The file input of ``upload`` (``uploads.<name>``); extra keywords become attributes.

    >>> from livewidget._uploads.entries import UploadConfig
    >>> config = UploadConfig("avatar", "lw-upload-1", (".png",), 1, 100, False, 64_000)
    >>> live_file_input(config, class_="file")
    Markup('<input type="file" id="lw-upload-1" name="avatar" accept=".png" data-phx-upload-ref="lw-upload-1" data-phx-active-refs="" data-phx-done-refs="" data-phx-preflighted-refs="" phx-update="ignore" class="file">')
    """  # noqa: E501
    if not isinstance(upload, UploadConfig):
        raise TypeError(
            f"live_file_input takes an upload such as uploads.avatar, got "
            f"{type(upload).__name__}; allow it with socket.allow_upload('avatar', ...)"
        )
    entries = upload.entries
    parts: list[tuple[str, Any]] = [
        ("type", "file"),
        ("id", upload.ref),
        ("name", upload.name),
        ("accept", upload.accept_attribute),
        ("data-phx-upload-ref", upload.ref),
        ("data-phx-active-refs", ",".join(e.ref for e in entries)),
        ("data-phx-done-refs", ",".join(e.ref for e in entries if e.done)),
        ("data-phx-preflighted-refs", ",".join(e.ref for e in entries if e.preflighted)),
        ("phx-update", "ignore"),
    ]
    flags = []
    if upload.max_entries > 1:
        flags.append("multiple")
    if upload.auto_upload:
        flags.append("data-phx-auto-upload")
    return _tag("input", parts, flags, attrs)


def live_img_preview(entry: UploadEntry, **attrs: Any) -> Markup:
    """An ``<img>`` showing the chosen file of ``entry``, straight from the page's memory.

    >>> from livewidget._uploads.entries import UploadEntry
    >>> live_img_preview(UploadEntry("0", "lw-upload-1", "cat.png", 10, "image/png"), width=80)
    Markup('<img id="phx-preview-lw-upload-1-0" data-phx-upload-ref="lw-upload-1" data-phx-entry-ref="0" phx-update="ignore" width="80">')
    """  # noqa: E501
    if not isinstance(entry, UploadEntry):
        raise TypeError(
            f"live_img_preview takes an entry of uploads.<name>.entries, got {type(entry).__name__}"
        )
    parts: list[tuple[str, Any]] = [
        ("id", f"phx-preview-{entry.upload_ref}-{entry.ref}"),
        ("data-phx-upload-ref", entry.upload_ref),
        ("data-phx-entry-ref", entry.ref),
        ("phx-update", "ignore"),
    ]
    return _tag("img", parts, [], attrs)


def _tag(
    name: str, parts: list[tuple[str, Any]], flags: list[str], attrs: dict[str, Any]
) -> Markup:
    for key, value in attrs.items():
        attr = key.rstrip("_").replace("_", "-")
        if attr in _OWN or attr.startswith("on"):
            raise ValueError(
                f"{name} helper: the attribute {attr!r} is the helper's own (or an event "
                f"handler attribute); pass other attributes such as class_ or style"
            )
        if value is True:
            flags.append(attr)
        elif value is not False and value is not None:
            parts.append((attr, value))
    text = "".join(Markup(' {}="{}"').format(attr, value) for attr, value in parts)
    text += "".join(Markup(" {}").format(flag) for flag in flags)
    return Markup("<{}{}>").format(Markup(escape(name)), Markup(text))


UPLOAD_HELPERS = {"live_file_input": live_file_input, "live_img_preview": live_img_preview}
