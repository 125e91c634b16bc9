"""Valid files of real projects are never RF000 (issue 19), and a real syntax error is RF000
at the error while the rest of the file is still analysed.

Each case is a minimal file written from a pattern seen in public repositories: YAML with
the custom tags of other tools, JSX and JS that the tree-sitter grammars lag behind on,
JSONC by convention, Helm and Jinja templates.
"""

from __future__ import annotations

import textwrap

import pytest
from tests.conftest import ids, lint

from ragfirst.analyzers.config_analyzer import analyze_json, analyze_yaml
from ragfirst.analyzers.errors import AnalysisError
from ragfirst.analyzers.js_analyzer import analyze_js
from ragfirst.source import SourceText

UNCAPPED = 'new OpenAI().chat.completions.create({ model: "gpt-4o", messages: [] });'


def js_errors(code: str, path: str) -> list[tuple[int, int]]:
    facts = analyze_js(SourceText(textwrap.dedent(code)), path)
    return [(e.line, e.col) for e in facts.syntax_errors]


# -- YAML: tags of other tools are data, never constructed --------------------------------


def test_yaml_custom_tags_are_plain_data():
    text = textwrap.dedent(
        """\
        task: arc_easy
        process_results: !function utils.process_results
        loader: !!python/name:yaml.Loader
        run: !!python/object/apply:os.system ["echo never"]
        bucket: !Ref MyBucket
        zones: !GetAZs [a, b]
        extra: !include other.yaml
        model: gpt-4o
        """
    )
    facts = analyze_yaml(SourceText(text), "task.yaml")
    values = {entry.path: entry.value for entry in facts.entries}
    assert values[("process_results",)] == "utils.process_results"
    assert values[("run",)] == ["echo never"]  # a list of strings: nothing was run
    assert values[("bucket",)] == "MyBucket"
    assert values[("model",)] == "gpt-4o"
    assert (facts.entries[-1].span.start_line, facts.entries[-1].span.start_col) == (8, 0)


def test_yaml_tags_do_not_hide_findings_of_the_file():
    code = """\
        model_list:
          - model_name: gpt
            litellm_params: {model: !ENV OPENAI_MODEL}
        general_settings:
          master_key: !Ref MasterKey
        """
    assert ids(lint(code, path="litellm_config.yaml")) == ["RF403"]


def test_broken_yaml_is_still_rf000():
    with pytest.raises(AnalysisError):
        analyze_yaml(SourceText('model_list: "unterminated\n'), "a.yaml")


def test_rule_packs_keep_rejecting_unknown_tags():
    from ragfirst.positioned_yaml import YamlError, load_positioned

    with pytest.raises(YamlError):
        load_positioned("id: !function x\n")


# -- JS/TS: valid code the grammars reject ------------------------------------------------


@pytest.mark.parametrize(
    ("code", "path"),
    [
        pytest.param(
            "export const P = () => <button>Save & Close</button>;\n", "a.jsx", id="jsx-bare-ampersand"
        ),
        pytest.param("export const P = () => <p>Q&A</p>;\n", "a.tsx", id="jsx-ampersand-in-word"),
        pytest.param(
            'export const P = () => <Banner url="https://x.io?utm_source=oss&utm_medium=docs" />;\n',
            "a.tsx",
            id="jsx-attribute-query-string",
        ),
        pytest.param(
            "export const P = () => <a href='/q?a=1&b' title=\"R&D &amp; more\">x</a>;\n",
            "a.jsx",
            id="jsx-attribute-ampersands",
        ),
        pytest.param(
            'export const X = () => <Skeleton.default className="a"></Skeleton.default>;\n',
            "a.jsx",
            id="jsx-member-keyword",
        ),
        pytest.param("export const X = () => <Skeleton.default />;\n", "a.js", id="jsx-member-keyword-js"),
        pytest.param(
            'export const F = () => <svg><feBlend in="SourceGraphic" in2="b" /></svg>;\n',
            "a.jsx",
            id="svg-in-attribute",
        ),
        pytest.param('import data from "./d.json" assert { type: "json" };\n', "a.mjs", id="import-assert"),
        pytest.param('import data from "./d.json" with { type: "json" };\n', "a.js", id="import-with"),
        pytest.param(
            'export { default } from "./d.json" assert { type: "json" };\n', "a.js", id="export-assert"
        ),
        pytest.param("const r = String.raw`C:\\unicode\\xylo \\u{zz}`;\n", "a.js", id="string-raw-escapes"),
        pytest.param(
            'function f(a: import("./x").T<string>): void {}\n', "a.ts", id="import-type-with-arguments"
        ),
        pytest.param(
            'let x: import("openai").OpenAI | import("./y").Z<number>;\n', "a.ts", id="import-type-union"
        ),
    ],
)
def test_valid_js_is_not_a_syntax_error(code, path):
    assert js_errors(code, path) == []


