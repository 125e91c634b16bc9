"""Issue 24 (edit latency in large workspaces): an edit that changes what a module offers
importers relinks only what it reaches (engine/incremental_link.py), and the routes that
import the changed constant get their new diagnostics."""

from __future__ import annotations

import textwrap

from tests.lsp.editor_session import (
    change_doc,
    codes,
    editor,
    open_doc,
    settled_stats,
    wait_diagnostics,
    write,
)

SETTINGS = 'CHAT_MODEL = "{model}"\nTIMEOUT = 30\n'
DEPS = "from openai import OpenAI\n\nclient = OpenAI()\n"
ROUTE = textwrap.dedent(
    """\
    from app.deps import client
    from app.settings import CHAT_MODEL


    def answer(question: str) -> str:
        reply = client.chat.completions.create(model=CHAT_MODEL, messages=[], max_tokens=200)
        return reply.choices[0].message.content
    """
)


async def test_an_edit_in_settings_updates_the_importing_route_without_a_full_link(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\n')
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/deps.py", DEPS)
    for number in range(30):  # files the edit does not reach
        write(tmp_path, f"app/other_{number}.py", f"VALUE_{number} = {number}\n")
    settings = write(tmp_path, "app/settings.py", SETTINGS.format(model="gpt-4o-mini"))
    route = write(tmp_path, "app/routes.py", ROUTE)
    async with editor(tmp_path, "vscode") as (client, _):
        settings_uri = open_doc(client, settings.as_uri(), SETTINGS.format(model="gpt-4o-mini"))
        route_uri = open_doc(client, route.as_uri(), ROUTE)
        await wait_diagnostics(client, route_uri, lambda d: d is not None and "RF406" not in codes(d))
        before = await settled_stats(client)  # indexing (its full link) and the first relints done
        change_doc(client, settings_uri, 2, SETTINGS.format(model="gpt-4"))  # retiring
        await wait_diagnostics(client, route_uri, lambda d: "RF406" in codes(d))
        change_doc(client, settings_uri, 3, SETTINGS.format(model="gpt-4o-mini"))
        await wait_diagnostics(client, route_uri, lambda d: d is not None and "RF406" not in codes(d))
        after = await settled_stats(client)
    links_before, links_after = before["links"], after["links"]
    assert links_after["full"] == links_before["full"]  # no project linked fully again
    assert links_after["incremental"] >= links_before["incremental"] + 2
    # settings.py and the route that reads it, per edit: not the project's 34 files
    relinked = links_after["relinked_files"] - links_before["relinked_files"]
    assert relinked <= 2 * (links_after["incremental"] - links_before["incremental"])


UNCAPPED_ROUTE = textwrap.dedent(
    """\
    from app.deps import client


    def answer(question: str) -> str:
        return client.chat.completions.create(model="gpt-4o-mini", messages=[])
    """
)


async def test_a_route_left_to_the_link_gets_its_findings_once_a_client_reaches_it(tmp_path):
    """The route names no trigger of its own: it is left to the link unparsed
    (python_link.deferred) while `app.deps` offers no SDK value; an edit that makes
    `client` an OpenAI client reaches it, and its uncapped call is reported; undone, the
    finding goes."""
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\n')
    write(tmp_path, "app/__init__.py", "")
    plain = "client = None\n"
    deps = write(tmp_path, "app/deps.py", plain)
    route = write(tmp_path, "app/routes.py", UNCAPPED_ROUTE)
    async with editor(tmp_path, "vscode") as (client, _):
        deps_uri = open_doc(client, deps.as_uri(), plain)
        route_uri = open_doc(client, route.as_uri(), UNCAPPED_ROUTE)
        await wait_diagnostics(client, route_uri, lambda d: codes(d) == [])
        change_doc(client, deps_uri, 2, DEPS)
        await wait_diagnostics(client, route_uri, lambda d: codes(d) == ["RF401"])
        change_doc(client, deps_uri, 3, plain)
        await wait_diagnostics(client, route_uri, lambda d: codes(d) == [])
