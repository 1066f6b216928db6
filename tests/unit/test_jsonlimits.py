"""JSON bounds on the raw text: brackets and digits inside strings do not count; depth and digit runs do."""

from __future__ import annotations

import json

import pytest

from xner import jsonlimits


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2, {"b": "[[[[[[[[[["}]}',
        '"' + "[" * 500 + '"',
        '{"escaped": "\\"[[[[[[[[[[[[[\\"", "n": 12345678901234567890}',
        "[" * 64 + "]" * 64,
        '{"long digits in a string": "' + "9" * 1000 + '"}',
        "",
    ],
)
def test_text_within_the_bounds_passes(text):
    assert jsonlimits.problem(text) is None


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("[" * 65 + "]" * 65, "max_json_depth"),
        ('{"a": ' * 70 + "1" + "}" * 70, "max_json_depth"),
        ("[" * 100_000, "max_json_depth"),
        ("[" + "9" * 101 + "]", "max_number_digits"),
        ('{"x": 1.' + "0" * 200 + "}", "max_number_digits"),
    ],
)
def test_text_beyond_the_bounds_names_the_limit(text, limit):
    found = jsonlimits.problem(text)
    assert found is not None and limit in found


def test_loads_parses_within_and_refuses_beyond():
    assert jsonlimits.loads('{"a": [1, "]]"]}') == {"a": [1, "]]"]}
    with pytest.raises(jsonlimits.JsonLimitError, match="max_json_depth"):
        jsonlimits.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(json.JSONDecodeError):
        jsonlimits.loads("{nope")


def test_the_bounds_are_parameters():
    assert jsonlimits.problem("[[[]]]", max_depth=2) is not None
    assert jsonlimits.problem("123456", max_digits=5) is not None
