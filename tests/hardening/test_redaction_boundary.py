"""One redaction boundary (engine/outbound.py), proven from the outside: keys of every
format planted in every file kind, in literals, suppression reasons, model arguments and
the arguments of calls through a project module; then every output format (cached and
not), --show-suppressed, --statistics, the baseline, `decisions`, the cache files and all
language-server traffic are searched for the full key and for a stretch of its middle
(issue 25, "Secrets")."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from tests.hardening.fuzzlib import RawLsp
from tests.test_secrets import KEY_FORMATS, make_context_secret, make_key

FORMATS = ["text", "json", "sarif", "github", "junit", "gitlab"]


def _plant(root: Path) -> list[str]:
    keys = [make_key(f) for f in KEY_FORMATS]
    context = make_context_secret(40)
    random_model = make_context_secret(70)
    k = iter(keys * 4)
    files = {
        "llm.py": "import litellm\n\ndef complete(**kwargs):\n    return litellm.completion(**kwargs)\n",
        "app.py": (
            "import litellm\nfrom openai import OpenAI\nfrom llm import complete\n\n"
            f'client = OpenAI(api_key="{next(k)}")\n'
            f'litellm.completion(model="gpt-4o", api_key="{next(k)}", messages=[])\n'
            f'complete(model="gpt-4o", api_key="{next(k)}", messages=[])\n'
            f'client.fine_tuning.jobs.create(model="{random_model}", training_file="f")\n'
            f'client.fine_tuning.jobs.create(model="{next(k)}", training_file="f")\n'
            f"# ragfirst: ignore[RF404] -- rotated; the old one was {next(k)}\n"
            f'legacy = OpenAI(api_key="{next(k)}")\n'
            f"client.fine_tuning.jobs.create(model='m', training_file='f')  # ragfirst: ignore[RF101] -- see {next(k)}\n"
            f'ctx = OpenAI(api_key="{context}")  # ragfirst: ignore[RF404] -- {context}\n'
        ),
        "web/llm.ts": 'import OpenAI from "openai";\nexport const client = new OpenAI();\n',
        "web/app.ts": (
            'import OpenAI from "openai";\nimport { client } from "./llm";\n'
            f'const direct = new OpenAI({{ apiKey: "{next(k)}" }});\n'
            f'await client.fineTuning.jobs.create({{ model: "{random_model}", training_file: "f", apiKey: "{next(k)}" }});\n'
            f"// ragfirst: ignore[RF404] -- old key {next(k)}\n"
            f'const old = new OpenAI({{ apiKey: "{next(k)}" }});\n'
        ),
        "web/Chat.vue": (
            '<script setup lang="ts">\nimport OpenAI from "openai";\n'
            f'const c = new OpenAI({{ apiKey: "{next(k)}", dangerouslyAllowBrowser: true }});\n</script>\n'
        ),
        "proxy/config.yaml": (
            "model_list:\n  - model_name: m\n    litellm_params:\n"
            f"      model: openai/gpt-4o\n      api_key: {next(k)}  # ragfirst: ignore[RF404] -- was {next(k)}\n"
        ),
        "settings.json": json.dumps({"openai": {"api_key": next(k)}, "x": {"apiKey": context}}),
        "secrets.toml": f'[openai]\napi_key = "{next(k)}"\n# ragfirst: ignore[RF404] -- {next(k)}\ntoken = "{next(k)}"\n',
        ".env": f"OPENAI_API_KEY={next(k)}\n# ragfirst: ignore[RF404] -- {next(k)}\nGROQ_API_KEY={next(k)}\n",
        "setup.cfg": f"[llm]\napi_key = {next(k)}\n",
        "schema.sql": f"-- key {next(k)}\nSELECT ai.openai_embed('text-embedding-3-small', body, api_key => '{next(k)}') FROM docs;\n",
        "train.jsonl": json.dumps({"messages": [{"role": "user", "content": f"my key is {next(k)}"}]}) + "\n",
    }
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return [*keys, context, random_model]


def _leaks(text: str, keys: list[str]) -> list[str]:
    return [key[:12] for key in keys if key in text or key[-16:-4] in text]


def _cli(root: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-P", "-m", "ragfirst", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), (args, done.stderr[-2000:])
    return done.stdout + done.stderr


def test_no_key_leaves_through_any_output(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    keys = _plant(root)
    cache = tmp_path / "cache"
    env = {**os.environ, "RAGFIRST_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    outputs: dict[str, str] = {}
    for fmt in FORMATS:
        outputs[f"{fmt} cold"] = _cli(root, env, "check", "--format", fmt, ".")
        outputs[f"{fmt} warm"] = _cli(root, env, "check", "--format", fmt, ".")
        outputs[f"{fmt} no cache"] = _cli(root, env, "check", "--no-cache", "--format", fmt, ".")
        outputs[f"{fmt} -j 2"] = _cli(root, env, "check", "--no-cache", "-j", "2", "--format", fmt, ".")
    assert outputs["json cold"].count('"rule": "RF404"') >= 10
    assert '"suppressed": true' in outputs["json cold"]
    outputs["show-suppressed"] = _cli(root, env, "check", "--show-suppressed", ".")
    outputs["statistics"] = _cli(root, env, "check", "--statistics", ".")
    outputs["decisions"] = _cli(root, env, "decisions", ".")
    outputs["decisions json"] = _cli(root, env, "decisions", "--format", "json", ".")
    assert "rotated" in outputs["decisions"] and "old key" in outputs["decisions"]
    _cli(root, env, "check", "--write-baseline", ".")
    outputs["baseline"] = (root / ".ragfirst-baseline.json").read_text()
    for path in sorted(p for p in cache.rglob("*") if p.is_file()):
        outputs[f"cache {path.name}"] = path.read_bytes().decode("utf-8", errors="replace")
    assert any(label.startswith("cache analysis") for label in outputs)

    client = RawLsp(root)
    traffic: list[dict] = []
    try:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and ".ragfirst" not in p.name):
            uri = path.as_uri()
            client.open(uri, path.read_text(encoding="utf-8"))
            report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=60)
            traffic.append(report)
            for item in report.get("result", {}).get("items", []):
                start = item["range"]["start"]
                traffic.append(
                    client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": start})
                )
                traffic.append(
                    client.request(
                        "textDocument/codeAction",
                        {
                            "textDocument": {"uri": uri},
                            "range": item["range"],
                            "context": {"diagnostics": [item]},
                        },
                    )
                )
        for key in keys[:3]:
            answer = client.request(
                "workspace/executeCommand", {"command": "ragfirst.explainRule", "arguments": [key]}
            )
            assert answer["error"]["code"] == -32602 and "traceback" not in json.dumps(answer), answer
            traffic.append(answer)
    finally:
        client.close()
    outputs["lsp responses"] = json.dumps(traffic, ensure_ascii=False)
    outputs["lsp notifications"] = json.dumps(client.notifications, ensure_ascii=False)
    outputs["lsp stderr"] = client.stderr_text()
    assert '"RF404"' in outputs["lsp responses"]

    leaks = {label: found for label, text in outputs.items() if (found := _leaks(text, keys))}
    assert not leaks, leaks


def test_the_cache_is_private(tmp_path, monkeypatch):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "app.py").write_text("import openai\n")
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setattr(os, "umask", os.umask)  # keep the process umask as it is
    old = os.umask(0o022)
    try:
        from tests.hardening.fuzzlib import run_cli_in_process

        cache = tmp_path / "fresh" / "cache"
        code, _, err, trace = run_cli_in_process(["check", "--cache-dir", str(cache), "."])
    finally:
        os.umask(old)
    assert trace is None and code in (0, 1), err
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    files = [p for p in cache.iterdir() if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), [
        (p.name, oct(p.stat().st_mode)) for p in files
    ]


def test_a_planted_link_in_a_cache_folder_is_not_written_through(tmp_path, monkeypatch):
    """`--cache-dir .cache` inside a repository that ships `.cache/analysis-v2.sqlite3 -> ~/x`."""
    root = tmp_path / "repo"
    (root / ".cache").mkdir(parents=True)
    (root / "app.py").write_text("import openai\n")
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    from ragfirst.engine.cache import SCHEMA

    for suffix in ("", "-wal", "-shm"):
        os.symlink(
            victim if not suffix else tmp_path / f"made{suffix}",
            root / ".cache" / f"analysis-{SCHEMA}.sqlite3{suffix}",
        )
    monkeypatch.chdir(root)
    from tests.hardening.fuzzlib import run_cli_in_process

    for _ in range(2):
        code, _, err, trace = run_cli_in_process(["check", "--cache-dir", ".cache", "."])
        assert trace is None and code in (0, 1), err
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / "made-wal").exists() and not (tmp_path / "made-shm").exists()


@pytest.mark.parametrize(
    "model", ["aB3dE5gH7jK9mN2pQ4sT6vW8yZ1cF3hJ5kL7nP9rS2uX4wY6zA8bD0eG2iM4oQ6", "gpt-4o-mini"]
)
def test_a_key_given_as_a_model_is_not_printed(tmp_path, monkeypatch, model):
    (tmp_path / "app.py").write_text(
        f'from openai import OpenAI\nOpenAI().fine_tuning.jobs.create(model="{model}", training_file="f")\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_CACHE_DIR", str(tmp_path / "cache"))
    from tests.hardening.fuzzlib import run_cli_in_process

    code, out, err, trace = run_cli_in_process(["check", "--format", "json", "."])
    assert trace is None and code == 1, err
    messages = [f["message"] for f in json.loads(out)["findings"] if f["rule"] == "RF101"]
    assert messages
    if model.startswith("gpt"):
        assert model in messages[0]  # a model name is still named
    else:
        assert model[8:-4] not in out


def test_camel_case_identifiers_with_digits_stay_readable():
    from ragfirst.engine.outbound import clean_text

    for name in (
        "MyCustomEmbeddings2024Provider",
        "GPT4oMiniTranslationClient2024",
        "HuggingFaceEmbeddings384Dim",
    ):
        assert clean_text(f"calls {name}.create") == f"calls {name}.create"
    assert "G2iM" not in clean_text("aB3dE5gH7jK9mN2pQ4sT6vW8yZ1cF3hJ5kL7nP9rS2uX4wY6zA8bD0eG2iM4oQ6x")
