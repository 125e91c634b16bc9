"""JSON with comments (JSONC): files that are JSONC by convention, read as such.

TypeScript, VS Code, dev containers, .NET and ESLint read `tsconfig.json`, `.vscode/*.json`,
`devcontainer.json`, `launchSettings.json` and `.eslintrc.json` (eslint.org: "ESLint's
JSON files also allow JavaScript-style comments") with comments and trailing commas allowed;
a strict JSON error there is a false alarm. Comments and trailing commas are blanked with
spaces (newlines kept), so every position of the rest stays where it was.

Azure Resource Manager templates are JSONC by their content: ARM reads `//` and `/* */`
comments in a template ("Understand the structure and syntax of ARM templates",
learn.microsoft.com, section Comments), and a template names its schema
(`"$schema": "https://schema.management.azure.com/schemas/...`); sample-app-aoai-chatGPT's
`infrastructure/deployment.json` comments a role id.
"""

from __future__ import annotations

import fnmatch
import json
import re

_BY_NAME = (
    "tsconfig*.json",
    "jsconfig*.json",
    "devcontainer.json",
    ".devcontainer.json",
    "launchsettings.json",
    ".eslintrc.json",
)
_BY_FOLDER = (".vscode", ".devcontainer")


def is_jsonc(path: str) -> bool:
    """Is this file JSONC by convention (or by its `.jsonc` suffix)?"""
    parts = path.replace("\\", "/").lower().split("/")
    name = parts[-1]
    if name.endswith(".jsonc"):
        return True
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in _BY_NAME):
        return True
    return len(parts) > 1 and parts[-2] in _BY_FOLDER and name.endswith(".json")


_ARM_SCHEMA = re.compile(
    r'\A\s*\{\s*"\$schema"\s*:\s*"https?://schema\.management\.azure\.com/', re.IGNORECASE
)


def is_jsonc_by_content(text: str) -> bool:
    """Is this a JSONC file by its content (an ARM template's `$schema` comes first)?"""
    return _ARM_SCHEMA.match(text) is not None


def is_json_lines(text: str) -> bool:
    """JSON Lines under a `.json` name: two or more lines, each one JSON value. Datasets
    are shipped so (the Berkeley function-calling leaderboard's `BFCL_v4_*.json`, QLoRA's
    MMLU files; `pandas.read_json(lines=True)` and `datasets` read them): valid data, not
    a broken document."""
    count = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            json.loads(line)
        except (ValueError, RecursionError):
            return False
        count += 1
    return count >= 2


def blank_comments(text: str) -> str:
    """`//` and `/* */` comments and trailing commas replaced by spaces (strings untouched)."""
    out = list(text)
    index, length = 0, len(text)
    last_comma = -1  # a comma not yet followed by anything but space and comments
    while index < length:
        char = text[index]
        if char == '"':
            last_comma = -1
            index += 1
            while index < length and text[index] != '"':
                index += 2 if text[index] == "\\" else 1
            index += 1
        elif text.startswith("//", index):
            end = text.find("\n", index)
            end = length if end < 0 else end
            for blank in range(index, end):
                if out[blank] != "\r":
                    out[blank] = " "
            index = end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = length if end < 0 else end + 2
            for blank in range(index, end):
                if out[blank] not in "\r\n":
                    out[blank] = " "
            index = end
        elif char == ",":
            last_comma = index
            index += 1
        elif char in "}]":
            if last_comma >= 0:
                out[last_comma] = " "
            last_comma = -1
            index += 1
        else:
            if char not in " \t\r\n":
                last_comma = -1
            index += 1
    return "".join(out)
