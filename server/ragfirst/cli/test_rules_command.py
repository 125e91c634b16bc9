"""`ragfirst test-rules PATH...`: run every example of the rule packs at PATH, as
`semgrep --test` and `fixit test` do. Exit 0 when all behave as declared, 1 otherwise
(one line per failure, with the example's place in its pack), 2 for a broken pack."""

from __future__ import annotations

import argparse
import sys

from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ragfirst.reporters.terminal_text import escape_controls
from ragfirst.rules.rule_tests import run_rule_tests


def run_test_rules(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        sys.stderr.write(
            f"ragfirst: error: no such file or directory: {escape_controls(', '.join(missing))}\n"
        )
        return EXIT_ERROR
    run = run_rule_tests(list(args.paths))
    failures = run.failures or []
    for failure in failures:
        sys.stdout.write(escape_controls(str(failure), keep_newlines=True) + "\n")
    if not run.rules:
        sys.stderr.write("ragfirst: error: no rules found in the given packs\n")
        return EXIT_ERROR
    verdict = "all passed" if not failures else f"{len(failures)} failed"
    sys.stdout.write(f"Tested {run.examples} example(s) of {run.rules} rule(s): {verdict}\n")
    return EXIT_FINDINGS if failures else EXIT_CLEAN
