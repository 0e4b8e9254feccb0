"""Form and query decoding."""

from __future__ import annotations

import pytest

from livewidget._params import decode_form


@pytest.mark.parametrize(
    ("encoded", "params"),
    [
        ("", {}),
        ("a=1", {"a": "1"}),
        ("a=1&a=2&a=3", {"a": ["1", "2", "3"]}),
        ("a=", {"a": ""}),
        (
            "user[address][city]=Oslo&user[name]=Ada",
            {"user": {"address": {"city": "Oslo"}, "name": "Ada"}},
        ),
        ("ids[]=1&ids[]=2", {"ids": ["1", "2"]}),
        ("odd[=1&x]=2", {"odd[": "1", "x]": "2"}),
        ("q=a+b%26c", {"q": "a b&c"}),
    ],
)
def test_decode_form(encoded, params):
    assert decode_form(encoded) == params
