"""What a Python module offers the modules that import it, as plain data.

A module's *summary* maps each module-level name whose value matters to a rule to a small
JSON-able descriptor:

- `{"s": qualname}`: an SDK value (`client = OpenAI()` -> `openai.OpenAI()`), with `"p"` for
  a path it carries (`DATA = Path(__file__).parent / "train.jsonl"`);
- `{"l": value}`: a literal constant (a model name, a dimension, a collection name);
- `{"f": desc}`: a function (an `lru_cache` factory, a FastAPI `Depends` provider) and what
  calling it returns;
- `{"c": {"a": attrs, "b": sdk_base}}`: a class: attributes (`self.client = OpenAI()` in
  `__init__`, class-level settings) and methods (as `{"f": ...}` attributes), and the SDK class
  it extends;
- `{"i": class}`: an instance of such a class (`settings = Settings()`);
- `{"m": names}`: a whole module (only in environments, never stored in a summary).

The link step (engine/python_link.py) turns the summaries of the modules a file imports
into its *environment*: `(module as written, imported name)` -> descriptor, which the
analyzer binds at the import statement. Summaries and environments are data, never code:
they travel through the cache and the process pool as JSON.
"""

from __future__ import annotations

import math
from typing import Any

from ragfirst.analyzers.facts import UNKNOWN
from ragfirst.analyzers.python_values import (
    ClassVal,
    ExternalFunc,
    FuncVal,
    InstVal,
    Lit,
    ModuleVal,
    Sym,
    Value,
)
from ragfirst.data.secrets import redact_text

Descriptor = dict[str, Any]
Summary = dict[str, Descriptor]
Environment = dict[tuple[str, str], Descriptor]
"""(module as written in the import, imported name or "" for the module itself) -> value."""

MAX_DEPTH = 4  # classes of instances of factories...: deeper values are left unknown
MAX_STRING = 1_000  # longer strings are prompts or documents, not settings a rule needs
MAX_ITEMS = 64  # elements of one literal list or dict
_KEY_LIKE = ("key", "token", "secret", "password", "passwd", "credential")


def summarize(names: dict[str, Value], roots: frozenset[str]) -> Summary:
    """The module-level names worth exporting: those whose value a rule could use (an SDK
    value rooted at one of `roots`, a path, a literal, or something that leads to one)."""
    summary: Summary = {}
    for name, value in names.items():
        if name.startswith("__") or any(word in name.lower() for word in _KEY_LIKE):
            continue  # dunders; and key-like names: an exported value must never be a key
        described = describe(value, roots, 0)
        if described is not None:
            summary[name] = described
    return summary


def describe(value: Value, roots: frozenset[str], depth: int) -> Descriptor | None:
    if depth > MAX_DEPTH or value is None:
        return None
    if isinstance(value, Sym):
        if value.path is not None:
            return {"s": value.qualname, "p": value.path}
        root = value.qualname.split(".", 1)[0]
        return {"s": value.qualname} if root in roots else None
    if isinstance(value, Lit):
        return {"l": value.value} if _exportable(value.value, 0) else None
    if isinstance(value, (FuncVal, ExternalFunc)):
        returns = describe(value.returns, roots, depth + 1)
        return {"f": returns} if returns is not None else None
    if isinstance(value, ClassVal):
        described = _describe_class(value, roots, depth)
        return {"c": described} if described is not None else None
    if isinstance(value, InstVal):
        described = _describe_class(value.cls, roots, depth)
        return {"i": described} if described is not None else None
    return None  # modules are not re-exported


def _describe_class(cls: ClassVal, roots: frozenset[str], depth: int) -> dict[str, Any] | None:
    attrs: dict[str, Descriptor] = {}
    members: dict[str, Value] = {}
    _collect_members(cls, members, 0)
    for name, member in members.items():
        if name.startswith("__") or any(word in name.lower() for word in _KEY_LIKE):
            continue
        described = describe(member, roots, depth + 1)
        if described is not None:
            attrs[name] = described
    base = cls.external_base()
    if base is not None and base.split(".", 1)[0] not in roots:
        base = None
    if not attrs and base is None:
        return None
    found: dict[str, Any] = {"a": attrs}
    if base is not None:
        found["b"] = base
    return found


def _collect_members(cls: ClassVal, members: dict[str, Value], depth: int) -> None:
    """Attributes and methods, the class's own over its bases' (as attribute lookup does)."""
    if depth > MAX_DEPTH:
        return
    for base in cls.bases:
        if isinstance(base, ClassVal):
            _collect_members(base, members, depth + 1)
    members.update(cls.methods)
    members.update(cls.attrs)
    members.update(cls.instance_attrs)


def _exportable(value: Any, depth: int) -> bool:
    """JSON-able, small, fully known, and no key in it."""
    if value is UNKNOWN or depth > MAX_DEPTH:
        return False
    if value is None or isinstance(value, (bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_STRING and redact_text(value) == value
    if isinstance(value, (list, tuple)):
        return len(value) <= MAX_ITEMS and all(_exportable(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return len(value) <= MAX_ITEMS and all(
            isinstance(key, str) and _exportable(item, depth + 1) for key, item in value.items()
        )
    return False


def decode(descriptor: Descriptor | None, depth: int = 0) -> Value:
    """The analyzer's value for a descriptor (anything malformed is simply unknown)."""
    if not isinstance(descriptor, dict) or depth > MAX_DEPTH + 2:
        return None
    if "s" in descriptor and isinstance(descriptor["s"], str):
        path = descriptor.get("p")
        return Sym(descriptor["s"], None, path if isinstance(path, str) else None)
    if "l" in descriptor:
        return Lit(descriptor["l"])
    if "f" in descriptor:
        return ExternalFunc(decode(descriptor["f"], depth + 1))
    if "c" in descriptor:
        return _decode_class(descriptor["c"], depth)
    if "i" in descriptor:
        cls = _decode_class(descriptor["i"], depth)
        return InstVal(cls) if cls is not None else None
    if "m" in descriptor and isinstance(descriptor["m"], dict):
        return ModuleVal({str(k): decode(v, depth + 1) for k, v in descriptor["m"].items()})
    return None


def _decode_class(data: Any, depth: int) -> ClassVal | None:
    if not isinstance(data, dict):
        return None
    base = data.get("b")
    cls = ClassVal("<imported>", [Sym(base)] if isinstance(base, str) else [])
    attrs = data.get("a")
    if isinstance(attrs, dict):
        cls.attrs = {str(k): decode(v, depth + 1) for k, v in attrs.items()}
    return cls


def is_module_key(key: tuple[str, str]) -> bool:
    return key[1] == ""
