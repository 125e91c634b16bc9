"""The fixes a report shows, cached by the file's text and the findings they fix.

The text report's `[*]` marks, JSON and SARIF carry each finding's fix, computed from the
file as it is now. For Python that parses the file with libcst, for a notebook it reads the
notebook's JSON again per fix: on a notebook-heavy repository, most of a warm run. A fix
depends only on the text it edits, the finding (rule, place, message, facts, line) and
ragfirst with its tables, so the fixes of one file are stored under a digest of those and
reused while they stay the same (a file that changed, or whose findings did, is a miss).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable

from ragfirst.engine.cache import AnalysisCache, rules_fingerprint
from ragfirst.engine.finding_codec import dump_fix, load_fix
from ragfirst.model import Finding

SCOPE = "fixes:"  # in the cache's key-value table of runs


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
        compute(wanted, text)
        with contextlib.suppress(TypeError, ValueError):  # a fix JSON cannot carry: not stored
            self.cache.put_run(key, json.dumps([dump_fix(f.fix) for f in wanted], separators=(",", ":")))

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
