"""Untrusted repositories: ragfirst reads a stranger's pull request and must stay a reader.

- nothing under the scanned root is imported or executed (by the CLI, `python -P -m`, the
  language server), YAML tags build no objects, a rule pack cannot name a Python module;
- every file ragfirst opens is inside the scanned root, the Python installation or
  ragfirst's own package data (recorded by patching `open`/`io.open`/`os.open`/`os.scandir`);
- no network, ever (socket connect/resolve patched to fail the test);
- a pathological user regex cannot hang a run; alias bombs, deep JSON and huge configs are
  bounded in time and memory; special files named by a config never block.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest
from tests.hardening import fuzzlib
from tests.hardening.fuzzlib import REPO_ROOT, run_cli_in_process

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.cache import default_cache_dir
from ragfirst.engine.runner import lint_paths

FINE_TUNE = textwrap.dedent(
    """\
    from openai import AzureOpenAI

    client = AzureOpenAI()
    client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
    """
)
MiB = 1024 * 1024

# Importing or running any of these writes a marker file next to the markers directory.
HOOK = textwrap.dedent(
    """\
    import pathlib
    pathlib.Path({marker!r}).joinpath({name!r}).write_text("executed")
    """
)
SHADOWING_MODULES = [
    "conftest.py",
    "setup.py",
    "__init__.py",
    "sitecustomize.py",
    "usercustomize.py",
    "noxfile.py",
    "yaml.py",
    "json.py",
    "tomllib.py",
    "pathspec.py",
    "jsonschema.py",
    "tree_sitter.py",
    "pygls.py",
    "lsprotocol.py",
    "platformdirs.py",
    "ragfirst/__init__.py",
    "ragfirst/__main__.py",
    "ragfirst/cli/__init__.py",
    "openai/__init__.py",
    "tests/conftest.py",
    "plugins/evil_check.py",
]


def make_malicious_repo(root: Path, markers: Path) -> None:
    root.mkdir(parents=True)
    markers.mkdir(parents=True, exist_ok=True)
    for name in SHADOWING_MODULES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HOOK.format(marker=str(markers), name=name.replace("/", "_")) + FINE_TUNE)
    (root / "ragfirst.pth").write_text(
        f"import pathlib; pathlib.Path({str(markers)!r}, 'pth').write_text('x')\n"
    )
    (root / "evil.yaml").write_text(
        "fine_tuning: !!python/object/apply:os.system ['touch " + str(markers / "yaml_tag") + "']\n"
        "other: !!python/object/new:subprocess.Popen [['touch', '" + str(markers / "yaml_new") + "']]\n"
    )
    (root / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["rules/team.yaml"]\n')
    (root / "rules").mkdir()
    (root / "rules" / "team.yaml").write_text(
        textwrap.dedent(
            f"""\
            version: 1
            x-hook: !!python/object/apply:os.system ['touch {markers / "rule_tag"}']
            rules:
              - id: TEAM001
                name: team-check
                severity: warning
                summary: s
                message: m
                guide: guide/when-to-fine-tune.md
                check: {{name: "plugins.evil_check", params: {{}}}}
            """
        )
    )


def markers_written(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir())


def test_nothing_is_imported_in_process(tmp_path, monkeypatch):
    root, markers = tmp_path / "repo", tmp_path / "markers"
    make_malicious_repo(root, markers)
    monkeypatch.chdir(root)
    before = set(sys.modules)
    # The pack carries a `!!python/object/apply` tag: the safe loader refuses it (exit 2).
    code, out, err, trace = run_cli_in_process(["check", "."])
    assert trace is None, trace
    assert code == 2 and "constructor" in err, (out, err)
    # Without the tag it names a "check" that is a module path in the repo: refused, not imported.
    pack = root / "rules" / "team.yaml"
    pack.write_text("\n".join(line for line in pack.read_text().splitlines() if "x-hook" not in line) + "\n")
    code, out, err, trace = run_cli_in_process(["check", "."])
    assert trace is None, trace
    assert code == 2 and "unknown check" in err, (out, err)
    # Without the bad pack the whole tree is linted, YAML tags in scanned files included.
    (root / "pyproject.toml").write_text("[tool.ragfirst]\n")
    code, out, err, trace = run_cli_in_process(["check", "--format", "json", "."])
    assert trace is None and code == 1, err
    assert markers_written(markers) == []
    new_modules = {
        m for m in set(sys.modules) - before if m.split(".")[0] in ("conftest", "setup", "noxfile", "plugins")
    }
    assert not new_modules


@pytest.mark.parametrize(
    "launcher",
    ["console-script", "python -P -m"],
)
def test_nothing_is_imported_by_the_cli_run_from_inside_the_repo(tmp_path, launcher):
    root, markers = tmp_path / "repo", tmp_path / "markers"
    make_malicious_repo(root, markers)
    (root / "pyproject.toml").write_text("[tool.ragfirst]\n")
    script = Path(sys.executable).with_name("ragfirst")
    if launcher == "console-script":
        if not script.exists():
            pytest.skip("no console script next to this interpreter")
        command = [str(script)]
    else:
        command = [sys.executable, "-P", "-m", "ragfirst"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    done = subprocess.run(
        [*command, "check", "."], cwd=root, capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert markers_written(markers) == []


def test_nothing_is_imported_by_the_language_server_in_the_repo(tmp_path):
    root, markers = tmp_path / "repo", tmp_path / "markers"
    make_malicious_repo(root, markers)
    (root / "pyproject.toml").write_text("[tool.ragfirst]\n")
    script = Path(sys.executable).with_name("ragfirst")
    command = (
        [str(script), "server"] if script.exists() else [sys.executable, "-P", "-m", "ragfirst", "server"]
    )
    client = fuzzlib.RawLsp(root, command=command)
    try:
        answer = client.request(
            "workspace/executeCommand", {"command": "ragfirst.lintWorkspace", "arguments": []}, timeout=60
        )
        assert "result" in answer, answer
        uri = (root / "rules" / "team.yaml").as_uri()
        client.open(uri, (root / "rules" / "team.yaml").read_text(), language="yaml")
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
        )
    finally:
        client.close()
    assert markers_written(markers) == []


# -- reads stay inside the root --------------------------------------------------------------


class ReadRecorder:
    """Records every path opened for reading or listed, via the Python-level entry points."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real_open, real_os_open, real_scandir, real_listdir = builtins.open, os.open, os.scandir, os.listdir

        def record(target) -> None:
            if isinstance(target, int):
                return
            with contextlib.suppress(TypeError):
                self.paths.append(os.path.abspath(os.fsdecode(target)))

        def fake_open(file, *args, **kwargs):
            record(file)
            return real_open(file, *args, **kwargs)

        def fake_os_open(path, *args, **kwargs):
            record(path)
            return real_os_open(path, *args, **kwargs)

        def fake_scandir(path="."):
            record(path)
            return real_scandir(path)

        def fake_listdir(path="."):
            record(path)
            return real_listdir(path)

        monkeypatch.setattr(builtins, "open", fake_open)
        monkeypatch.setattr(io, "open", fake_open)
        monkeypatch.setattr(os, "open", fake_os_open)
        monkeypatch.setattr(os, "scandir", fake_scandir)
        monkeypatch.setattr(os, "listdir", fake_listdir)

    def outside(self, root: Path) -> list[str]:
        allowed = [
            str(root.resolve()),
            str(root),
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            str(REPO_ROOT / "server"),
            str(REPO_ROOT / "rules"),
            str(REPO_ROOT / "docs"),
            "/dev/null",
            "/dev/urandom",
            # ragfirst's own cache (its database file is created 0600 with os.open first)
            str(default_cache_dir()),
        ]
        allowed += [p for p in sys.path if p and os.path.isdir(p) and "site-packages" in p]
        allowed = [os.path.realpath(a) for a in allowed]
        bad = []
        for path in self.paths:
            real = os.path.realpath(path)  # a link inside the root that leads out is a read outside
            if not any(real == a or real.startswith(a.rstrip("/") + "/") for a in allowed):
                bad.append(f"{path} -> {real}" if real != path else path)
        return sorted(set(bad))


