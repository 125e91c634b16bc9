"""The fixes a report shows, cached by the file's text and the findings they fix.

The text report's `[*]` marks, JSON and SARIF carry each finding's fix, computed from the
file as it is now. For Python that parses the file with libcst, for a notebook it reads the
notebook's JSON again per fix: on a notebook-heavy repository, most of a warm run. A fix
depends only on the text it edits, the finding (rule, place, message, facts, line) and
ragfirst with its tables, so the fixes of one file are stored under a digest of those and
reused while they stay the same (a file that changed, or whose findings did, is a miss).

A file that changed elsewhere keeps most of its fixes: an RF401 or RF303 fix of a Python
call is computed on the call's statement parsed alone (python_edits.call_in_statement),
so it is also stored under a digest of that statement's text, where it stands
(python_regions.py) and what the fix reads of the finding; a miss on the file's key finds
it there without importing libcst (~0.14 s of a warm run after a few files changed). Only
a fix that was computed from the statement alone is stored so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable

from ragfirst.engine.cache import AnalysisCache, rules_fingerprint
from ragfirst.engine.finding_codec import dump_fix, load_fix
from ragfirst.fixes.python_regions import statement_region
from ragfirst.fixes.rule_fixes import is_python
from ragfirst.model import Finding

SCOPE = "fixes:"  # in the cache's key-value table of runs
STATEMENT_FIXES = {"RF401": "captures", "RF303": "rag"}
"""Rules whose Python fix reads the call (python_edits.call_at) and this part of the
finding's data only (rule_fixes._rf401_python, rag_fixes.overlap_fix)."""


class FixCache:
    def __init__(self, cache: AnalysisCache) -> None:
        self.cache = cache
        self._rules: str | None = None

    def attach(
        self, findings: list[Finding], text: str, compute: Callable[[list[Finding], str], None]
    ) -> None:
        """Set each finding's fix as `compute(findings, text)` would, from the cache when
        the same text and findings were fixed before."""
        wanted = [f for f in findings if f.fix is None and not f.suppressed]
        if not wanted:
            return
        key = self._key(wanted, text)
        stored = self.cache.get_run(key)
        if stored is not None:
            try:
                fixes = [load_fix(item) for item in json.loads(stored)]
            except (ValueError, KeyError, TypeError, IndexError):
                fixes = []
            if len(fixes) == len(wanted):
                for finding, fix in zip(wanted, fixes, strict=True):
                    finding.fix = fix
                return
        by_statement = {id(f): k for f in wanted if (k := self._statement_key(f, text)) is not None}
        rest = []
        for finding in wanted:
            stored = self.cache.get_run(by_statement[id(finding)]) if id(finding) in by_statement else None
            try:
                finding.fix = load_fix(json.loads(stored)) if stored is not None else None
            except (ValueError, KeyError, TypeError, IndexError):
                stored = None
            if stored is None:
                rest.append(finding)
        if rest:
            compute(rest, text)
        with contextlib.suppress(TypeError, ValueError):  # a fix JSON cannot carry: not stored
            for finding in rest:
                if id(finding) in by_statement and _from_statement(finding, text):
                    self.cache.put_run(by_statement[id(finding)], json.dumps(dump_fix(finding.fix)))
            self.cache.put_run(key, json.dumps([dump_fix(f.fix) for f in wanted], separators=(",", ":")))

    def _statement_key(self, finding: Finding, text: str) -> str | None:
        """The key of a fix of a Python call by its statement, for the fixers that edit the
        call alone (STATEMENT_FIXES), or None (another rule, a notebook, a call that is not
        its statement's own)."""
        section = STATEMENT_FIXES.get(finding.rule_id)
        if section is None or finding.cell is not None or not is_python(finding.path):
            return None
        span = finding.span
        found = statement_region(text, span.start_line, span.end_line)
        if found is None:
            return None
        source, region = found
        if self._rules is None:
            self._rules = rules_fingerprint()
        facts = json.dumps(finding.data.get(section), sort_keys=True, default=repr)
        read = [finding.rule_id, facts, repr(span), repr(region), source]
        digest = hashlib.sha256(f"{self._rules}\0statement".encode())
        digest.update(("\0" + "\0".join(read)).encode("utf-8", "surrogatepass"))
        return SCOPE + "statement:" + digest.hexdigest()

    def _key(self, findings: list[Finding], text: str) -> str:
        if self._rules is None:
            self._rules = rules_fingerprint()  # the tables some fixes read (built-in only)
        digest = hashlib.sha256(f"{self._rules}\0".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
        for f in findings:
            cell = None if f.cell is None else (f.cell.cell, f.cell.output)
            facts = json.dumps(f.data, sort_keys=True, default=repr)
            part = [f.rule_id, f.path, f.message, f.snippet, repr(f.span), repr(cell), facts]
            digest.update(("\0" + "\0".join(part)).encode("utf-8", "surrogatepass"))
        return SCOPE + digest.hexdigest()


def _from_statement(finding: Finding, text: str) -> bool:
    """Was the fix computed on the call's statement alone (then its key says all it read)?
    Asked after computing it: libcst is imported by then."""
    from ragfirst.fixes.python_edits import call_in_statement

    return call_in_statement(text, finding.span) is not None
