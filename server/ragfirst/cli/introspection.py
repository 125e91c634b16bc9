"""`check --show-settings FILE` and `check --show-files`: what a run would do, and why.

`--show-settings` prints the settings that apply to one file: which config set them (the
nearest config wins, as in ruff; nothing is merged between levels), and for each setting
whether the config, the command line or the default gave it. `--show-files` lists the
files a run would check and what discovery left out, with the reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, TextIO

from ragfirst.analyzers.registry import language_of
from ragfirst.config.path_patterns import compile_patterns
from ragfirst.config.per_file_ignores import config_relative, ignored_codes
from ragfirst.config.settings import ConfigResolver, Settings, read_config_table
from ragfirst.engine.discovery import discover_files
from ragfirst.engine.skipped import NOT_REPORTED, SkipTally
from ragfirst.engine.test_code import is_test_path

# Settings fields and the config keys that set them (`extend-*` keys add to the same field).
_KEYS = {
    "select": ("select", "extend-select"),
    "ignore": ("ignore",),
    "severity": ("severity",),
    "exclude": ("exclude", "extend-exclude"),
    "respect_gitignore": ("respect-gitignore",),
    "extra_rules": ("rules",),
    "require_reason": ("require-reason",),
    "guide_url": ("guide-url",),
    "guide_urls": ("guide-urls",),
    "options": ("options",),
    "max_file_size": ("max-file-size",),
    "test_paths": ("test-paths", "extend-test-paths"),
    "report_test_code": ("report-test-code",),
    "skip_minified": ("skip-minified",),
    "test_code_rules": ("test-code-rules",),
    "per_file_ignores": ("per-file-ignores",),
}


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def settings_report(
    path: Path, resolver: ConfigResolver, adjust: Callable[[Settings], Settings]
) -> dict[str, Any]:
    """The resolved settings of `path`, each with where it came from."""
    found = resolver.for_path(path)
    settings = adjust(found)
    table: dict[str, Any] = {}
    if found.config_path is not None:
        table = read_config_table(found.config_path, inside=found.config_path.parent)[0] or {}
    values: dict[str, Any] = {}
    for spec in fields(Settings):
        if spec.name not in _KEYS:
            continue
        value = getattr(settings, spec.name)
        if value != getattr(found, spec.name):
            source = "command line or environment"
        elif any(key in table for key in _KEYS[spec.name]):
            source = "config"
        else:
            source = "default"
        if spec.name == "per_file_ignores":
            value = {pattern: list(codes) for pattern, codes in value}
        if spec.name in ("select", "ignore"):
            value = ["ALL" if code == "" else code for code in value]
        values[_KEYS[spec.name][0]] = {"value": _plain(value), "from": source}
    relative = config_relative(str(path), Path.cwd(), found.root) if found.root else None
    shown = relative if relative is not None else path.as_posix()
    return {
        "file": path.as_posix(),
        "config": str(found.config_path) if found.config_path else None,
        "checked": _checked(path, shown, settings),
        "test-code": is_test_path(shown, settings.test_paths),
        "per-file-ignores": list(ignored_codes(shown, settings)),
        "settings": values,
    }


def _checked(path: Path, relative: str, settings: Settings) -> str:
    if language_of(path.as_posix()) is None:
        return "no: not a kind of file ragfirst reads"
    pattern = compile_patterns(settings.exclude).deciding(relative) if settings.exclude else None
    if pattern is not None:
        return f"no when found in a directory (excluded by {pattern!r}); yes when named on the command line"
    return "yes"


def write_settings(report: dict[str, Any], out: TextIO, as_json: bool) -> None:
    if as_json:
        out.write(json.dumps(report, indent=2) + "\n")
        return
    out.write(f"Settings for {report['file']}\n")
    out.write(f"  config: {report['config'] or 'none (built-in defaults)'}\n")
    out.write(f"  checked: {report['checked']}\n")
    out.write(f"  test code: {'yes' if report['test-code'] else 'no'}\n")
    if report["per-file-ignores"]:
        out.write(f"  per-file-ignores here: {', '.join(report['per-file-ignores'])}\n")
    width = max(len(key) for key in report["settings"])
    for key, entry in report["settings"].items():
        out.write(f"  {key:<{width}} = {json.dumps(entry['value'])}  # {entry['from']}\n")


class _Recording(SkipTally):
    """A SkipTally that also keeps each path and its reason."""

    __slots__ = ("paths",)

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[tuple[str, str]] = []

    def add(self, reason: str, path: str = "") -> None:
        super().add(reason, path)
        if path and os.path.basename(path.rstrip("/")) not in NOT_REPORTED:
            self.paths.append((path, reason))


def write_files(paths: list[Path], resolver: ConfigResolver, out: TextIO, as_json: bool) -> None:
    """The files a run checks, then what was left out and why."""
    skipped = _Recording()
    errors: list[tuple[str, str]] = []
    found = [
        f.path
        for f in discover_files(
            paths,
            resolver.for_directory,
            lambda name: language_of(name) is not None,
            lambda path, message: errors.append((str(path), message)),
            skipped,
        )
    ]
    if as_json:
        out.write(
            json.dumps(
                {
                    "files": found,
                    "skipped": [{"path": p, "reason": r} for p, r in skipped.paths],
                    "errors": [{"path": p, "message": m} for p, m in errors],
                },
                indent=2,
            )
            + "\n"
        )
        return
    for path in found:
        out.write(path + "\n")
    if skipped.paths:
        out.write(f"Skipped ({len(skipped.paths)}):\n")
        for path, reason in skipped.paths:
            out.write(f"  {path}  {reason}\n")
    for path, message in errors:
        out.write(f"Not read: {path}: {message}\n")