def _outside_files(outside: Path) -> None:
    outside.mkdir(parents=True, exist_ok=True)
    record = json.dumps(
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    )
    (outside / "train.jsonl").write_text(record + "\n")
    (outside / "secret.txt").write_text("token: SUPERSECRET-outside-value\n")
    (outside / "creds.yaml").write_text('rules: "SUPERSECRET-outside-value"\n')
    (outside / "pyproject.toml").write_text("[tool.ragfirst]\nignore = ['RF101']\n")


def test_reads_stay_inside_the_root(tmp_path, monkeypatch):
    """Code names data outside the root (../, absolute, symlinked): none of it is read."""
    outside, root = tmp_path / "outside", tmp_path / "repo"
    _outside_files(outside)
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.ragfirst]\n")
    (root / "data").mkdir()
    (root / "data" / "linked.jsonl").symlink_to(outside / "train.jsonl")
    (root / "out_dir").symlink_to(outside)
    (root / "tune.py").write_text(
        textwrap.dedent(
            f"""\
            from openai import OpenAI
            client = OpenAI()
            a = client.files.create(file=open("../outside/train.jsonl", "rb"), purpose="fine-tune")
            b = client.files.create(file=open("{outside / "train.jsonl"}", "rb"), purpose="fine-tune")
            c = client.files.create(file=open("data/linked.jsonl", "rb"), purpose="fine-tune")
            d = client.files.create(file=open("/etc/passwd", "rb"), purpose="fine-tune")
            e = client.files.create(file=open("/dev/zero", "rb"), purpose="fine-tune")
            f = client.files.create(file=open("out_dir/train.jsonl", "rb"), purpose="fine-tune")
            for up in (a, b, c, d, e, f):
                client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=up.id)
            """
        )
    )
    monkeypatch.chdir(root)
    recorder = ReadRecorder(monkeypatch)
    code, out, err, trace = run_cli_in_process(["check", "--format", "json", "."])
    monkeypatch.undo()
    assert trace is None, trace
    assert code == 1, err
    assert recorder.outside(root) == []
    assert "SUPERSECRET" not in out + err


