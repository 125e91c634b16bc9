"""`--baseline` / `--write-baseline`: adopt ragfirst on an existing codebase.

Only findings that the baseline does not list are reported; moving code, or editing
other lines, does not make old findings new again.
"""

from __future__ import annotations

import json

import pytest

from .conftest import FINE_TUNE, HYPERPARAMETERS, run, write

BASELINE = ".ragfirst-baseline.json"

LEGACY = """\
from openai import OpenAI

client = OpenAI()
dataset = "file-abc"
client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
"""


def check(capsys, *args: str) -> tuple[int, list[str], str]:
    code, out, err = run(capsys, "check", "--select", "RF101,RF106", "-q", *args)
    return code, out.splitlines(), err


@pytest.fixture
def adopted(project, capsys):
    """A project with one existing finding, recorded in the baseline."""
    write(project, "legacy.py", LEGACY)
    code, out, err = run(
        capsys, "check", "--select", "RF101,RF106", "--write-baseline", "--baseline", BASELINE, "."
    )
    assert (code, out) == (0, "")
    assert err == f"ragfirst: wrote 1 finding(s) to baseline {BASELINE}\n"
    return project


def test_baseline_file_format(adopted):
    payload = json.loads((adopted / BASELINE).read_text())
    assert payload["version"] == 1
    assert payload["tool"] == "ragfirst"
    (entry,) = payload["entries"]
    assert set(entry) == {"rule", "path", "fingerprint"}
    assert (entry["rule"], entry["path"]) == ("RF101", "legacy.py")


def test_baselined_findings_are_not_reported(adopted, capsys):
    code, lines, _ = check(capsys, "--baseline", BASELINE, ".")
    assert (code, lines) == (0, [])
    _, out, _ = run(capsys, "check", "--select", "RF101", "--baseline", BASELINE, ".")
    assert "All checks passed (1 file checked; 1 in baseline)." in out


def test_only_the_new_finding_is_reported_after_edits(adopted, capsys):
    # Lines shifted above the old finding, a variable renamed elsewhere, and one new call.
    edited = LEGACY.replace(
        "from openai import OpenAI\n", '"""Legacy training."""\nimport os\n\nfrom openai import OpenAI\n'
    )
    edited = edited.replace('dataset = "file-abc"', 'training_set = "file-abc"')
    edited += "\n\n" + HYPERPARAMETERS
    write(adopted, "legacy.py", edited)
    code, lines, _ = check(capsys, "--baseline", BASELINE, ".")
    assert code == 1
    new_line = edited.splitlines().index(HYPERPARAMETERS.strip()) + 1
    assert [[*line.split(":")[:2], line.split()[1]] for line in lines] == [
        ["legacy.py", str(new_line), "RF101"],
        ["legacy.py", str(new_line), "RF106"],
    ]
    # Without the baseline the old finding is still there, on its new line.
    _, lines, _ = check(capsys, ".")
    assert len(lines) == 3


def test_a_new_file_with_the_same_code_is_new(adopted, capsys):
    write(adopted, "copy.py", LEGACY)
    code, lines, _ = check(capsys, "--baseline", BASELINE, ".")
    assert code == 1
    assert [line.split(":")[0] for line in lines] == ["copy.py"]


def test_multiplicity_a_duplicated_line_is_reported(adopted, capsys):
    call = LEGACY.splitlines()[-1]
    write(adopted, "legacy.py", LEGACY + call + "\n")
    code, lines, _ = check(capsys, "--baseline", BASELINE, ".")
    assert code == 1
    assert len(lines) == 1 and "RF101" in lines[0]
    # Recording both needs two entries, and then neither is reported.
    run(capsys, "check", "--select", "RF101,RF106", "--write-baseline", "--baseline", BASELINE, ".")
    entries = json.loads((adopted / BASELINE).read_text())["entries"]
    assert len(entries) == 2 and entries[0] == entries[1]
    assert check(capsys, "--baseline", BASELINE, ".")[:2] == (0, [])


