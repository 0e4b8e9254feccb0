"""Untrusted inbound messages: validated, refused with a clear error, and change nothing."""

from __future__ import annotations

import pytest

from livewidget._messages import Event, Join, parse
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
