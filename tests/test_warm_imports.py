"""A run whose findings are all in Python files does not import the JS/TS stack
(tree-sitter, the JS analyzer, the JS fixers) to give them their display fixes; a JS
file's fix still imports it and gets its fix."""

from __future__ import annotations

import json

from conftest import run_python

KEY = 'from openai import OpenAI\n\nclient = OpenAI(api_key="sk-proj-' + "a8Kd93jfLq0PzXv7Tn2R" * 4 + '")\n'
JS_KEY = (
    'import OpenAI from "openai";\n\nconst client = new OpenAI({ apiKey: "sk-proj-'
    + "a8Kd93jfLq0PzXv7Tn2R" * 4
    + '" });\n'
)

PROBE = (
    "import sys, json\n"
    "from ragfirst.cli.main import main\n"
    "main(['check', '--no-cache', '--exit-zero', '--format', 'json', '.'])\n"
    "wanted = ('tree_sitter', 'ragfirst.fixes.js_edits', 'ragfirst.analyzers.js_analyzer')\n"
    "print(json.dumps(sorted(n for n in sys.modules if n.startswith(wanted))), file=sys.stderr)\n"
)


def _fixes(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in json.loads(stdout)["findings"]:
        if finding["fix"] is not None:
            found.setdefault(finding["path"], []).append(finding["rule"])
    return found


def test_python_findings_get_their_fixes_without_the_js_stack(tmp_path):
    (tmp_path / "app.py").write_text(KEY)
    done = run_python(PROBE, tmp_path)
    assert "RF404" in _fixes(done.stdout)["app.py"]
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_a_js_finding_still_gets_its_fix(tmp_path):
    (tmp_path / "app.py").write_text(KEY)
    (tmp_path / "client.ts").write_text(JS_KEY)
    done = run_python(PROBE, tmp_path)
    fixes = _fixes(done.stdout)
    assert "RF404" in fixes["app.py"] and "RF404" in fixes["client.ts"]
    assert "ragfirst.fixes.js_edits" in json.loads(done.stderr.strip().splitlines()[-1])


def test_the_data_folders_are_found_without_importlib_resources(tmp_path):
    """`importlib.resources` (zipfile, tempfile: ~10 ms a run) only located the package's
    folder; the folders are the ones it gives."""
    probe = (
        "import sys, json\n"
        "from ragfirst.resources import package_data_dir\n"
        "found = [str(package_data_dir(name)) for name in ('rules', 'docs')]\n"
        "loaded = 'importlib.resources' in sys.modules\n"
        "from importlib import resources\n"
        "from pathlib import Path\n"
        "def before(name):\n"
        "    packaged = resources.files('ragfirst') / '_data' / name\n"
        "    if packaged.is_dir():\n"
        "        return str(Path(str(packaged)))\n"
        "    return str(Path(sys.modules['ragfirst.resources'].__file__).resolve().parents[2] / name)\n"
        "print(json.dumps([found, [before('rules'), before('docs')], loaded]))\n"
    )
    found, expected, loaded = json.loads(run_python(probe, tmp_path).stdout)
    assert found == expected and not loaded


def test_a_run_whose_rules_and_tables_are_bundled_or_cached_imports_no_yaml(tmp_path):
    """PyYAML (~10 ms to import) is for parsing: the rule packs and data tables ship parsed
    (rules/pack_cache.py `BUNDLE_NAME`) or were kept by an earlier run, and with no YAML
    file to analyse none is parsed, with a cache directory or without one."""
    (tmp_path / "app.py").write_text(KEY)

    def probe(*options: str) -> str:
        return (
            "import sys, json\n"
            "from ragfirst.cli.main import main\n"
            f"main(['check', *{list(options)!r}, '--exit-zero', '--format', 'json', '.'])\n"
            "print(json.dumps('yaml' in sys.modules), file=sys.stderr)\n"
        )

    uncached = run_python(probe("--no-cache"), tmp_path)
    assert json.loads(uncached.stderr.strip().splitlines()[-1]) is False
    first = run_python(probe("--cache-dir", str(tmp_path / "cache")), tmp_path)
    (tmp_path / "app.py").write_text(KEY + "# changed\n")  # not answered by the manifest
    second = run_python(probe("--cache-dir", str(tmp_path / "cache")), tmp_path)
    assert json.loads(second.stderr.strip().splitlines()[-1]) is False
    assert _fixes(second.stdout) == _fixes(first.stdout) == _fixes(uncached.stdout)


def test_the_rag_config_shapes_are_the_yaml_file_and_fit_their_schema():
    import jsonschema
    import yaml

    from ragfirst.checks.rag_config_sites import _SHAPES_SCHEMA, config_shapes
    from ragfirst.resources import builtin_rules_dir

    text = (builtin_rules_dir() / "rag-configs.yaml").read_text(encoding="utf-8")
    assert config_shapes() == yaml.safe_load(text)
    jsonschema.Draft202012Validator(_SHAPES_SCHEMA).validate(yaml.safe_load(text))
