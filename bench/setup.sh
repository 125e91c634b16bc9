#!/usr/bin/env bash
# Create (or refresh) the bench's own venv, bench/.venv: `pip install -e . semgrep`,
# with semgrep pinned in bench/requirements.txt. Idempotent: a stamp file records the
# hash of the inputs, so a second run with nothing changed does nothing.
#
#   bash bench/setup.sh          # from the repository root (make bench does this)
#   PYTHON=python3.12 bash bench/setup.sh
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$bench/.." && pwd)"
venv="$bench/.venv"
stamp="$venv/.bench-stamp"
python="${PYTHON:-python3}"

inputs_hash() {
    cat "$repo/pyproject.toml" "$bench/requirements.txt" | sha256sum | cut -d' ' -f1
}

want="$(inputs_hash)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && "$venv/bin/python" -c "import ragfirst" 2>/dev/null && [ -x "$venv/bin/semgrep" ]; then
    echo "bench/setup.sh: $venv is up to date"
    exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e "$repo" -r "$bench/requirements.txt"
echo "$want" > "$stamp"
echo "bench/setup.sh: ready: $("$venv/bin/ragfirst" --version), semgrep $("$venv/bin/semgrep" --version --disable-version-check 2>/dev/null || echo '?')"
