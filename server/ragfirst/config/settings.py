"""`[tool.ragfirst]` in pyproject.toml or `ragfirst.toml`, found upward from each file.

The nearest config wins (as in ruff); there is no merging between levels. A config is
data only: it is parsed with `tomllib` and validated against a schema, and a mistake is
one `ConfigError` line with file:line:col.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ragfirst.config.frozen import frozen
from ragfirst.engine.test_code import DEFAULT_TEST_CODE_RULES, DEFAULT_TEST_PATHS
from ragfirst.errors import LocatedError
from ragfirst.model import SEVERITY_NAMES, Severity
from ragfirst.real_paths import RealDirectories
from ragfirst.safe_read import ReadRefused, read_head, within_cap
from ragfirst.schema_check import conforms

CONFIG_FILES = ("ragfirst.toml", ".ragfirst.toml", "pyproject.toml")
DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "node_modules",
    "site-packages",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".ragfirst_cache",
    "dist",
    "build",
    "*.min.js",
    "*.egg-info",
    # Generated files: lock files can be megabytes, and the baseline is ragfirst's own.
    ".ragfirst-baseline.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".output",
    ".vercel",
    "storybook-static",
    "coverage",
    # Build output, vendored packages and bundles (issue 19): not the team's code.
    "out",
    "_next",
    ".yarn",
    "*.min.mjs",
    "*.min.cjs",
    "*.bundle.js",
    "*.standalone.js",
)

_RULE_ID = r"^[A-Z][A-Z0-9]*[0-9]{0,3}$"
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": {"type": "array", "items": {"type": "string", "pattern": _RULE_ID}},
        "extend-select": {"type": "array", "items": {"type": "string", "pattern": _RULE_ID}},
        "ignore": {"type": "array", "items": {"type": "string", "pattern": _RULE_ID}},
        "severity": {
            "type": "object",
            "propertyNames": {"pattern": _RULE_ID},
            "additionalProperties": {"enum": [*SEVERITY_NAMES, "off"]},
        },
        "exclude": {"type": "array", "items": {"type": "string"}},
        "extend-exclude": {"type": "array", "items": {"type": "string"}},
        "respect-gitignore": {"type": "boolean"},
        "rules": {"type": "array", "items": {"type": "string"}},
        "require-reason": {"type": "boolean"},
        "guide-url": {"type": "string", "pattern": r"^(https?|file)://"},
        "guide-urls": {
            "type": "object",
            "propertyNames": {"pattern": _RULE_ID},
            "additionalProperties": {"type": "string", "pattern": r"^(https?|file)://"},
        },
        "options": {
            "type": "object",
            "propertyNames": {"pattern": _RULE_ID},
            "additionalProperties": {"type": "object"},
        },
        "max-file-size": {"type": "integer", "minimum": 1024},
        "test-paths": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "extend-test-paths": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "report-test-code": {"type": "boolean"},
        "skip-minified": {"type": "boolean"},
        "test-code-rules": {"type": "array", "items": {"type": "string", "pattern": _RULE_ID}},
        "per-file-ignores": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string", "pattern": _RULE_ID}},
        },
    },
}


# Where names are case-sensitive, a directory's listing says what a probe for a config name
# would find; on macOS and Windows `PyProject.toml` answers a probe for `pyproject.toml`.
LISTING_DECIDES = sys.platform not in ("darwin", "win32")


class ConfigError(LocatedError):
    """A problem in `[tool.ragfirst]` or ragfirst.toml, at file:line:col."""


@dataclass(frozen=True, slots=True)
class Settings:
    config_path: Path | None = None
    select: tuple[str, ...] = ("",)  # the empty prefix: every rule, built-in or a team's own
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    respect_gitignore: bool = True
    extra_rules: tuple[Path, ...] = ()
    require_reason: bool = False
    guide_url: str | None = None
    guide_urls: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_file_size: int = 8 * 1024 * 1024
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS  # engine/test_code.py: the policy
    report_test_code: bool = False
    skip_minified: bool = True  # engine/skipped.py: JS files of very long lines
    test_code_rules: tuple[str, ...] = DEFAULT_TEST_CODE_RULES
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # config/per_file_ignores.py
    source: tuple[dict[str, Any], str] | None = field(default=None, compare=False, repr=False)
    """The config's table and text as read (config/validation.py checks them: no second read)."""
    root: Path | None = field(init=False, compare=False, repr=False)
    """The config file's directory: computed once, asked for per file."""
    _hash: int | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", self.config_path.parent if self.config_path else None)

    def __hash__(self) -> int:
        """By value, as `==` compares (config/frozen.py): settings read again, or rebuilt
        with the same editor overrides, are one key of the engine cache."""
        if self._hash is None:
            values = tuple(frozen(getattr(self, f.name)) for f in fields(self) if f.compare)
            object.__setattr__(self, "_hash", hash(values))
        return self._hash  # type: ignore[return-value]

    def is_enabled(self, rule_id: str) -> bool:
        """Longest matching prefix wins between select and ignore (ruff's semantics)."""
        if self.severity.get(rule_id) == "off":
            return False
        best_select = max((len(p) for p in self.select if rule_id.startswith(p)), default=-1)
        best_ignore = max((len(p) for p in self.ignore if rule_id.startswith(p)), default=-1)
        return best_select >= 0 and best_select > best_ignore

    def severity_for(self, rule_id: str, default: Severity) -> Severity:
        value = self.severity.get(rule_id)
        return Severity.parse(value) if value and value != "off" else default

    def option(self, rule_id: str, name: str, default: Any) -> Any:
        return self.options.get(rule_id, {}).get(name, default)

    def with_overrides(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        extend_select: list[str] | None = None,
    ) -> Settings:
        result = self
        if select:
            result = replace(result, select=tuple(select))
        if extend_select:
            result = replace(result, select=(*result.select, *extend_select))
        if ignore:
            result = replace(result, ignore=(*result.ignore, *ignore))
        return result