def test_config_cannot_make_ragfirst_read_or_echo_files_outside_the_root(tmp_path, monkeypatch):
    """`rules = ["../outside/creds.yaml"]` in a pull request's config: not read, not echoed."""
    outside, root = tmp_path / "outside", tmp_path / "repo"
    _outside_files(outside)
    root.mkdir()
    (root / "app.py").write_text(FINE_TUNE)
    (root / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["../outside/creds.yaml"]\n')
    monkeypatch.chdir(root)
    recorder = ReadRecorder(monkeypatch)
    _code, out, err, trace = run_cli_in_process(["check", "."])
    monkeypatch.undo()
    assert trace is None, trace
    assert "SUPERSECRET" not in out + err, err
    assert recorder.outside(root) == []


def test_config_files_linked_out_of_the_root_are_not_read(tmp_path, monkeypatch):
    """Every file a config read takes (project config, .gitignore, rule packs named one by
    one or through a pack directory, the baseline) is refused when it links out of its
    directory, with one error line naming the link; nothing outside the root is opened."""
    outside, root = tmp_path / "outside", tmp_path / "repo"
    _outside_files(outside)
    root.mkdir()
    (root / "app.py").write_text(FINE_TUNE)
    (root / "ragfirst.toml").symlink_to(outside / "pyproject.toml")
    (root / ".gitignore").symlink_to(outside / "secret.txt")
    monkeypatch.chdir(root)

    def run(*args: str) -> tuple[int | None, str, str]:
        recorder = ReadRecorder(monkeypatch)
        try:
            code, out, err, trace = run_cli_in_process(["check", *args, "."])
        finally:
            monkeypatch.undo()
            monkeypatch.chdir(root)
        assert trace is None, trace
        assert recorder.outside(root) == [], args
        assert "SUPERSECRET" not in out + err
        return code, out, err

    # The project config: a config error (exit 2) that names it.
    code, _out, err = run()
    assert code == 2 and err.count("\n") == 1, err
    assert "ragfirst.toml:1:1: config file links outside its directory; not read" in err, err
    # The .gitignore: an RF000 that names it; the rest of the tree is still linted.
    (root / "ragfirst.toml").unlink()
    code, out, _err = run("--format", "json")
    findings = {(f["path"], f["rule"]): f["message"] for f in json.loads(out)["findings"]}
    assert code == 1 and ("app.py", "RF101") in findings, findings
    assert "links outside its directory" in findings[(".gitignore", "RF000")], findings
    (root / ".gitignore").unlink()
    # A rule pack directory holding a link out.
    (root / "packs").mkdir()
    (root / "packs" / "team.yaml").symlink_to(outside / "creds.yaml")
    (root / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["packs"]\n')
    code, _out, err = run()
    assert code == 2 and err.count("\n") == 1 and "team.yaml' links outside this project" in err, err
    # A rule pack file that is a link out.
    (root / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["packs/team.yaml"]\n')
    code, _out, err = run()
    assert code == 2 and err.count("\n") == 1 and "is outside this project; not read" in err, err
    # The baseline file.
    (root / "pyproject.toml").write_text("[tool.ragfirst]\n")
    (root / ".ragfirst-baseline.json").symlink_to(outside / "secret.txt")
    code, _out, err = run("--baseline", ".ragfirst-baseline.json")
    assert code == 2 and err.count("\n") == 1, err
    assert ".ragfirst-baseline.json links outside its directory; not read" in err, err


# -- no network ------------------------------------------------------------------------------


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:200])
        raise NetworkAttempt(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    yield attempts
    assert attempts == []


def test_no_network_in_a_repo_full_of_urls(tmp_path, monkeypatch, no_network):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ragfirst]\nguide-url = "https://evil.invalid/guide"\n'
        'guide-urls = { RF101 = "http://127.0.0.1:9/x" }\n'
    )
    (tmp_path / "app.py").write_text(
        FINE_TUNE + 'client.files.create(file="https://evil.invalid/train.jsonl")\n'
    )
    (tmp_path / "package.json").write_text(
        '{"$schema": "https://evil.invalid/schema.json", "dependencies": {"trl": "git+https://evil.invalid/x.git"}}'
    )
    (tmp_path / "requirements.txt").write_text(
        "trl @ https://evil.invalid/trl.whl\n--index-url https://evil.invalid/\n"
    )
    (tmp_path / "config.yaml").write_text(
        "$ref: https://evil.invalid/ref.yaml\napi_base: http://evil.invalid\n"
    )
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json", "sarif", "github", "junit", "gitlab"):
        code, _, err, trace = run_cli_in_process(["check", "--format", fmt, "."])
        assert trace is None, trace
        assert code == 1, err
    code, _out, err, trace = run_cli_in_process(["rule", "RF101"])
    assert trace is None and code == 0


