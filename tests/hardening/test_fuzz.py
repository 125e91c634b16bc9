"""Fuzzing, CI subset: fixed seeds, small counts. `scripts/fuzz.py` (make fuzz) runs the big ones.

Properties, for every file kind the analyzer registry claims:
- no exception escapes `Engine.analyze` / `Engine.finalize`;
- no RF000 says "internal error" (that is a bug of ours that was caught);
- a file yields findings or one RF000, never two;
- every finding's position lies inside the file;
- the same bytes give the same findings;
- `ragfirst check` exits 0, 1 or 2, whatever the tree and the arguments;
- the language server answers a request after every input.
"""

from __future__ import annotations

import ast
import json
import string
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install 'hypothesis>=6.100')")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.hardening import fuzzlib
from tests.hardening.fuzzlib import KINDS, check_case, check_cli_batch, mutate, require_kind

CI_CASES = 200  # mutated cases per kind in CI (fixed seeds)
CI_SEED = 20240601
ENGINE_PROPERTIES = ("crash", "internal-error", "nondeterministic", "rf000-count", "slow")

FUZZ_SETTINGS = settings(
    max_examples=40,
    derandomize=True,  # fixed seeds: the CI subset is reproducible
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _describe(problems: list[fuzzlib.Problem], limit: int = 5) -> str:
    return "\n".join(f"{p.short()}\n    input: {p.data[:300]!r}" for p in problems[:limit])


def _mutated_cases(kind: str, count: int = CI_CASES) -> list[tuple[bytes, list[str]]]:
    spec = KINDS[kind]
    return [mutate(spec, fuzzlib.case_rng(kind, CI_SEED, index)) for index in range(count)]


@pytest.fixture(scope="module", autouse=True)
def _warm_engine():
    fuzzlib.default_engine()


# -- mutation of real files ---------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_mutated_files_keep_the_engine_properties(kind):
    spec = require_kind(kind)
    problems = []
    for data, _ in _mutated_cases(kind):
        outcome = check_case(kind, spec.filename, data)
        problems += [p for p in outcome.problems if p.what in ENGINE_PROPERTIES]
    assert not problems, _describe(problems)


@pytest.mark.parametrize("kind", list(KINDS))
def test_mutated_files_give_positions_inside_the_file(kind):
    """Line/column of every finding lie in the file as an editor splits it (\\n, \\r\\n, \\r)."""
    spec = require_kind(kind)
    problems = []
    for data, _applied in _mutated_cases(kind):
        outcome = check_case(kind, spec.filename, data)
        problems += [p for p in outcome.problems if p.what == "bad-position"]
    assert not problems, _describe(problems)


@pytest.mark.parametrize("kind", list(KINDS))
def test_truncation_at_every_offset(kind):
    spec = require_kind(kind)
    seed = min(spec.seeds, key=len).encode("utf-8")
    problems = []
    for offset in range(len(seed) + 1):
        problems += check_case(kind, spec.filename, seed[:offset]).problems
    assert not problems, _describe(problems)


# -- property-based: arbitrary bytes and text ------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_arbitrary_bytes(kind):
    spec = require_kind(kind)

    @FUZZ_SETTINGS
    @given(st.binary(max_size=3000))
    def run(data: bytes) -> None:
        problems = check_case(kind, spec.filename, data).problems
        assert not problems, _describe(problems)

    run()


_TRIGGER_PREFIX = {
    "python": "from openai import AzureOpenAI\nclient = AzureOpenAI()\n",
    "javascript": 'const c = new OpenAI({ apiKey: "k" });\n',
    "typescript": 'const c = new OpenAI({ apiKey: "k" });\n',
    "yaml": "fine_tuning: true\n",
    "json": '{"fine_tuning": ',
    "toml": "[tool.ragfirst]\n",
    "dotenv": "OPENAI_API_KEY=x\n",
    "requirements": "trl>=0.29\n",
    "jsonl": '{"messages": [{"role": "user", "content": "hi"}]}\n',
    "sql": "CREATE TABLE documents (embedding vector(1536));\n",
    "ini": "[options]\ninstall_requires =\n    trl\n",
    "vue": '<script setup lang="ts">\nimport OpenAI from "openai";\nconst c = new OpenAI({ apiKey: "k" });\n',
    "svelte": '<script>\nimport OpenAI from "openai";\nconst c = new OpenAI({ apiKey: "k" });\n',
    "tsx": 'import OpenAI from "openai";\nconst c = new OpenAI({ apiKey: "k" });\nconst x = <div>',
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_arbitrary_text_after_a_trigger(kind):
    """Text that passes the prefilter, so the real parser sees it."""
    spec = require_kind(kind)

    @FUZZ_SETTINGS
    @given(st.text(max_size=2000))
    def run(text: str) -> None:
        if kind == "notebook":  # the text in a code cell of a valid notebook
            data = fuzzlib.notebook_text(("code", _TRIGGER_PREFIX["python"] + text)).encode(
                "utf-8", "surrogatepass"
            )
        else:
            data = (_TRIGGER_PREFIX[kind] + text).encode("utf-8", errors="surrogatepass")
        problems = check_case(kind, spec.filename, data).problems
        assert not problems, _describe(problems)

    run()


def test_grammar_valid_python():
    """hypothesmith: grammar-valid Python never crashes us, and what `ast` parses we parse."""
    hypothesmith = pytest.importorskip("hypothesmith")

    @settings(FUZZ_SETTINGS, max_examples=40)
    @given(hypothesmith.from_grammar())
    def run(code: str) -> None:
        text = _TRIGGER_PREFIX["python"] + code
        data = text.encode("utf-8", errors="surrogatepass")
        outcome = check_case("python", "grammar.py", data)
        assert not outcome.problems, _describe(outcome.problems)
        try:
            ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        findings = fuzzlib.run_engine("grammar.py", data)
        assert not any("syntax error" in f.message for f in findings if f.rule_id == "RF000"), code

    run()


def test_grammar_valid_python_from_cst_nodes():
    hypothesmith = pytest.importorskip("hypothesmith")

    @settings(FUZZ_SETTINGS, max_examples=25)
    @given(hypothesmith.from_node())
    def run(code: str) -> None:
        data = (_TRIGGER_PREFIX["python"] + code).encode("utf-8", errors="surrogatepass")
        outcome = check_case("python", "node.py", data)
        assert not outcome.problems, _describe(outcome.problems)

    run()


# -- property-based: structured documents ------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["fine_tuning", "gpt-4.1", "dpo", "sk-...", "os.environ/KEY", "user", "assistant"]),
)
_keys = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "messages",
            "role",
            "content",
            "model",
            "max_budget",
            "api_key",
            "zero_optimization",
            "stage",
            "dependencies",
            "devDependencies",
            "litellm_settings",
            "model_list",
            "lora_r",
            "num_epochs",
        ]
    ),
)
_documents = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=6), st.dictionaries(_keys, children, max_size=6)),
    max_leaves=40,
)


