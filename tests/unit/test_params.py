"""Form and query decoding."""

from __future__ import annotations

import pytest

import livewidget
from livewidget import config
from livewidget._params import _decode, _Work, decode_form
from livewidget.errors import BadMessageError


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


def _steps(encoded: str) -> int:
    work = _Work()
    _decode(encoded, work)
    return work.steps


def test_decoding_one_repeated_name_is_linear_in_the_fields():
    # Was quadratic: each repeated value copied the list so far (100,000 fields froze the kernel).
    small, large = _steps(form_body(900)), _steps(form_body(9_000))
    assert large == 10 * small
    params = decode_form(form_body(9_000))
    assert params == {"a": ["x"] * 9_000}


@pytest.mark.parametrize("name", ["a[]", "a", "a[b][]"])
def test_work_is_bounded_by_the_size_for_every_kind_of_repeat(name):
    encoded = form_body(5_000, name)
    assert _steps(encoded) <= len(encoded)


def test_more_fields_than_the_cap_are_refused_with_a_clear_error():
    decode_form(form_body(10_000))  # the default cap is 10,000
    with pytest.raises(BadMessageError, match=r"at most 10000 fields .*got 10001.*max_form_fields"):
        decode_form(form_body(10_001))


def test_the_cap_is_configurable_and_unused_markers_count(monkeypatch):
    monkeypatch.setattr(config, "limits", config.Limits())
    livewidget.configure(max_form_fields=3)
    assert decode_form("a=1&b=2&_unused_b=") == {"a": "1", "b": "2", "_unused_b": ""}
    with pytest.raises(BadMessageError, match="at most 3 fields"):
        decode_form("a=1&b=2&_unused_a=&_unused_b=")
    with pytest.raises(ValueError, match="positive int"):
        livewidget.configure(max_form_fields=0)


def test_a_name_nested_deeper_than_the_limit_is_refused():
    decode_form("a" + "[b]" * 32 + "=1")
    with pytest.raises(BadMessageError, match="nested at most 32 levels"):
        decode_form("a" + "[b]" * 33 + "=1")


def form_body(fields: int, name: str = "a[]") -> str:
    return "&".join(f"{name}=x" for _ in range(fields))
