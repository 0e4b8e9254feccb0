"""Uploads: entry errors before any byte, chunks as binary buffers with flow control, a lying
client cut off, cancel and consume with their temporary files, kernel memory while 50 MB
stream in, and LiveViewTest.upload."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from typing import Any

import pytest

from livewidget import LiveView
from livewidget._uploads import UploadEntry
from livewidget.testing import LiveViewTest, ViewError

TEMPLATE = """<form phx-change="validate" phx-submit="save">
{{ live_file_input(uploads.avatar) }}
<div class="drop" phx-drop-target="{{ uploads.avatar.ref }}">drop here</div>
{% for err in uploads.avatar.errors %}<p class="upload-error">{{ err }}</p>{% endfor %}
{% for entry in uploads.avatar.entries %}
<div class="entry" id="e-{{ entry.ref }}">{{ entry.client_name }} {{ entry.client_size }}
{{ entry.client_type }} <progress value="{{ entry.progress }}" max="100"></progress>
{% if entry.done %}<b class="done">done</b>{% endif %}
{% for err in entry.errors %}<span class="error">{{ err }}</span>{% endfor %}
{{ live_img_preview(entry) }}
<button type="button" phx-click="cancel" phx-value-ref="{{ entry.ref }}">x</button></div>
{% endfor %}
<button type="submit">Upload</button></form>
<ul>{% for f in saved %}<li class="saved">{{ f.name }} {{ f.sha }}</li>{% endfor %}</ul>"""


class Avatar(LiveView):
    template = TEMPLATE
    options: dict[str, Any] = {}
    #: (name, sha256, path) of every consumed file, kept outside the view.
    consumed: list[tuple[str, str, str]] = []

    def mount(self, socket: Any, session: Any, params: Any) -> None:
        socket.assign(saved=[])
        socket.allow_upload(
            "avatar",
            **{
                "accept": [".png", "image/*"],
                "max_entries": 2,
                "max_file_size": 1000,
                "chunk_size": 100,
                **self.options,
            },
        )

    def handle_event(self, event: str, params: Any, socket: Any) -> None:
        if event == "cancel":
            socket.cancel_upload("avatar", params["ref"])
        elif event == "save":

            def read(path: str, entry: UploadEntry) -> dict[str, str]:
                with open(path, "rb") as f:
                    sha = hashlib.sha256(f.read()).hexdigest()
                type(self).consumed.append((entry.client_name, sha, path))
                return {"name": entry.client_name, "sha": sha}

            saved = socket.consume_uploaded_entries("avatar", read)
            socket.assign(saved=[*socket.assigns.saved, *saved])


_OPEN: list[LiveViewTest] = []


@pytest.fixture(autouse=True)
def _close_views() -> Any:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _view(**options: Any) -> LiveViewTest:
    cls = type("AvatarView", (Avatar,), {"options": options, "consumed": []})
    view = LiveViewTest(cls)
    _OPEN.append(view)
    return view


def _upload_messages(view: LiveViewTest) -> list[dict[str, Any]]:
    return [m for m in view.messages if m.get("rep") is not None]


def _ref(view: LiveViewTest) -> str:
    return str(view.find("input[type=file]")["data-phx-upload-ref"])


def _announce(view: LiveViewTest, *files: tuple[str, int, str]) -> list[dict[str, Any]]:
    entries = [
        {"ref": str(i), "name": name, "size": size, "type": kind}
        for i, (name, size, kind) in enumerate(files)
    ]
    view.send_raw(
        {"k": "upload", "ref": 900, "op": "entries", "upload": _ref(view), "entries": entries}
    )
    return entries


def _chunk(view: LiveViewTest, entry: str, data: bytes, ref: int = 1000) -> list[dict[str, Any]]:
    message = {"k": "upload", "ref": ref, "op": "chunk", "upload": _ref(view), "entry": entry}
    before = len(view.messages)
    view._run(view._deliver({**message, "buffers": [data]}), check=False)
    view._reported = len(view.errors)
    return view.messages[before:]


def _start(view: LiveViewTest, entries: list[dict[str, Any]]) -> dict[str, Any]:
    replies = view.send_raw(
        {"k": "upload", "ref": 901, "op": "start", "upload": _ref(view), "entries": entries}
    )
    assert len(replies) == 1
    return replies[0]


# -- validation --------------------------------------------------------------------------


def test_the_file_input_names_its_upload() -> None:
    view = _view()
    el = view.find("input[type=file]")
    assert el["name"] == "avatar"
    assert el["accept"] == ".png,image/*"
    assert el.has_attr("multiple")
    assert el["data-phx-upload-ref"] == view.find(".drop")["phx-drop-target"]


def test_errors_per_entry_render_before_any_byte() -> None:
    view = _view()
    _announce(
        view,
        ("big.png", 5000, "image/png"),
        ("doc.pdf", 10, "application/pdf"),
        ("ok.png", 10, "image/png"),
    )
    errors = {
        el["id"]: [e.get_text() for e in el.select(".error")] for el in view.find_all(".entry")
    }
    assert errors == {"e-0": ["too_large"], "e-1": ["not_accepted"], "e-2": ["too_many_files"]}
    assert [e.get_text() for e in view.find_all(".upload-error")] == ["too_many_files"]
    # No transfer was started: nothing on disk.
    assert view.session.socket._uploads.manager().files_on_disk == 0


@pytest.mark.parametrize(
    ("name", "kind", "ok"),
    [
        ("cat.PNG", "", True),  # by extension, whatever the case
        ("cat", "image/webp", True),  # by MIME wildcard
        ("cat.txt", "text/plain", False),
        ("cat.png.exe", "application/x-msdownload", False),
    ],
)
def test_accept_by_extension_and_mime(name: str, kind: str, ok: bool) -> None:
    view = _view()
    _announce(view, (name, 10, kind))
    assert bool(view.find_all(".error")) is not ok


def test_start_allows_only_valid_entries_and_names_the_chunk_size() -> None:
    view = _view()
    entries = _announce(view, ("a.png", 150, "image/png"))
    reply = _start(view, entries)
    assert reply["rep"] == {"entries": ["0"], "chunk_size": 100}
    # An upload with an error (too many files) allows nothing at all.
    view2 = _view(max_entries=1)
    entries2 = _announce(view2, ("a.png", 10, "image/png"), ("b.png", 10, "image/png"))
    assert _start(view2, entries2)["rep"] == {"entries": [], "chunk_size": 100}
    assert view2.session.socket._uploads.manager().files_on_disk == 0


# -- chunks ------------------------------------------------------------------------------


def test_upload_with_testing_client_chunks_progress_and_consume() -> None:
    data = bytes(range(256)) * 3 + b"tail"  # 772 bytes: 8 chunks of at most 100
    view = _view()
    before = len(view.messages)
    html = view.upload("avatar", [("cat.png", data, "image/png")])
    assert 'class="done"' in html
    sent = view.messages[before:]
    # One reply per message: entries, the phx-change, start, 8 chunks.
    assert len(sent) == 1 + 1 + 1 + 8
    assert view.find("progress")["value"] == "100"
    path = view.session.socket._uploads.manager()._transfers[(_ref(view), "0")].path
    assert os.path.getsize(path) == len(data)
    view.submit("form")
    assert view.find(".saved").get_text() == f"cat.png {hashlib.sha256(data).hexdigest()}"
    assert not os.path.exists(path), "consumed: the temporary file is gone"
    assert view.find_all(".entry") == []


def test_progress_moves_in_whole_percents_and_chunks_are_acknowledged_one_by_one() -> None:
    view = _view(max_file_size=10_000)
    entries = _announce(view, ("a.png", 1000, "image/png"))
    _start(view, entries)
    progress = []
    for i in range(10):
        replies = _chunk(view, "0", b"x" * 100, ref=2000 + i)
        assert len(replies) == 1 and replies[0]["ref"] == 2000 + i  # exactly one answer
        progress.append(view.find("progress")["value"])
    assert progress == [str(10 * (i + 1)) for i in range(10)]


def test_a_chunk_over_chunk_size_is_refused() -> None:
    view = _view()
    _start(view, _announce(view, ("a.png", 500, "image/png")))
    replies = _chunk(view, "0", b"x" * 101)
    assert "err" in replies[0] and replies[0]["ref"] == 1000
    assert view.find_all(".entry") == [], "the entry was cut off, on the page too"


def test_a_client_sending_more_than_announced_is_cut_off() -> None:
    view = _view()
    _start(view, _announce(view, ("a.png", 150, "image/png"), ("b.png", 50, "image/png")))
    assert _chunk(view, "0", b"x" * 100)[0].keys() >= {"ref"}
    path = view.session.socket._uploads.manager()._transfers[(_ref(view), "0")].path
    replies = _chunk(view, "0", b"x" * 100)  # 200 > 150 announced
    assert "announced 150 bytes" in replies[0]["err"]["message"]
    assert not os.path.exists(path)
    # Nothing else changed: the other entry still uploads.
    assert [el["id"] for el in view.find_all(".entry")] == ["e-1"]
    _chunk(view, "1", b"y" * 50)
    assert view.find("#e-1 .done") is not None


@pytest.mark.parametrize("entry", ["7", "0"])
def test_chunks_for_unknown_or_cancelled_entries_are_refused(entry: str) -> None:
    view = _view()
    _start(view, _announce(view, ("a.png", 150, "image/png")))
    view.click("#e-0 button")  # cancel entry 0
    assert view.find_all(".entry") == []
    replies = _chunk(view, entry, b"x" * 10)
    assert "err" in replies[0]
    assert view.session.socket._uploads.manager().files_on_disk == 0


def test_a_chunk_before_start_is_refused() -> None:
    view = _view()
    _announce(view, ("a.png", 150, "image/png"))
    assert "err" in _chunk(view, "0", b"x")[0]


def test_cancel_removes_the_temporary_file() -> None:
    view = _view()
    _start(view, _announce(view, ("a.png", 150, "image/png")))
    _chunk(view, "0", b"x" * 100)
    path = view.session.socket._uploads.manager()._transfers[(_ref(view), "0")].path
    assert os.path.exists(path)
    view.click("#e-0 button")
    assert not os.path.exists(path)


def test_temporary_files_go_when_the_view_ends() -> None:
    view = _view()
    _start(view, _announce(view, ("a.png", 150, "image/png")))
    _chunk(view, "0", b"x" * 100)
    path = view.session.socket._uploads.manager()._transfers[(_ref(view), "0")].path
    view.close()
    assert not os.path.exists(path)


def test_a_new_choice_replaces_unstarted_entries() -> None:
    view = _view()
    _announce(view, ("a.png", 10, "image/png"))
    entries = [{"ref": "5", "name": "b.png", "size": 10, "type": "image/png"}]
    view.send_raw(
        {"k": "upload", "ref": 902, "op": "entries", "upload": _ref(view), "entries": entries}
    )
    assert [el["id"] for el in view.find_all(".entry")] == ["e-5"]


def test_preview_is_an_img_tag_naming_the_entry() -> None:
    view = _view()
    _announce(view, ("a.png", 10, "image/png"))
    img = view.find("#e-0 img")
    assert img["data-phx-entry-ref"] == "0"
    assert img["data-phx-upload-ref"] == _ref(view)
    assert not img.has_attr("src"), "the page fills it from its own memory"


# -- memory ------------------------------------------------------------------------------


def test_kernel_memory_stays_within_a_few_chunks_while_50_mb_stream_in() -> None:
    size = 50_000_000
    chunk = 64_000
    view = _view(max_file_size=size, chunk_size=chunk)
    _start(view, _announce(view, ("big.png", size, "image/png")))
    piece = b"\x5a" * chunk
    sha = hashlib.sha256()
    messages = diffs = 0
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        sent = 0
        while sent < size:
            data = piece[: min(chunk, size - sent)]
            sha.update(data)
            replies = _chunk(view, "0", data, ref=10_000 + messages)
            assert "err" not in replies[0]
            sent += len(data)
            messages += 1
            diffs += sum("d" in m for m in replies)
            view.messages.clear()  # the test client's log, not the kernel's memory
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert messages == -(-size // chunk)  # 782 chunks, none above chunk_size
    print(f"kernel peak while 50 MB streamed in: {peak} bytes ({peak / chunk:.2f} chunks)")
    # The chunk on its way, the one being written, and the file's buffer: never the file.
    assert peak < 4 * chunk, f"peak of {peak} bytes: more than 4 chunks held"
    assert view.find("progress")["value"] == "100"
    assert diffs <= 100, "progress re-renders the view at most once per whole percent"
    view.submit("form")
    assert view.find(".saved").get_text() == f"big.png {sha.hexdigest()}"


# -- configuration -----------------------------------------------------------------------


def test_allow_upload_checks_its_options() -> None:
    from livewidget.socket import Socket

    socket = Socket("s")
    with pytest.raises(ValueError, match="chunk_size"):
        socket.allow_upload("a", accept="any", chunk_size=10_000_000)
    with pytest.raises(ValueError, match="accept entries"):
        socket.allow_upload("a", accept=["png"])
    with pytest.raises(ValueError, match="identifier"):
        socket.allow_upload("not a name", accept="any")
    config = socket.allow_upload("items", accept="any")
    assert socket.assigns["uploads"].items is config  # an upload may be called items


def test_consume_of_an_unknown_upload_says_how_to_allow_it() -> None:
    from livewidget.socket import Socket

    with pytest.raises(KeyError, match="allow_upload"):
        Socket("s").consume_uploaded_entries("avatar", lambda path, entry: None)


def test_upload_raises_view_errors_from_the_kernel() -> None:
    view = _view(max_file_size=10)
    html = view.upload("avatar", [("cat.png", b"x" * 50, "image/png")])
    assert "too_large" in html
    assert view.find_all(".done") == []
    with pytest.raises(ValueError, match="live_file_input"):
        view.upload("nope", [])
    assert not view.errors


def test_a_refused_chunk_raises_view_error_from_the_next_interaction() -> None:
    view = _view()
    _start(view, _announce(view, ("a.png", 10, "image/png")))
    _chunk(view, "0", b"x" * 11)
    view._reported = 0  # as if it came from the page, unseen
    with pytest.raises(ViewError, match="cut off"):
        view.flush()


def test_templates_using_the_upload_helpers_keep_change_tracking() -> None:
    from livewidget.template import CompiledTemplate, environment

    compiled = CompiledTemplate(environment(), TEMPLATE, name="uploads")
    assert compiled.impurities == []
