"""Hostile files in the scanned tree: huge, deep, long-lined, oddly encoded, unreadable,
special (FIFOs, devices), looping links, files that vanish mid-scan, strange names.

Each case has a time bound, and a memory bound where memory is the risk. Runs under
`pytest` in CI except the cases marked `slow` (RAGFIRST_SLOW=1 runs them).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from tests.hardening import fuzzlib
from tests.hardening.fuzzlib import run_cli_in_process, run_engine

from ragfirst.analyzers.registry import language_spec
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine import runner as runner_module
from ragfirst.engine.runner import lint_paths

HEADER = "from openai import AzureOpenAI\nclient = AzureOpenAI()\n"
CALL = "client.fine_tuning.jobs.create(model='m', training_file='f')"
FINE_TUNE = HEADER + CALL + "\n"
MiB = 1024 * 1024


class Bound:
    """`with Bound(seconds, mib):` fails the test when the block is slower or allocates more
    (tracemalloc peak) than allowed. Memory tracing slows Python ~3x: use it on cheap cases."""

    def __init__(self, seconds: float, mib: float | None = None) -> None:
        self.seconds = seconds
        self.mib = mib
        self.elapsed = 0.0
        self.peak_mib = 0.0

    def __enter__(self) -> Bound:
        if self.mib is not None:
            tracemalloc.start()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.elapsed = time.perf_counter() - self._started
        if self.mib is not None:
            self.peak_mib = tracemalloc.get_traced_memory()[1] / MiB
            tracemalloc.stop()
        if exc_info[0] is None:
            assert self.elapsed <= self.seconds, f"took {self.elapsed:.1f}s (bound {self.seconds}s)"
            if self.mib is not None:
                assert self.peak_mib <= self.mib, f"peak {self.peak_mib:.0f} MiB (bound {self.mib} MiB)"


def lint_tree(root: Path) -> runner_module.LintResult:
    return lint_paths([root], ConfigResolver())


def codes(findings) -> list[str]:
    return [f.rule_id for f in findings]


def only(findings, rule_id: str):
    found = [f for f in findings if f.rule_id == rule_id]
    assert len(found) == 1, [(f.rule_id, f.message) for f in findings]
    return found[0]


# -- size ---------------------------------------------------------------------------------


def test_50_mb_source_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.py"
    with path.open("wb") as handle:
        handle.write(FINE_TUNE.encode())
        chunk = b"x = 'padding padding padding padding padding padding padding padding'\n" * 16384
        while handle.tell() < 50 * MiB:
            handle.write(chunk)
    with Bound(seconds=15, mib=40) as bound:
        result = lint_tree(tmp_path)
    error = only(result.findings, "RF000")
    assert "too large" in error.message
    assert bound.peak_mib < 40


def test_50_mb_jsonl_is_read_up_to_the_byte_cap(tmp_path):
    record = json.dumps(
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    )
    path = tmp_path / "train.jsonl"
    with path.open("wb") as handle:
        index = 0
        while handle.tell() < 50 * MiB:
            lines = [record.replace('"q"', f'"q{index + i}"') for i in range(5000)]
            handle.write(("\n".join(lines) + "\n").encode())
            index += 5000
    with Bound(seconds=60, mib=200):
        result = lint_tree(tmp_path)
    assert all(f.rule_id != "RF000" for f in result.findings), [f.message for f in result.findings][:3]


def test_200k_line_python_file(tmp_path):
    """Parsed in full; the finding on the last line has the right line number."""
    (tmp_path / "long.py").write_text(HEADER + "x = 1\n" * 200_000 + CALL + "\n")
    with Bound(seconds=60):
        findings = lint_tree(tmp_path).findings
    finding = only(findings, "RF101")
    assert finding.span.start_line == 200_003


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("big.json", lambda: '{"fine_tuning": [\n' + ",\n".join(str(i) for i in range(200_000)) + "\n]}"),
        ("big.yaml", lambda: "fine_tuning:\n" + "".join(f"  k{i}: {i}\n" for i in range(200_000))),
        ("pyproject.toml", lambda: "[tool.ragfirst]\n" + "".join(f"# c{i}\n" for i in range(200_000))),
        ("big.ts", lambda: "const c = new OpenAI({ apiKey: 'k' });\n" + "let x = 1;\n" * 200_000),
        (".env", lambda: "OPENAI_API_KEY=x\n" + "".join(f"K{i}=v\n" for i in range(200_000))),
        ("requirements.txt", lambda: "trl\n" + "".join(f"pkg{i}>=1\n" for i in range(200_000))),
    ],
)
def test_200k_line_files_of_every_kind(tmp_path, name, body):
    if fuzzlib.available_kinds() and name.endswith(".ts") and "typescript" not in fuzzlib.available_kinds():
        pytest.skip("no TypeScript analyzer registered")
    data = body().encode()
    with Bound(seconds=60):
        findings = run_engine(name, data)
    errors = [f.message for f in findings if f.rule_id == "RF000"]
    assert not errors, errors


def test_200k_item_yaml_list_is_not_called_an_alias_bomb():
    """A big but honest YAML document (no aliases) must not be refused as an alias bomb."""
    data = ("fine_tuning:\n" + "".join(f"  - {i}\n" for i in range(200_000))).encode()
    with Bound(seconds=60):
        findings = run_engine("big.yaml", data)
    assert not [f.message for f in findings if "alias bomb" in f.message]


# -- depth ------------------------------------------------------------------------------------

DEEP = 5000


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deep_list.py", (HEADER + "x = " + "[" * DEEP + "]" * DEEP + "\n").encode()),
        ("deep_call.py", (HEADER + "x = " + "f(" * DEEP + ")" * DEEP + "\n").encode()),
        ("deep_unary.py", (HEADER + "x = " + "-" * DEEP + "1\n").encode()),
        ("deep_binop.py", (HEADER + "x = 1" + "+1" * (DEEP * 4) + "\n").encode()),
        ("deep_attr.py", (HEADER + "x = client" + ".a" * (DEEP * 4) + "\n").encode()),
        ("deep.json", ('{"fine_tuning": ' + "[" * DEEP + "]" * DEEP + "}").encode()),
        ("deep_objects.json", ('{"fine_tuning": ' + '{"a": ' * DEEP + "1" + "}" * DEEP + "}").encode()),
        ("deep_flow.yaml", ("fine_tuning: " + "[" * DEEP + "]" * DEEP + "\n").encode()),
        ("deep_block.yaml", ("fine_tuning:\n" + "".join(" " * i + "- \n" for i in range(DEEP))).encode()),
        ("deep.toml", ("fine_tuning = " + "[" * DEEP + "]" * DEEP + "\n").encode()),
        ("deep_inline.toml", ("fine_tuning = " + "{a=" * DEEP + "1" + "}" * DEEP + "\n").encode()),
        (
            "deep.ts",
            ("const c = new OpenAI({ apiKey: 'k' });\nconst x = " + "[" * DEEP + "]" * DEEP + ";\n").encode(),
        ),
        (
            "deep_calls.js",
            ("const c = new OpenAI({ apiKey: 'k' });\nx = " + "f(" * DEEP + ")" * DEEP + ";\n").encode(),
        ),
        ("train.jsonl", ('{"messages": ' + "[" * DEEP + "]" * DEEP + "}\n").encode()),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_5000_deep_nesting(name, data):
    from ragfirst.analyzers.registry import language_of

    if language_of(name) is None:
        pytest.skip(f"no analyzer registered for {name}")
    with Bound(seconds=10, mib=300):
        findings = run_engine(name, data)
    errors = [f for f in findings if f.rule_id == "RF000"]
    assert len(errors) <= 1
    assert not [f.message for f in errors if fuzzlib.INTERNAL_ERROR_MARK in f.message]


def test_yaml_nested_just_under_the_parser_limit_is_walked():
    """Deep enough to pass libyaml, deep enough to threaten Python recursion in our walkers."""
    for depth in (500, 900, 990):
        data = ("fine_tuning: " + "[" * depth + "]" * depth + "\n").encode()
        findings = run_engine("deep.yaml", data)
        assert not [f.message for f in findings if fuzzlib.INTERNAL_ERROR_MARK in f.message]


# -- long lines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("long.py", lambda pad: HEADER + f"note = '{pad}'; " + CALL + "\n"),
        ("long.json", lambda pad: '{"fine_tuning": "' + pad + '", "zero_optimization": {"stage": 3}}'),
        ("long.yaml", lambda pad: f"fine_tuning: '{pad}'\n"),
        ("long.ts", lambda pad: f"const c = new OpenAI({{ apiKey: '{pad}' }});\n"),
        (".env", lambda pad: f"OPENAI_API_KEY={pad}\n"),
        ("train.jsonl", lambda pad: json.dumps({"messages": [{"role": "user", "content": pad}]}) + "\n"),
    ],
)
def test_1_mb_lines(name, build):
    from ragfirst.analyzers.registry import language_of

    if language_of(name) is None:
        pytest.skip(f"no analyzer registered for {name}")
    data = build("a" * MiB).encode()
    with Bound(seconds=15, mib=150):
        findings = run_engine(name, data)
    assert not [f.message for f in findings if f.rule_id == "RF000"]
    if name == "long.py":
        finding = only(findings, "RF101")
        assert (finding.span.start_line, finding.span.start_col) == (3, len("note = '") + MiB + 3)


# -- encodings, line endings, tabs, unicode ------------------------------------------------------


def _rf101(data: bytes, name: str = "t.py"):
    return only(run_engine(name, data), "RF101")


def test_bom_is_not_a_column():
    plain = _rf101((HEADER + CALL + "\n").encode())
    with_bom = _rf101(b"\xef\xbb\xbf" + (HEADER + CALL + "\n").encode())
    assert with_bom.span == plain.span


@pytest.mark.parametrize("name", ["p.json", "p.yaml", "pyproject.toml", ".env", "requirements.txt"])
def test_bom_in_config_files_is_accepted(name):
    body = {
        "p.json": '{"zero_optimization": {"stage": 3}}',
        "p.yaml": "fine_tuning: 1\n",
        "pyproject.toml": '[project]\ndependencies = ["trl"]\n',
        ".env": "OPENAI_API_KEY=x\n",
        "requirements.txt": "trl\n",
    }[name]
    findings = run_engine(name, b"\xef\xbb\xbf" + body.encode())
    assert not [f.message for f in findings if f.rule_id == "RF000"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_line_endings_keep_python_positions(newline):
    text = HEADER + "\nx = [\n\t1]\n" + "if True:\n\t" + CALL + "\n"
    reference = _rf101(text.encode())
    assert (reference.span.start_line, reference.span.start_col) == (7, 1)  # a tab is one column
    assert _rf101(text.replace("\n", newline).encode()).span == reference.span


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_line_endings_keep_suppressions_working(newline):
    text = HEADER + CALL + "  # ragfirst: ignore[RF101] -- approved\n"
    findings = run_engine("s.py", text.replace("\n", newline).encode())
    assert [(f.rule_id, f.suppressed) for f in findings] == [("RF101", True)], [
        (f.rule_id, f.span, f.message) for f in findings
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "lone-cr"])
@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("bad.py", "import openai\nopenai.OpenAI().fine_tuning.jobs.create\ny = '\udcff'\n", (3, 5)),
        ("bad.json", '{"fine_tuning":\n  [1,\n   2,, 3]}', (3, 6)),
        ("bad.yaml", "fine_tuning:\n  a: 1\n b: [\n", (3, 1)),
    ],
    ids=["invalid-utf8-py", "json-syntax", "yaml-syntax"],
)
def test_line_endings_keep_rf000_positions(newline, name, text, where):
    data = text.replace("\n", newline).encode("utf-8", errors="surrogateescape")
    error = only(run_engine(name, data), "RF000")
    assert error.span.start_line == where[0], (error.span, error.message)


def test_non_ascii_identifiers_and_emoji_columns():
    text = (
        "from openai import AzureOpenAI\n"
        "клиент = AzureOpenAI()\n"
        "note = '😀é'; клиент.fine_tuning.jobs.create(model='m', training_file='f')\n"
    )
    finding = _rf101(text.encode())
    assert (finding.span.start_line, finding.span.start_col) == (3, len("note = '😀é'; "))


def test_nul_bytes_give_one_rf000_per_kind():
    for kind, spec in fuzzlib.available_kinds().items():
        data = spec.seeds[0].encode()
        findings = run_engine(spec.filename, data[:20] + b"\0" + data[20:])
        language = language_spec(spec.filename)
        foreign = getattr(language, "binary_foreign_suffixes", ())
        if foreign and spec.filename.lower().endswith(foreign):
            assert findings == [], (kind, findings)  # binary under a shared suffix (.ts video): skipped
            continue
        error = only(findings, "RF000")
        assert "NUL" in error.message or "binary" in error.message, (kind, error.message)


def test_invalid_utf8_is_one_rf000_with_its_position():
    data = b"import openai\nname = 'caf\xe9'\nopenai.OpenAI().fine_tuning.jobs.create()\n"
    error = only(run_engine("x.py", data), "RF000")
    assert "UTF-8" in error.message
    assert (error.span.start_line, error.span.start_col) == (2, 11)


def test_utf16_columns_and_line_endings_through_the_language_server(tmp_path):
    """Editors count UTF-16 units and split lines on \\n, \\r\\n and \\r (LSP 3.17)."""
    line = "note = '😀é\t'; " + CALL
    expected_char = len("note = '😀é\t'; ".encode("utf-16-le")) // 2
    client = fuzzlib.RawLsp(tmp_path)
    try:
        for index, newline in enumerate(["\n", "\r\n", "\r"]):
            uri = (tmp_path / f"u{index}.py").as_uri()
            text = (HEADER + "\n" + line + "\n").replace("\n", newline)
            client.open(uri, text)
            report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
            items = [d for d in report["result"]["items"] if d["code"] == "RF101"]
            assert len(items) == 1, (repr(newline), report["result"]["items"])
            start = items[0]["range"]["start"]
            assert (start["line"], start["character"]) == (3, expected_char), repr(newline)
    finally:
        client.close()


# -- unreadable and special files ------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [None, 2], ids=["parent-reads", "workers-read"])
def test_unreadable_file_is_an_rf000_not_a_crash(tmp_path, monkeypatch, jobs):
    """Simulated EACCES (the tests run as root, where chmod 000 does not stop reads). With
    a pool and no cache the workers read the files: the same RF000 comes back from them."""
    (tmp_path / "ok.py").write_text(FINE_TUNE)
    secret = tmp_path / "locked.py"
    secret.write_text(FINE_TUNE)

    real_open = os.open

    def guarded(file, *args, **kwargs):
        if os.path.basename(os.fspath(file)) == "locked.py":
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    # The engine's reader opens with os.open (non-blocking, then a type check): deny that
    # one file (forked pool workers inherit the patch).
    monkeypatch.setattr(os, "open", guarded)
    with Bound(seconds=20):
        findings = lint_paths([tmp_path], ConfigResolver(), jobs=jobs).findings
    assert sorted((Path(f.path).name, f.rule_id) for f in findings if f.rule_id in ("RF000", "RF101")) == [
        ("locked.py", "RF000"),
        ("ok.py", "RF101"),
    ]


def test_unlistable_directory_is_an_rf000_and_the_rest_is_linted(tmp_path, monkeypatch):
    """Simulated EACCES on listing a directory (as root, chmod 000 does not stop a listing;
    the dropped-privileges test below does it for real): one RF000 naming the directory,
    never a silent skip, and the rest of the tree is linted."""
    (tmp_path / "ok.py").write_text(FINE_TUNE)
    private = tmp_path / "private"
    (private / "deeper").mkdir(parents=True)
    (private / "inner.py").write_text(FINE_TUNE)
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "late.py").write_text(FINE_TUNE)
    real_scandir = os.scandir

    def guarded(path="."):
        if Path(os.fsdecode(path)).name == "private":
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    with Bound(seconds=20):
        findings = lint_tree(tmp_path).findings
    got = sorted((Path(f.path).name, f.rule_id) for f in findings if f.rule_id in ("RF000", "RF101"))
    assert got == [("late.py", "RF101"), ("ok.py", "RF101"), ("private", "RF000")], got
    error = only(findings, "RF000")
    assert "cannot list directory: Permission denied" in error.message, error.message
    assert "\n" not in error.message


def _world_readable_tmpdir() -> Path:
    root = Path(tempfile.mkdtemp(prefix="ragfirst-perm-"))
    root.chmod(0o755)
    return root


DROP_PRIVILEGES_AND_CHECK = (
    "import contextlib, io, os, sys\n"
    "from ragfirst.cli.main import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    main(['check', '--format', 'json', sys.argv[1]])  # warm every import while still root\n"
    "if os.geteuid() == 0:\n"
    "    os.setgid(65534)\n"
    "    os.setuid(65534)\n"
    "raise SystemExit(main(['check', '--format', 'json', '.']))\n"
)


def test_really_unreadable_file_with_dropped_privileges(tmp_path):
    """chmod 000 for real. As root (CI), the check drops to `nobody` after its imports
    (the interpreter itself lives under /root, which `nobody` cannot enter)."""
    root = _world_readable_tmpdir()
    warm = _world_readable_tmpdir()
    (warm / "ok.py").write_text(FINE_TUNE)
    (root / "ok.py").write_text(FINE_TUNE)
    locked = root / "locked.py"
    locked.write_text(FINE_TUNE)
    locked.chmod(0)
    locked_dir = root / "private"
    locked_dir.mkdir()
    (locked_dir / "inner.py").write_text(FINE_TUNE)
    locked_dir.chmod(0)
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-c", DROP_PRIVILEGES_AND_CHECK, str(warm)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        locked_dir.chmod(0o755)
    assert done.returncode in (0, 1, 2), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    payload = json.loads(done.stdout)
    by_file = {(Path(f["path"]).name, f["rule"]) for f in payload["findings"]}
    assert ("ok.py", "RF101") in by_file
    assert ("locked.py", "RF000") in by_file
    assert ("private", "RF000") in by_file, by_file  # the unlistable directory is reported
    assert not any(name == "inner.py" for name, _ in by_file if (name, "RF101") in by_file)


def _make_fifo(path: Path) -> None:
    os.mkfifo(path)


def test_fifos_and_devices_are_never_opened(tmp_path):
    (tmp_path / "ok.py").write_text(FINE_TUNE)
    _make_fifo(tmp_path / "pipe.py")
    _make_fifo(tmp_path / "train.jsonl")
    made_device = False
    if os.geteuid() == 0:
        try:
            os.mknod(tmp_path / "zero.py", 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
            made_device = True
        except OSError:
            pass
    (tmp_path / "zero_link.py").symlink_to("/dev/zero")
    with Bound(seconds=30):
        done = subprocess.run(
            [sys.executable, "-P", "-m", "ragfirst", "check", "--format", "json", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1, done.stderr[-2000:]
    names = {Path(f["path"]).name for f in json.loads(done.stdout)["findings"]}
    assert names == {"ok.py"}, (names, made_device)


def test_a_fifo_named_on_the_command_line_does_not_block(tmp_path):
    _make_fifo(tmp_path / "pipe.py")
    done = subprocess.run(
        [sys.executable, "-P", "-m", "ragfirst", "check", "pipe.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode in (0, 1, 2)
    assert "Traceback" not in done.stderr


def test_language_server_index_skips_fifos_and_devices(tmp_path):
    (tmp_path / "ok.py").write_text(FINE_TUNE)
    _make_fifo(tmp_path / "pipe.py")
    (tmp_path / "zero_link.py").symlink_to("/dev/zero")
    client = fuzzlib.RawLsp(tmp_path)
    try:
        answer = client.request(
            "workspace/executeCommand", {"command": "ragfirst.lintWorkspace", "arguments": []}, timeout=30
        )
        assert answer.get("result") == {"files": 1}, answer
    finally:
        client.close()


# -- links -------------------------------------------------------------------------------------


def test_symlink_loops_and_links_out_of_the_root(tmp_path):
    """No crash, no loop, nothing outside the root (a.py -> b.py -> a.py crashed `check`)."""
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret_train.py").write_text(FINE_TUNE)
    (root / "ok.py").write_text(FINE_TUNE)
    (root / "loop_dir").symlink_to(root)  # a directory that contains itself
    (root / "a.py").symlink_to(root / "b.py")
    (root / "b.py").symlink_to(root / "a.py")  # a file link loop
    (root / "self.py").symlink_to(root / "self.py")
    (root / "out_dir").symlink_to(outside)
    (root / "out_file.py").symlink_to(outside / "secret_train.py")
    (root / "dangling.py").symlink_to(root / "missing.py")
    with Bound(seconds=20):
        findings = lint_tree(root).findings
    paths = sorted({Path(f.path).name for f in findings})
    assert paths == ["ok.py"], [(f.path, f.rule_id) for f in findings]


# -- files that change under us -----------------------------------------------------------------------


def test_files_deleted_during_the_scan(tmp_path, monkeypatch):
    for index in range(20):
        (tmp_path / f"f{index}.py").write_text(FINE_TUNE)
    real_discover = runner_module.discover_files

    def deleting(*args, **kwargs):
        for found in real_discover(*args, **kwargs):
            if found.name.endswith(("1.py", "3.py", "5.py")):
                Path(found.path).unlink()
            yield found

    monkeypatch.setattr(runner_module, "discover_files", deleting)
    with Bound(seconds=20):
        findings = lint_tree(tmp_path).findings
    by_rule = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, set()).add(Path(finding.path).name)
    assert len(by_rule.get("RF101", ())) == 14
    assert by_rule.get("RF000", set()) <= {f"f{i}.py" for i in (1, 3, 5, 11, 13, 15)}


def test_files_rewritten_and_deleted_while_scanning(tmp_path):
    """A thread rewrites, truncates, deletes and recreates files during real scans."""
    names = [tmp_path / f"d{i}" / f"f{i}.py" for i in range(60)]
    for path in names:
        path.parent.mkdir()
        path.write_text(FINE_TUNE)
    (tmp_path / "data").mkdir()
    stop = threading.Event()

    def churn() -> None:
        toggle = 0
        while not stop.is_set():
            for path in names[::3]:
                toggle += 1
                try:
                    if toggle % 3 == 0:
                        path.unlink()
                    elif toggle % 3 == 1:
                        path.write_bytes(b"\xff\xfe" * 10 if toggle % 2 else FINE_TUNE.encode()[:30])
                    else:
                        path.write_text(FINE_TUNE)
                except OSError:
                    pass

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()
    try:
        with Bound(seconds=60):
            for _ in range(5):
                result = lint_tree(tmp_path)
                assert not [f.message for f in result.findings if fuzzlib.INTERNAL_ERROR_MARK in f.message]
    finally:
        stop.set()
        worker.join(5)


# -- names ----------------------------------------------------------------------------------------


WEIRD_NAMES = [
    "with space.py",
    "ünïcødé_名前_😀.py",
    "new\nline.py",
    "tab\there.py",
    "-dash.py",
    "%0A::error.py",
]


def test_strange_file_names_in_every_format(tmp_path, monkeypatch):
    for name in WEIRD_NAMES:
        (tmp_path / name).write_text(FINE_TUNE)
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json", "sarif", "github", "junit", "gitlab"):
        code, out, err, trace = run_cli_in_process(["check", "--format", fmt, "."])
        assert trace is None, trace
        assert code == 1, (fmt, err)
        if fmt == "json":
            paths = sorted(Path(f["path"]).name for f in json.loads(out)["findings"] if f["rule"] == "RF101")
            assert paths == sorted(WEIRD_NAMES)
        if fmt == "github":
            # One workflow command per finding: a newline in a name must not start a new command.
            lines = [line for line in out.splitlines() if line.strip()]
            assert all(line.startswith("::") for line in lines), lines
            assert len([line for line in lines if "RF101" in line]) == len(WEIRD_NAMES), lines
        if fmt == "sarif":
            json.loads(out)


# -- everything at once ------------------------------------------------------------------------


def build_hostile_tree(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "ok.py").write_text(FINE_TUNE)
    with (root / "huge.py").open("wb") as handle:
        handle.write(FINE_TUNE.encode())
        block = b"x = 'padding'\n" * 65536
        while handle.tell() < 50 * MiB:
            handle.write(block)
    (root / "long_file.py").write_text(HEADER + "x = 1\n" * 200_000 + CALL + "\n")
    (root / "long_line.py").write_text(HEADER + "s = '" + "a" * MiB + "'; " + CALL + "\n")
    (root / "deep.py").write_text(HEADER + "x = " + "[" * DEEP + "]" * DEEP + "\n")
    (root / "deep.json").write_text('{"fine_tuning": ' + "[" * DEEP + "]" * DEEP + "}")
    (root / "deep.yaml").write_text("fine_tuning: " + "[" * DEEP + "]" * DEEP + "\n")
    (root / "bom.py").write_bytes(b"\xef\xbb\xbf" + FINE_TUNE.encode())
    (root / "crlf.py").write_bytes(FINE_TUNE.replace("\n", "\r\n").encode())
    (root / "cr.py").write_bytes(FINE_TUNE.replace("\n", "\r").encode())
    (root / "tabs.py").write_text(HEADER + "if True:\n\t" + CALL + "\n")
    (root / "unicode.py").write_text(
        HEADER.replace("client", "клиент") + "s = '😀'; " + CALL.replace("client", "клиент") + "\n"
    )
    (root / "nul.py").write_bytes(b"import openai\0\n")
    (root / "bad_utf8.py").write_bytes(b"import openai\nx = '\xff'\n")
    (root / "bomb.yaml").write_text(
        "a: &a [fine_tuning, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
        )
    )
    record = json.dumps(
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    )
    (root / "train.jsonl").write_text(
        "\n".join(record.replace('"q"', f'"q{i}"') for i in range(200_000)) + "\n"
    )
    os.mkfifo(root / "pipe.py")
    (root / "zero.py").symlink_to("/dev/zero")
    (root / "loop").symlink_to(root)
    (root / "x.py").symlink_to(root / "y.py")
    (root / "y.py").symlink_to(root / "x.py")
    (root / "escape.py").symlink_to("/etc/hostname")
    for name in WEIRD_NAMES:
        (root / name).write_text(FINE_TUNE)


# The CLI in a child that reports its own peak RSS (ru_maxrss of itself only) on stderr.
MEASURED_CLI = (
    "import resource, sys\n"
    "from ragfirst.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write(f'\\nMAXRSS_KIB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
    "raise SystemExit(code)\n"
)


def test_hostile_tree_time_and_peak_rss(tmp_path, record_property):
    """All of the above in one tree, checked by the real CLI: time and peak RSS reported."""
    root = tmp_path / "hostile"
    build_hostile_tree(root)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-P", "-c", MEASURED_CLI, "check", "--format", "json", "."],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    timer = threading.Timer(180, process.kill)
    timer.start()
    try:
        out, err = process.communicate()
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - started
    rss_lines = [line for line in err.decode().splitlines() if line.startswith("MAXRSS_KIB ")]
    rss_mib = int(rss_lines[-1].split()[1]) / 1024 if rss_lines else float("nan")
    record_property("hostile_tree_seconds", round(elapsed, 2))
    record_property("hostile_tree_peak_rss_mib", rss_mib)
    print(f"\nhostile tree: {elapsed:.1f}s, peak RSS {rss_mib:.0f} MiB")
    assert process.returncode == 1, err.decode()[-3000:]
    assert b"Traceback" not in err
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if fuzzlib.INTERNAL_ERROR_MARK in f["message"]]
    assert elapsed < 120
    assert rss_lines and rss_mib < 1500


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_unicode_line_separators_do_not_shift_yaml_positions(separator):
    """PyYAML counts NEL/U+2028/U+2029 as line breaks; editors (LSP) and ragfirst's own line
    table do not. A comment holding five of them must not move findings five lines down."""
    seed = fuzzlib.YAML_SEEDS[1]
    reference = [(f.rule_id, f.span.start_line) for f in run_engine("axolotl.yaml", seed.encode())]
    shifted = [
        (f.rule_id, f.span.start_line)
        for f in run_engine("axolotl.yaml", ("# " + separator * 5 + "\n" + seed).encode())
    ]
    assert shifted == [(rule, line + 1) for rule, line in reference]
