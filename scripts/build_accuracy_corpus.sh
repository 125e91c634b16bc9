#!/usr/bin/env bash
# Rebuild the real-code corpus of docs/accuracy.md from scripts/accuracy_corpus.txt.
#   scripts/build_accuracy_corpus.sh [CORPUS_DIR]      (default /tmp/corpus)
# Each repository is exported at its recorded commit into CORPUS_DIR/<name>. A local git
# mirror is used when one exists ($MIRRORS/<owner>+<repo>/repo, as the fetch tool leaves
# them); otherwise the repository is cloned from GitHub (blobs fetched lazily).
set -euo pipefail
corpus=${1:-/tmp/corpus}
mirrors=${MIRRORS:-/work/.mirror}
list="$(dirname "$0")/accuracy_corpus.txt"
mkdir -p "$corpus"
grep -v '^#' "$list" | while read -r name _kind repo commit; do
  [ -n "$name" ] || continue
  target="$corpus/$name"
  if [ -d "$target" ]; then echo "have $name"; continue; fi
  gitdir="$mirrors/${repo/\//+}/repo"
  if [ ! -d "$gitdir" ]; then
    gitdir="$corpus/.git-$name"
    [ -d "$gitdir" ] || git clone --quiet --bare --filter=blob:none "https://github.com/$repo" "$gitdir"
  fi
  mkdir -p "$target"
  echo "$name: $(python3 "$(dirname "$0")/export_git_tree.py" "$gitdir" "$commit" "$target")"
  # A user's clone is a git repository: its root bounds the project (own-package policy).
  git -C "$target" init --quiet
done
