#!/usr/bin/env bash
# Prove that a plain `pip install .` (a wheel, not an editable install) works: the console
# script runs, built-in rules and docs are found inside the package, samples are linted.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$repo"
cd "$work"   # away from the checkout, so nothing can be found there by accident
set +e
"$work/venv/bin/ragfirst" check "$repo/samples" --format json > out.json
status=$?
set -e
if [ "$status" -ne 1 ]; then echo "install-check: expected exit 1 (findings), got $status"; exit 1; fi
"$work/venv/bin/python" - "$work/out.json" <<'PY'
import json, sys, urllib.parse, pathlib
report = json.load(open(sys.argv[1]))
rules = {f["rule"] for f in report["findings"]}
assert {"RF101", "RF103", "RF104", "RF105", "RF106"} <= rules, rules
# JSON is a CI format: it carries only http(s) guide links (a file:// link into a runner's
# site-packages is useless elsewhere). The guide pages of the findings' rules must still be
# inside the installed package, with the anchors the rules name.
from ragfirst.config.settings import Settings
from ragfirst.engine.runner import EngineCache
from ragfirst.markdown_anchors import anchors
assert all(not f.get("guide", "").startswith("file:") for f in report["findings"])
settings = Settings()
engine = EngineCache().for_settings(settings)
for rule_id in sorted(rules):
    link = engine.guide_url(engine.ruleset.get(rule_id), settings)
    url = urllib.parse.urlparse(link)
    page = pathlib.Path(urllib.parse.unquote(url.path))
    assert "site-packages" in str(page) and page.is_file(), link
    assert url.fragment in anchors(page.read_text(encoding="utf-8")), link
print(f"install-check: ok ({len(report['findings'])} findings, rules {sorted(rules)})")
PY
# The packs and tables ship parsed (rules/parsed-packs.cache): the installed package builds
# its rules without importing PyYAML.
"$work/venv/bin/python" -c "import sys; from ragfirst.rules.loader import load_ruleset; load_ruleset(); assert 'yaml' not in sys.modules, 'the parsed packs are not in the wheel'"
"$work/venv/bin/ragfirst" rule RF101 | grep -q "hosted-fine-tuning"
"$work/venv/bin/python" -m ragfirst rules --format json > /dev/null
echo "install-check: console script, python -m ragfirst, rules and docs all found in the wheel"
