"""Snapshot outputs: one under each displayed widget, brought up to date at the end of a cell.

No kernel: IPython's display functions and shell are replaced by recorders, the comm by a
recording one. ``LIVEWIDGET_THREAD=1`` puts the views on livewidget's thread, as in a kernel.
"""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import comm
import pytest

from livewidget import LiveWidget, _export
from livewidget._live import loop as _loop

from ._waiting import wait_until
from .conftest import Counter
from .test_widget import RecordingComm

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: The bytes of a Counter's snapshot output (its render, the widget id twice, the note).
SNAPSHOT_BYTES = 460


class Events:
    """IPython's EventManager, as far as livewidget uses it."""

    def __init__(self) -> None:
        self.callbacks: dict[str, list[Any]] = {"post_run_cell": []}

    def register(self, event: str, callback: Any) -> None:
        self.callbacks[event].append(callback)

    def end_cell(self) -> None:
        for callback in self.callbacks["post_run_cell"]:
            callback(None)


class Shell:
    kernel = object()

    def __init__(self) -> None:
        self.events = Events()


class Frontend:
    """What IPython would publish: display_data and update_display_data, in order."""

    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any], str | None]] = []

    def display(self, data: dict[str, Any], metadata: dict[str, Any], display_id=None) -> None:
        self.published.append(("display_data", data, display_id))

    def update(self, data: dict[str, Any], display_id: str) -> None:
        self.published.append(("update_display_data", data, display_id))

    def updates(self) -> list[tuple[str, str]]:
        return [(d, data["text/html"]) for k, data, d in self.published if k.startswith("update")]


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> Shell:
    shell = Shell()
    monkeypatch.setattr(_export, "_kernel_shell", lambda: shell)
    return shell


@pytest.fixture
def frontend(monkeypatch: pytest.MonkeyPatch, shell: Shell) -> Frontend:
    frontend = Frontend()
    monkeypatch.setattr(_export, "_display", frontend.display)
    monkeypatch.setattr(_export, "_update", frontend.update)
    monkeypatch.setattr(_export, "_digests", {})
    return frontend


@pytest.fixture
def threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_loop.ENV, "1")
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))


@pytest.fixture
def widget(threaded: None) -> Any:
    widget = LiveWidget(Counter, session={"start": 1})
    yield widget
    widget.close()


def test_displaying_makes_the_view_and_its_snapshot(widget, frontend, shell):
    widget._ipython_display_()
    (kind1, view, id1), (kind2, snapshot, id2) = frontend.published
    assert kind1 == kind2 == "display_data"
    assert view[WIDGET_VIEW]["model_id"] == widget.model_id and id1 is None
    assert set(snapshot) == {"text/html"}  # an output of its own, which exporters all show
    assert '-count">1</span>' in snapshot["text/html"]
    # The Counter's HTML and a note, no <style>: each one an output adds restyles JupyterLab's
    # whole page (a Lab page of 50 Counters paid ~0.35 s for them; docs/performance.md).
    assert "<style" not in snapshot["text/html"]
    assert len(snapshot["text/html"].encode()) == SNAPSHOT_BYTES
    assert id2 == _export.display_id(widget._lw_id)
    assert shell.events.callbacks["post_run_cell"] == [_export.after_cell]


def test_the_end_of_a_cell_brings_the_snapshot_to_the_last_render(widget, frontend, shell):
    widget._ipython_display_()
    widget.assign(count=3)  # the cell's last line: still queued when the cell ends
    shell.events.end_cell()
    assert frontend.updates() == [
        (_export.display_id(widget._lw_id), frontend.updates()[0][1]),
    ]
    assert '-count">3</span>' in frontend.updates()[0][1]
    shell.events.end_cell()  # nothing changed: nothing sent
    assert len(frontend.updates()) == 1


def test_one_hook_and_one_message_per_widget_and_cell(threaded, frontend, shell):
    widgets = [LiveWidget(Counter) for _ in range(3)]
    try:
        for widget in widgets:
            widget._ipython_display_()
        for n, widget in enumerate(widgets):
            widget.assign(count=n + 10)
            widget.assign(count=n + 20)  # two updates, one snapshot
        shell.events.end_cell()
        assert shell.events.callbacks["post_run_cell"] == [_export.after_cell]
        assert len(frontend.updates()) == 3
        assert all(f'-count">{n + 20}<' in html for n, (_, html) in enumerate(frontend.updates()))
    finally:
        for widget in widgets:
            widget.close()


def test_a_click_sends_the_same_bytes_with_or_without_snapshots(threaded, frontend, shell):
    def click_bytes(displayed: bool) -> list[int]:
        widget = LiveWidget(Counter, session={"start": 3})
        try:
            if displayed:
                widget._ipython_display_()
            widget.comm.from_frontend({"k": "join"})
            widget.comm.from_frontend(
                {"k": "event", "ref": 1, "type": "click", "event": "inc", "value": {"by": "5"}}
            )
            _export._renders([widget])  # waits until the view handled the click
            return [len(json.dumps(m, separators=(",", ":"))) for m in widget.comm.custom()]
        finally:
            widget.close()

    plain, with_snapshot = click_bytes(False), click_bytes(True)
    assert with_snapshot == plain
    assert plain[-1] == len('{"ref":1,"d":{"0":"8","1":"8"}}')  # the click's reply: the diff
    assert frontend.updates() == []  # only the end of a cell sends a snapshot


def test_a_closed_widget_loses_its_snapshot_once(widget, frontend, shell):
    widget._ipython_display_()
    widget.close()
    shell.events.end_cell()
    shell.events.end_cell()
    assert frontend.updates() == [(_export.display_id(widget._lw_id), "")]


def test_a_snapshot_keeps_no_widget_alive(threaded, frontend, shell):
    widget = LiveWidget(Counter)
    widget._ipython_display_()
    ref = weakref.ref(widget)
    widget.close()
    del widget
    # livewidget's thread may still be returning from the close it ran for the widget.
    wait_until(lambda: gc.collect() >= 0 and ref() is None, "the closed widget freed")
    shell.events.end_cell()
    assert len(frontend.updates()) == 1 and _export._digests == {}


def test_a_view_rendered_after_its_cell_ended_is_caught_up(monkeypatch, frontend, shell, loop):
    # The widget's loop does not run while the cell runs (LIVEWIDGET_THREAD=0).
    monkeypatch.setenv(_loop.ENV, "0")
    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm(**kw))
    widget = LiveWidget(Counter, session={"start": 7})
    try:
        widget._ipython_display_()
        assert '-count"' not in frontend.published[1][1]["text/html"]  # not mounted yet
        loop.run_until_complete(widget._live_session.drain())
        shell.events.end_cell()
        assert '-count">7</span>' in frontend.updates()[0][1]
    finally:
        widget.close()


def test_voila_and_plain_python_make_no_snapshot(widget, frontend, shell, monkeypatch):
    widget._voila = True
    widget._ipython_display_()
    monkeypatch.setattr(_export, "_kernel_shell", lambda: None)
    widget._voila = False
    widget._ipython_display_()
    assert [kind for kind, data, _ in frontend.published] == ["display_data", "display_data"]
    assert all(WIDGET_VIEW in data for _, data, _ in frontend.published)
    assert shell.events.callbacks["post_run_cell"] == []
