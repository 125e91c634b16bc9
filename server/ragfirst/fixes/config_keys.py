"""RF404 in config files: where the file's format has its own way to read an environment
variable, the key becomes that reference (unsafe: the value must be set in the
environment first); elsewhere the fix is display-only guidance.

- Docker Compose files (`compose.yaml`, `docker-compose.yml`): `${NAME}`, Compose's
  variable interpolation (docs.docker.com/compose/how-tos/environment-variables).
- LiteLLM proxy configs (a YAML with a top-level `model_list`): `os.environ/NAME`, the
  reference LiteLLM documents for `api_key` (docs.litellm.ai/docs/proxy/configs).
- `.env` files: display-only (the file *is* the environment; move it out of the repo).
- Any other YAML, JSON or TOML: display-only. A plain config has no standard reference
  syntax, and a `${NAME}` its loader does not expand would be sent as the key.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ragfirst.fixes import config_edits
from ragfirst.model import Finding, Fix, FixSafety

COMPOSE_NAMES = frozenset({"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"})


def _reference(path: str, text: str, name: str) -> str | None:
    """The environment reference this config's format reads, or None."""
    if not config_edits.is_yaml(path):
        return None
    if PurePosixPath(path).name.lower() in COMPOSE_NAMES:
        return "${" + name + "}"
    import yaml

    try:
        documents = list(yaml.safe_load_all(text))
    except (yaml.YAMLError, RecursionError):
        return None
    if any(isinstance(d, dict) and isinstance(d.get("model_list"), list) for d in documents):
        return f"os.environ/{name}"
    return None


def config_key_fix(finding: Finding, text: str, name: str) -> Fix:
    lowered = PurePosixPath(finding.path).name.lower()
    guidance = Fix(
        f"Move the key out of this file; read it from the environment as {name}"
        + ("" if lowered.startswith(".env") else " (this format has no reference to the environment)"),
        (),
        FixSafety.DISPLAY_ONLY,
    )
    reference = _reference(finding.path, text, name)
    if reference is None:
        return guidance
    values = [
        v
        for v in config_edits.value_on_line(text, finding.path, finding.span.start_line)
        if isinstance(v.value, str) and len(v.value) >= 16
    ]
    if len(values) != 1:
        return guidance
    edit = config_edits.replace(text, values[0], config_edits.yaml_string(reference, values[0]))
    return Fix(
        f"Read the key from the environment variable {name} as {reference} (set it there first)",
        (edit,),
        FixSafety.UNSAFE,
    )
