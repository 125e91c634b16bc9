"""Config files are read once per run (issue 26, the warm run after 1% changed): the
settings and their validation share one read, and a small file's read allocates its size,
not the 1 MiB cap."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from ragfirst import safe_read
from ragfirst.config import settings as settings_module
from ragfirst.config.settings import ConfigError, ConfigResolver, Settings, settings_from_file
from ragfirst.config.validation import ConfigValueError, validate_config
from ragfirst.engine import runner
from ragfirst.engine.engines import EngineCache
from ragfirst.rules.loader import load_ruleset

CLIENT = "from openai import OpenAI\n\nclient = OpenAI()\n"


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the files `read_head` opened (settings' own import and safe_read's)."""
    seen: list[str] = []
    real = safe_read.read_head

    def counting(path, limit, inside=None):
        seen.append(Path(path).name)
        return real(path, limit, inside)

    monkeypatch.setattr(safe_read, "read_head", counting)
    monkeypatch.setattr(settings_module, "read_head", counting)
    return seen


def _project(root: Path) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.ragfirst]\nignore = ["RF404"]\n')
    (root / "a.py").write_text(CLIENT)
    (root / "sub").mkdir()
    (root / "sub" / "ragfirst.toml").write_text('severity = { RF101 = "info" }\n')
    (root / "sub" / "b.py").write_text(CLIENT)
    (root / "other").mkdir()
    (root / "other" / "pyproject.toml").write_text('[project]\nname = "not ours"\n')
    (root / "other" / "c.py").write_text(CLIENT)


def test_each_config_file_is_read_once_per_run(tmp_path, reads):
    """A pyproject.toml was read three times (is the word there, the table, validation),
    a ragfirst.toml twice."""
    _project(tmp_path)
    result = runner.lint_paths([tmp_path], ConfigResolver())
    assert result.files_checked == 6  # the .py files and the configs themselves
    configs = [name for name in reads if name.endswith(".toml")]
    assert sorted(configs) == ["pyproject.toml", "pyproject.toml", "ragfirst.toml"]


def test_validation_checks_the_table_the_settings_came_from(tmp_path, reads):
    config = tmp_path / "ragfirst.toml"
    config.write_text('ignore = ["RF9999"]\n')
    settings = settings_from_file(config)
    assert settings is not None and settings.source is not None
    reads.clear()
    with pytest.raises(ConfigValueError, match="RF9999"):
        validate_config(settings, load_ruleset())
    assert reads == []  # no second read
    # Settings made elsewhere (no table with them) are still validated from the file.
    with pytest.raises(ConfigValueError, match="RF9999"):
        validate_config(Settings(config_path=config), load_ruleset())
    assert reads == ["ragfirst.toml"]


def test_the_table_kept_with_settings_does_not_change_equality_or_engines(tmp_path):
    (tmp_path / "ragfirst.toml").write_text('ignore = ["RF404"]\n')
    first = settings_from_file(tmp_path / "ragfirst.toml")
    (tmp_path / "ragfirst.toml").write_text('ignore = [ "RF404" ]  # same settings\n')
    again = settings_from_file(tmp_path / "ragfirst.toml")
    assert first == again and hash(first) == hash(again) and first.source != again.source
    engines = EngineCache()
    assert engines.for_settings(first) is engines.for_settings(again)
    assert "source" not in repr(first)


def test_pyproject_without_our_word_is_never_an_error(tmp_path):
    """Big or not UTF-8 is another tool's business when the file never says ragfirst."""
    big = tmp_path / "big"
    big.mkdir()
    (big / "pyproject.toml").write_bytes(b"[project]\n" + b"# padding\n" * 200_000)
    latin = tmp_path / "latin"
    latin.mkdir()
    (latin / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    assert ConfigResolver().for_directory(big).config_path is None
    assert ConfigResolver().for_directory(latin).config_path is None


def test_our_config_too_large_or_not_utf8_is_one_located_error(tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    (big / "pyproject.toml").write_bytes(b"[tool.ragfirst]\n" + b"# padding\n" * 200_000)
    with pytest.raises(ConfigError, match="too large"):
        ConfigResolver().for_directory(big)
    latin = tmp_path / "latin"
    latin.mkdir()
    (latin / "ragfirst.toml").write_bytes(b'guide-url = "https://caf\xe9"\n')
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        ConfigResolver().for_directory(latin)


def test_a_small_file_read_allocates_its_size_not_the_cap(tmp_path):
    path = tmp_path / "ragfirst.toml"
    path.write_text("ignore = []\n")
    tracemalloc.start()
    try:
        data = safe_read.read_head(path, 1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data == b"ignore = []\n"
    assert peak < 64 * 1024  # was the 1 MiB cap, every config file


@pytest.mark.parametrize("size", [0, 10, 1023, 1024, 1025, 5000])
def test_read_head_gives_the_file_up_to_one_byte_past_the_cap(tmp_path, size):
    path = tmp_path / "f"
    path.write_bytes(bytes(range(256)) * (size // 256) + bytes(size % 256))
    data = safe_read.read_head(path, 1024)
    assert data == path.read_bytes()[:1025]
    if size > 1024:
        with pytest.raises(safe_read.ReadRefused, match="too large"):
            safe_read.read_capped(path, 1024)
    else:
        assert safe_read.read_capped(path, 1024) == path.read_bytes()


def _frozen_before(value):
    """config/frozen.py's `frozen` before strings were taken as they are (the reference)."""
    if isinstance(value, dict):
        return (
            "dict",
            tuple(sorted(((repr(k), _frozen_before(v)) for k, v in value.items()), key=lambda kv: kv[0])),
        )
    if isinstance(value, (list, tuple)):
        return tuple(_frozen_before(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(_frozen_before(item)) for item in value)))
    return value


@pytest.mark.parametrize(
    "value",
    [
        (),
        [],
        ("a", "b"),
        ["a", "b"],
        ("a", 1),
        ["a", ["b", "c"]],
        {"RF101": "off", "RF2": {"max": 3, "names": ["x", "y"]}},
        {"s": {"b", "a"}},
        ("a", ("b",)),
        "plain",
        None,
    ],
)
def test_frozen_values_are_what_they_were(value):
    from ragfirst.config.frozen import frozen

    assert frozen(value) == _frozen_before(value)
    assert type(frozen(value)) is type(_frozen_before(value))


def test_hashing_settings_does_not_walk_their_string_tuples(monkeypatch):
    """Settings are hashed by value once per config (241 on corpus a): the 45 default
    excludes and the test paths were frozen item by item."""
    from ragfirst.config import frozen as frozen_module

    calls: list[object] = []
    real = frozen_module.frozen

    def counting(value):
        calls.append(value)
        return real(value)

    monkeypatch.setattr(frozen_module, "frozen", counting)
    monkeypatch.setattr(settings_module, "frozen", counting)
    hash(Settings(config_path=Path("/x/ragfirst.toml")))
    assert len(calls) < 25  # one per field (and a few for dicts), not one per string
