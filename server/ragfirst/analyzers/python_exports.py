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
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What the rules name: a value is worth exporting only if a rule's call pattern can
    reach it. `names` holds every exact call a pattern names (`trl.SFTTrainer`,
    `openai.OpenAI().chat.completions.create`) and each of their dotted prefixes
    (`openai.OpenAI()`, `openai.OpenAI().chat`)."""

    names_: frozenset[str]
    roots: frozenset[str] = frozenset()  # the packages (`openai`, `trl`)
    # each package with what code takes from it (`openai`: `OpenAI`): a module makes an
    # SDK value of its own only if it spells a package and one of these
    entries_by_root: tuple[tuple[str, frozenset[str]], ...] = ()
    # a package's submodules that rules reach only through a further name (`torch` `nn`,
    # then `parallel`): (package, submodule, the names that may follow it)
    module_entries: tuple[tuple[str, str, frozenset[str]], ...] = ()

    @classmethod
    def of(cls, exact_calls: set[str]) -> Vocabulary:
        names: set[str] = set()
        for call in exact_calls:
            parts = call.split(".")
            names.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
        split = [call.split(".") for call in exact_calls]
        roots = frozenset(parts[0] for parts in split)
        by_root: dict[str, set[str]] = {}
        deeper: dict[tuple[str, str], set[str]] = {}
        for parts in split:
            if len(parts) == 2 or (len(parts) > 2 and parts[1].endswith("()")):
                by_root.setdefault(parts[0], set()).add(parts[1].removesuffix("()"))
            elif len(parts) > 2:  # `torch.nn.parallel.DistributedDataParallel`: `nn` is a module
                deeper.setdefault((parts[0], parts[1]), set()).add(parts[2].removesuffix("()"))
        pairs = tuple(sorted((root, frozenset(found)) for root, found in by_root.items()))
        modules = tuple(
            sorted(
                (root, entry, frozenset(after))
                for (root, entry), after in deeper.items()
                if entry not in by_root.get(root, ())
            )
        )
        return cls(frozenset(names), roots, pairs, modules)

    def names(self, qualname: str) -> bool:
        """Could a rule's pattern reach this SDK value (a client, a factory's result, a
        class to construct)? `torch.device()` or a module alias: no."""
        return qualname in self.names_


def summarize(names: dict[str, Value], vocabulary: Vocabulary) -> Summary:
    """The module-level names worth exporting: those whose value a rule could use (an SDK
    value rules name, a path, a literal, or something that leads to one)."""
    summary: Summary = {}
    memo: dict[int, Descriptor | None] = {}
    for name, value in names.items():
        if name.startswith("__") or any(word in name.lower() for word in _KEY_LIKE):
            continue  # dunders; and key-like names: an exported value must never be a key
        described = describe(value, vocabulary, 0, memo)
        if described is not None:
            summary[name] = described
    return summary


def describe(
    value: Value, vocabulary: Vocabulary, depth: int, memo: dict[int, Descriptor | None] | None = None
) -> Descriptor | None:
    if depth > MAX_DEPTH or value is None:
        return None
    if isinstance(value, Sym):
        if value.path is not None:
            return {"s": value.qualname, "p": value.path}
        return {"s": value.qualname} if vocabulary.names(value.qualname) else None
    if isinstance(value, Lit):
        return {"l": value.value} if _exportable(value.value, 0) else None
    memo = {} if memo is None else memo
    key = id(value)
    if key in memo:
        return memo[key]
    memo[key] = None  # a value that refers to itself describes as unknown
    found: Descriptor | None = None
    if isinstance(value, (FuncVal, ExternalFunc)):
        returns = describe(value.returns, vocabulary, depth + 1, memo)
        found = {"f": returns} if returns is not None else None
    elif isinstance(value, ClassVal):
        described = _describe_class(value, vocabulary, depth, memo)
        found = {"c": described} if described is not None else None
    elif isinstance(value, InstVal):
        described = _describe_class(value.cls, vocabulary, depth, memo)
        found = {"i": described} if described is not None else None
    memo[key] = found
    return found  # modules are not re-exported


def _describe_class(
    cls: ClassVal, vocabulary: Vocabulary, depth: int, memo: dict[int, Descriptor | None]
) -> dict[str, Any] | None:
    attrs: dict[str, Descriptor] = {}
    members: dict[str, Value] = {}
    _collect_members(cls, members, 0)
    for name, member in members.items():
        if name.startswith("__") or any(word in name.lower() for word in _KEY_LIKE):
            continue
        described = describe(member, vocabulary, depth + 1, memo)
        if described is not None:
            attrs[name] = described
    base = cls.external_base()
    if base is not None and not vocabulary.names(base):
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


def has_sdk_value(descriptor: Any) -> bool:
    """Does a descriptor lead to an SDK value (not only to literals)?"""
    if not isinstance(descriptor, dict):
        return False
    if "s" in descriptor or "b" in descriptor:
        return True
    return any(
        has_sdk_value(value) if key in ("f", "i", "c") else any(has_sdk_value(v) for v in value.values())
        for key, value in descriptor.items()
        if key in ("f", "i", "c") or (key in ("a", "m") and isinstance(value, dict))
    )


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