NO_NETWORK_SERVER = (
    "import socket, sys\n"
    "def refuse(*a, **k):\n"
    "    sys.stderr.write('NETWORK ATTEMPT %r\\n' % (a,)); sys.stderr.flush()\n"
    "    raise OSError('network disabled by the test')\n"
    "for name in ('connect', 'connect_ex', 'sendto'):\n"
    "    setattr(socket.socket, name, refuse)\n"
    "socket.create_connection = socket.getaddrinfo = refuse\n"
    "from ragfirst.cli.main import main\n"
    "raise SystemExit(main(['server']))\n"
)


def test_no_network_from_the_language_server(tmp_path):
    (tmp_path / "app.py").write_text(FINE_TUNE)
    (tmp_path / "pyproject.toml").write_text('[tool.ragfirst]\nguide-url = "https://evil.invalid/g"\n')
    client = fuzzlib.RawLsp(tmp_path, command=[sys.executable, "-P", "-c", NO_NETWORK_SERVER])
    try:
        client.request(
            "workspace/executeCommand", {"command": "ragfirst.lintWorkspace", "arguments": []}, timeout=60
        )
        uri = (tmp_path / "app.py").as_uri()
        client.open(uri, FINE_TUNE)
        client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 10}}
        )
        client.request(
            "workspace/executeCommand", {"command": "ragfirst.explainRule", "arguments": ["RF101"]}
        )
    finally:
        client.close()
    assert "NETWORK ATTEMPT" not in client.stderr_text()


# -- user regexes, bombs, huge and special config inputs -------------------------------------------

SLOW_REGEX_PACK = textwrap.dedent(
    """\
    version: 1
    rules:
      - id: TEAM001
        name: slow-regex
        severity: warning
        summary: A rule whose regex backtracks catastrophically.
        message: "model {model}"
        guide: guide/llm-spend.md#output-token-caps
        match:
          python:
            - call: "mylib.run"
              args:
                - {name: model, matches: "(a+)+$"}
              capture: {model: "x"}
    """
)


