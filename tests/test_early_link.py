"""The link of a run starts while its pool still analyses (engine/early_link.py): the link
asks the pool for each file's analysis (made here if its chunk is not handed out yet), the
findings are those of one process, the cache is filled as before, and a link that fails
stops the pool instead of waiting for it."""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import Future
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine import parallel, runner, timings, workspace, workspace_load
from ragfirst.engine.engine import Engine
from ragfirst.engine.pool_share import Handout
from ragfirst.engine.runner import lint_paths
from ragfirst.engine.serialize import dump_analysis
from ragfirst.rules.loader import load_ruleset

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import pool_items
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import pool_items

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="the run's process shares the pool's work (and links meanwhile) only with fork",
)

DEPS = "from openai import OpenAI\n\nclient = OpenAI()\n"
USER = "from app.deps import client\n\nclient.chat.completions.create(model='gpt-4o-mini', messages=[])\n"
TRAIN = "from openai import OpenAI\nOpenAI().fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f-{n}')\n"


def make_app(root: Path, folders: int = 8, per_folder: int = 40) -> None:
    """A project whose uncapped calls use a client made in a shared module (found only by
    the link), its users spread over the plan and the module near its end."""
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "deps.py").write_text(DEPS)
    for d in range(folders):
        folder = app / f"part{d}"
        folder.mkdir()
        for n in range(per_folder):
            text = USER if n % 10 == 0 else TRAIN.format(n=n) if n % 10 == 5 else f"VALUE = {n}\n"
            (folder / f"m{n:02}.py").write_text(text)


def check(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, str, int]]:
    assert main(["check", "--format", "json", "--exit-zero", *args]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    return sorted((f["path"], f["rule"], f["start"]["line"]) for f in findings)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The items whose analyses the link asked a running pool for."""
    found: list[int] = []
    real = parallel.PoolRun.analysis

    def analysis(self, index):  # type: ignore[no-untyped-def]
        found.append(index)
        return real(self, index)

    monkeypatch.setattr(parallel.PoolRun, "analysis", analysis)
    return found


def test_a_link_that_starts_before_the_pool_is_done_finds_what_one_process_finds(
    tmp_path, monkeypatch, capsys, asked
):
    make_app(tmp_path)  # 321 files: a pool, and the link reads what it has not given yet
    monkeypatch.chdir(tmp_path)
    serial = check(capsys, "--no-cache", "--jobs", "1", ".")
    assert not asked  # one process: no pool to ask
    linked = [path for path, rule, _ in serial if rule == "RF401"]  # the shared client's calls
    assert len(linked) == 8 * 4 and all(path.endswith("0.py") for path in linked)
    assert check(capsys, "--no-cache", "--jobs", "2", ".") == serial
    assert asked and len(asked) == len(set(asked))  # read by the link from the pool, each once


def test_the_pool_analyses_the_projects_in_the_order_the_link_takes_them(tmp_path, monkeypatch, capsys):
    """A project whose folders the plan meets before and after another project's (corpus
    b: the wheels' sources, then the samples' projects, then wheels named after them): the
    pool's chunks hold one project's files, then the next's, as the link asks for them;
    the run's process had analysed the last project chunks itself, out of order."""
    make_app(tmp_path)
    (tmp_path / "app" / "zz").mkdir()
    for n in range(40):  # the first project again, after the nested one
        (tmp_path / "app" / "zz" / f"late{n:02}.py").write_text(USER if n % 10 == 0 else f"LATE = {n}\n")
    nested = tmp_path / "app" / "part3" / "service"  # a project of its own, inside the first
    nested.mkdir()
    (nested / "pyproject.toml").write_text("[project]\nname = 'service'\n")
    for n in range(40):
        (nested / f"s{n:02}.py").write_text(TRAIN.format(n=n) if n % 4 == 0 else f"S = {n}\n")
    monkeypatch.chdir(tmp_path)
    serial = check(capsys, "--no-cache", "--jobs", "1", ".")
    pooled: list[list[str]] = []
    real_start = workspace_load.start_pool

    def start_pool(extra_rules, items, *args):  # type: ignore[no-untyped-def]
        pooled.append([str(data) for _, data, _, _ in items])
        return real_start(extra_rules, items, *args)

    monkeypatch.setattr(workspace_load, "start_pool", start_pool)
    assert check(capsys, "--no-cache", "--jobs", "2", ".") == serial
    (paths,) = pooled
    in_service = ["service" in Path(path).parts for path in paths]
    assert any(in_service) and any(path.endswith(".py") and "zz" in path for path in paths)
    assert in_service == sorted(in_service)  # the first project's files, then the service's


