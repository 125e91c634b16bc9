"""The workspace owns what its operations need (issue 17, item 5): the settings resolver,
the engines and where each file is. A front end that only names files and bytes gets the
same findings as `ragfirst check`, and the CLI and the language server share this API."""

from __future__ import annotations

from pathlib import Path

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.engines import EngineCache
from ragfirst.engine.file_ids import FileIds
from ragfirst.engine.runner import lint_paths, project_context
from ragfirst.engine.workspace import Workspace
from ragfirst.lsp.session import Session

TRAIN = (
    "from openai import OpenAI\n"
    "client = OpenAI()\n"
    'client.fine_tuning.jobs.create(training_file="file-abc", model="gpt-4o-mini-2024-07-18")\n'
)


def _project(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.ragfirst]\n{config}")
    (tmp_path / "train.py").write_text(TRAIN)
    return tmp_path


def _codes(workspace: Workspace, path: Path) -> list[str]:
    ids = FileIds()
    key = ids.key(path, ids.real_directory(path.parent))
    settings = workspace.settings_for(path)
    context = project_context(settings, Path(key.root), path.parent)
    return sorted(f.rule_id for f in workspace.findings_for(key, context))


def _update(workspace: Workspace, path: Path) -> None:
    ids = FileIds()
    key = ids.key(path, ids.real_directory(path.parent))
    workspace.paths[key] = path
    workspace.update(key, path.read_bytes())  # settings and engine: the workspace's
    workspace.relink()


def test_update_without_settings_uses_the_projects_config(tmp_path: Path) -> None:
    project = _project(tmp_path, 'ignore = ["RF101"]\n')
    workspace = Workspace()
    _update(workspace, project / "train.py")
    assert "RF101" not in _codes(workspace, project / "train.py")
    assert _codes(workspace, project / "train.py") == sorted(
        f.rule_id
        for f in lint_paths([project / "train.py"], ConfigResolver()).findings
        if f.rule_id != "RF001"
    )


def test_reconfigure_reads_a_changed_config(tmp_path: Path) -> None:
    project = _project(tmp_path)
    workspace = Workspace()
    _update(workspace, project / "train.py")
    assert "RF101" in _codes(workspace, project / "train.py")
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.ragfirst]\nignore = ['RF101']\n")
    _update(workspace, project / "train.py")
    assert "RF101" in _codes(workspace, project / "train.py"), "settings are cached until reconfigure"
    workspace.reconfigure()
    _update(workspace, project / "train.py")
    assert "RF101" not in _codes(workspace, project / "train.py")


def test_the_default_read_is_the_disk_at_the_files_path(tmp_path: Path) -> None:
    project = _project(tmp_path)
    workspace = Workspace()
    _update(workspace, project / "train.py")
    key = next(iter(workspace.files))
    assert workspace.read(key) == TRAIN.encode()
    (project / "train.py").write_text("print('gone')\n")
    assert workspace.read(key) == b"print('gone')\n"
    workspace.remove(key)
    assert key not in workspace.paths and workspace.read(key) is None


def test_equal_settings_share_one_engine(tmp_path: Path) -> None:
    project = _project(tmp_path)
    engines = EngineCache()
    workspace = Workspace(resolver=ConfigResolver(), engines=engines)
    first = workspace.engine_for(workspace.settings_for(project / "train.py"))
    workspace.resolver.invalidate()  # a new settings object of equal value
    assert workspace.engine_for(workspace.settings_for(project / "train.py")) is first
    assert engines.entries() == 1
    workspace.reconfigure()
    assert engines.entries() == 0


def test_the_language_server_session_drives_the_same_workspace(tmp_path: Path) -> None:
    """The server's settings, engines and file map are its workspace's, not copies."""
    project = _project(tmp_path, 'ignore = ["RF101"]\n')
    errors: list[tuple] = []
    session = Session(lambda *args: errors.append(args))
    settings = session.settings_for(project / "train.py")
    assert settings is session.model.settings_for(project / "train.py")
    assert session.engine_for(settings) is session.model.engine_for(settings)
    session.update_model(project / "train.py", TRAIN.encode(), settings, session.engine_for(settings))
    assert session.paths is session.model.paths and list(session.paths.values()) == [project / "train.py"]
    session.set_severity_overrides({"RF102": "error"})
    assert session.model.settings_for(project / "train.py").severity.get("RF102") == "error"
    assert not errors
