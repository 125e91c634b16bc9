"""workspace/executeCommand: explain a rule, lint the workspace, open a guide, and the
server's own counters (for tests and the latency bench)."""

from __future__ import annotations

import logging
import re
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ragfirst.config.settings import Settings

log = logging.getLogger("ragfirst.lsp")
# `ls` is the RagfirstServer: pygls reads a command's type hints at run time, and the
# server module imports this one, so the hint stays `Any`.


def _rule_argument(arguments: list[Any]) -> str | None:
    if not arguments:
        return None
    first = arguments[0]
    if isinstance(first, dict):
        value = first.get("rule")
        return str(value) if value else None
    return str(first)


def explain_rule(ls: Any, *arguments: Any) -> str:
    from ragfirst.docs_gen import render_rule_page  # the rule pages' renderer, on first use

    rule_id = _rule_argument(list(arguments))
    rule = ls.session.engine_for(Settings()).ruleset.get(rule_id.upper()) if rule_id else None
    if rule is None:  # an InvalidParams answer: no traceback, the argument not echoed
        shown = rule_id if rule_id and re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,15}", rule_id) else "given"
        raise JsonRpcInvalidParams(f"unknown rule {shown} (expected a rule id such as RF101)")
    return render_rule_page(rule)


async def lint_workspace(ls: Any, *arguments: Any) -> dict[str, int]:
    return {"files": await ls.indexer.lint_workspace()}


async def open_guide(ls: Any, *arguments: Any) -> dict[str, Any]:
    """Ask the client to open the guide, when it says it can (`window.showDocument`);
    otherwise (Eglot), or when it answers null or refuses, give the URL back. The
    diagnostic's `codeDescription.href` stays the main link (issue 24, bug 5)."""
    url = str(arguments[0]) if arguments else ""
    if not url:
        raise JsonRpcInvalidParams("ragfirst.openGuide needs a URL")
    window = ls.client_capabilities.window
    if window and window.show_document and window.show_document.support:
        try:
            result = await ls.window_show_document_async(types.ShowDocumentParams(uri=url, external=True))
        except Exception as exc:  # MethodNotFound, a malformed answer: the URL comes back
            log.warning("window/showDocument failed: %s", type(exc).__name__)
            result = None
        if result is not None and result.success:
            return {"success": True}
    return {"success": False, "url": url}


async def server_stats(ls: Any, *arguments: Any) -> dict[str, Any]:
    """The session's counters, and `busy` (Scheduler.busy). A coroutine, so it runs after
    the notifications the client sent before it (pygls starts their handlers as tasks, in
    order): an edit sent just before is already scheduled when `busy` is read."""
    return {**ls.session.stats(), "busy": ls.scheduler.busy()}


COMMANDS = {
    "ragfirst.explainRule": explain_rule,
    "ragfirst.lintWorkspace": lint_workspace,
    "ragfirst.openGuide": open_guide,
    "ragfirst.serverStats": server_stats,
}
