"""A config or .gitignore that is a regular file, read within its own directory, is read
without resolving its path (safe_read.py: two `realpath` walks per config spared), and a
file swapped for a link after the check is still refused; the walk resolves a config's
root from its own listing (engine/discovery.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import record_calls
from ragfirst import safe_read
from ragfirst.engine import discovery
from ragfirst.safe_read import ReadRefused, read_capped


def _no_realpath(monkeypatch) -> list[tuple[object, ...]]:
    """The paths resolved with `os.path.realpath` (safe_read's and discovery's)."""
    return record_calls(monkeypatch, safe_read.os.path, "realpath")


def test_a_regular_file_in_its_own_directory_is_read_without_resolving(tmp_path, monkeypatch):
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.ragfirst]\n")
    resolved = _no_realpath(monkeypatch)
    assert read_capped(config, 1024) == b"[tool.ragfirst]\n"
    assert read_capped(config, 1024, inside=tmp_path) == b"[tool.ragfirst]\n"
    assert resolved == []


@pytest.mark.parametrize("how", ["link inside", "dotdot", "another inside"])
def test_other_reads_are_checked_the_long_way(tmp_path, monkeypatch, how):
    (tmp_path / "sub").mkdir()
    target = tmp_path / "real.toml"
    target.write_text("x = 1\n")
    if how == "link inside":
        path, inside = tmp_path / "link.toml", None
        path.symlink_to(target)
    elif how == "dotdot":
        path, inside = tmp_path / "sub" / ".." / "real.toml", None
    else:
        path, inside = target, tmp_path.parent
    resolved = _no_realpath(monkeypatch)
    assert read_capped(path, 1024, inside=inside) == b"x = 1\n"
    assert resolved  # resolved and checked


def test_a_link_out_of_the_directory_is_still_refused(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("token\n")
    (tmp_path / "repo").mkdir()
    link = tmp_path / "repo" / "pyproject.toml"
    link.symlink_to(outside)
    with pytest.raises(ReadRefused):
        read_capped(link, 1024)


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="no O_NOFOLLOW here")
def test_a_file_swapped_for_a_link_after_the_check_is_not_followed(tmp_path, monkeypatch):
    outside = tmp_path / "secret.txt"
    outside.write_text("token\n")
    (tmp_path / "repo").mkdir()
    link = tmp_path / "repo" / "pyproject.toml"
    link.symlink_to(outside)
    monkeypatch.setattr(safe_read, "_plain_file_in", lambda path, inside: True)  # as if it had been a file
    with pytest.raises(OSError):
        read_capped(link, 1024)


def test_the_walk_resolves_only_its_root_for_configs_it_listed(tmp_path, monkeypatch):
    """Configs in twelve project folders: each config root's real path comes from the walk's
    own listing, equal to what `realpath` gives, also under a linked scan root."""
    tree = tmp_path / "tree"
    for index in range(12):
        project = tree / f"p{index}"
        project.mkdir(parents=True)
        (project / "pyproject.toml").write_text('[tool.ragfirst]\nexclude = ["build"]\n')
        (project / "app.py").write_text("x = 1\n")
    linked = tmp_path / "linked"
    linked.symlink_to(tree)
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.discovery import discover_files

    resolved = _no_realpath(monkeypatch)  # (discovery's `os.path` is the same module)
    for root in (tree, linked):
        resolved.clear()
        found = list(
            discover_files([root], ConfigResolver().for_directory, lambda name: name.endswith(".py"))
        )
        assert len(found) == 12
        assert len(resolved) <= 1  # the scan root's own
    assert discovery._real_root(Path(linked / "p3"), {}) == str(tree / "p3")  # the long way agrees