def test_catastrophic_user_regex_is_bounded(tmp_path):
    """`(a+)+$` against 'aaaa…!' is exponential in Python's `re`; a run must still end quickly.

    Bounded in a subprocess (a regex stuck in C code cannot be interrupted in-process)."""
    (tmp_path / "team.yaml").write_text(SLOW_REGEX_PACK)
    (tmp_path / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["team.yaml"]\n')
    (tmp_path / "t.py").write_text('import mylib\nmylib.run(model="' + "a" * 40 + '!")\n')
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-m", "ragfirst", "check", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"a user regex hung `ragfirst check` for over {time.monotonic() - started:.0f}s")
    assert done.returncode in (0, 1, 2)


def test_name_patterns_with_many_wildcards_stay_linear():
    """`*` in name patterns compiles to `[^.]*`; many in one segment must not blow up on a long
    name from the scanned code (a rule pack may come from the pull request's own config)."""
    program = (
        "from ragfirst.rules.patterns import compile_pattern\n"
        "pattern = compile_pattern('lib.' + '*a' * 12 + '*b')\n"
        "pattern.matches('lib.' + 'a' * 5000)\n"
    )
    try:
        subprocess.run([sys.executable, "-P", "-c", program], capture_output=True, timeout=10, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail("matching one 5,000-character name against `lib.*a*a…*b` took over 10s")


def _bomb(levels: int = 9, fanout: int = 9) -> str:
    lines = ["a0: &a0 [fine_tuning, " + ", ".join(["lol"] * fanout) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * fanout) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_in_a_scanned_file():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        findings = fuzzlib.run_engine("bomb.yaml", _bomb().encode())
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MiB
        tracemalloc.stop()
    assert time.perf_counter() - started < 10
    assert peak < 100
    assert [f.rule_id for f in findings] == ["RF000"]


def test_yaml_alias_bomb_in_a_rule_pack(tmp_path, monkeypatch):
    (tmp_path / "team.yaml").write_text("version: 1\n" + _bomb() + "rules: []\n")
    (tmp_path / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["team.yaml"]\n')
    (tmp_path / "app.py").write_text(FINE_TUNE)
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    code, _, err, trace = run_cli_in_process(["check", "."])
    assert trace is None, trace
    assert code == 2 and "alias" in err, err
    assert time.perf_counter() - started < 10


def test_recursive_yaml_alias():
    findings = fuzzlib.run_engine("r.yaml", b"fine_tuning: &a [*a, *a]\nb: &b {x: *b}\n")
    assert not [f.message for f in findings if fuzzlib.INTERNAL_ERROR_MARK in f.message]


def test_deep_json_is_bounded():
    depth = 100_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        findings = fuzzlib.run_engine(
            "deep.json", ('{"fine_tuning": ' + "[" * depth + "]" * depth + "}").encode()
        )
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MiB
        tracemalloc.stop()
    assert time.perf_counter() - started < 10 and peak < 100
    assert [f.rule_id for f in findings] == ["RF000"]


def test_huge_config_file_is_read_with_a_byte_cap(tmp_path):
    """A 50 MB pyproject.toml in a pull request: bounded time and memory."""
    with (tmp_path / "pyproject.toml").open("w") as handle:
        handle.write("[tool.ragfirst]\nignore = ['RF107']\n[tool.other]\n")
        line = "# " + "padding " * 12 + "\n"
        while handle.tell() < 50 * MiB:
            handle.write(line * 10_000)
    (tmp_path / "app.py").write_text(FINE_TUNE)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        lint_paths([tmp_path], ConfigResolver())
    except Exception as exc:
        assert "too large" in str(exc) or "size" in str(exc), exc
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MiB
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"{elapsed:.1f}s"
    assert peak < 64, f"peak {peak:.0f} MiB: the config was read without a cap"


def test_huge_gitignore_is_read_with_a_byte_cap(tmp_path):
    """A 50 MB .gitignore: one capped read, reported as one RF000 naming it; linting goes on."""
    with (tmp_path / ".gitignore").open("w") as handle:
        line = "build-" + "x" * 90 + "/\n"
        while handle.tell() < 50 * MiB:
            handle.write(line * 10_000)
    (tmp_path / "app.py").write_text(FINE_TUNE)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        findings = lint_paths([tmp_path], ConfigResolver()).findings
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MiB
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    by_file = {(Path(f.path).name, f.rule_id): f.message for f in findings}
    assert ("app.py", "RF101") in by_file, by_file
    assert "too large (over 1 MiB)" in by_file[(".gitignore", "RF000")], by_file
    assert elapsed < 20, f"{elapsed:.1f}s"
    assert peak < 64, f"peak {peak:.0f} MiB: the .gitignore was read without a cap"


def test_baseline_naming_a_fifo_does_not_block(tmp_path):
    """`--baseline` names a file the pull request controls: a FIFO there is refused, not read."""
    os.mkfifo(tmp_path / ".ragfirst-baseline.json")
    (tmp_path / "app.py").write_text(FINE_TUNE)
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-m", "ragfirst", "check", "--baseline", ".ragfirst-baseline.json", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a FIFO given as the baseline blocked `ragfirst check`")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "not a regular file" in done.stderr and done.stderr.count("\n") == 1, done.stderr


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_rule_pack_path_naming_a_special_file_does_not_block(tmp_path, special):
    """`rules = ["/dev/zero"]` or a FIFO: refused as a config error, never read forever."""
    if special == "fifo":
        os.mkfifo(tmp_path / "pack.yaml")
        target = "pack.yaml"
    else:
        target = special
    (tmp_path / "pyproject.toml").write_text(f'[tool.ragfirst]\nrules = ["{target}"]\n')
    (tmp_path / "app.py").write_text(FINE_TUNE)
    # A memory cap keeps a runaway read from taking the machine down with it.
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
    program = limit + "from ragfirst.cli.main import main\nraise SystemExit(main(['check', '.']))\n"
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-c", program], cwd=tmp_path, capture_output=True, text=True, timeout=10
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`rules = [{target!r}]` made `ragfirst check` block")
    assert done.returncode == 2, done.stderr[-1500:]
    assert "Traceback" not in done.stderr, done.stderr[-1500:]


def _vscode_launch() -> tuple[list[str], dict[str, str]]:
    """The interpreter flags and environment the VS Code extension starts the server with
    (editors/vscode/src: `<python> -m ragfirst server`, cwd = the workspace folder)."""
    sources = "".join(p.read_text() for p in (REPO_ROOT / "editors" / "vscode" / "src").glob("*.ts"))
    flags = ["-P"] if ("'-P'" in sources or '"-P"' in sources) else []
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    if "PYTHONSAFEPATH" in sources:
        env["PYTHONSAFEPATH"] = "1"
    return flags, env


def test_the_vscode_launch_does_not_import_the_workspace(tmp_path):
    """The extension runs `<python> -m ragfirst server` (and a `-c` probe) in the workspace
    folder; without `-P`/PYTHONSAFEPATH, Python puts that folder first on sys.path, so a
    repository holding `ragfirst/__init__.py` runs its own code when the folder is opened."""
    if not (REPO_ROOT / "editors" / "vscode" / "src").is_dir():
        pytest.skip("no VS Code extension in this checkout")
    root, markers = tmp_path / "repo", tmp_path / "markers"
    make_malicious_repo(root, markers)
    (root / "pyproject.toml").write_text("[tool.ragfirst]\n")
    flags, env = _vscode_launch()
    done = subprocess.run(
        [sys.executable, *flags, "-m", "ragfirst", "check", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert markers_written(markers) == [], (
        f"launching like the extension ran the workspace's own modules: {markers_written(markers)}"
    )
    assert done.returncode in (0, 1, 2)


def test_a_chain_of_600_re_exports_is_linked_as_far_as_the_link_follows(tmp_path):
    """`app/m0.py` re-exports `X` from `m1`, `m1` from `m2`, ... 600 deep (each also imports
    an SDK, so none is skipped): the link follows 32 (python_link.MAX_DEPTH) and leaves the
    rest unlinked; before, the re-exports were followed past that limit and the whole run
    ended in a RecursionError, no finding reported."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    for number in range(600):
        body = f"from app.m{number + 1} import X\n" if number < 599 else "X = 1\n"
        (app / f"m{number}.py").write_text("import openai\n" + body)
    (app / "main.py").write_text(
        "from openai import OpenAI\nfrom app.m0 import X\n\n"
        "OpenAI().chat.completions.create(model='gpt-4o', messages=[], n=X)\n"
    )
    result = lint_paths([tmp_path], ConfigResolver(), jobs=1)
    assert [(Path(f.path).name, f.rule_id) for f in result.findings] == [("main.py", "RF401")]
