"""Export one commit of a git directory into a folder, skipping blobs the mirror lacks.

`git archive` stops at the first missing object; snapshot mirrors may leave the largest
files out. Used by build_accuracy_corpus.sh; prints how many files were left out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(gitdir: str, commit: str, target: str) -> int:
    git = ["git", f"--git-dir={gitdir}"]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":  # links are left out (they may point anywhere)
            entries.append((sha.decode(), path.decode("utf-8", errors="surrogateescape")))
    batch = subprocess.Popen([*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    missing = 0
    root = Path(target)
    for sha, path in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after the object
        destination = root / path
        if ".." in Path(path).parts:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
    batch.stdin.close()
    batch.wait()
    print(f"{len(entries) - missing} files, {missing} missing from the mirror")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
