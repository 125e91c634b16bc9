"""RF405's "module no browser gets" test is rule data: `server-only-paths`,
`server-only-directives` and `server-only-imports` in the check's params.

A config cannot change a built-in rule's `check.params`; a team whose framework keeps other
files on the server copies RF405 into its own pack under its own id, adds its path shapes
and ignores RF405. These tests do that through the CLI, and check that bad params are one
located line (exit 2), never a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from tests.conftest import ids, lint

from ragfirst.checks.browser_keys import BrowserKeyCheck, prologue_directives, server_only
from ragfirst.cli.main import main
from ragfirst.rules.loader import builtin_rules_dir

READ = "const k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n"


def builtin_rf405() -> dict:
    pack = yaml.safe_load((builtin_rules_dir() / "packs" / "spend.yaml").read_text(encoding="utf-8"))
    (rule,) = [rule for rule in pack["rules"] if rule["id"] == "RF405"]
    return rule


def team_pack(project: Path, **params: object) -> None:
    """TEAM405: RF405 with these params changed; RF405 itself ignored."""
    rule = builtin_rf405()
    rule = {**rule, "id": "TEAM405", "name": "team-key-exposed-to-browser"}
    rule.pop("examples", None)
    rule["check"] = {**rule["check"], "params": {**rule["check"]["params"], **params}}
    (project / "team.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.ragfirst]\nrules = ["team.yaml"]\nignore = ["RF405"]\n', encoding="utf-8"
    )


def check_json(project: Path, capsys, monkeypatch) -> tuple[int, list[tuple[str, str]], str]:
    monkeypatch.chdir(project)
    code = main(["check", "--no-cache", "--format", "json", "."])
    captured = capsys.readouterr()
    found = json.loads(captured.out)["findings"] if captured.out else []
    return code, sorted((f["rule"], f["path"]) for f in found), captured.err


# -- the built-in params --------------------------------------------------------------------


def test_the_builtin_params_hold_the_server_only_markers():
    params = builtin_rf405()["check"]["params"]
    assert params["server-only-directives"] == ["use server"]
    assert params["server-only-imports"] == ["server-only"]
    assert len(params["server-only-paths"]) == 4
    assert BrowserKeyCheck().validate(params) is None


def test_without_the_server_only_params_route_handlers_are_reported_again():
    """The built-in behaviour comes from the params, not from Python: the same check
    without them reports a route handler's read (packs written before them still load)."""
    params = {k: v for k, v in builtin_rf405()["check"]["params"].items() if not k.startswith("server-only")}
    assert BrowserKeyCheck().validate(params) is None
    assert not server_only("app/api/chat/route.ts", '"use server";\nimport "server-only";\n', params)
    full = builtin_rf405()["check"]["params"]
    assert server_only("app/api/chat/route.ts", "", full)
    assert server_only("lib/a.ts", '"use server";\n', full)
    assert server_only("lib/a.ts", 'import "server-only";\n', full)


# -- a team adds its framework's shape --------------------------------------------------------


def test_a_team_pack_with_an_added_path_shape_silences_its_server_modules(tmp_path, capsys, monkeypatch):
    (tmp_path / "server" / "api").mkdir(parents=True)
    (tmp_path / "server" / "api" / "chat.ts").write_text(READ, encoding="utf-8")
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "Chat.ts").write_text(READ, encoding="utf-8")
    (tmp_path / "app" / "api" / "chat").mkdir(parents=True)
    (tmp_path / "app" / "api" / "chat" / "route.ts").write_text(READ, encoding="utf-8")

    team_pack(tmp_path)  # the built-in shapes only: the Nuxt-style server file fires
    code, found, err = check_json(tmp_path, capsys, monkeypatch)
    assert (code, err) == (1, "")
    assert found == [("TEAM405", "components/Chat.ts"), ("TEAM405", "server/api/chat.ts")]

    shapes = [*builtin_rf405()["check"]["params"]["server-only-paths"], r"(?:^|/)server/api/.+\.ts$"]
    team_pack(tmp_path, **{"server-only-paths": shapes})
    code, found, err = check_json(tmp_path, capsys, monkeypatch)
    assert (code, err) == (1, "")
    assert found == [("TEAM405", "components/Chat.ts")]  # the client component still fires


def test_a_team_pack_with_its_own_directive_and_import_markers(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.ts").write_text('"use backend";\n' + READ, encoding="utf-8")
    (tmp_path / "b.ts").write_text('import "@team/server-guard";\n' + READ, encoding="utf-8")
    (tmp_path / "c.ts").write_text('"use server";\n' + READ, encoding="utf-8")
    team_pack(
        tmp_path,
        **{"server-only-directives": ["use backend"], "server-only-imports": ["@team/server-guard"]},
    )
    code, found, err = check_json(tmp_path, capsys, monkeypatch)
    assert (code, err) == (1, "")
    assert found == [("TEAM405", "c.ts")]  # "use server" is no longer in this team's list


# -- bad params: one located line, exit 2 -----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"server-only-paths": "app/route.ts"}, "server-only-paths must be a list of non-empty strings"),
        ({"server-only-paths": [""]}, "server-only-paths must be a list of non-empty strings"),
        ({"server-only-directives": [1]}, "server-only-directives must be a list of non-empty strings"),
        ({"server-only-imports": {"a": 1}}, "server-only-imports must be a list of non-empty strings"),
        (
            {"server-only-paths": ["(unclosed"]},
            "server-only-paths: bad regular expression '(unclosed': missing ): (unclosed",
        ),
        (
            {"server-only-paths": ["(?<=app/)route"]},
            "server-only-paths: bad regular expression '(?<=app/)route': invalid perl operator: (?<=",
        ),
        (
            {"server-only-directives": ['"use server"']},
            "server-only-directives: '\"use server\"' cannot be a string literal's text",
        ),
        ({"server-only-imports": ["a\nb"]}, "server-only-imports: 'a\\nb' cannot be a string literal's text"),
    ],
)
def test_bad_server_only_params_are_one_line_errors(tmp_path, capsys, monkeypatch, params, expected):
    (tmp_path / "a.ts").write_text(READ, encoding="utf-8")
    team_pack(tmp_path, **params)
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--no-cache", "."])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert re.match(r"ragfirst: error: \S*team\.yaml:\d+:\d+: check 'browser-exposed-key': ", err), err
    assert expected in err
    assert "Traceback" not in err


# -- the prologue scan -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"use server";\n', ["use server"]),
        ("// a\n/* b */\n'use strict';\n\n'use server'\nconst x = 1;\n", ["use strict", "use server"]),
        ('"use client"\n"use server"\n', ["use client", "use server"]),
        ('import x from "y";\n"use server";\n', []),
        ('/* "use server"\n', []),
        ('"use server\n', []),
        ("`use server`\n", []),
    ],
)
def test_prologue_directives(text, expected):
    assert prologue_directives(text) == expected


@pytest.mark.timeout(20)
def test_a_module_starting_with_many_blank_lines_is_scanned_in_linear_time():
    """The regex this replaced, `(?:\\s+|//...|/*...*/)*`, took 1.7 s on 24 leading
    spaces and doubled with each one more: a file with 40 blank lines hung the run."""
    code = "\n" * 50_000 + "  \t\n" * 10_000 + READ
    assert ids(lint(code, path="src/page.ts")).count("RF405") == 1
    assert "RF405" not in ids(lint("\n" * 50_000 + '"use server";\n' + READ, path="src/page.ts"))