def test_an_ampersand_in_a_plain_string_is_not_rewritten():
    """Only a JSX attribute's string is rewritten: outside JSX the same text is already
    valid, and a broken string stays an error."""
    assert js_errors('const u = "https://x.io?a=1&b=2";\n', "a.tsx") == []
    assert js_errors('const u = "https://x.io?a=1&b=2;\n', "a.tsx") != []


def test_the_attribute_gap_keeps_the_calls_of_the_file():
    code = f"""\
        import OpenAI from "openai";
        export async function go() {{ return {UNCAPPED} }}
        export const Page = () => <Banner onClick={{go}} url="https://x.io?a=1&utm_medium=docs" />;
        """
    assert ids(lint(code, path="page.tsx")) == ["RF401"]


def test_an_untagged_template_with_a_bad_escape_is_still_an_error():
    # Only a tagged template may hold `\u{zz}`; node rejects it elsewhere too.
    assert js_errors("const s = `\\u{zz}`;\n", "a.js") != []


def test_jsx_gap_keeps_the_uncapped_call_in_the_same_file():
    code = f"""\
        import OpenAI from "openai";
        export async function save() {{ return {UNCAPPED} }}
        export const Page = () => <button onClick={{save}}>Save & Close</button>;
        """
    assert ids(lint(code, path="page.jsx")) == ["RF401"]


# -- a real syntax error: RF000 at the error, the rest analysed ---------------------------


def test_syntax_error_is_rf000_at_the_error_and_the_rest_is_analysed():
    code = f"""\
        import OpenAI from "openai";
        function broken() {{
          const x = ;
        }}
        export async function ask() {{ return {UNCAPPED} }}
        """
    findings = lint(code, path="a.ts")
    assert sorted(ids(findings)) == ["RF000", "RF401"]
    error = next(f for f in findings if f.rule_id == "RF000")
    assert (error.span.start_line, error.span.start_col) == (3, 10)  # at the error, not 1:1
    assert next(f for f in findings if f.rule_id == "RF401").span.start_line == 5


def test_rf000_severity_is_configurable():
    from ragfirst.config.settings import Settings
    from ragfirst.model import Severity

    code = 'import OpenAI from "openai";\nconst x = ;\n'
    findings = lint(code, path="a.ts", settings=Settings(severity={"RF000": "warning"}))
    assert [(f.rule_id, f.severity) for f in findings] == [("RF000", Severity.WARNING)]
    assert lint(code, path="a.ts", settings=Settings(severity={"RF000": "off"})) == []


# -- JSONC by convention ------------------------------------------------------------------

JSONC = """\
{
  // comments and trailing commas, as TypeScript and VS Code allow
  "compilerOptions": { "target": "es2017", /* modern */ "paths": { "@/*": ["./src/*"], }, },
  "openai.model": "gpt-4o",
}
"""


@pytest.mark.parametrize(
    "path",
    [
        "tsconfig.json",
        "tsconfig.build.json",
        "packages/web/jsconfig.json",
        ".devcontainer/devcontainer.json",
        ".vscode/settings.json",
        ".vscode/launch.json",
        "Properties/launchSettings.json",
        "settings.jsonc",
        ".eslintrc.json",  # ESLint reads its JSON config with comments (AgentGPT's next/)
        "web/.eslintrc.json",
    ],
)
def test_jsonc_by_convention_parses(path):
    facts = analyze_json(SourceText(JSONC), path)
    values = {entry.path: entry.value for entry in facts.entries}
    assert values[("openai.model",)] == "gpt-4o"
    line = next(e.span.start_line for e in facts.entries if e.path == ("openai.model",))
    assert line == 4


@pytest.mark.parametrize(
    "path",
    ["package.json", "data/config.json", "vscode/settings.json", "eslintrc.json", ".eslintrc.json.bak"],
)
def test_plain_json_with_comments_is_still_an_error(path):
    with pytest.raises(AnalysisError):
        analyze_json(SourceText(JSONC), path)


def test_a_comment_marker_inside_a_jsonc_string_is_kept():
    facts = analyze_json(SourceText('{"url": "http://x//y", "a": "/* no */",}\n'), "tsconfig.json")
    assert {e.path: e.value for e in facts.entries} == {("url",): "http://x//y", ("a",): "/* no */"}


# -- Helm and Jinja templates -------------------------------------------------------------

HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  {{- if .Values.replicas }}
  replicas: {{ .Values.replicas }}
  {{- end }}
  template:
    spec:
      containers:
        - name: openai-proxy
          env:
            {{- toYaml .Values.env | nindent 12 }}