def test_the_timings_say_that_analysis_and_link_overlapped(tmp_path, monkeypatch, capsys):
    make_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--jobs", "2", "--timings", "--exit-zero", "."]) == 0
    table = capsys.readouterr().err
    assert "read, analyse and link" in table and "link (cross-module)" not in table
    # the link's share of the phase: what its process spent analysing chunks or waiting
    spent = {
        line.rsplit(None, 1)[0].strip(): int(line.rsplit(None, 1)[1])
        for line in table.splitlines()
        if "ms the link's process" in line
    }
    assert set(spent) == {
        "read, analyse and link: ms the link's process analysed chunks",
        "read, analyse and link: ms the link's process waited for a worker",
    }
    assert all(value >= 0 for value in spent.values())
    assert main(["check", "--no-cache", "--jobs", "1", "--timings", "--exit-zero", "."]) == 0
    table = capsys.readouterr().err
    assert "read and analyse" in table and "link (cross-module)" in table


def test_the_workers_cpu_is_counted_in_the_phase_that_used_it(tmp_path, monkeypatch, capsys):
    """`os.times` counts a worker's CPU once it is waited for: `--timings` waits for the
    released workers at the end of the phase the pool ends in, not whenever the executor's
    thread reaps them (it was often in "finalize")."""
    import os

    from ragfirst.engine import timings

    make_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    children: dict[str, float] = {}
    original = timings.Recording.mark

    def mark(self, phase):  # type: ignore[no-untyped-def]
        times = os.times()
        children[phase] = times.children_user + times.children_system
        return original(self, phase)

    monkeypatch.setattr(timings.Recording, "mark", mark)
    assert main(["check", "--no-cache", "--jobs", "2", "--timings", "--exit-zero", "."]) == 0
    capsys.readouterr()
    assert children["read, analyse and link"] > 0  # a worker ran, and was waited for
    assert children["report and exit"] == children["read, analyse and link"]


def test_a_run_that_fills_the_cache_while_linking_stores_every_analysis(tmp_path, monkeypatch, capsys, asked):
    make_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    serial = check(capsys, "--no-cache", "--jobs", "1", ".")
    cache = tmp_path / "cache"
    assert check(capsys, "--cache-dir", str(cache), "--jobs", "2", ".") == serial
    assert asked  # the empty cache: workers forked early, the link read from their pool
    asked.clear()
    (tmp_path / "app" / "part0" / "m01.py").write_text("VALUE = 'changed'\n")  # the snapshot misses
    assert check(capsys, "--cache-dir", str(cache), "--jobs", "2", ".") == serial
    assert not asked  # every other analysis came from the cache: no pool


def test_a_link_that_fails_stops_the_pool_without_waiting_for_it(tmp_path, monkeypatch):
    make_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    closed: list[bool] = []
    real_close = parallel.PoolRun.close
    monkeypatch.setattr(parallel.PoolRun, "close", lambda self: closed.append(True) or real_close(self))
    finished: list[bool] = []
    monkeypatch.setattr(parallel.PoolRun, "finish", lambda self: finished.append(True) or [])

    def failing_link(analyses, *args, **kwargs):  # type: ignore[no-untyped-def]
        next(iter(analyses.values()))  # one file read from the pool
        raise RuntimeError("the link failed")

    monkeypatch.setattr(workspace, "link_project", failing_link)
    with pytest.raises(RuntimeError, match="the link failed"):
        lint_paths([Path(".")], ConfigResolver(), jobs=2)
    assert closed == [True] and not finished


def test_a_worker_that_dies_costs_the_run_its_speed_not_its_findings(tmp_path, monkeypatch, capsys):
    """A worker killed while the link runs (for its memory, or a crash in a C extension):
    its chunk and every later one are analysed by the run's own process (here the worker
    dies on its first chunk of the project's files)."""
    make_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    serial = check(capsys, "--no-cache", "--jobs", "1", ".")
    monkeypatch.setattr(parallel, "_analyze_chunk", _dying)
    monkeypatch.setattr(runner, "start_prefetch", lambda *args: None)  # every chunk: the pool's
    assert check(capsys, "--no-cache", "--jobs", "2", ".") == serial


