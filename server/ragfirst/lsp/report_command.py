"""`ragfirst.showReport`: write the decision report for the workspace and open it.

The report is the CLI's (`ragfirst report`), for the first workspace folder as it is on
disk (unsaved edits are not in it, as for `check`). It is written under the user cache
directory, never into the workspace (no stray file in the user's git status), and the
client is asked to open it with `window/showDocument` only when it advertises that
request; the answer always carries the path, so any client can open it itself.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from ragfirst.atomic_write import make_parents, write_atomic
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.cache import default_cache_dir

COMMAND = "ragfirst.showReport"


def report_path(folder: Path, fmt: str) -> Path:
    """One file per workspace folder and format, under the cache directory."""
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    suffix = "md" if fmt == "markdown" else "html"
    return default_cache_dir() / "reports" / digest / f"report.{suffix}"


def _format(arguments: tuple[Any, ...]) -> str:
    options = arguments[0] if arguments and isinstance(arguments[0], dict) else {}
    fmt = str(options.get("format", "html"))
    if fmt not in ("html", "markdown"):
        raise JsonRpcInvalidParams("format must be html or markdown")
    return fmt


def _write_report(folder: Path, fmt: str) -> Path:
    from ragfirst.report.run import render, report_for_paths

    report = report_for_paths([folder], ConfigResolver(), title=f"ragfirst report: {folder.name}")
    target = report_path(folder, fmt)
    make_parents(target)
    write_atomic(target, render(report, fmt))
    return target


def _can_show_documents(server: LanguageServer) -> bool:
    window = server.client_capabilities.window
    return bool(window is not None and window.show_document is not None and window.show_document.support)


def register(server: LanguageServer, folders: Any) -> None:
    """Add the command; `folders()` gives the workspace folders (the server's own list)."""

    @server.command(COMMAND)
    async def show_report(ls: LanguageServer, *arguments: Any) -> dict[str, Any]:
        fmt = _format(arguments)
        roots = folders()
        if not roots:
            raise JsonRpcInvalidParams("no workspace folder to report on")
        target = await asyncio.to_thread(_write_report, roots[0], fmt)
        shown = False
        if _can_show_documents(ls):
            result = await ls.window_show_document_async(
                types.ShowDocumentParams(uri=target.as_uri(), external=fmt == "html")
            )
            shown = bool(result and result.success)
        return {"path": str(target), "uri": target.as_uri(), "shown": shown}