@pytest.mark.parametrize("filename", ["package.json", "ds_config.json", "config.yaml", "axolotl.yml"])
def test_structured_json_and_yaml(filename):
    """Any JSON value, as JSON and as YAML (JSON is YAML): the walkers cope with every shape."""
    kind = "json" if filename.endswith(".json") else "yaml"
    require_kind(kind)

    @FUZZ_SETTINGS
    @given(_documents)
    def run(document) -> None:
        data = json.dumps(document, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
        problems = check_case(kind, filename, data).problems
        assert not problems, _describe(problems)

    run()


_roles = st.sampled_from(["system", "user", "assistant", "tool", "developer", "bogus", "", None, 3])
_message = st.fixed_dictionaries(
    {"role": _roles}, optional={"content": st.one_of(st.text(max_size=60), st.none(), _documents)}
)
_record = st.one_of(
    st.fixed_dictionaries({"messages": st.lists(_message, max_size=5)}),
    st.fixed_dictionaries({"prompt": st.text(max_size=30), "completion": st.text(max_size=30)}),
    st.fixed_dictionaries(
        {
            "input": st.fixed_dictionaries({"messages": st.lists(_message, max_size=3)}),
            "preferred_output": st.lists(_message, max_size=2),
            "non_preferred_output": st.lists(_message, max_size=2),
        }
    ),
    _documents,
)


def test_structured_jsonl_training_data():
    require_kind("jsonl")

    @FUZZ_SETTINGS
    @given(
        st.lists(
            st.one_of(_record.map(lambda r: json.dumps(r, ensure_ascii=False)), st.text(max_size=30)),
            max_size=30,
        )
    )
    def run(lines: list[str]) -> None:
        data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
        problems = check_case("jsonl", "train.jsonl", data).problems
        assert not problems, _describe(problems)

    run()


_toml_key = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9_-]{1,12}\Z"),
    st.text(max_size=10).map(lambda s: json.dumps(s, ensure_ascii=True)),
)
_toml_value = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(alphabet=string.printable.replace("\\", "").replace('"', ""), max_size=30).map(
        lambda s: json.dumps(s)
    ),
    st.lists(st.text(alphabet=string.ascii_letters, max_size=8).map(json.dumps), max_size=5).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
)


