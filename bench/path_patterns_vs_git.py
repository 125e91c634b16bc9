"""Config path patterns and .gitignore verdicts compared with git itself (session 11).

For each pattern list, a fresh repository's .gitignore holds the patterns and
`git ls-files --others --ignored --exclude-standard` says which of 13 files git ignores.
ragfirst answers the same question three ways: discovery's walk (each directory asked
before it is entered: `PathPatterns.matches_entry`), a whole path (`PathPatterns.matches`:
per-file-ignores, `--show-settings`), and the .gitignore verdicts of each directory and
the file (engine/gitignore_verdict.py). Prints every difference and the counts: 38
hand-picked lists, then 300 random ones (1-4 patterns of 32 shapes, 40% negated, seed 7).

    python bench/path_patterns_vs_git.py            # this checkout
    PYTHONPATH=/tmp/old/server python bench/path_patterns_vs_git.py   # another build
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pathspec

from ragfirst.config.path_patterns import PathPatterns
from ragfirst.engine.gitignore_verdict import verdict

FILES = [
    "x.py", "keep.py", "build.txt", "a/x.py", "a/keep.py", "a/b/x.py", "a/b/keep.py", "build/x.py",
    "build/keep.py", "build/sub/x.py", "docs/x.py", "docs/keep.py", "src/a/b/x.py", "migrations/x.py",
    "app/migrations/x.py", "x.py.d/y.py", "scripts/x.py", "scripts/sub/x.py", "a/build/x.py",
]  # fmt: skip
HAND_PICKED = [
    ["*/"], ["*"], ["**"], ["**/"], ["a/"], ["a"], ["/a"], ["a/**"], ["a/**/"], ["a/**/x.py"], ["**/b"], ["b/"],
    ["*.py"], ["*.py", "!keep.py"], ["*", "!docs"], ["*", "!docs/"], ["*", "!*/"], ["build/", "!build/keep.py"],
    ["build/**", "!build/keep.py"], ["build/*", "!build/keep.py"], ["/*", "!/a", "/a/*", "!/a/b"],
    ["a/*"], ["scripts/*"], ["src/*.py"], ["*/x.py"], ["*/*/"], ["a/b"], ["x.py/"], ["*.py/"], ["build"],
    ["docs/", "!docs/"], ["**/build/"], ["a/", "!a/keep.py"], ["*", "!*.py"], ["*", "!*/", "!*.py"],
    ["!x.py"], ["a/b/", "!a/"], ["a", "!a/b/"],
]  # fmt: skip
ATOMS = [
    "*/", "*", "**", "**/", "a/", "a", "/a", "a/**", "a/**/", "**/a/**", "**/b", "b/", "*.py", "keep.py",
    "/x.py", "a/b/x.py", "**/*.py", "build/", "build/*", "build/**", "docs", "*/x.py", "*/*/", "a*", "?/",
    "[ab]/", "src/*/", "scripts/*", "**/build/", "a/**/x.py", "x.py.d/", "/*",
]  # fmt: skip


def git_ignored(root: Path, patterns: list[str]) -> set[str]:
    (root / ".gitignore").write_text("\n".join(patterns) + "\n")
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-o", "-i", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return set(listed) - {".gitignore"}


def walked_out(patterns: PathPatterns, path: str) -> bool:
    """What discovery does: each directory from the top is asked before it is entered."""
    parts = path.split("/")
    return any(
        patterns.matches_entry("".join(f"{p}/" for p in parts[:i]), parts[i], i < len(parts) - 1)
        for i in range(len(parts))
    )


def verdict_out(spec: pathspec.GitIgnoreSpec, path: str) -> bool:
    parts = path.split("/")
    return any(verdict(spec, "/".join(parts[:i]), i < len(parts)) for i in range(1, len(parts) + 1))


def compare(root: Path, lists: list[list[str]], label: str) -> None:
    differing: Counter[str] = Counter()
    for patterns in lists:
        git = git_ignored(root, patterns)
        compiled, spec = PathPatterns(tuple(patterns)), pathspec.GitIgnoreSpec.from_lines(patterns)
        answers = {
            "walk": {f for f in FILES if walked_out(compiled, f)},
            "whole path": {f for f in FILES if compiled.matches(f)},
            ".gitignore": {f for f in FILES if verdict_out(spec, f)},
        }
        for how, got in answers.items():
            if got != git:
                differing[how] += 1
                print(f"{label}: {patterns!r}: {how}: extra {sorted(got - git)}, missing {sorted(git - got)}")
    print(f"{label}: {len(lists)} lists; differing from git: {dict(differing) or 'none'}")


def main() -> None:
    rng = random.Random(7)
    randomised = [
        [("!" if rng.random() < 0.4 else "") + rng.choice(ATOMS) for _ in range(rng.randint(1, 4))]
        for _ in range(300)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        for name in FILES:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text("x\n")
        compare(root, HAND_PICKED, "hand-picked")
        compare(root, randomised, "random")


if __name__ == "__main__":
    main()
