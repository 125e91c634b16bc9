"""JSON schema of a rule pack: the public rule format, checked on every load.

`additionalProperties: false` everywhere, so a misspelled key is an error at its line,
not a silently ignored matcher.
"""

from __future__ import annotations

from typing import Any

CODE_LANGUAGES = ("python", "javascript", "sql")
_STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
_SCALAR = {"type": ["string", "number", "boolean", "null"]}

ARG_CONDITION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
        "position": {"type": "integer", "minimum": 0},
        "key": {"type": "string", "description": "dotted path into a dict literal argument"},
        "present": {"type": "boolean"},
        "equals": _SCALAR,
        "in": {"type": "array", "items": _SCALAR, "minItems": 1},
        "not-in": {"type": "array", "items": _SCALAR, "minItems": 1},
        "matches": {"type": "string"},
        "has-value-other-than": {"type": "array", "items": _SCALAR, "minItems": 1},
        "gt": {"type": "number"},
        "gte": {"type": "number"},
        "lt": {"type": "number"},
        "lte": {"type": "number"},
        "resolves-to": _STRINGS,
        "null-is-absent": {"type": "boolean"},
    },
    "anyOf": [{"required": ["name"]}, {"required": ["position"]}],
}

# `file-calls` / `not-file-calls`: name patterns, or `{call, args}` for a call that counts
# only with arguments that meet conditions.
_FILE_CALL = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "call": {"type": "string"},
                "args": {"type": "array", "items": ARG_CONDITION, "minItems": 1},
            },
            "required": ["call", "args"],
        },
    ]
}
_FILE_CALLS = {"oneOf": [_FILE_CALL, {"type": "array", "items": _FILE_CALL, "minItems": 1}]}

CALL_MATCHER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "call": _STRINGS,
        "import": _STRINGS,
        "args": {"type": "array", "items": ARG_CONDITION},
        "any-arg": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "file-calls": _FILE_CALLS,
        "not-file-calls": _FILE_CALLS,
        "capture": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
        "unless-built-with": {"type": "array", "items": ARG_CONDITION, "minItems": 1},
        "in-function": {"type": "string", "minLength": 1},
    },
    "oneOf": [{"required": ["call"]}, {"required": ["import"]}],
}

_VALUE_CONDITION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        key: ARG_CONDITION["properties"][key]
        for key in (
            "present",
            "equals",
            "in",
            "not-in",
            "matches",
            "has-value-other-than",
            "gt",
            "gte",
            "lt",
            "lte",
        )
    },
}

CONFIG_MATCHER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "files": _STRINGS,
        "kinds": {
            "type": "array",
            "items": {"enum": ["yaml", "json", "toml", "dotenv", "ini", "requirements"]},
        },
        "has-keys": _STRINGS,
        "has-any-keys": _STRINGS,
        "key": _STRINGS,
        "value": _VALUE_CONDITION,
        "missing-keys": _STRINGS,
        "capture": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
    },
    "anyOf": [{"required": ["key"]}, {"required": ["has-keys"]}],
}

DEPENDENCY_MATCHER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["names"],
    "properties": {
        "names": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "requires-any": {"type": "array", "items": {"type": "string"}},
        "ecosystems": {"type": "array", "items": {"enum": ["python", "npm"]}},
        "capture": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
    },
}

MATCH: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    # One key per analysed language; each holds call/import matchers over that language's
    # facts (the analyzers produce the same kind of facts, so one matcher shape fits all).
    "properties": {
        **{language: {"type": "array", "items": CALL_MATCHER, "minItems": 1} for language in CODE_LANGUAGES},
        "config": {"type": "array", "items": CONFIG_MATCHER, "minItems": 1},
        "dependencies": {"type": "array", "items": DEPENDENCY_MATCHER, "minItems": 1},
    },
    "minProperties": 1,
}

EXAMPLE: dict[str, Any] = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["code"],
            "properties": {
                "path": {"type": "string"},
                "code": {"type": "string"},
                "note": {"type": "string"},
                "files": {"type": "object", "additionalProperties": {"type": "string"}},
                # Where the rule fires ("line:column", 1-based): every finding, no more.
                "expect": {"type": "array", "items": {"type": "string", "pattern": r"^[0-9]+:[0-9]+$"}},
                # The code after the rule's fixes (unsafe ones too), and their safety.
                "fixed": {"type": "string"},
                "fix-safety": {"enum": ["safe", "unsafe", "display-only"]},
            },
        },
    ]
}

OPTION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["default", "description"],
    "properties": {
        "default": _SCALAR,
        "description": {"type": "string"},
        "minimum": {"type": "number"},
        "maximum": {"type": "number"},
    },
}

RULE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "severity", "summary", "message", "guide"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[A-Z][A-Z0-9]*[0-9]{3}$"},
        "name": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*$"},
        "severity": {"enum": ["error", "warning", "info", "hint"]},
        "summary": {"type": "string"},
        "message": {"type": "string"},
        "project-message": {
            "type": "object",
            "additionalProperties": False,
            "required": ["fact", "present", "absent"],
            "properties": {
                "fact": {"type": "string"},
                "present": {"type": "string"},
                "absent": {"type": "string"},
            },
        },
        "guide": {"type": "string"},
        "why": {"type": "string"},
        "fix": {"type": "string"},
        "checklist": {"type": "array", "items": {"type": "string"}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "options": {"type": "object", "additionalProperties": OPTION},
        "triggers": {"type": "array", "items": {"type": "string", "minLength": 2}},
        "match": MATCH,
        "check": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "params": {"type": "object"}},
        },
        "examples": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "fire": {"type": "array", "items": EXAMPLE},
                "pass": {"type": "array", "items": EXAMPLE},
            },
        },
    },
}

FACT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "label", "match"],
    "properties": {
        "kind": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*$"},
        "label": {"type": "string"},
        "match": MATCH,
    },
}

PACK: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    # `x-` keys hold YAML anchors shared between rules (as in docker-compose files).
    "patternProperties": {"^x-": {}},
    "properties": {
        "version": {"const": 1},
        "rules": {"type": "array", "items": RULE},
        "facts": {"type": "array", "items": FACT},
    },
    "minProperties": 1,
}
