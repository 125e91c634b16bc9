"""Key literals never escape through error paths: RF000 internal-error messages, config
errors, and the language server's window/logMessage, window/showMessage and stderr.

(The output formats themselves are covered elsewhere; these are the paths a bug takes.)
"""

from __future__ import annotations

import dataclasses
import random
import string
import sys
import textwrap
from pathlib import Path

import pytest
from tests.hardening import fuzzlib
from tests.hardening.fuzzlib import RawLsp, run_cli_in_process, run_engine

from ragfirst.engine import engine as engine_module

_rng = random.Random(404)
_ALNUM = string.ascii_letters + string.digits


def _random(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(length))


# Fake keys with the exact shape of real ones (rules/secret-formats.yaml); no power.
OPENAI_KEY = "sk-proj-" + _random(74) + "T3BlbkFJ" + _random(74)
ANTHROPIC_KEY = "sk-ant-api03-" + _random(93) + "AA"
CONTEXT_KEY = _random(40)  # no known prefix: found by context (a key-like name)
KEYS = {"openai": OPENAI_KEY, "anthropic": ANTHROPIC_KEY, "context": CONTEXT_KEY}
FORMAT_KEYS = ("openai", "anthropic")  # keys of a known format: redacted everywhere
KEY_TAILS = {name: key[8:-4] for name, key in KEYS.items()}  # the part redaction never keeps

SOURCE = textwrap.dedent(
    f"""\
    from openai import AzureOpenAI
    client = AzureOpenAI(api_key="{OPENAI_KEY}")
    anthropic_key = "{ANTHROPIC_KEY}"
    COHERE_API_KEY = "{CONTEXT_KEY}"
    client.fine_tuning.jobs.create(model="m", training_file="f")
    """
)


def leaked(text: str, names=tuple(KEYS)) -> list[str]:
    return [name for name in names if KEY_TAILS[name] in text]


class Boom(Exception):
    pass


def _failing_analyze(source, path):
    raise Boom(f"cannot handle this file: {source.text}")


def test_internal_error_from_a_failing_analyzer_is_redacted(monkeypatch):
    real_spec = engine_module.language_spec

    def spec_with_failing_analyzer(path):
        spec = real_spec(path)
        return dataclasses.replace(spec, analyze=_failing_analyze) if spec and spec.analyze else spec

    monkeypatch.setattr(engine_module, "language_spec", spec_with_failing_analyzer)
    for name in ("app.py", "settings.yaml", ".env", "config.json"):
        findings = run_engine(name, SOURCE.encode())
        [error] = [f for f in findings if f.rule_id == "RF000"]
        assert fuzzlib.INTERNAL_ERROR_MARK in error.message  # the bug was caught...
        everything = error.message + error.snippet + repr(error.data)
        assert leaked(everything, FORMAT_KEYS) == [], (name, error.message[:300])  # ...and tells no key


def test_internal_error_from_a_failing_check_is_redacted(monkeypatch):
    from ragfirst.checks.registry import CHECKS

    def failing_run(context, params):
        raise Boom(f"check failed on: {context.source.text}")

    for name in list(CHECKS):
        monkeypatch.setattr(CHECKS[name], "run", failing_run)
    findings = run_engine("app.py", SOURCE.encode())
    errors = [f for f in findings if f.rule_id == "RF000"]
    assert errors and all(fuzzlib.INTERNAL_ERROR_MARK in f.message for f in errors)
    for error in errors:
        assert leaked(error.message + error.snippet + repr(error.data), FORMAT_KEYS) == [], error.message[
            :300
        ]


def test_internal_error_redacts_keys_found_by_context(monkeypatch):
    """Keys with no known prefix (Cohere, Mistral, ...) are found by a key-like name; an
    internal-error message that quotes such a line must redact them as RF404 would."""
    real_spec = engine_module.language_spec
    monkeypatch.setattr(
        engine_module,
        "language_spec",
        lambda path: dataclasses.replace(real_spec(path), analyze=_failing_analyze),
    )
    [error] = [f for f in run_engine("app.py", SOURCE.encode()) if f.rule_id == "RF000"]
    assert leaked(error.message, ("context",)) == [], error.message[-200:]


def test_cli_output_after_an_internal_error_is_redacted(tmp_path, monkeypatch):
    real_spec = engine_module.language_spec
    monkeypatch.setattr(
        engine_module,
        "language_spec",
        lambda path: (
            dataclasses.replace(real_spec(path), analyze=_failing_analyze)
            if real_spec(path) and real_spec(path).analyze
            else real_spec(path)
        ),
    )
    (tmp_path / "app.py").write_text(SOURCE)
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json", "sarif", "github", "junit", "gitlab"):
        _code, out, err, trace = run_cli_in_process(["check", "--format", fmt, "."])
        assert trace is None, trace
        assert leaked(out + err, FORMAT_KEYS) == [], (fmt, leaked(out + err))


