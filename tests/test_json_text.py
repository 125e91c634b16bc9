"""The JSON reports' encoder writes exactly what `json.dumps(indent=2, ensure_ascii=False)`
writes (reporters/json_text.py), whatever the value."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ragfirst.reporters import json_text
from ragfirst.reporters.json_text import dumps_indented


def _reference(value):
    return json.dumps(value, indent=2, ensure_ascii=False)


class Level(enum.IntEnum):
    HIGH = 3


class Name(enum.StrEnum):
    A = "a\u00e9"


plain_keys = st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(plain_keys, inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_any_plain_value_is_written_as_json_dumps_writes_it(value):
    assert dumps_indented(value) == _reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [[]], "d": [{}]},
        {"line": 1, "column": 2, "neg": -0.0, "big": 10**40, "f": 1e300, "tiny": 5e-324},
        {"s": 'quote " back \\ nl \n tab \t ctl \x00 \x1f del \x7f'},
        {"u": "caf\u00e9 \u2028 \U0001f600", "lone": "\ud800"},
        {"enum": Level.HIGH, "name": Name.A, True: 1},  # a non-string key: json.dumps' rules
        {1: "int key", None: "none key", 2.5: "float key"},
        {"nan": math.nan, "inf": [math.inf, -math.inf]},
        (1, (2, 3), {"t": ()}),
        [True, False, None, 0, 1],
    ],
)
def test_edge_values_are_written_as_json_dumps_writes_them(value):
    assert dumps_indented(value) == _reference(value)


def test_a_value_json_cannot_write_raises_as_json_dumps_does():
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps_indented({"x": object()})


def test_plain_values_do_not_use_the_pure_python_encoder(monkeypatch):
    """The point of the module: the report's values never reach json's Python encoder."""
    report = {"version": 1, "findings": [{"rule": "RF101", "start": {"line": 1, "column": 5}, "fix": None}]}
    expected = _reference(report)
    monkeypatch.setattr(json_text.json, "dumps", None)  # would fail if called
    assert dumps_indented(report) == expected
