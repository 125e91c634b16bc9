"""`--output-file` and the baseline are written atomically: all of the new file or none of it."""

from __future__ import annotations

import os
import stat

import pytest

from ragfirst import atomic_write
from ragfirst.atomic_write import write_atomic

from .conftest import FINE_TUNE, run, write


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_new_file_gets_the_umask_default(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "report.json", "{}\n")
    finally:
        os.umask(old)
    assert (tmp_path / "report.json").read_text() == "{}\n"
    assert mode(tmp_path / "report.json") == 0o640
    assert leftovers(tmp_path) == []


def test_existing_permissions_are_kept(tmp_path):
    target = tmp_path / "report.sarif"
    target.write_text("old")
    target.chmod(0o604)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert mode(target) == 0o604


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_original_is_intact_when_the_write_fails(tmp_path, monkeypatch, failing):
    target = tmp_path / "report.sarif"
    target.write_text("original")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_write.os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new content")
    monkeypatch.undo()
    assert target.read_text() == "original"
    assert leftovers(tmp_path) == []


def test_a_symlink_is_refused_not_followed(tmp_path):
    """Issue 25: a planted link must not redirect a write (docs/security.md, promise 7)."""
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(atomic_write.LinkRefused):
        write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "old"


def test_cli_write_failure_is_one_line_exit_two_and_keeps_the_old_report(project, capsys, monkeypatch):
    write(project, "train.py", FINE_TUNE)
    report = write(project, "out/report.json", "previous report")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_write.os, "replace", boom)
    code, out, err = run(capsys, "check", "--format", "json", "--output-file", "out/report.json", ".")
    assert (code, out) == (2, "")
    assert err == "ragfirst: error: cannot write out/report.json: No space left on device\n"
    assert report.read_text() == "previous report"
    assert leftovers(project / "out") == []


def test_cli_text_output_file_has_no_colour(project, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--select", "RF101", "--output-file", "ragfirst.txt", ".")
    assert (code, out) == (1, "")
    text = (project / "ragfirst.txt").read_text()
    assert text.startswith("train.py:4:1: RF101 [warning]")
    assert "\033[" not in text