def test_config_error_messages_do_not_echo_keys(tmp_path, monkeypatch):
    """A key pasted into the wrong config field: the schema error must not print it."""
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.ragfirst]\nguide-url = "{OPENAI_KEY}"\nseverity = {{ RF101 = "{ANTHROPIC_KEY}" }}\n'
    )
    (tmp_path / "app.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    code, out, err, trace = run_cli_in_process(["check", "."])
    assert trace is None and code == 2, (code, err)
    assert leaked(out + err, ("openai", "anthropic")) == [], err


def test_rule_file_error_messages_do_not_echo_keys(tmp_path, monkeypatch):
    (tmp_path / "team.yaml").write_text(f"version: 1\nrules: {OPENAI_KEY}\n")
    (tmp_path / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["team.yaml"]\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    code, out, err, trace = run_cli_in_process(["check", "."])
    assert trace is None and code == 2, (code, err)
    assert leaked(out + err, ("openai",)) == [], err


# The real server, with a bug planted: linting raises an exception that carries the document.
BUGGY_SERVER = textwrap.dedent(
    """\
    from ragfirst.lsp import server as server_module

    def buggy_lint_text(self, uri, text):
        raise RuntimeError("internal failure while linting: " + text)

    server_module.RagfirstServer.lint_text = buggy_lint_text
    from ragfirst.cli.main import main
    raise SystemExit(main(["server"]))
    """
)


def _server_outputs(client: RawLsp) -> str:
    messages = [
        str(n.get("params", {}).get("message", ""))
        for n in client.notifications
        if n.get("method") in ("window/logMessage", "window/showMessage")
    ]
    return "\n".join(messages)


def test_language_server_log_messages_do_not_carry_keys(tmp_path):
    """window/logMessage and stderr after a linting bug: keys redacted."""
    (tmp_path / "app.py").write_text(SOURCE)
    client = RawLsp(tmp_path, pull=False, command=[sys.executable, "-P", "-c", BUGGY_SERVER])
    try:
        uri = (tmp_path / "app.py").as_uri()
        client.open(uri, SOURCE)
        client.wait_notification(
            lambda n: n.get("method") == "window/logMessage" and "failed" in str(n.get("params")), timeout=30
        )
        client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
        )
    finally:
        client.close()
    assert leaked(_server_outputs(client), FORMAT_KEYS) == [], _server_outputs(client)[:400]
    assert leaked(client.stderr_text(), FORMAT_KEYS) == [], "stderr (the editor's output panel) carries a key"


def test_language_server_config_error_message_does_not_carry_keys(tmp_path):
    (tmp_path / "pyproject.toml").write_text(f'[tool.ragfirst]\nguide-url = "{OPENAI_KEY}"\n')
    (tmp_path / "app.py").write_text(SOURCE)
    client = RawLsp(tmp_path, pull=False)
    try:
        uri = (tmp_path / "app.py").as_uri()
        client.open(uri, SOURCE)
        client.wait_notification(lambda n: n.get("method") == "window/showMessage", timeout=30)
        client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 30}}
        )
    finally:
        client.close()
    everything = _server_outputs(client) + "\n".join(
        str(n.get("params"))
        for n in client.notifications
        if n.get("method") == "textDocument/publishDiagnostics"
    )
    assert leaked(everything, ("openai",)) == [], everything[:400]


def test_hover_and_diagnostics_do_not_carry_keys(tmp_path):
    (tmp_path / "app.py").write_text(SOURCE)
    client = RawLsp(tmp_path, pull=True)
    try:
        uri = (tmp_path / "app.py").as_uri()
        client.open(uri, SOURCE)
        report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        items = report["result"]["items"]
        assert any(item["code"] == "RF404" for item in items), items
        hovers = [
            client.request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": line, "character": 30}},
            )
            for line in range(5)
        ]
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
                "context": {"diagnostics": items},
            },
        )
    finally:
        client.close()
    shown = repr(items) + repr(hovers) + repr([a.get("title") for a in actions.get("result") or []])
    assert leaked(shown) == [], leaked(shown)


@pytest.fixture(autouse=True)
def _no_key_on_disk_outside_tmp(tmp_path):
    yield
    for path in Path(tmp_path).rglob("*"):
        if path.is_file() and path.name not in ("app.py", "pyproject.toml", "team.yaml"):
            assert leaked(path.read_text(errors="replace")) == [], path
