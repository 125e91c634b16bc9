"""FileAnalysis to and from plain JSON-able data: for the cache and the process pool.

JSON, not pickle: a cache directory inside a repository must never become a way to
run code in the linter.
"""

from __future__ import annotations

from typing import Any

from ragfirst.engine.engine import FileAnalysis, RawMatch
from ragfirst.engine.local_modules import ModuleExports, dump_local_call, load_local_call
from ragfirst.engine.project import FactSite
from ragfirst.engine.suppressions import Suppression
from ragfirst.model import Span


def _span(span: Span) -> list[int]:
    return [span.start_line, span.start_col, span.end_line, span.end_col]


def dump_analysis(analysis: FileAnalysis) -> dict[str, Any]:
    return {
        "path": analysis.path,
        "parsed": analysis.parsed,
        "matches": [[m.rule_id, _span(m.span), m.captures, m.snippet] for m in analysis.matches],
        "facts": [
            [f.kind, f.path, f.line, f.label, [list(pair) for pair in f.captures]]
            for f in analysis.fact_sites
        ],
        "suppressions": [
            [
                _span(s.span),
                list(s.codes) if s.codes is not None else None,
                s.reason,
                s.file_level,
                s.target_line,
                list(s.bad_codes),
            ]
            for s in analysis.suppressions
        ],
        "local_calls": [dump_local_call(local) for local in analysis.local_calls],
        "notebook": analysis.notebook.dump() if analysis.notebook is not None else None,
        "exports": (
            [analysis.exports.exports, analysis.exports.imports] if analysis.exports is not None else None
        ),
        "summary": analysis.summary,
        "project_imports": [list(pair) for pair in analysis.project_imports],
        "reexports": analysis.reexports,
        "used_imports": [list(pair) for pair in analysis.used_imports],
        "constant_imports": [list(pair) for pair in analysis.constant_imports],
        "client_imports": [list(pair) for pair in analysis.client_imports],
        "text_imports": {k: [list(pair) for pair in v] for k, v in analysis.text_imports.items()},
        "name_imports": {
            name: [list(pair) for pair in pairs] for name, pairs in analysis.name_imports.items()
        },
        "via_project": analysis.via_project,
        "deferred_imports": analysis.deferred_imports,
        "spells_needle": analysis.spells_needle,
    }


def load_analysis(data: dict[str, Any]) -> FileAnalysis:
    analysis = FileAnalysis(data["path"], parsed=bool(data["parsed"]))
    analysis.matches = [
        RawMatch(rule_id, Span(*span), {str(k): str(v) for k, v in captures.items()}, snippet)
        for rule_id, span, captures, snippet in data["matches"]
    ]
    analysis.fact_sites = [
        FactSite(kind, path, line, label, tuple((str(k), str(v)) for k, v in captures))
        for kind, path, line, label, captures in data["facts"]
    ]
    analysis.suppressions = [
        Suppression(
            Span(*span), tuple(codes) if codes is not None else None, reason, file_level, target, tuple(bad)
        )
        for span, codes, reason, file_level, target, bad in data["suppressions"]
    ]
    analysis.local_calls = [load_local_call(item) for item in data.get("local_calls", ())]
    if data.get("notebook") is not None:
        from ragfirst.analyzers.notebook_module import CellMap  # only for notebooks

        analysis.notebook = CellMap.load(data["notebook"])
    exports = data.get("exports")
    if exports is not None:
        names, imports = exports
        analysis.exports = ModuleExports(
            {str(k): str(v) for k, v in names.items()}, [str(i) for i in imports]
        )
    summary = data.get("summary")
    analysis.summary = summary if isinstance(summary, dict) else None
    analysis.project_imports = [(str(m), str(n)) for m, n in data.get("project_imports", ())]
    reexports = data.get("reexports") or {}
    analysis.reexports = {str(k): [str(v[0]), str(v[1])] for k, v in reexports.items() if len(v) == 2}
    analysis.used_imports = [(str(m), str(n)) for m, n in data.get("used_imports", ())]
    analysis.constant_imports = [(str(m), str(n)) for m, n in data.get("constant_imports", ())]
    analysis.client_imports = [(str(m), str(n)) for m, n in data.get("client_imports", ())]
    texts = data.get("text_imports") or {}
    analysis.text_imports = {str(k): [(str(m), str(n)) for m, n in v] for k, v in texts.items()}
    names = data.get("name_imports") or {}
    analysis.name_imports = {str(k): [(str(m), str(n)) for m, n in v] for k, v in names.items()}
    analysis.via_project = bool(data.get("via_project", False))
    analysis.spells_needle = bool(data.get("spells_needle", False))
    deferred = data.get("deferred_imports")
    analysis.deferred_imports = [str(spec) for spec in deferred] if isinstance(deferred, list) else None
    return analysis