_ANALYZE_CHUNK = parallel._analyze_chunk


def _dying(key, items):  # type: ignore[no-untyped-def]
    """A worker's chunk that kills its worker when it holds a file of the project (module
    level: the pool sends the function by name; the engine's warm-up still runs)."""
    if any(display.startswith("app/") for display, *_ in items):
        os._exit(9)  # (in the worker: a fork of this test)
    return _ANALYZE_CHUNK(key, items)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


def items(count: int) -> list[tuple[str, bytes, int, frozenset[str]]]:
    return pool_items(count, every=7)


def test_a_pool_run_gives_analyses_in_any_order_and_all_of_them_in_order(engine):
    batch = items(parallel.CHUNK * 6 + 5)
    expected = [dump_analysis(a) for a in parallel.analyze_batch(engine, batch)]
    run = parallel.PoolRun((), batch, 2, engine)
    order = [len(batch) - 1, 0, parallel.CHUNK * 3 + 1, 1, parallel.CHUNK * 2]
    seen = {index: run.analysis(index) for index in order}
    everything = run.finish()
    assert [dump_analysis(a) for a in everything] == expected
    assert all(everything[index] is analysis for index, analysis in seen.items())  # the same objects


def test_a_pool_whose_analysis_no_link_reads_reports_no_link_share(engine):
    """`--timings`' link share is the overlapped load's: a pool run on its own (the
    server's index, a load that could not start early) adds no such line."""
    with timings.recording() as recorded:
        parallel._pool((), items(parallel.CHUNK * 3), 2, engine)
    assert not any("link's process" in name for name in recorded.counts)


def test_a_chunk_the_run_needs_first_is_claimed_out_of_order(engine, monkeypatch):
    """With no chunk handed to the worker, each one asked is analysed here, where asked."""
    monkeypatch.setattr(Handout, "start", lambda self, workers: None)
    batch = items(parallel.CHUNK * 4)
    run = parallel.PoolRun((), batch, 2, engine)
    last = run.analysis(len(batch) - 1)
    assert run.handout.claimed == {3} and run.done[0] is None
    assert dump_analysis(last) == dump_analysis(parallel.analyze_batch(engine, batch[-1:])[0])
    assert len(run.finish()) == len(batch) and run.handout.mine == 4


def test_the_workers_go_once_nothing_is_left_for_them(engine):
    """The link's last reads need no worker: the pool is shut down before the link ends
    (its processes are no part of the tree's peak, at the end of the link)."""
    batch = items(parallel.CHUNK * 3)
    run = parallel.PoolRun((), batch, 2, engine)
    for index in range(len(batch) - 1):
        run.analysis(index)
    run.analysis(len(batch) - 1)  # the last chunk: every chunk is now taken and collected
    assert run.released
    assert len(run.finish()) == len(batch)


def test_the_handout_skips_claimed_chunks_and_refuses_handed_ones():
    submitted: list[int] = []

    def submit(pool, index):  # type: ignore[no-untyped-def]
        submitted.append(index)
        return Future()

    handout = Handout(None, 5, submit)  # type: ignore[arg-type]
    assert handout.claim(1) and not handout.claim(1)
    handout.start(1)  # two chunks ahead: 0 and 2 (1 is claimed)
    assert submitted == [0, 2]
    assert not handout.claim(0) and not handout.claim(2)  # handed to the worker
    assert handout.worker_future(2) is not None and handout.worker_future(1) is None
    assert handout.take(here=True) == 3 and handout.claim(4)
    assert handout.take(here=True) is None and handout.mine == 3


def test_a_broken_pool_is_handed_nothing_more(caplog):
    """A pool that refuses work (broken: a worker died) gets one chunk's refusal, not a
    chain of refusals one callback deeper each (thousands of chunks ran out of stack)."""

    def refuse(pool, index):  # type: ignore[no-untyped-def]
        raise RuntimeError("the pool is broken")

    handout = Handout(None, 5000, refuse)  # type: ignore[arg-type]
    handout.start(1)
    assert len(handout.handed) == 2  # the two chunks ahead, each refused once
    assert all(future.exception() is not None for future in handout.handed.values())
    assert "exception calling callback" not in caplog.text
    assert handout.take(here=True) == 2  # the rest: the run's own process takes them