MAX_CONFIG_BYTES = 1024 * 1024
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _key_position(text: str, key: str) -> tuple[int, int]:
    """Best-effort line of a key in TOML text (tomllib keeps no positions)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
    match = pattern.search(text)
    if not match:
        return 1, 1
    line = text.count("\n", 0, match.start()) + 1
    col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    stripped = len(match.group(0)) - len(match.group(0).lstrip())
    return line, col + stripped


def read_config_table(path: Path, inside: Path | None = None) -> tuple[dict[str, Any] | None, str]:
    """The ragfirst table of a config file (None when a pyproject.toml has none).

    The file is read once, with a byte cap, only if it is a regular file, and a symlink only
    if it stays inside `inside` (default: the config's own directory). A pyproject.toml
    whose first MAX_CONFIG_BYTES + 1 bytes never say "ragfirst" has no ragfirst table for
    us: it is not an error for being big or not UTF-8 (that is another tool's business);
    refusals (a link out, a FIFO) are errors for every config file."""
    display = str(path)
    try:
        data = read_head(path, MAX_CONFIG_BYTES, inside)
        if path.name == "pyproject.toml" and b"ragfirst" not in data:
            return None, ""
        text = within_cap(data, MAX_CONFIG_BYTES).decode("utf-8")
    except ReadRefused as exc:
        raise ConfigError(display, 1, 1, f"config file {exc.reason}") from None
    except UnicodeDecodeError:
        raise ConfigError(display, 1, 1, "config file is not valid UTF-8") from None
    except OSError as exc:
        raise ConfigError(display, 1, 1, f"cannot read config file: {exc.strerror or exc}") from None
    if path.name == "pyproject.toml" and "ragfirst" not in text:
        return None, text
    try:
        data_table = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(display, 1, 1, "invalid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line, col = (int(position.group(1)), int(position.group(2))) if position else (1, 1)
        if position is None and "end of document" in message:  # where the TOML analyzer puts it
            lines = text.split("\n")
            line, col = len(lines), len(lines[-1]) + 1
        raise ConfigError(
            display, line, col, f"invalid TOML: {_TOML_POSITION.sub('', message).strip()}"
        ) from None
    if path.name == "pyproject.toml":
        table = data_table.get("tool", {}).get("ragfirst")
        return (table if isinstance(table, dict) else None), text
    return data_table, text


def _schema_errors(table: dict[str, Any]) -> list[Any]:
    """jsonschema's errors, first by key path; imported only for a config that needs them."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_SCHEMA)
    return sorted(validator.iter_errors(table), key=lambda e: list(e.absolute_path))


def settings_from_file(path: Path, inside: Path | None = None) -> Settings | None:
    table, text = read_config_table(path, inside)
    if table is None:
        return None
    errors = [] if conforms(table, _SCHEMA) else _schema_errors(table)
    if errors:
        error = errors[0]
        key_path = [str(p) for p in error.absolute_path]
        if error.validator == "additionalProperties":
            unknown = re.findall(r"'([^']+)'", error.message)
            key = unknown[0] if unknown else ""
            line, col = _key_position(text, key)
            raise ConfigError(str(path), line, col, f"unknown config key {key!r} in [tool.ragfirst]")
        line, col = _key_position(text, key_path[0]) if key_path else (1, 1)
        where = ".".join(key_path) or "[tool.ragfirst]"
        raise ConfigError(str(path), line, col, f"{where}: {error.message}")
    _check_patterns(table, text, path)
    base = path.parent
    exclude = tuple(table.get("exclude", DEFAULT_EXCLUDES)) + tuple(table.get("extend-exclude", ()))
    return Settings(
        config_path=path,
        source=(table, text),
        select=_every(tuple(table.get("select", ("",))) + tuple(table.get("extend-select", ()))),
        ignore=_every(tuple(table.get("ignore", ()))),
        severity=dict(table.get("severity", {})),
        exclude=exclude,
        respect_gitignore=table.get("respect-gitignore", True),
        extra_rules=tuple(_inside_project(base, p, path, text) for p in table.get("rules", ())),
        require_reason=table.get("require-reason", False),
        guide_url=table.get("guide-url"),
        guide_urls=dict(table.get("guide-urls", {})),
        options={k: dict(v) for k, v in table.get("options", {}).items()},
        max_file_size=table.get("max-file-size", 8 * 1024 * 1024),
        test_paths=tuple(table.get("test-paths", DEFAULT_TEST_PATHS))
        + tuple(table.get("extend-test-paths", ())),
        report_test_code=table.get("report-test-code", False),
        skip_minified=table.get("skip-minified", True),
        test_code_rules=tuple(table.get("test-code-rules", DEFAULT_TEST_CODE_RULES)),
        per_file_ignores=tuple(
            (pattern, _every(tuple(codes))) for pattern, codes in table.get("per-file-ignores", {}).items()
        ),
    )


def _check_patterns(table: dict[str, Any], text: str, path: Path) -> None:
    """A path pattern pathspec cannot compile is a located error, not a crash in discovery."""
    from ragfirst.config.path_patterns import pattern_problem

    patterns = [
        *table.get("exclude", ()),
        *table.get("extend-exclude", ()),
        *table.get("per-file-ignores", {}),
    ]
    for pattern in patterns:
        problem = pattern_problem(pattern)
        if problem:
            found = max(text.find(pattern), 0)
            line, col = text.count("\n", 0, found) + 1, found - (text.rfind("\n", 0, found) + 1) + 1
            raise ConfigError(str(path), line, col, f"path pattern {pattern!r} is not valid: {problem}")


def _every(codes: tuple[str, ...]) -> tuple[str, ...]:
    """ruff's `ALL` is the empty prefix: every rule."""
    return tuple("" if code == "ALL" else code for code in codes)


def _inside_project(base: Path, relative: str, config: Path, text: str) -> Path:
    """Rule packs must live inside the config's directory tree: a repository's config can
    never make ragfirst read (and echo) a file from elsewhere on the machine."""
    target = Path(os.path.realpath(base / relative))  # never raises on a link loop
    inside = Path(os.path.realpath(base))
    if not target.is_relative_to(inside):
        line, col = _key_position(text, "rules")
        raise ConfigError(str(config), line, col, f"rule pack {relative!r} is outside this project; not read")
    if target.is_dir():
        # The loader reads every *.yaml / *.yml in a pack directory: none may link out.
        for pack in sorted(target.glob("*.y*ml")):
            if not Path(os.path.realpath(pack)).is_relative_to(inside):
                line, col = _key_position(text, "rules")
                raise ConfigError(
                    str(config), line, col, f"rule pack {str(pack)!r} links outside this project; not read"
                )
    return target


class ConfigResolver:
    """Finds and caches the settings that apply to each directory."""

    def __init__(self, explicit: Path | None = None, default: Settings | None = None) -> None:
        self._explicit = settings_from_file(explicit) if explicit else None
        if explicit and self._explicit is None:
            raise ConfigError(str(explicit), 1, 1, "no [tool.ragfirst] table in this file")
        self._default = default or Settings()
        self._plain = (self._explicit, self._default)  # before the editor's overrides
        self._severity: dict[str, str] = {}  # the editor's overrides (set_severity_overrides)
        self._by_dir: dict[str, Settings] = {}
        self._by_raw_dir: dict[Path, Settings] = {}
        self._real = RealDirectories()

    def for_path(self, path: Path) -> Settings:
        if self._explicit is not None:
            return self._explicit
        found = self._by_raw_dir.get(path)  # a directory asked about before: no stat
        if found is not None:
            return found
        return self.for_directory(path if path.is_dir() else path.parent)

    def for_directory(self, directory: Path) -> Settings:
        """for_path for a path known to be a directory (discovery's): no stat to find out."""
        if self._explicit is not None:
            return self._explicit
        found = self._by_raw_dir.get(directory)  # resolving every file's directory is costly
        if found is None:
            found = self._by_raw_dir[directory] = self._for_dir(self._real(str(directory)))
        return found

    def for_walked(self, directory: str, real: str, names: Collection[str]) -> Settings:
        """for_directory for a directory a walk has listed (engine/discovery.py): `real` is
        its real path, `names` its listing; a config name it does not hold is not probed."""
        if self._explicit is not None:
            return self._explicit
        return self._for_dir(real, names if LISTING_DECIDES else None)

    def _for_dir(self, directory: str, listed: Collection[str] | None = None) -> Settings:
        """The settings of a resolved directory: its own config, else its parent's. Plain
        strings: a large tree asks for thousands of directories. `listed`: the directory's
        names, when known."""
        found = self._by_dir.get(directory)
        if found is not None:
            return found
        prefix = directory if directory.endswith(os.sep) else directory + os.sep
        for name in CONFIG_FILES:
            if listed is not None and name not in listed:
                continue
            candidate = prefix + name
            # A config linked to a file outside its directory is refused (a ConfigError that
            # names it): it is not this project's config, and reading it would read elsewhere.
            if os.path.isfile(candidate):  # False too for a directory we may not search
                found = settings_from_file(Path(candidate), inside=Path(directory))
                if found is not None:
                    found = self._overridden(found)
                    break
        if found is None:
            parent = os.path.dirname(directory)
            found = self._default if parent == directory else self._for_dir(parent)
        self._by_dir[directory] = found
        return found

    def set_severity_overrides(self, overrides: dict[str, Any]) -> None:
        """An editor's severity overrides (the language server's `severityOverrides`),
        applied here, once per config read: every file of a directory gets the same
        settings object back, and equal settings are one engine (no cache growing with
        lints or hovers, issue 24 bug 13)."""
        wanted = {str(k).upper(): v for k, v in overrides.items() if isinstance(v, str)}
        if wanted == self._severity:
            return
        self._severity = wanted
        explicit, default = self._plain
        self._explicit = self._overridden(explicit) if explicit is not None else None
        self._default = self._overridden(default)
        self.invalidate()

    def _overridden(self, settings: Settings) -> Settings:
        if not self._severity:
            return settings
        return replace(settings, severity={**settings.severity, **self._severity})

    def invalidate(self) -> None:
        self._by_dir.clear()
        self._by_raw_dir.clear()
        self._real.clear()
