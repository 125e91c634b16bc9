"""The engine's notebook path: one .ipynb in, the same FileAnalysis every file gives out.

Matching, suppressions and caching work on the joined module's lines (notebook_module);
`place_in_cells` moves the final findings to their cells at the very end, so every rule
and every front end sees a notebook as the one Python module it runs as.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ragfirst.analyzers.errors import AnalysisError
from ragfirst.analyzers.facts import DependencyFact, FileFacts
from ragfirst.analyzers.ipython_syntax import Install
from ragfirst.analyzers.manifests import normalise
from ragfirst.analyzers.notebook_json import read_notebook
from ragfirst.analyzers.notebook_module import CellMap, build_module, parse_cells
from ragfirst.engine.matching import match_dependencies
from ragfirst.engine.suppressions import parse_suppressions
from ragfirst.model import CellPlace, Finding, Span
from ragfirst.source import SourceText

if TYPE_CHECKING:
    from ragfirst.analyzers.python_exports import Environment
    from ragfirst.engine.engine import Engine, FileAnalysis

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
INSTALL_GROUP = "pip install in a notebook"


def analyze_notebook(
    engine: Engine, analysis: FileAnalysis, text: str, environment: Environment | None = None
) -> FileAnalysis:
    """A notebook's cells analysed as the one module its kernel runs; `environment`: what
    its imports of the project's modules bind (from the link, as for a Python file: a
    client made in `app/clients.py` and used in a cell)."""
    from ragfirst.analyzers.python_analyzer import PythonAnalyzer
    from ragfirst.engine.engine import RawMatch, _snippet, internal_error

    try:
        notebook = read_notebook(text)
    except AnalysisError as exc:
        engine.record_error(analysis, exc.message, exc.line, exc.col)
        return analysis
    except (RecursionError, MemoryError):
        engine.record_error(analysis, "notebook nested too deeply to analyse", 1, 0)
        return analysis
    module = build_module(notebook)
    analysis.notebook = module.cell_map
    display = SourceText("\n".join(module.display))
    for line, problem in module.problems:
        engine.record_error(analysis, problem.message, line, 0)
    if (
        not module.installs
        and not environment
        and not engine.passes_prefilter(display.text, language="python")
    ):
        return analysis
    code = SourceText("\n".join(module.code))
    tree, errors = parse_cells(module)
    for message, line, col in errors:
        engine.record_error(analysis, message, line, col, display)
    try:
        facts = PythonAnalyzer(code, environment=environment).analyze(tree)
    except (RecursionError, MemoryError):
        engine.record_error(analysis, "notebook nested too deeply to analyse", 1, 0)
        return analysis
    except Exception as exc:  # a bug of ours must not stop the run
        engine.record_error(analysis, internal_error("analysing this notebook", exc), 1, 0)
        return analysis
    analysis.parsed = True
    installed = _dependencies(module.installs)
    facts.dependencies = _dependencies(module.installs, last=True)  # the pins in force (RF107)
    secrets = engine._match(analysis, facts, display)
    seen = {(m.rule_id, m.span) for m in analysis.matches}
    dependencies = FileFacts(language="config", dependencies=installed)
    for rule in engine.ruleset.rules:
        for matcher in rule.dependencies:
            for span, captures in match_dependencies(matcher, dependencies, analysis.path):
                if (rule.id, span) not in seen:
                    seen.add((rule.id, span))
                    analysis.matches.append(
                        RawMatch(rule.id, span, captures, _snippet(display, span, secrets))
                    )
    analysis.suppressions = parse_suppressions(facts.comments, display)
    # The project modules it imports: its import edges (project boundaries, project_model.py)
    # and what the link binds in it (python_link.py; a notebook is no module: none imports it).
    engine.python_links(analysis, facts)
    return analysis


def _dependencies(installs: list[tuple[Install, int]], last: bool = False) -> list[DependencyFact]:
    """One fact per package, at its first install (a notebook often installs trl twice);
    with `last`, its last install: the version in force when the later cells run
    (`!pip install trl` then `!pip install --no-deps trl==0.22.2`)."""
    found: dict[str, DependencyFact] = {}
    for install, line in installs:
        match = _NAME.match(install.requirement)
        if match is None:
            continue
        name = normalise(match.group(0))
        if last or name not in found:
            span = Span(line, install.col, line, install.col + len(match.group(0)))
            found[name] = DependencyFact(name, install.requirement, span, INSTALL_GROUP)
    return list(found.values())


def place_in_cells(findings: list[Finding], cell_map: CellMap) -> None:
    """Move module positions to cell positions (`Finding.cell`), in place."""
    for finding in findings:
        placed = cell_map.place(finding.span)
        if placed is None:
            continue
        cell, in_cell, in_file, output = placed
        finding.span = in_cell
        finding.cell = CellPlace(cell, in_file, output)
        if output and "output" not in finding.message:
            finding.message += " (printed in this cell's output)"
