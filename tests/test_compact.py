"""Session 10 (issue 26, the memory goal): a complete analysis's empty fields are one shared
empty list / dict (engine/compact.py), wherever the run gets its analyses from: analysed
here, decoded from a worker, or read back from the cache. Nothing can add to the shared
ones, and everything that reads them sees what it saw before."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from ragfirst.engine import parallel
from ragfirst.engine.cache import AnalysisCache
from ragfirst.engine.compact import EMPTY_DICT, EMPTY_LIST, compact, empty_analysis
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.serialize import dump_analysis, load_analysis
from ragfirst.rules.loader import load_ruleset

LISTS = ("matches", "fact_sites", "suppressions", "local_calls", "project_imports", "used_imports")
TRAIN = (
    b"from openai import OpenAI\nOpenAI().fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f')\n"
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


def items() -> list[parallel.Item]:
    return [("skipped.py", b"VALUE = 1\n", 1 << 20, frozenset()), ("train.py", TRAIN, 1 << 20, frozenset())]


def shares_the_empties(analysis: FileAnalysis) -> bool:
    return all(getattr(analysis, name) is EMPTY_LIST for name in LISTS) and analysis.reexports is EMPTY_DICT


def test_analyses_made_here_share_the_empty_fields(engine):
    skipped, train = parallel.analyze_batch(engine, items())
    assert shares_the_empties(skipped)  # fails when analyze_batch does not compact
    assert train.matches and train.matches is not EMPTY_LIST  # what holds something keeps it
    assert train.suppressions is EMPTY_LIST


def test_analyses_from_a_worker_and_from_the_cache_share_them(engine, tmp_path):
    fresh = [parallel.analyze_batch(engine, [item])[0] for item in items()]
    chunk = pickle.dumps([dump_analysis(a) for a in fresh])
    decoded = parallel._decode(chunk)
    assert shares_the_empties(decoded[0])
    cache = AnalysisCache(tmp_path, "test")
    cache.put_many([("k0", fresh[0]), ("k1", fresh[1])])
    read = cache.get_many(["k0", "k1"])
    cache.close()
    assert shares_the_empties(read["k0"])
    for analysis in (decoded[1], read["k1"]):
        assert dump_analysis(analysis) == dump_analysis(fresh[1])


def test_a_worker_sends_an_empty_analysis_as_its_path_and_parsed(engine):
    """Most of a run's files hold nothing: a worker sends (path, parsed) for them, and the
    run's process rebuilds exactly what the worker had; anything else goes as its dump."""
    broken = FileAnalysis("broken.py", parsed=False)
    broken.suppressions = []
    engine.record_error(broken, "invalid UTF-8", 1, 0)
    deferred = FileAnalysis("via.py")
    deferred.via_project, deferred.deferred_imports = True, ["app.deps:client"]
    probe = FileAnalysis("probe.py")
    probe.spells_needle = True
    summary = FileAnalysis("summary.py", parsed=True)
    summary.summary = {}
    fresh = [*parallel.analyze_batch(engine, items()), broken, deferred, probe, summary]
    fresh.append(FileAnalysis("parsed.py", parsed=True))
    sent = [parallel._sent(analysis) for analysis in fresh]
    assert sent[0] == ("skipped.py", False) and sent[-1] == ("parsed.py", True)
    assert all(isinstance(item, dict) for item in sent[1:-1])  # each holds something
    decoded = parallel._decode(pickle.dumps(sent))
    assert [dump_analysis(a) for a in decoded] == [dump_analysis(a) for a in fresh]
    assert decoded == fresh and shares_the_empties(decoded[0]) and shares_the_empties(decoded[-1])


def test_compacting_changes_nothing_that_reads_an_analysis(engine):
    for plain in (FileAnalysis("empty.py"), engine.analyze("train.py", TRAIN, max_bytes=1 << 20)):
        before = json.dumps(dump_analysis(plain))
        copied = load_analysis(json.loads(before))
        compacted = compact(plain)
        assert json.dumps(dump_analysis(compacted)) == before
        assert compacted == copied  # equal to the uncompacted analysis, field by field
        assert dump_analysis(load_analysis(json.loads(before))) == dump_analysis(compacted)
    assert EMPTY_LIST == [] and EMPTY_DICT == {} and not EMPTY_LIST and not EMPTY_DICT
    assert isinstance(EMPTY_LIST, list) and isinstance(EMPTY_DICT, dict)
    # A copy or a pickle of a compacted analysis shares them too.
    empty = compact(FileAnalysis("x.py"))
    for other in (copy.copy(empty), copy.deepcopy(empty), pickle.loads(pickle.dumps(empty))):
        assert shares_the_empties(other)


def test_nothing_can_add_to_the_shared_empty_fields():
    analysis = compact(FileAnalysis("x.py"))
    for attempt in (
        lambda: analysis.matches.append(1),
        lambda: analysis.fact_sites.extend([1]),
        lambda: analysis.suppressions.insert(0, 1),
        lambda: analysis.local_calls.__setitem__(slice(None), [1]),
        lambda: analysis.used_imports.__iadd__([1]),
        lambda: analysis.reexports.__setitem__("a", ["m", "n"]),
        lambda: analysis.reexports.update(a=["m", "n"]),
        lambda: analysis.reexports.setdefault("a", []),
    ):
        with pytest.raises(TypeError):
            attempt()
    assert EMPTY_LIST == [] and EMPTY_DICT == {}
    fresh = FileAnalysis("y.py")  # a new analysis still gets lists of its own
    fresh.matches.append(1)  # type: ignore[arg-type]
    assert fresh.matches == [1] and FileAnalysis("z.py").matches == []


def test_a_warm_run_rebuilds_empty_analyses_compact():
    for parsed in (False, True):
        built = empty_analysis("x.py", parsed)
        assert built == FileAnalysis("x.py", parsed=parsed)  # the fields in their order
        assert shares_the_empties(built)


def test_a_warm_run_holds_the_compact_empty_analyses(tmp_path, monkeypatch, capsys):
    from ragfirst.cli.main import main
    from ragfirst.engine import cache as cache_module
    from ragfirst.engine import workspace

    (tmp_path / "empty.py").write_text("VALUE = 1\n")
    (tmp_path / "train.py").write_bytes(TRAIN)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)  # the files were just written
    held: dict[str, FileAnalysis] = {}
    load = workspace.analyze_files

    def keeping(planned, *args, **kwargs):
        pending = load(planned, *args, **kwargs)  # (two files: no pool, nothing pending)
        held.update({item.key.id: item.analysis for item in planned})
        return pending

    monkeypatch.setattr(workspace, "analyze_files", keeping)
    argv = ["check", "--format", "json", "--exit-zero", "--cache-dir", str(tmp_path / "cache"), "."]
    reports = []
    for _ in range(2):  # fills the cache, then reads it back
        held.clear()
        main(argv)
        reports.append(capsys.readouterr().out)
        (empty,) = [a for path, a in held.items() if path.endswith("empty.py")]
        assert shares_the_empties(empty)
    assert reports[0] == reports[1]