"""


def test_a_helm_template_is_read_where_it_can_be():
    facts = analyze_yaml(SourceText(HELM), "chart/templates/deploy.yaml")
    paths = {entry.path for entry in facts.entries}
    assert ("spec", "template", "spec", "containers", 0, "name") in paths


def test_a_template_that_is_no_yaml_even_without_tags_is_skipped_not_rf000():
    text = "{% for m in models %}\n- {{ m }}: [\n{% endfor %}\nopenai: x\n"
    assert ids(lint(text, path="templates/models.yaml")) == []


# -- Python 3.12 f-strings on an older Python ---------------------------------------------


def test_pep701_fstrings_are_not_rf000_on_any_supported_python():
    code = """\
        from openai import OpenAI
        row = {"question": "q"}
        prompt = f"{row["question"]}, answer between {row['a']!r:>{10}} and {row["b"]}"
        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-1")
        """
    assert "RF000" not in ids(lint(code, path="grpo.py"))
    assert "RF101" in ids(lint(code, path="grpo.py"))


def test_an_escape_in_an_fstring_nested_in_a_field_is_not_rf000():
    """3.12 allows `\\n` in an f-string that stands in another f-string's field
    (gpt-researcher's deep_research example); 3.11 reads it with the escape blanked. A
    backslash that ends a line is kept, so every line stays where it was."""
    code = (
        "from openai import OpenAI\n"
        'combined = f"""\n'
        "Follow-up: {' '.join([f'Q: {q}\\nA: {a}' for q, a in zip(qs, answers)])}\n"
        'tail {f"{x}\\t{y}"}"""\n'
        'OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-1")\n'
    )
    findings = lint(code, path="deep_research.py")
    assert ids(findings) == ["RF101"]
    assert findings[0].span.start_line == 5


def test_a_broken_fstring_is_still_rf000():
    code = 'from openai import OpenAI\nprompt = f"{row["question"}"\nOpenAI().fine_tuning.jobs.create()\n'
    findings = lint(code, path="broken.py")
    assert sorted(ids(findings)) == ["RF000", "RF101"]  # the rest of the file is analysed
    assert next(f for f in findings if f.rule_id == "RF000").span.start_line == 2


def test_requoting_keeps_length_and_values():
    import ast

    from ragfirst.analyzers.newer_fstrings import with_older_quotes

    text = 'x = f"{d["q"]} {y:>{w}}"  # f"{d["c"]}"\ns = "plain"\n'
    rewritten = with_older_quotes(text)
    assert rewritten is not None and len(rewritten) == len(text)
    assert rewritten.splitlines()[1] == 's = "plain"'
    ast.parse(rewritten)  # valid on 3.11 too
    assert with_older_quotes('x = f"{a}" + "b"\n') is None


def test_import_types_in_interfaces_are_not_errors():
    code = """\
        export interface MessageRecord {
          id: string;
          role: import("@assistant-ui/react").ThreadMessage["role"];
          attachments?: import("@assistant-ui/react").ThreadMessage["attachments"];
          settings?:
            | import("./utils/settings").ThreadScopedSettings
            | null;
        }
        """
    assert js_errors(code, "types.ts") == []


# -- JSON Lines under a .json name; ARM templates with comments (session 12) ---------------

BFCL = (
    '{"id": "simple_0", "question": [[{"role": "user", "content": "Area of a triangle?"}]], "function": [{"description": "the vector length"}]}\n'
    '{"id": "simple_1", "question": [[{"role": "user", "content": "Sum of 2 and 3?"}]]}\n'
)


def test_json_lines_named_json_are_data_not_an_error():
    # gorilla's BFCL_v4_*.json and qlora's MMLU files: one record a line
    assert analyze_json(SourceText(BFCL), "bfcl_eval/data/BFCL_v4_simple_python.json").entries == []
    assert "RF000" not in ids(lint(BFCL, path="data/mmlu/zero_shot_mmlu_val.json"))


@pytest.mark.parametrize(
    "text",
    [
        '{"id": 1}\n{"id": }\n',  # the second line is no JSON value
        '{"id": 1} trailing\n',  # garbage after one document
        '{\n  "id": 1\n}\n{"id": 2}\n',  # a pretty-printed document, then a record
    ],
)
def test_broken_json_is_still_an_error(text):
    with pytest.raises(AnalysisError):
        analyze_json(SourceText(text), "data.json")


ARM = """\
{
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "variables": {
        "roleDefinitionId": "00000000-0000-0000-0000-000000000002", // Cosmos DB data contributor
        /* the model the app calls */
        "model": "gpt-4o",
    }
}
"""


def test_arm_template_comments_parse():
    # sample-app-aoai-chatGPT's infrastructure/deployment.json: ARM reads comments
    facts = analyze_json(SourceText(ARM), "infrastructure/deployment.json")
    values = {entry.path: entry.value for entry in facts.entries}
    assert values[("variables", "model")] == "gpt-4o"
    assert next(e.span.start_line for e in facts.entries if e.path == ("variables", "model")) == 7
    assert "RF000" not in ids(lint(ARM, path="infrastructure/deployment.json"))


@pytest.mark.parametrize(
    "schema",
    ["https://json-schema.org/draft-07/schema#", "https://example.com/schema.management.azure.com/x"],
)
def test_other_schemas_with_comments_are_still_an_error(schema):
    text = ARM.replace(
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", schema
    )
    with pytest.raises(AnalysisError):
        analyze_json(SourceText(text), "infrastructure/deployment.json")
