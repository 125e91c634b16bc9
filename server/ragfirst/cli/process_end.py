"""The end of a `ragfirst check` process: its objects are kept until it exits.

When the run's work is done (analysis, link, fixes), the workspace of every file becomes
garbage held in reference cycles (~140,000 objects on a 7,900-file TypeScript tree). The
next full collection, set off by the report's own allocations, walked and freed them:
~0.06 CPU s of a 1.4 s `--select RF101` run (issue 26, session 8), and without it the
interpreter's collection at exit does the same. Freezing them (`gc.freeze`) moves them out
of every collection: the process exits moments later and the system takes its memory back
at once. The peak is not raised: nothing was freed before the report is written.

Only a process running its own command line freezes (`main()` without `argv`): tests and
other callers that run many checks in one process free each run's objects as before.
"""

from __future__ import annotations

import argparse
import gc

OWN_PROCESS = "_ends_process"
"""The argparse attribute `main()` sets when the check is the process's own command line."""


def mark_own_process(args: argparse.Namespace) -> None:
    setattr(args, OWN_PROCESS, True)


def ends_process(args: argparse.Namespace) -> bool:
    """Does the process exit after this check (its own command line)?"""
    return getattr(args, OWN_PROCESS, False)


def keep_until_exit(args: argparse.Namespace) -> None:
    """After the run's work, before the report: the objects so far are never walked again."""
    if ends_process(args):
        gc.freeze()
