"""Parts of a message proven sendable where they were made (livewidget._checked).

The check leaves out what carries the flag and encodes everything else as before, so an
unsendable value outside a flagged part still fails with its path.
"""

from __future__ import annotations

from typing import Any

import pytest

from livewidget import LiveView, _checked, _encoding
from livewidget._checked import Checked, checked
from livewidget._encoding import UnencodableError
from livewidget.testing import LiveViewTest

LONE = "\ud800"


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What each check encodes (the messages, as handed to the encoder)."""
    seen: list[Any] = []
    encode = _encoding.encode

    def recording(message: Any) -> bytes:
        seen.append(message)
        return encode(message)

    monkeypatch.setattr(_encoding, "encode", recording)
    return seen


def test_a_checked_part_is_left_out_and_the_message_is_not_changed(encoded):
    part = checked({"k": {"0": {"0": "row"}, "kc": 1}, "stream": ["0", [], []]})
    message = {"d": {"0": part, "1": "text"}, "e": [["ev", {}]], "ref": 3}
    _checked.check(message)
    assert encoded == [{"d": {"0": None, "1": "text"}, "e": [["ev", {}]], "ref": 3}]
    assert message["d"]["0"] is part  # copied on the way to the part, not changed
    assert part == {"k": {"0": {"0": "row"}, "kc": 1}, "stream": ["0", [], []]}


def test_a_transaction_list_is_searched_too(encoded):
    _checked.check([{"0": checked({"a": "b"})}, [], None, {"n": 1}, None])
    assert encoded == [[{"0": None}, [], None, {"n": 1}, None]]


@pytest.mark.parametrize(
    ("message", "says", "where"),
    [
        ({"d": {"0": "ok", "1": "x" + LONE}}, "lone surrogate", '["d"]["1"]'),
        ({"d": {"1": {"2": float("nan")}}}, "NaN", '["d"]["1"]["2"]'),
        ({"e": [["ev", {"t": LONE}]]}, "lone surrogate", '["e"][0][1]["t"]'),
    ],
)
def test_anything_beside_a_checked_part_is_still_checked(message, says, where):
    message = {**message, "c": {"5": checked({"0": "fine"})}}
    with pytest.raises(UnencodableError, match=says) as error:
        _checked.check(message)
    assert where in str(error.value)


def test_a_part_inside_a_comprehensions_rows_is_encoded_like_any_value(encoded):
    # Rows are not searched (that would cost the rows): a flag there only costs time.
    _checked.check({"d": {"0": {"k": {"0": {"0": checked({"x": "y"})}, "kc": 1}}}})
    assert encoded == [{"d": {"0": {"k": {"0": {"0": {"x": "y"}}, "kc": 1}}}}]


def test_without_a_part_made_since_the_last_check_nothing_is_searched():
    # A Checked made without checked() is not counted: the check does not look for it, and
    # encodes it whole (here: its lone surrogate fails). checked() makes the check look.
    _checked.check({})
    unflagged = Checked({"t": LONE})
    with pytest.raises(UnencodableError, match="lone surrogate"):
        _checked.check({"d": {"0": unflagged}})
    checked({})
    _checked.check({"d": {"0": unflagged}})


def test_too_deep_a_message_is_reported_as_before():
    deep: dict[str, Any] = {}
    for _ in range(5000):
        deep = {"0": deep}
    checked({})
    with pytest.raises(UnencodableError, match="nested too deeply"):
        _checked.check({"d": deep})


class Page(LiveView):
    template = "<ul>{% for n in rows %}<li>{{ n }}</li>{% endfor %}</ul>"

    def mount(self, socket, session, params):
        socket.assign(rows=[str(n) for n in range(300)])


def test_the_mounted_tree_is_checked_once_at_mount_not_again_in_the_join(encoded):
    with LiveViewTest(Page) as view:
        reply = next(message for message in view.messages if "r" in message)
        assert len(reply["r"]["0"]["k"]) == 301
    # The session's check of the join's reply left the tree out; the test client's own
    # round trip of every message (as a kernel packs it) encodes it whole, once.
    whole = [message for message in encoded if isinstance(message, dict) and "r" in message]
    assert [message["r"] is None for message in whole] == [True, False]