def test_structured_toml():
    require_kind("toml")
    table = st.lists(st.tuples(_toml_key, _toml_value), max_size=8)

    @FUZZ_SETTINGS
    @given(st.lists(st.tuples(st.lists(_toml_key, min_size=1, max_size=3), table), max_size=5), table)
    def run(tables, top) -> None:
        lines = [f"{k} = {v}" for k, v in top]
        for header, items in tables:
            lines.append("[" + ".".join(header) + "]")
            lines += [f"{k} = {v}" for k, v in items]
        data = "\n".join(lines).encode("utf-8")
        problems = check_case("toml", "pyproject.toml", data).problems
        assert not problems, _describe(problems)

    run()


def test_structured_dotenv_and_requirements():
    require_kind("dotenv")
    require_kind("requirements")
    line = st.one_of(
        st.tuples(st.from_regex(r"\A(export )?[A-Z_][A-Z0-9_]{0,20}\Z"), st.text(max_size=60)).map(
            lambda kv: f"{kv[0]}={kv[1]}"
        ),
        st.text(max_size=60),
        st.tuples(
            st.sampled_from(["trl", "peft", "torch", "openai", "unsloth", "-e .", "-r x.txt"]),
            st.sampled_from(["", ">=1", "==0.1", "[all]>=2", " ; python_version<'3'", " # c"]),
        ).map("".join),
    )

    @FUZZ_SETTINGS
    @given(st.lists(line, max_size=20), st.sampled_from(["\n", "\r\n"]))
    def run(lines: list[str], newline: str) -> None:
        data = newline.join(lines).encode("utf-8", errors="surrogatepass")
        for kind, name in (("dotenv", ".env"), ("requirements", "requirements.txt")):
            problems = check_case(kind, name, data).problems
            assert not problems, _describe(problems)

    run()


# -- the CLI ---------------------------------------------------------------------------------


def _fuzz_tree(root: Path, per_kind: int = 12) -> None:
    for kind, spec in fuzzlib.available_kinds().items():
        for index in range(per_kind):
            data, _ = mutate(spec, fuzzlib.case_rng(kind, CI_SEED + 1, index))
            folder = root / kind / f"case{index:03d}"
            folder.mkdir(parents=True)
            (folder / spec.filename).write_bytes(data)


def test_cli_exit_code_on_a_fuzzed_tree(tmp_path, monkeypatch):
    _fuzz_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    problems = check_cli_batch(tmp_path)
    assert not problems, _describe(problems)
    for fmt in ("text", "sarif", "github", "junit", "gitlab"):
        code, _, err, trace = fuzzlib.run_cli_in_process(["check", "--format", fmt, "."])
        assert trace is None, trace
        assert code in (0, 1, 2), (fmt, code, err[-500:])


