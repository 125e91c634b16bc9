"""Session 9 (issue 26, the memory goal): a large run without a cache forks its pool workers
while discovery runs (engine/early_workers.py), before its heap grows with the plan, the
engines and the first analyses; a worker forked that early builds its own engine, and the
key it builds it from carries the `--select` narrowing. Same findings as one process."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from ragfirst.cli.main import main
from ragfirst.engine import cache as cache_module
from ragfirst.engine import early_workers, parallel, run_snapshot, runner
from ragfirst.engine.engine import Engine
from ragfirst.engine.serialize import dump_analysis
from ragfirst.engine.workspace_load import PARALLEL_MIN_FILES
from ragfirst.rules.loader import load_ruleset

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked early only with fork"
)

TRAIN = "from openai import OpenAI\nclient = OpenAI()\nclient.fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f-{n}')\n"
CHAT = "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"
FILES = PARALLEL_MIN_FILES + 60


def text(n: int) -> str:
    return TRAIN.format(n=n) if n % 5 == 0 else CHAT if n % 5 == 1 else f"VALUE = {n}\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for n in range(FILES):
        folder = tmp_path / f"pkg{n % 4}"
        folder.mkdir(exist_ok=True)
        (folder / f"m{n}.py").write_text(text(n))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(capsys, *args: str) -> list[dict]:
    assert main(["check", "--format", "json", "--exit-zero", "--no-cache", *args, "."]) == 0
    return json.loads(capsys.readouterr().out)["findings"]


def test_the_workers_are_forked_while_discovery_runs_and_do_the_analysis(tree, monkeypatch, capsys):
    events: list[str] = []
    discover, fork_now, claim = runner.discover_files, early_workers.fork_now, early_workers.claim

    def noting_discover(*args, **kwargs):
        for found in discover(*args, **kwargs):
            events.append("found")
            yield found

    def noting_fork(workers, engine=None):
        events.append(f"fork {workers}")
        fork_now(workers, engine)

    def noting_claim(workers):
        pool = claim(workers)
        events.append(f"claimed {workers}" if pool is not None else "none to claim")
        return pool

    monkeypatch.setattr(runner, "discover_files", noting_discover)
    monkeypatch.setattr(early_workers, "fork_now", noting_fork)
    monkeypatch.setattr(early_workers, "claim", noting_claim)
    monkeypatch.setattr(parallel, "CHUNK", 8)  # many chunks: the worker takes some
    pooled = check(capsys, "--jobs", "2")
    # Forked when discovery had found PARALLEL_MIN_FILES files, not after it.
    assert events.index("fork 1") == PARALLEL_MIN_FILES
    assert events.count("found") == FILES
    assert "claimed 1" in events  # the analysis used the early worker, not a pool of its own
    events.clear()
    serial = check(capsys, "--jobs", "1")
    assert "fork 1" not in events  # one process: nothing to fork
    assert len([f for f in serial if f["rule"] == "RF101"]) == FILES // 5
    assert pooled == serial


def test_a_small_run_forks_nothing_early(tmp_path, monkeypatch, capsys):
    for n in range(PARALLEL_MIN_FILES - 1):
        (tmp_path / f"m{n}.py").write_text(text(n))
    monkeypatch.chdir(tmp_path)
    forks: list[int] = []
    monkeypatch.setattr(early_workers, "fork_now", lambda workers, engine=None: forks.append(workers))
    check(capsys, "--jobs", "2")
    assert forks == []


def test_the_run_that_fills_an_empty_cache_forks_early_and_a_warm_one_does_not(
    tree, monkeypatch, capsys, tmp_path_factory
):
    """Session 10: the run that populates a cache analyses every file, as a run without
    one does; forked late, its worker inherited the plan, the engines and the files' keys
    (158 MB on bench corpus a, the largest run of the bench). A warm run forks nothing early."""
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)  # the files were just written
    forks: list[int] = []
    monkeypatch.setattr(early_workers, "fork_now", lambda workers, engine=None: forks.append(workers))
    cache = tmp_path_factory.mktemp("cache")
    cached = ["check", "--format", "json", "--exit-zero", "--cache-dir", str(cache), "--jobs", "2", "."]
    assert main(cached) == 0
    filled = json.loads(capsys.readouterr().out)["findings"]
    assert forks == [1]  # the cache knew none of the files found
    assert main(cached) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == filled
    assert forks == [1]  # warm: nothing forked early
    assert check(capsys, "--jobs", "2") == filled


def test_the_select_narrowing_reaches_a_worker_forked_before_the_engines(monkeypatch):
    """A worker forked early has no engine of the run's: it builds one from the chunk's key.
    Without the narrowing in the key it analysed for every rule (matches of rules the run
    does not report, files parsed that a narrowed engine skips)."""
    full = Engine(load_ruleset())
    narrowed = Engine(full.ruleset, only=frozenset({"RF101"}))
    items = [(f"f{n}.py", text(n).encode(), 1 << 20, frozenset()) for n in range(60)]
    expected = [dump_analysis(a) for a in parallel.analyze_batch(narrowed, items)]
    assert expected != [dump_analysis(a) for a in parallel.analyze_batch(full, items)]  # it narrows
    here: list[int] = []
    batch = parallel.analyze_batch

    def counting_batch(engine, chunk):
        here.append(len(chunk))
        return batch(engine, chunk)

    monkeypatch.setattr(parallel, "analyze_batch", counting_batch)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    monkeypatch.setattr(parallel, "_ENGINES", {})  # nothing inherited
    early_workers.fork_now(1)
    analyses = parallel._pool((), items, 2, narrowed)
    assert early_workers.claim(None) is None  # the analysis took the early worker
    assert sum(here) < len(items)  # the worker analysed some chunks
    assert [dump_analysis(a) for a in analyses] == expected


def _inherited_mark(key):  # (in a worker)
    return getattr(parallel._ENGINES.get(key), "test_mark", None)


def test_a_worker_forked_early_inherits_the_runs_engine(tree, monkeypatch, capsys):
    """The run's process builds its engine before the fork (it needs it moments later):
    the workers inherit it instead of each building the default engine and then, for a
    `--select` run, the narrowed one."""
    engines: list[object] = []
    fork_now = early_workers.fork_now

    def noting_fork(workers, engine=None):
        engines.append(engine)
        fork_now(workers, engine)

    monkeypatch.setattr(early_workers, "fork_now", noting_fork)
    monkeypatch.setattr(parallel, "CHUNK", 8)
    check(capsys, "--select", "RF101", "--jobs", "2")
    ((key, engine),) = engines
    assert key == ((), frozenset({"RF101"})) and engine.only == frozenset({"RF101"})

    marked = Engine(load_ruleset(), only=frozenset({"RF102"}))
    marked.test_mark = "built in the run's process"
    monkeypatch.setattr(parallel, "_ENGINES", {})
    early_workers.fork_now(1, (((), frozenset({"RF102"})), marked))
    pool = early_workers.claim(1)
    try:
        assert (
            pool.submit(_inherited_mark, ((), frozenset({"RF102"}))).result() == "built in the run's process"
        )
    finally:
        pool.shutdown()


def test_a_select_run_with_early_workers_gives_the_findings_of_one_process(tree, monkeypatch, capsys):
    monkeypatch.setattr(parallel, "CHUNK", 8)
    for select in ("RF101", "RF102"):
        serial = check(capsys, "--select", select, "--jobs", "1")
        assert check(capsys, "--select", select, "--jobs", "2") == serial
    assert check(capsys, "--select", "RF101", "--jobs", "2")  # it finds something


def test_an_unclaimed_early_pool_is_shut_down():
    early = early_workers.EarlyWorkers(2)
    early.planned(PARALLEL_MIN_FILES)
    assert early_workers._forked is not None
    pool = early_workers._forked[0]
    early.close()
    assert early_workers._forked is None
    with pytest.raises(RuntimeError):
        pool.submit(int)  # shut down


def test_a_workers_analyses_stay_bytes_until_the_pool_is_done(monkeypatch):
    """The tree's peak is the end of the analysis: the run's process decodes a worker's
    chunks (as objects, several times their bytes) only once the worker has exited."""
    engine = Engine(load_ruleset())
    items = [(f"f{n}.py", text(n).encode(), 1 << 20, frozenset()) for n in range(60)]
    workers_alive: list[int] = []
    load = parallel.load_analysis

    def noting_load(data):
        workers_alive.append(len(multiprocessing.active_children()))
        return load(data)

    monkeypatch.setattr(parallel, "load_analysis", noting_load)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    analyses = parallel._pool((), items, 2, engine)
    assert workers_alive  # the worker analysed some chunks
    assert set(workers_alive) == {0}  # decoded after it exited
    assert [dump_analysis(a) for a in analyses] == [
        dump_analysis(a) for a in parallel.analyze_batch(engine, items)
    ]


def test_workers_forked_for_a_run_its_snapshot_answers_are_shut_down(
    tree, monkeypatch, capsys, tmp_path_factory
):
    """A run with a cache may fork early and then be answered by its last run's snapshot
    (the cache's stat rows judged too recent, the snapshot current): nothing is left running."""
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    monkeypatch.setattr(run_snapshot, "RACY_SECONDS", 0)  # the files were just written
    cache = tmp_path_factory.mktemp("cache")
    # --timings: no run manifest, so the warm run reaches the plan and the snapshot.
    cached = [
        "check",
        "--format",
        "json",
        "--exit-zero",
        "--timings",
        "--cache-dir",
        str(cache),
        "--jobs",
        "2",
        ".",
    ]
    assert main(cached) == 0
    first = capsys.readouterr().out
    answered: list[bool] = []
    answer = runner._Snapshotting.answer

    def noting_answer(self, result):
        answered.append(answer(self, result))
        return answered[-1]

    monkeypatch.setattr(runner._Snapshotting, "answer", noting_answer)
    monkeypatch.setattr(runner, "cache_knows", lambda *args: False)  # fork early all the same
    assert main(cached) == 0
    assert capsys.readouterr().out == first
    assert answered == [True]
    assert early_workers._forked is None  # claimed and shut down, not left waiting
