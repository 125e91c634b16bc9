"""Session 8 (issue 26, TypeScript speed): lookups that replace scans, equal to them.

- `ModuleSuffixes.named_from` (a relative import's targets from an index of paths by
  stem) gives exactly the candidates `_candidates(base)` names that exist;
- `ModuleSuffixes` builds its indexes on the first question, from the paths as they were
  when it was made (a caller's dict may change later);
- discovery asks the disk for a `.gitignore` only in directories whose listing holds one.
"""

from __future__ import annotations

import pathlib
import random
from pathlib import Path

import pytest

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine import js_link
from ragfirst.engine.discovery import discover_files
from ragfirst.engine.local_modules import MODULE_SUFFIXES, ModuleSuffixes, _candidates, resolve_module

_NAMES = ["index", "openai", "client", "a", "b.d", "lib", "x.m", "index.d", "route"]
_EXTENSIONS = [*MODULE_SUFFIXES, ".d.ts", ".json", "", ".min.js"]


def _random_paths(rng: random.Random, count: int) -> set[str]:
    paths = set()
    for _ in range(count):
        depth = rng.randint(0, 3)
        parts = [rng.choice(_NAMES) for _ in range(depth)]
        paths.add("/".join([*parts, rng.choice(_NAMES) + rng.choice(_EXTENSIONS)]))
    return paths


def _random_base(rng: random.Random, paths: set[str]) -> str:
    path = rng.choice(sorted(paths))
    how = rng.randint(0, 4)
    if how == 0:
        return path  # the file itself (`./openai.ts`)
    if how == 1:
        return path.rsplit(".", 1)[0]  # its stem
    if how == 2:
        return path.rsplit("/", 1)[0] if "/" in path else "."  # its directory (index files)
    if how == 3:
        return path.rsplit(".", 1)[0] + rng.choice([".js", ".jsx", ".mjs", ".cjs"])  # TS's `.js`
    return "/".join(rng.choice(_NAMES) for _ in range(rng.randint(1, 3)))


@pytest.mark.parametrize("seed", range(40))
def test_named_from_is_the_candidate_scan(seed: int) -> None:
    rng = random.Random(seed)
    paths = _random_paths(rng, rng.randint(1, 60))
    suffixes = ModuleSuffixes(paths)
    for _ in range(50):
        base = _random_base(rng, paths)
        assert suffixes.named_from(base) == {c for c in _candidates(base) if c in paths}, base


def test_named_from_tricky_suffixes() -> None:
    paths = {"a.mts", "a.m.ts", "b.d.ts", "b.ts", "dir/index.tsx", "dir.ts", "dir/index.d.ts", "c.js"}
    suffixes = ModuleSuffixes(paths)
    for base in ["a", "a.m", "b", "b.d", "dir", "dir/index", "c", "c.js", "a.js", "dir.js", "nothing"]:
        assert suffixes.named_from(base) == {c for c in _candidates(base) if c in paths}, base
    assert suffixes.named_from("dir") == {"dir.ts", "dir/index.tsx"}
    assert suffixes.named_from("a") == {"a.mts"}
    assert suffixes.named_from("a.m") == {"a.m.ts"}


def test_link_names_relative_imports_as_the_scan_did() -> None:
    rng = random.Random(7)
    paths = {p for p in _random_paths(rng, 200) if p.endswith(MODULE_SUFFIXES)}
    suffixes = ModuleSuffixes(paths)
    for importer in sorted(paths)[:40]:
        for spec in ["./openai", "../lib/client", "./index", "../../a", "./b.d.js", ".", "..", "./lib"]:
            import posixpath

            base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
            expected = {c for c in _candidates(base) if c in paths}
            assert js_link._named(importer, spec, paths, suffixes) == expected


def test_suffixes_are_of_the_paths_when_made() -> None:
    modules = {"app/lib/openai.ts": None, "app/route.ts": None}
    suffixes = ModuleSuffixes(modules)
    modules["other/lib/openai.ts"] = None  # added after: not seen, as when built eagerly
    assert suffixes.ending_in({"lib/openai.ts"}) == {"app/lib/openai.ts"}
    assert suffixes.named_from("app/lib/openai") == {"app/lib/openai.ts"}
    assert resolve_module("app/route.ts", "@/lib/openai", modules, suffixes) == "app/lib/openai.ts"


def test_gitignores_are_looked_for_only_where_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n*.gen.ts\n")
    for folder in ["src", "src/deep", "src/deep/er", "web", "build"]:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / "web" / ".gitignore").write_text("secret.ts\n")
    for name in ["src/a.ts", "src/deep/b.ts", "src/deep/er/c.gen.ts", "web/secret.ts", "web/ok.ts"]:
        (tmp_path / name).write_text("export const x = 1\n")
    (tmp_path / "build" / "out.ts").write_text("export const y = 2\n")
    asked: list[str] = []
    is_file = pathlib.Path.is_file

    def counting(self: pathlib.Path) -> bool:
        if self.name == ".gitignore":
            asked.append(self.parent.name)
        return is_file(self)

    monkeypatch.setattr(pathlib.Path, "is_file", counting)
    resolver = ConfigResolver()
    found = [
        Path(f.path).relative_to(tmp_path).as_posix()
        for f in discover_files([tmp_path], resolver.for_directory, lambda name: name.endswith(".ts"))
    ]
    assert sorted(found) == ["src/a.ts", "src/deep/b.ts", "web/ok.ts"]
    # The root and web/ hold one; src/, src/deep/ and src/deep/er/ were listed without one.
    assert sorted(asked) == sorted([tmp_path.name, "web"])