@pytest.mark.parametrize("index", range(12))
def test_multi_file_trees_agree_without_cache_cold_and_warm(tmp_path, index):
    """Mixed kinds, a local module and its caller, a mutated .gitignore and config: the CLI
    gives the same exit code and findings with no cache, a cold cache and a warm one."""
    root = tmp_path / "tree"
    root.mkdir()
    fuzzlib.make_tree(root, fuzzlib.case_rng("tree", CI_SEED, index))
    problems = fuzzlib.check_tree(root, tmp_path / "cache")
    assert not problems, _describe(problems)


def test_cli_subprocess_exit_code_on_a_fuzzed_tree(tmp_path):
    """The real console script, as CI runs it: exit 0, 1 or 2 and no traceback."""
    _fuzz_tree(tmp_path, per_kind=4)
    script = Path(sys.executable).with_name("ragfirst")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ragfirst"]
    done = subprocess.run([*command, "check", "."], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1, 2), done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]


_ARG_WORDS = st.sampled_from(
    [
        "check",
        "rule",
        "rules",
        "decisions",
        "--select",
        "--ignore",
        "--extend-select",
        "--format",
        "json",
        "sarif",
        "text",
        "github",
        "bogus",
        "--exit-zero",
        "--statistics",
        "--quiet",
        "--severity-threshold",
        "error",
        "--show-suppressed",
        "--config",
        "pyproject.toml",
        "missing.toml",
        ".",
        "a.py",
        "nope/",
        "RF101",
        "RF",
        "rf999",
        "--",
        "-",
        "--baseline",
        "base.json",
        "--diff",
        "HEAD",
        "--version",
        "-q",
        "--output-file",
        "out.txt",
    ]
)


def test_cli_exit_code_for_any_arguments(tmp_path, monkeypatch):
    """Any argv: 0, 1 or 2 (argparse errors included), never a traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(KINDS["python"].seeds[0])
    (tmp_path / "pyproject.toml").write_text("[tool.ragfirst]\nignore = ['RF107']\n")

    @settings(FUZZ_SETTINGS, max_examples=80)
    @given(st.lists(st.one_of(_ARG_WORDS, st.text(max_size=12)), max_size=6))
    def run(argv: list[str]) -> None:
        argv = [a for a in argv if "\0" not in a]
        code, _, err, trace = fuzzlib.run_cli_in_process(argv)
        assert trace is None, f"{argv!r}\n{trace}"
        assert code in (0, 1, 2), f"{argv!r} -> {code!r}: {err[-300:]}"

    run()


# -- the language server --------------------------------------------------------------------


def test_server_answers_after_every_fuzz_input(tmp_path):
    kinds = fuzzlib.available_kinds()
    client = fuzzlib.RawLsp(tmp_path)
    problems: list[fuzzlib.Problem] = []
    try:
        for kind, spec in kinds.items():
            uri = (tmp_path / kind / spec.filename).as_uri()
            client.open(uri, "", version=1)
            for index in range(20):
                data, _ = mutate(spec, fuzzlib.case_rng(kind, CI_SEED + 2, index))
                text = data.decode("utf-8", errors="replace")
                problems += fuzzlib.check_lsp_case(client, uri, text, index + 2, kind)
        assert client.process.poll() is None, "the server died"
    finally:
        client.close()
    assert not problems, _describe(problems)


def test_server_answers_after_lone_surrogates_in_a_document(tmp_path):
    """JSON allows `\\ud800` escapes; an editor buffer can carry one. The server must answer."""
    client = fuzzlib.RawLsp(tmp_path)
    try:
        uri = (tmp_path / "s.py").as_uri()
        client.open(uri, "x = 1\n")
        problems = fuzzlib.check_lsp_case(
            client, uri, "from openai import AzureOpenAI\nx = '\ud800'\nAzureOpenAI()\n", 2, "python"
        )
        assert client.process.poll() is None
    finally:
        client.close()
    assert not problems, _describe(problems)
