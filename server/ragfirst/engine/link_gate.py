"""Which prefilter-skipped modules the Python link must parse for their summaries.

A module the prefilter skipped names no trigger, so its own findings are known (none);
the link parses it only when an importer may take an SDK value from it (a client, a
factory, a class). That needs two things of its text, both tested on whole words:

- it *reaches* an SDK: it names an entry of a package rules name (`OpenAI`, `Trainer`,
  `nn`), or it imports a module that may be the project's own (a client built elsewhere
  and passed on: `from .models import llm_client`);
- it *offers the name asked for*: one of the names the importers take from it (`from
  app.deps import client` asks for `client`) is spelt in it, or it re-exports with
  `import *`. An importer of the whole module (`import app.deps`) asks for any name.

Both are "certainly not" tests: a module that fails one cannot bind that name to an SDK
value. Matching words, never substrings: `ai` is not in `fairseq`, `nn` not in `inner`.
"""

from __future__ import annotations

import re

from ragfirst.engine.python_prefilter import imports_project_candidate

SDK_FORCE = "sdk"  # `Engine.analyze(force=...)`: "sdk", or "sdk:name,name" for names asked
_WORD = re.compile(r"[A-Za-z_]\w*", re.ASCII)
_STAR_IMPORT = re.compile(r"^[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]+\*", re.MULTILINE)


def sdk_force(names: frozenset[str] | None) -> str:
    """The `force` value that asks for a module's summary for these names (None: any)."""
    if not names:
        return SDK_FORCE
    return f"{SDK_FORCE}:{','.join(sorted(names))}"


def asked_names(force: str) -> frozenset[str] | None:
    """The names a `sdk_force` value asks for (None: any name)."""
    _, _, listed = force.partition(":")
    names = frozenset(name for name in listed.split(",") if name)
    return names or None


def may_export_sdk_value(
    text: str, names: frozenset[str] | None, entries: frozenset[str], roots: frozenset[str]
) -> bool:
    """Could this module bind one of `names` (any, when None) to an SDK value?"""
    words = set(_WORD.findall(text))
    if names is not None and words.isdisjoint(names) and not _STAR_IMPORT.search(text):
        return False
    if not words.isdisjoint(entries):
        return True
    return imports_project_candidate(text, roots)
