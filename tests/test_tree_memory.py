"""Session 8 (issue 26 item 5): the memory of a run's process tree. With `--jobs N` the run's
own process analyses too, beside N - 1 forked workers (each worker's resident size counts
the ~55 MB it inherits at fork: one fewer is the largest cut); without a cache no file's
bytes are read before it is analysed (`--jobs 1` held every file's bytes at once). Same
analyses, same order, same findings."""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing

import pytest

from ragfirst.cli.main import main
from ragfirst.engine import engine as engine_module
from ragfirst.engine import parallel
from ragfirst.engine.engine import Engine
from ragfirst.engine.serialize import dump_analysis
from ragfirst.rules.loader import load_ruleset

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import pool_items
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import pool_items

TRAIN = "from openai import OpenAI\nclient = OpenAI()\nclient.fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f-{n}')\n"

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="the run's process shares the work only with fork",
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


def items(count: int) -> list[tuple[str, bytes, int, frozenset[str]]]:
    return pool_items(count, every=3)


@needs_fork
def test_the_runs_process_analyses_beside_one_worker_fewer(engine, monkeypatch):
    workers: list[int | None] = []
    here: list[int] = []  # chunks analysed in this process (a worker's calls stay in the worker)

    class Counting(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers=None, **kwargs):
            workers.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)

    batch = parallel.analyze_batch

    def counting_batch(engine_, chunk):
        here.append(len(chunk))
        return batch(engine_, chunk)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(parallel, "analyze_batch", counting_batch)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    work = items(60)
    analyses = parallel._pool((), work, 2, engine)
    assert workers == [1]  # --jobs 2: this process and one worker
    assert 0 < sum(here) < len(work)  # both analysed some of the 30 chunks
    expected = [dump_analysis(a) for a in batch(engine, work)]
    assert [dump_analysis(a) for a in analyses] == expected  # same analyses, same order


def test_one_process_reads_each_file_when_it_analyses_it(tmp_path, monkeypatch, capsys):
    for n in range(40):
        (tmp_path / f"m{n}.py").write_text(TRAIN.format(n=n) if n % 4 == 0 else f"VALUE = {n}\n")
    monkeypatch.chdir(tmp_path)
    reads_before: list[int] = []  # files read when each analysis began
    read, analyze = engine_module.read_file_bytes, Engine.analyze
    count = [0]

    def counting_read(path, limit):
        count[0] += 1
        return read(path, limit)

    def noting_analyze(self, path, data, *args, **kwargs):
        reads_before.append(count[0])
        return analyze(self, path, data, *args, **kwargs)

    monkeypatch.setattr(parallel, "read_file_bytes", counting_read)
    monkeypatch.setattr("ragfirst.engine.workspace_load.read_file_bytes", counting_read)
    monkeypatch.setattr(Engine, "analyze", noting_analyze)
    assert main(["check", "--format", "json", "--exit-zero", "--no-cache", "--jobs", "1", "."]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert len([f for f in findings if f["rule"] == "RF101"]) == 10
    # The n-th analysis began after n reads (it was 40: every file read before the first).
    assert reads_before[:40] == list(range(1, 41))


def test_jobs_two_gives_the_findings_of_one_process(tmp_path, monkeypatch, capsys):
    for d in range(3):
        folder = tmp_path / f"pkg{d}"
        folder.mkdir()
        for n in range(70):
            text = TRAIN.format(n=n) if n % 7 == 0 else f"from pkg{d}.m0 import client\nVALUE = {n}\n"
            (folder / f"m{n}.py").write_text(text)
    monkeypatch.chdir(tmp_path)

    def check(*args: str) -> list[dict]:
        assert main(["check", "--format", "json", "--exit-zero", "--no-cache", *args, "."]) == 0
        return json.loads(capsys.readouterr().out)["findings"]

    serial = check("--jobs", "1")
    assert len(serial) >= 30
    assert check("--jobs", "2") == serial
    assert check("--jobs", "3") == serial


def test_the_bench_reports_the_memory_goal():
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from rss_goal import goal

    def row(name: str, mb: float) -> SimpleNamespace:
        return SimpleNamespace(name=name, available=True, peak_rss_mb=mb)

    cold = row("ragfirst check, cold (--no-cache)", 142.0)
    held = goal(
        [cold, row("ragfirst check, cold, 2x corpus", 186.0), row("ragfirst check, cold, 4x corpus", 262.0)]
    )
    assert held["holds"] is True and held["measured"] == {"1x_mb": 142.0, "4x_mb": 262.0, "4x_over_1x": 1.85}
    assert goal([row("ragfirst check, cold (--no-cache)", 190.0)])["holds"] is False
    assert goal([cold, row("ragfirst check, cold, 4x corpus", 600.0)])["holds"] is False  # linear or worse
    assert goal([])["holds"] is None


def failing_chunk(key, chunk):
    raise ValueError("a worker's chunk failed")


@needs_fork
def test_a_workers_error_ends_the_run_instead_of_hanging(engine, monkeypatch):
    monkeypatch.setattr(parallel, "_analyze_chunk", failing_chunk)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    with pytest.raises(ValueError, match="a worker's chunk failed"):
        parallel._pool((), items(20), 2, engine)


def test_chunks_are_handed_out_once_each_in_order():
    from concurrent.futures import Future

    from ragfirst.engine.pool_share import AHEAD, Handout

    submitted: list[int] = []
    pending: list[Future] = []

    def submit(pool, index):
        submitted.append(index)
        future: Future = Future()
        pending.append(future)
        return future

    handout = Handout(None, 10, submit)  # type: ignore[arg-type]
    handout.start(1)
    assert submitted == list(range(AHEAD))
    assert handout.take(here=True) == AHEAD  # the run's own process takes the next
    pending[0].set_result(["x"])  # a worker's chunk is done: it is given the next at once
    assert submitted == [*range(AHEAD), AHEAD + 1]
    assert [index for index, _ in handout.finished()] == [0]
    assert handout.finished() == []  # collected once
    while handout.take(here=True) is not None:
        pass
    for future in list(pending):
        if not future.done():
            future.set_result([])
    assert sorted(index for index, _ in handout.finished(final=True)) == [1, AHEAD + 1]
    assert handout.finished(final=True) == []  # every chunk done and collected
