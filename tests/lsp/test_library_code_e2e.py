"""An SDK's own code in the editor (engine/library_code.py): a file of a top-level package
named like the SDK calls itself, which is no use of the SDK; once the folder above becomes
a package (an `__init__.py` created on disk) the package is the app's `vendor.openai` and
the same call is the app's. The server follows the `__init__.py` coming and going, as
`ragfirst check` does on the same tree."""

from __future__ import annotations

import pytest
from lsprotocol import types
from tests.lsp.editor_session import changed_on_disk, codes, editor, open_doc, wait_diagnostics, write

from ragfirst.cli.main import main

CALL = "from openai import OpenAI\n\nOpenAI().chat.completions.create(model='gpt-4o-mini', messages=[])\n"
CONFIG = "ignore = ['RF406']\n"


def _cli_rules(root, capsys) -> list[str]:
    import json

    main(["check", "--format", "json", "--exit-zero", "--no-cache", str(root)])
    return sorted(f["rule"] for f in json.loads(capsys.readouterr().out)["findings"])


@pytest.mark.parametrize("profile", ["vscode"])
async def test_an_init_file_makes_the_sdks_own_package_the_apps(tmp_path, profile, capsys):
    write(tmp_path, "ragfirst.toml", CONFIG)
    write(tmp_path, "vendor/openai/__init__.py", "")
    helpers = write(tmp_path, "vendor/openai/helpers.py", CALL)
    assert _cli_rules(tmp_path, capsys) == []
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, helpers.as_uri(), CALL)
        await wait_diagnostics(client, uri, lambda d: codes(d) == [])
        above = write(tmp_path, "vendor/__init__.py", "")
        changed_on_disk(client, above, types.FileChangeType.Created)
        await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF401"])
        assert _cli_rules(tmp_path, capsys) == ["RF401"]
        above.unlink()
        changed_on_disk(client, above, types.FileChangeType.Deleted)
        await wait_diagnostics(client, uri, lambda d: codes(d) == [])
    assert _cli_rules(tmp_path, capsys) == []
