"""The walk asks the resolver with what its listing already knows (issue 26): the
directory's real path (no realpath per directory) and its names (no probe for a config
name the directory does not hold); the settings are those `for_directory` gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ragfirst.config import settings as settings_module
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.engine.discovery import discover_files
from ragfirst.real_paths import RealDirectories


def _tree(root: Path) -> None:
    for index in range(6):
        (root / f"d{index}" / "inner").mkdir(parents=True)
        (root / f"d{index}" / "inner" / "a.py").write_text("x = 1\n")
    (root / "d2" / "ragfirst.toml").write_text('ignore = ["RF404"]\n')
    (root / "d3" / "pyproject.toml").write_text('[tool.ragfirst]\nignore = ["RF101"]\n')
    (root / "d4" / "pyproject.toml").write_text('[project]\nname = "not ours"\n')
    (root / "d5" / "ragfirst.toml").mkdir()  # a directory of that name is no config


def _walk(root: Path, settings_for) -> list[tuple[str, Path | None]]:
    return [
        (found.path, found.settings.config_path)
        for found in discover_files([root], settings_for, lambda name: name.endswith(".py"))
    ]


@pytest.mark.parametrize("relative", [False, True])
def test_walked_settings_are_for_directorys(tmp_path, monkeypatch, relative):
    _tree(tmp_path)
    (tmp_path / "linked").symlink_to(tmp_path / "d2", target_is_directory=True)
    root = tmp_path
    if relative:
        monkeypatch.chdir(tmp_path)
        root = Path(".")
    resolver = ConfigResolver()
    walked = _walk(root, resolver.for_directory)
    other = ConfigResolver()
    assert walked == _walk(root, lambda directory: other.for_directory(directory))
    configs = {os.path.basename(os.path.dirname(str(c))) for _, c in walked if c is not None}
    assert configs == {"d2", "d3"}
    # A walk started inside a linked directory gets the target's config too.
    assert {c for _, c in _walk(tmp_path / "linked", resolver.for_directory)} == {
        Path(os.path.realpath(tmp_path / "d2")) / "ragfirst.toml"
    }


def test_the_walk_probes_only_listed_config_names_and_resolves_no_directory(tmp_path, monkeypatch):
    _tree(tmp_path)
    probed: list[str] = []
    real_isfile = os.path.isfile

    def counting(path):
        probed.append(path)
        return real_isfile(path)

    monkeypatch.setattr(settings_module.os.path, "isfile", counting)
    resolved: list[str] = []
    real_call = RealDirectories.__call__

    def resolving(self, directory):
        resolved.append(directory)
        return real_call(self, directory)

    monkeypatch.setattr(RealDirectories, "__call__", resolving)
    resolver = ConfigResolver()
    _walk(tmp_path, resolver.for_directory)
    # 13 directories from the root down: before, 3 probes each (39) and a realpath each;
    # the directories above the root, never listed, are probed as before.
    inside = os.path.realpath(tmp_path) + os.sep
    below = sorted(os.path.basename(p) for p in probed if p.startswith(inside))
    assert below == ["pyproject.toml", "pyproject.toml", "ragfirst.toml", "ragfirst.toml"]
    assert resolved == []


def test_an_explicit_config_is_every_walked_directorys(tmp_path):
    _tree(tmp_path)
    config = tmp_path / "team.toml"
    config.write_text('ignore = ["RF501"]\n')
    resolver = ConfigResolver(explicit=config)
    assert {c for _, c in _walk(tmp_path, resolver.for_directory)} == {config}


def test_a_plain_callable_is_still_asked_with_the_walked_path(tmp_path):
    _tree(tmp_path)
    asked: list[Path] = []

    def settings_for(directory: Path) -> Settings:
        asked.append(directory)
        return Settings()

    _walk(tmp_path, settings_for)
    assert tmp_path / "d0" / "inner" in asked and all(isinstance(p, Path) for p in asked)


def test_where_names_ignore_case_the_walk_probes_as_before(tmp_path, monkeypatch):
    """macOS and Windows: `PyProject.toml` in a listing answers a probe for the lower-case
    name, so the listing does not decide there."""
    _tree(tmp_path)
    monkeypatch.setattr(settings_module, "LISTING_DECIDES", False)
    probed: list[str] = []
    real_isfile = os.path.isfile
    monkeypatch.setattr(settings_module.os.path, "isfile", lambda p: probed.append(p) or real_isfile(p))
    walked = _walk(tmp_path, ConfigResolver().for_directory)
    inside = os.path.realpath(tmp_path) + os.sep
    assert len([p for p in probed if p.startswith(inside)]) > 13  # every directory probed
    other = ConfigResolver()
    assert walked == _walk(tmp_path, lambda directory: other.for_directory(directory))
