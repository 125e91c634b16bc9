"""Session 7 (issue 26): without `--jobs`, the pool starts only for work worth one (its
start costs ~0.5 CPU s: more than a narrowed TypeScript run's whole per-file phase), and
the planning of a run works per directory and per project, not per file. Same analyses,
same order, same findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.engine import parallel, prefetch, project_roots
from ragfirst.engine.engine import Engine
from ragfirst.engine.serialize import dump_analysis
from ragfirst.rules.loader import load_ruleset

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import pool_items
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import pool_items

TRAIN = "from openai import OpenAI\nclient = OpenAI()\nclient.fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f-{n}')\n"


def items(count: int) -> list[tuple[str, bytes, int, frozenset[str]]]:
    return pool_items(count, every=10)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


def dumped(analyses) -> list[dict]:
    return [dump_analysis(analysis) for analysis in analyses]


def test_cheap_work_starts_no_pool(engine, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for cheap work")

    monkeypatch.setattr(parallel, "_pool", no_pool)
    batch = items(300)
    analyses = parallel.analyze_parallel((), batch, 2, engine, adaptive=True)
    assert dumped(analyses) == dumped(parallel.analyze_batch(engine, batch))


def test_work_worth_a_pool_hands_the_rest_to_it(engine, monkeypatch):
    handed: list[int] = []

    def pool(extra_rules, rest, jobs, pool_engine):
        handed.append(len(rest))
        return parallel.analyze_batch(pool_engine, rest)  # (the real pool: test_cache_and_jobs)

    monkeypatch.setattr(parallel, "_pool", pool)
    monkeypatch.setattr(parallel, "POOL_WORTH_CPU_S", 1e-6)  # any work is worth one
    batch = items(300)
    analyses = parallel.analyze_parallel((), batch, 2, engine, adaptive=True)
    assert handed and 0 < handed[0] < 300  # a chunk here, then the rest in the pool
    assert dumped(analyses) == dumped(parallel.analyze_batch(engine, batch))


def test_the_pace_is_judged_on_chunks_spread_over_the_run(engine, monkeypatch):
    """A tree whose first folders cost nothing (an SDK's own package, all skipped) and
    whose last ones are heavy: judged on its first chunks, the run went on alone until
    too late (one bench run in three never started the pool). On a clock that charges
    only the heavy files, the pool takes most of the run."""
    clock = [0.0]
    monkeypatch.setattr(parallel, "_cpu", lambda: clock[0])
    real_batch = parallel.analyze_batch

    def charged(batch_engine, batch):
        clock[0] += 0.05 * sum(1 for item in batch if b"fine_tuning" in item[1])
        return real_batch(batch_engine, batch)

    monkeypatch.setattr(parallel, "analyze_batch", charged)
    handed: list[int] = []

    def pool(extra_rules, rest, jobs, pool_engine):
        handed.append(len(rest))
        return real_batch(pool_engine, rest)

    monkeypatch.setattr(parallel, "_pool", pool)
    cheap = [
        (f"sdk/m{n}.py", f"VALUE = {n}\n".encode(), 1 << 20, frozenset()) for n in range(30 * parallel.CHUNK)
    ]
    heavy = [
        (f"app/t{n}.py", TRAIN.format(n=n).encode(), 1 << 20, frozenset()) for n in range(10 * parallel.CHUNK)
    ]
    batch = cheap + heavy
    analyses = parallel.analyze_parallel((), batch, 2, engine, adaptive=True)
    assert handed and handed[0] > len(batch) * 3 // 4
    assert dumped(analyses) == dumped(real_batch(engine, batch))


def test_the_sampling_order_visits_every_chunk_once_spread_first():
    assert parallel.sampling_order(20) == [
        0,
        3,
        6,
        9,
        12,
        15,
        18,
        1,
        4,
        7,
        10,
        13,
        16,
        19,
        2,
        5,
        8,
        11,
        14,
        17,
    ]
    assert all(sorted(parallel.sampling_order(n)) == list(range(n)) for n in range(100))


def test_an_explicit_jobs_value_always_uses_the_pool(engine, monkeypatch):
    handed: list[int] = []
    monkeypatch.setattr(
        parallel, "_pool", lambda e, rest, j, en: handed.append(len(rest)) or parallel.analyze_batch(en, rest)
    )
    parallel.analyze_parallel((), items(100), 2, engine)
    assert handed == [100]


def make_tree(root: Path, directories: int = 12, per_directory: int = 20) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    for d in range(directories):
        folder = root / f"pkg{d}"
        folder.mkdir()
        for n in range(per_directory):
            text = TRAIN.format(n=n) if n == 0 else f"VALUE = {n}\n"
            (folder / f"m{n}.py").write_text(text)


def test_a_large_cheap_run_gives_the_findings_of_one_process(tmp_path, monkeypatch, capsys):
    """240 small files: enough for the workers forked during discovery, which are then
    used at once (their fork and engine are paid for): sent whole folders while the run
    plans (tests/test_prefetch.py), the pool for what is left. Without them (a warm
    cache's run, the server) the pace is judged first: test_cheap_work_starts_no_pool."""
    make_tree(tmp_path)  # 240 files: enough for a pool by count (PARALLEL_MIN_FILES)
    monkeypatch.chdir(tmp_path)

    def check(*args: str) -> list[dict]:
        assert main(["check", "--format", "json", "--exit-zero", *args, "."]) == 0
        return json.loads(capsys.readouterr().out)["findings"]

    serial = check("--no-cache", "--jobs", "1")
    used: list[str] = []  # what the early workers were given: files while planning, a pool
    real_pool, real_taken = parallel._pool, prefetch.Prefetch.taken
    monkeypatch.setattr(parallel, "_pool", lambda *a: used.append("pool") or real_pool(*a))

    def taken(self, *args):  # type: ignore[no-untyped-def]
        found = real_taken(self, *args)
        if found:
            used.append("sent")
        return found

    monkeypatch.setattr(prefetch.Prefetch, "taken", taken)
    assert check("--no-cache") == serial
    assert used  # the early workers were used
    assert len(serial) >= 12


def test_workers_forked_early_build_the_usual_engine_while_discovery_goes_on():
    """The first chunk finds the rules loaded (0.25 s of the bench corpus's first chunk)."""
    parallel._ENGINES.pop(((), None), None)
    parallel.warm_up()
    engine = parallel._ENGINES[((), None)]
    assert engine.only is None and engine.ruleset.get("RF401") is not None


def test_planning_asks_once_per_directory_and_project(tmp_path, monkeypatch, capsys):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    calls = {"root_of": 0, "is_one_project": 0}
    root_of = project_roots.ProjectRoots.root_of
    is_one = project_roots.ProjectRoots.is_one_project

    def counting_root_of(self, directory, config_root):
        calls["root_of"] += 1
        return root_of(self, directory, config_root)

    def counting_is_one(root):
        calls["is_one_project"] += 1
        return is_one(root)

    monkeypatch.setattr(project_roots.ProjectRoots, "root_of", counting_root_of)
    monkeypatch.setattr(project_roots.ProjectRoots, "is_one_project", staticmethod(counting_is_one))
    assert main(["check", "--format", "json", "--exit-zero", "--no-cache", "--jobs", "1", "."]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert len(findings) >= 12
    assert calls["is_one_project"] == 1  # one project (was: once per file, 241)
    assert calls["root_of"] <= 13 + 2  # a directory's files share it (was: once per file)