def test_fixed_findings_leave_the_baseline_when_it_is_rewritten(adopted, capsys):
    write(adopted, "legacy.py", "print('retrieval instead')\n")
    run(capsys, "check", "--select", "RF101,RF106", "--write-baseline", "--baseline", BASELINE, ".")
    assert json.loads((adopted / BASELINE).read_text())["entries"] == []


def test_output_is_stable_and_sorted(project, capsys):
    write(project, "b.py", FINE_TUNE + HYPERPARAMETERS)
    write(project, "a.py", FINE_TUNE)
    run(capsys, "check", "--select", "RF101,RF106", "--write-baseline", ".")  # default file name
    first = (project / BASELINE).read_bytes()
    entries = json.loads(first)["entries"]
    keys = [(e["rule"], e["path"], e["fingerprint"]) for e in entries]
    assert keys == sorted(keys) and len(keys) == 4
    # Moving code does not change the file: no line numbers, no timestamps.
    write(project, "b.py", "# moved down\n\n" + FINE_TUNE + HYPERPARAMETERS)
    run(capsys, "check", "--select", "RF101,RF106", "--write-baseline", ".")
    assert (project / BASELINE).read_bytes() == first


def test_suppressed_findings_stay_out_of_the_baseline(project, capsys):
    write(
        project,
        "decided.py",
        FINE_TUNE.replace('"file-abc")', '"file-abc")  # ragfirst: ignore[RF101] -- ADR-7'),
    )
    run(capsys, "check", "--select", "RF101", "--write-baseline", ".")
    assert json.loads((project / BASELINE).read_text())["entries"] == []


def test_paths_are_relative_to_the_baseline_file(adopted, capsys, monkeypatch):
    write(adopted, "sub/new.py", FINE_TUNE)
    monkeypatch.chdir(adopted / "sub")
    code, lines, _ = check(capsys, "--baseline", f"../{BASELINE}", "..")
    assert code == 1
    assert [line.split(":")[0] for line in lines] == ["new.py"]  # legacy.py matched from here too


def test_baselined_findings_are_left_out_of_every_format(adopted, capsys):
    for fmt in ("json", "sarif", "github", "junit", "gitlab"):
        code, out, _ = run(capsys, "check", "--select", "RF101", "--format", fmt, "--baseline", BASELINE, ".")
        assert code == 0, fmt
        assert "legacy.py:5" not in out and "line=5" not in out and '"startLine": 5' not in out, fmt


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, f"baseline file {BASELINE} not found; create it with `ragfirst check --write-baseline"),
        ('{"version": 1, "entries": [', f"{BASELINE}:1:28: invalid baseline JSON: Expecting value"),
        ("[]", f"{BASELINE}: not a ragfirst baseline: expected a JSON object"),
        ('{"entries": []}', f"{BASELINE}: not a ragfirst baseline: no 'version' field"),
        ('{"version": 7, "entries": []}', f"{BASELINE}: baseline version 7 is not supported"),
        ('{"version": 1, "entries": {}}', "'entries' must be a list"),
        (
            '{"version": 1, "entries": [{"rule": "RF101", "path": "a.py"}]}',
            "entries[0] has no string 'fingerprint'",
        ),
        (b"\xff\xfe\x00", f"cannot read baseline file {BASELINE}"),
    ],
)
def test_missing_or_corrupt_baseline_is_one_line_exit_two(project, capsys, content, expected):
    write(project, "train.py", FINE_TUNE)
    if content is not None:
        write(project, BASELINE, content)
    code, out, err = run(capsys, "check", "--baseline", BASELINE, ".")
    assert (code, out) == (2, "")
    assert err.startswith("ragfirst: error: ")
    assert expected in err
    assert len(err.strip().splitlines()) == 1


def test_write_baseline_cannot_be_combined_with_diff(project, capsys):
    code, _, err = run(capsys, "check", "--write-baseline", "--diff", "HEAD", ".")
    assert code == 2
    assert "cannot be combined with --diff" in err
