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

# ragfirst is installed editable, so its bytecode is not compiled at install time as it is
# for a user's `pip install ragfirst`; with PYTHONDONTWRITEBYTECODE set, every timed run
# would compile ~70 modules again. Compile them once, as the installed package would be.
compile_sources() {
    "$venv/bin/python" -m compileall -q "$repo/server/ragfirst" >/dev/null
}

want="$(inputs_hash)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && "$venv/bin/python" -c "import ragfirst" 2>/dev/null && [ -x "$venv/bin/semgrep" ]; then
    compile_sources
    echo "bench/setup.sh: $venv is up to date"
    exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e "$repo" -r "$bench/requirements.txt"
compile_sources
echo "$want" > "$stamp"
echo "bench/setup.sh: ready: $("$venv/bin/ragfirst" --version), semgrep $("$venv/bin/semgrep" --version --disable-version-check 2>/dev/null || echo '?')"
