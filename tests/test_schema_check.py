"""schema_check.conforms: a yes from it must be a yes from jsonschema, and the shipped
tables and usual configs must get a yes (or the fast path saves nothing)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ragfirst.config import settings as config_settings
from ragfirst.data import embedding_models, tables
from ragfirst.positioned_yaml import load_positioned
from ragfirst.resources import builtin_rules_dir
from ragfirst.schema_check import conforms

TABLES = [
    ("embedding-models.yaml", embedding_models._SCHEMA),
    ("pricing.yaml", tables._PRICING_SCHEMA),
    ("lifecycle.yaml", tables._LIFECYCLE_SCHEMA),
    ("secret-formats.yaml", {"type": "object", "required": ["version"]}),
]


@pytest.mark.parametrize(("name", "schema"), TABLES)
def test_the_shipped_tables_conform_without_jsonschema(name, schema):
    data = load_positioned((builtin_rules_dir() / name).read_text(encoding="utf-8")).data
    assert conforms(data, schema)


@pytest.mark.parametrize(
    "table",
    [
        {},
        {"respect-gitignore": False},
        {"select": ["RF1"], "ignore": ["RF105"], "severity": {"RF101": "off"}, "max-file-size": 4096},
        {"guide-urls": {"RF101": "https://wiki.example.com/rag"}, "options": {"RF401": {"x": 1}}},
    ],
)
def test_usual_configs_conform(table):
    assert conforms(table, config_settings._SCHEMA)


@pytest.mark.parametrize(
    "table",
    [
        {"selct": ["RF1"]},
        {"select": "RF1"},
        {"select": ["rf1"]},
        {"severity": {"RF101": "loud"}},
        {"max-file-size": 10},
        {"max-file-size": True},
        {"respect-gitignore": 1},
        {"guide-url": "ftp://x"},
    ],
)
def test_invalid_configs_are_left_to_jsonschema(table):
    assert not conforms(table, config_settings._SCHEMA)
    assert list(jsonschema.Draft202012Validator(config_settings._SCHEMA).iter_errors(table))


def test_what_it_cannot_decide_is_not_a_yes():
    assert not conforms({"a": 1}, {"type": "object", "patternProperties": {"^a$": {}}})  # unknown keyword
    assert not conforms(1.0, {"type": "integer"})  # jsonschema says yes; not decided here
    assert not conforms({1: "x"}, {"type": "object"})
    assert not conforms(1, {"const": 1.0})


def test_one_of_counts_exactly():
    schema = {"oneOf": [{"type": "integer"}, {"type": "number"}]}
    assert not conforms(3, schema)  # both match: jsonschema says no
    assert conforms(3.5, {"oneOf": [{"type": "string"}, {"type": "number"}]})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5000)
    | st.floats(allow_nan=False, width=32)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["select", "ignore", "severity", "RF101", "x", "models", "version"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)

config_like = st.fixed_dictionaries(
    {},
    optional={
        "select": st.lists(st.sampled_from(["RF1", "RF101", "rf1", "", "X9"]), max_size=3),
        "severity": st.dictionaries(
            st.sampled_from(["RF101", "bad id"]), st.sampled_from(["off", "error", "loud", 1])
        ),
        "max-file-size": st.integers(0, 5000) | st.booleans() | st.floats(0, 5000),
        "respect-gitignore": st.booleans() | st.integers(0, 1),
        "guide-url": st.sampled_from(["https://x", "file:///x", "ftp://x", ""]),
        "options": st.dictionaries(st.sampled_from(["RF401", "nope"]), json_values, max_size=2),
    },
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(config_like, json_values))
def test_a_yes_is_always_a_jsonschema_yes(value: Any):
    for schema in [config_settings._SCHEMA, *(schema for _, schema in TABLES)]:
        if conforms(value, schema):
            assert not list(jsonschema.Draft202012Validator(schema).iter_errors(value)), (value, schema)


@settings(max_examples=300, deadline=None)
@given(config_like)
def test_configs_jsonschema_accepts_are_accepted(value: dict[str, Any]):
    """The fast path covers every valid config made of the usual value types."""
    valid = not list(jsonschema.Draft202012Validator(config_settings._SCHEMA).iter_errors(value))
    has_float = isinstance(value.get("max-file-size"), float)
    if valid and not has_float:
        assert conforms(value, config_settings._SCHEMA)
