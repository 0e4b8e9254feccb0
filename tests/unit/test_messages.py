"""Untrusted inbound messages: validated, refused with a clear error, and change nothing."""

from __future__ import annotations

import pytest

import livewidget
from livewidget import config
from livewidget._core.messages import Event, Join, parse
from livewidget.errors import BadMessageError

GOOD = {"k": "event", "ref": 1, "type": "click", "event": "inc", "value": {"by": "5"}}


def test_parses_join_and_events():
    assert parse({"k": "join"}) == Join()
    assert parse(GOOD) == Event(1, "click", "inc", {"by": "5"})
    form = parse({**GOOD, "type": "form", "value": "n=1&user[name]=Ada"})
    assert form.params == {"n": "1", "user": {"name": "Ada"}}


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("text", "expected a JSON object"),
        ([1, 2], "expected a JSON object"),
        ({"k": "exec"}, "unknown message kind"),
        ({**GOOD, "ref": "1"}, "integer 'ref'"),
        ({**GOOD, "ref": -1}, "integer 'ref'"),
        ({**GOOD, "ref": True}, "integer 'ref'"),
        ({**GOOD, "type": "__class__"}, "unknown event type"),
        ({**GOOD, "event": ""}, "non-empty string"),
        ({**GOOD, "event": "x" * 201}, "at most 200"),
        ({**GOOD, "event": ["inc"]}, "non-empty string"),
        ({**GOOD, "value": "n=1"}, "must be an object"),
        ({**GOOD, "type": "form", "value": {"n": 1}}, "URL-encoded"),
        ({**GOOD, "value": {"big": "x" * 1_000_001}}, "exceeds the limit"),
    ],
)
def test_bad_messages_are_refused_with_a_clear_reason(message, says):
    with pytest.raises(BadMessageError, match=says):
        parse(message)


def test_too_deep_values_are_refused():
    value: list = []
    for _ in range(40):
        value = [value]
    with pytest.raises(BadMessageError, match="nested more than 32"):
        parse({**GOOD, "value": {"v": value}})


def test_a_bad_message_gets_an_error_reply_and_changes_nothing(counter):
    before = (counter.html(), dict(counter.assigns))
    replies = counter.send_raw({"k": "event", "ref": 7, "type": "click", "event": 5})
    assert replies == [
        {
            "err": {
                "message": "Bad message: an event name must be a non-empty "
                "string of at most 200 characters, got 5"
            },
            "ref": 7,
        }
    ]
    replies = counter.send_raw("garbage")
    assert "err" in replies[0] and "ref" not in replies[0]
    assert (counter.html(), dict(counter.assigns)) == before
    counter.click("button[phx-click=inc]")
    assert counter.assigns.count == 5


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ({**GOOD, "type": ["click"]}, "unknown event type of type list"),
        ({**GOOD, "type": {"a": 1}}, "unknown event type of type dict"),
        ({"k": "nav", "ref": 1, "kind": ["patch"], "url": "/"}, "unknown nav kind of type list"),
        ({"k": "nav", "ref": 1, "kind": {}, "url": "/"}, "unknown nav kind of type dict"),
        ({"k": ["event"]}, "unknown message kind of type list"),
        ({**GOOD, "value": {"t": "\ud800"}}, "lone surrogate"),
        ({**GOOD, "event": "a\udfff"}, "lone surrogate"),
        ({**GOOD, "type": "form", "value": "t=\ud800"}, "lone surrogate"),
        ({"k": "nav", "ref": 1, "kind": "patch", "url": "/\ud800"}, "lone surrogate"),
        ({**GOOD, "value": {"n": float("nan")}}, "NaN"),
        ({**GOOD, "value": {"n": float("inf")}}, "NaN or Infinity"),
    ],
)
def test_odd_types_surrogates_and_nan_are_refused_with_bad_message_only(message, says):
    with pytest.raises(BadMessageError, match=says):
        parse(message)


@pytest.mark.parametrize("depth", [33, 900, 10_000])
def test_any_depth_is_refused_without_recursion_error(depth):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    with pytest.raises(BadMessageError, match="nested"):
        parse({**GOOD, "value": {"v": value}})


def test_the_limits_are_configurable(monkeypatch):
    monkeypatch.setattr(config, "limits", config.Limits())
    livewidget.configure(max_depth=2, max_message_bytes=200)
    parse({**GOOD, "value": {"v": [1]}})
    with pytest.raises(BadMessageError, match="more than 2 levels"):
        parse({**GOOD, "value": {"v": [[1]]}})
    with pytest.raises(BadMessageError, match="limit of 200 bytes"):
        parse({**GOOD, "value": {"v": "x" * 200}})


def test_a_message_of_any_type_gets_exactly_one_answer(counter):
    before = (counter.html(), dict(counter.assigns))
    for ref, message in enumerate(
        [
            {"k": "event", "ref": 1, "type": ["click"], "event": "inc", "value": {}},
            {"k": "nav", "ref": 2, "kind": {"x": 1}, "url": "/"},
            {"k": "event", "ref": 3, "type": "click", "event": "inc", "value": {"t": "\ud800"}},
        ],
        start=1,
    ):
        replies = counter.send_raw(message)
        assert len(replies) == 1 and replies[0]["ref"] == ref
        assert replies[0]["err"]["message"].startswith("Bad message: ")
    assert (counter.html(), dict(counter.assigns)) == before
