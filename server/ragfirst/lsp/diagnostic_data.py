"""`Diagnostic.data`, typed: what a code action needs, computed when diagnostics are made
(as ruff's `DiagnosticData`), so a code action never lints again.

`version` is the document version the diagnostic (and so every edit in it) was computed
for: a code action's WorkspaceEdit names it, and a client refuses an edit for a document
that has changed since (issue 24, bug 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TextEditJson = dict[str, Any]  # an LSP TextEdit as JSON: {"range": ..., "newText": ...}


@dataclass(slots=True)
class DiagnosticData:
    rule: str
    guide: str | None = None
    fingerprint: str | None = None
    version: int | None = None
    suppress_line: TextEditJson | None = None
    suppress_file: TextEditJson | None = None
    inlay: str | None = None
    fixes: list[dict[str, Any]] = field(default_factory=list)  # {"title", "edits", "safe"}

    def to_json(self) -> dict[str, Any]:
        """Only the fields that are set: the data travels with every diagnostic."""
        # Shallow (the edits and fixes are JSON already): `asdict` deep-copied them, for
        # every diagnostic of every publish.
        found = ((key, getattr(self, key)) for key in self.__slots__)  # type: ignore[attr-defined]
        return {key: value for key, value in found if value is not None and value != []}

    @classmethod
    def from_json(cls, data: Any) -> DiagnosticData | None:
        """The data a client sent back, checked; None for anything not ours or malformed."""
        if not isinstance(data, dict) or not isinstance(data.get("rule"), str):
            return None
        version = data.get("version")
        fixes = data.get("fixes")
        return cls(
            rule=data["rule"],
            guide=data["guide"] if isinstance(data.get("guide"), str) else None,
            fingerprint=data["fingerprint"] if isinstance(data.get("fingerprint"), str) else None,
            version=version if isinstance(version, int) and not isinstance(version, bool) else None,
            suppress_line=_edit(data.get("suppress_line")),
            suppress_file=_edit(data.get("suppress_file")),
            inlay=data["inlay"] if isinstance(data.get("inlay"), str) else None,
            fixes=[fix for fix in fixes if isinstance(fix, dict)] if isinstance(fixes, list) else [],
        )


def _edit(value: Any) -> TextEditJson | None:
    if not isinstance(value, dict) or not isinstance(value.get("newText"), str):
        return None
    try:
        start, end = value["range"]["start"], value["range"]["end"]
        numbers = [start["line"], start["character"], end["line"], end["character"]]
    except (KeyError, TypeError):
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers):
        return None
    return value
