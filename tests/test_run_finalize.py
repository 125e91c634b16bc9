"""Each project's findings are made once its link is done (engine/run_finalize.py), not
after every project's; the result is the same, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import record_calls

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine import run_finalize
from ragfirst.engine.runner import lint_paths
from ragfirst.engine.workspace import Workspace

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _findings(result) -> list[tuple]:
    return [(f.rule_id, f.path, f.span.start_line, f.message, f.suppressed) for f in result.findings]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """samples/ twice over: many projects."""
    for copy in ("one", "two"):
        shutil.copytree(SAMPLES, tmp_path / copy)
    return tmp_path


@pytest.mark.parametrize("jobs", [1, 2])
def test_findings_are_those_of_a_finalize_after_every_link(tree, monkeypatch, jobs):
    early = lint_paths([tree], ConfigResolver(), jobs=jobs)
    monkeypatch.setattr(run_finalize.Finalizing, "linked", lambda self, root: None)
    late = lint_paths([tree], ConfigResolver(), jobs=jobs)
    assert _findings(early) == _findings(late)
    assert len(early.findings) > 20


def test_a_project_is_finalized_before_the_next_is_linked(tree, monkeypatch):
    events: list[tuple[str, str]] = []
    relink, findings_for = Workspace._relink, Workspace.findings_for

    def recording_relink(self, state, members):
        events.append(("link", state.root))
        return relink(self, state, members)

    def recording_findings_for(self, key, context):
        events.append(("findings", key.root))  # (one list for both: their order matters)
        return findings_for(self, key, context)

    monkeypatch.setattr(Workspace, "_relink", recording_relink)
    monkeypatch.setattr(Workspace, "findings_for", recording_findings_for)
    lint_paths([tree], ConfigResolver(), jobs=1)
    linked = [root for kind, root in events if kind == "link"]
    finalized = {root for kind, root in events if kind == "findings"}
    assert len(finalized - {linked[-1]}) > 2
    for position, root in enumerate(linked[:-1]):
        if root in finalized:  # its findings, after its link and before the next project's
            findings = events.index(("findings", root))
            assert events.index(("link", root)) < findings < events.index(("link", linked[position + 1]))


def test_timings_count_a_block_in_the_phase_it_is_lent_to(monkeypatch):
    from ragfirst.engine import timings

    clock = [0.0]
    monkeypatch.setattr(timings, "_cpu", lambda: clock[0])
    monkeypatch.setattr(timings.time, "perf_counter", lambda: clock[0])
    with timings.recording() as recording:
        recording._last = (0.0, 0.0)  # (its start was read from the real clocks)
        clock[0] += 1.0
        with timings.within("finalize"):
            clock[0] += 2.0
        clock[0] += 1.0
        timings.mark("link (cross-module)")
        clock[0] += 0.5
        timings.mark("finalize")
    assert recording.phases == {"link (cross-module)": [2.0, 2.0], "finalize": [2.5, 2.5]}


def test_findings_made_during_the_link_are_finalize_time(tree, monkeypatch):
    from ragfirst.engine import timings

    lent = record_calls(monkeypatch, timings, "within")
    with timings.recording() as recording:
        lint_paths([tree], ConfigResolver(), jobs=1)
    assert lent and {phase for (phase,) in lent} == {"finalize"}
    assert list(recording.phases)[-1] == "finalize"  # (its own row, after the link's)


def test_with_a_cache_and_its_snapshot_the_findings_are_those_of_a_late_finalize(tree, tmp_path, monkeypatch):
    """A run that fills the cache, one its snapshot answers, one after an edit (the
    snapshot gives the unchanged files' findings): each equal to a finalize after every
    link, over two scan roots."""
    from ragfirst.engine.cache import AnalysisCache

    roots = [tree / "one", tree / "two" / "rag-app"]

    def run(cache_dir: Path, late: bool) -> list[tuple]:
        if late:
            monkeypatch.setattr(run_finalize.Finalizing, "linked", lambda self, root: None)
        cache = AnalysisCache(cache_dir, namespace="t")
        try:
            return _findings(lint_paths(roots, ConfigResolver(), jobs=1, cache=cache))
        finally:
            cache.close()
            monkeypatch.undo()

    early_dir, late_dir = tmp_path / "early-cache", tmp_path / "late-cache"
    for step in ("fill", "answered", "edited"):
        if step == "edited":
            target = next((tree / "one").rglob("*.py"))
            target.write_text(target.read_text() + "\nEXTRA = 1\n")
        assert run(early_dir, late=False) == run(late_dir, late=True), step
