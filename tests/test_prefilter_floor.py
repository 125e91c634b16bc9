"""Session 7 (issue 26): the prefilter's scans rewritten to reach its floor give the answers
of the scans they replace: the word set with `\\b` on the dash-as-digit bytes (equal to the
tokenizer), the triggers as bit masks (equal to the set test), the checks' substring search
in one RE2 set with each confirm regex behind its RE2 translation (equal to the search it
replaces; the translation never misses a match of the Python regex), and the verdicts of a
whole engine on real files equal to a reference built from the old pieces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ragfirst.checks.base import SubstringTriggers
from ragfirst.engine.engine import Engine, read_file_bytes
from ragfirst.engine.engine_prefilter import _TOKEN, _TriggerMasks
from ragfirst.engine.python_prefilter import (
    _FROM,
    _WORD,
    IMPORT_MODULES,
    _starts_statement,
    substring_pattern,
)
from ragfirst.engine.re2_superset import superset_gate
from ragfirst.engine.word_scan import SubstringGate, WordScan, is_token
from ragfirst.rules.loader import load_ruleset

ROOT = Path(__file__).resolve().parents[1]
# Words with dashes and zeros (the scan's ambiguous ones), digits, and a `_` start.
WORDS = ["a0b", "a-b", "together-ai", "gpt0", "openai", "create", "_x", "bm25", "v2", "0x", "a.b", "é"]
SCAN = WordScan(WORDS)
PIECES = st.sampled_from(
    [
        "a0b",
        "a-b",
        "together-ai",
        "gpt0",
        "openai",
        "create",
        "_x",
        "bm25",
        "v2",
        "0x",
        "a.b",
        "a",
        "b",
        "0",
        "9",
        "-",
        "_",
        ".",
        " ",
        "\n",
        "é",
        "x",
        "ai",
        "together",
        "'",
    ]
)


def tokens_found(text: str) -> set[str]:
    return set(WORDS).intersection(_TOKEN.findall(text))


@settings(max_examples=1500, deadline=None)
@given(st.lists(PIECES, max_size=14))
def test_the_word_scan_equals_the_tokenizer(pieces):
    text = "".join(pieces)
    assert SCAN.found(text) == tokens_found(text)


def test_word_scan_examples():
    assert SCAN.found("a-b a0b") == {"a-b", "a0b"}
    assert SCAN.found("xa-b") == set()  # one token `xa-b`
    assert SCAN.found("9-a-b") == {"a-b"}  # the tokenizer skips `9-` before a letter
    assert SCAN.found("a0b-c") == set()
    assert SCAN.found("0x 1bm25 é") == {"bm25"}  # `0x`, `a.b`, `é` are never tokens
    assert is_token("x = together-ai", "together-ai")
    assert not is_token("together-aix", "together-ai")


def test_the_word_scan_equals_the_tokenizer_on_real_files():
    engine = Engine(load_ruleset())
    words = engine._words | engine._language_words("javascript")
    scan = WordScan(words)
    paths = [
        *sorted((ROOT / "server").rglob("*.py")),
        *sorted((ROOT / "samples").rglob("*.ts")),
        *sorted((ROOT / "tests").rglob("*.py"))[:80],
    ]
    assert len(paths) > 200
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert scan.found(text) == set(words).intersection(_TOKEN.findall(text)), path


# -- triggers as bit masks -------------------------------------------------------------

TRIGGER_WORDS = ["a", "b", "c", "d", "e", "f"]
TRIGGER = st.lists(
    st.lists(st.sampled_from(TRIGGER_WORDS), min_size=0, max_size=3).map(tuple), min_size=1, max_size=4
).map(tuple)


@settings(max_examples=600, deadline=None)
@given(st.lists(TRIGGER, max_size=8), st.sets(st.sampled_from([*TRIGGER_WORDS, "z"])))
def test_trigger_masks_equal_the_set_test(triggers, found):
    by_word: dict[str, list] = {}
    for trigger in triggers:
        for word in trigger[0]:
            by_word.setdefault(word, []).append(trigger)
    old = any(
        all(not found.isdisjoint(group) for group in trigger)
        for word in found
        for trigger in by_word.get(word, ())
    )
    assert _TriggerMasks(by_word).any_holds(found) == old


# -- RE2 translations of the confirm regexes --------------------------------------------

CONFIRMS = [
    r"(?<![\w.-])(?:gpt-4o|o1-mini|claude-3\.5)(?![\w.-])",
    r"\b(sk-[A-Za-z0-9]{4})\b|\b(AIza[\w-]{3})",
    r"^key\d+$",
    r"(?m)^\s*x[^\n\"]{2,}",
    r"a.b|(?s:c.d)",
    r"(?:ab)++c|(?>de)f",
]
CONFIRM_PIECES = st.sampled_from(
    [
        "gpt-4o",
        "o1-mini",
        "claude-3.5",
        "sk-",
        "AIza",
        "ab",
        "c",
        "d",
        "e",
        "f",
        "key",
        "x",
        "1",
        "٣",
        "é",
        "_",
        "-",
        ".",
        " ",
        "\n",
        '"',
        "A",
        "z",
        "ß",
    ]
)


@pytest.mark.parametrize("source", CONFIRMS)
def test_confirm_translations_exist(source):
    assert superset_gate(re.compile(source)) is not None


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(CONFIRMS), st.lists(CONFIRM_PIECES, max_size=10))
def test_the_translation_never_misses_a_match(source, pieces):
    text = "".join(pieces)
    pattern = re.compile(source)
    gate = superset_gate(pattern)
    if pattern.search(text):
        assert gate.search(text.encode()) is not None


def test_unicode_classes_are_loosened_not_narrowed():
    # Python's str classes are Unicode, RE2's ASCII: the translation adds every non-ASCII
    # character, so a key of Arabic-Indic digits or accented letters is still let through.
    for source, text in [(r"key\d+", "key٣"), (r"AIza[\w-]{3}", "AIzaéßé"), (r"a\sb", "a\x1cb")]:
        assert re.search(source, text)
        assert superset_gate(re.compile(source)).search(text.encode()) is not None, source


def test_untranslatable_patterns_have_no_gate():
    for source in [r"(a)\1", r"(?i)abc", r"[^\w]x", r"x{2000}", r"(?(1)a|b)"]:
        try:
            pattern = re.compile(source)
        except re.error:
            continue
        assert superset_gate(pattern) is None, source
    assert superset_gate(None) is None


def test_the_checks_confirm_regexes_are_translated():
    engine = Engine(load_ruleset())
    assert engine._substring_gate().triggers
    for found in engine._substring_gate().triggers:
        assert superset_gate(found.confirm) is not None


# -- the substring search in one RE2 set -------------------------------------------------

SECRETS = SubstringTriggers(
    prefixes=("sk-", "hf_"),
    confirm=re.compile(r"\bsk-[A-Za-z0-9]{8}|(?<![\w.])hf_[A-Za-z0-9]{8}\b"),
    lowered=("api_key", "secret"),
    literal=re.compile(r"[\"']([A-Za-z0-9]{8,})[\"']"),
)
MODELS = SubstringTriggers(
    prefixes=("gpt-4",), confirm=re.compile(r"(?<![\w.-])gpt-4o(?![\w.-])"), lowered=(), literal=None
)


def previous_hit(text: str, loose: bool) -> bool:
    """Session 6's search: each pattern on its own, then the Python confirm regex."""
    for found in (SECRETS, MODELS):
        prefixes = substring_pattern(found.prefixes, r"(?:^|[^A-Za-z])") if found.prefixes else None
        lowered = substring_pattern(found.lowered, ignore_case=True) if found.lowered else None
        if prefixes and prefixes.search(text) and (found.confirm is None or found.confirm.search(text)):
            return True
        if lowered and lowered.search(text) and (loose or found.has_literal(text)):
            return True
    return False


GATE = SubstringGate([SECRETS, MODELS])
SECRET_PIECES = st.sampled_from(
    [
        "sk-",
        "hf_",
        "abcdEFGH12",
        "API_KEY",
        "Secret",
        "gpt-4",
        "gpt-4o",
        "o",
        "=",
        " ",
        "'",
        "2",
        "_",
        "-",
        ".",
        "é",
        "\n",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(SECRET_PIECES, max_size=10), st.booleans())
def test_the_set_search_equals_the_previous_search(pieces, loose):
    text = "".join(pieces)
    assert GATE.hit(text, loose) == previous_hit(text, loose)


# -- whole verdicts on real files ---------------------------------------------------------


def imported_words(text: str) -> set[str]:
    """Every word of every module path the file imports (at a statement's start): the
    prefilter's test before `imported_among`, which must answer the same for its
    candidates."""
    words: set[str] = set()
    for pattern in (_FROM, IMPORT_MODULES):
        for found in pattern.finditer(text):
            if _starts_statement(text, found.start()):
                words.update(_WORD.findall(found.group(1)))
    return words


def reference_verdict(engine: Engine, text: str, language: str) -> bool:
    """The Python verdict from the tokenizer and set tests the scans replaced (PARSE or
    not); the gate and the helpers that did not change are shared."""
    from ragfirst.engine.python_prefilter import attribute_words
    from ragfirst.rules.patterns import ATTR_MARK, ROOT_MARK

    def any_trigger(found):
        return any(
            all(not found.isdisjoint(group) for group in trigger)
            for word in found
            for trigger in engine._triggers_by_word(language).get(word, ())
        )

    found = engine._words.intersection(_TOKEN.findall(text))
    if not found.isdisjoint(engine._root_words):
        imported = imported_words(text)
        found |= {ROOT_MARK + word for word in found & engine._root_words & imported}
        attributes = found & engine._attr_words
        if attributes and any_trigger(found | {ATTR_MARK + word for word in attributes}):
            found |= {ATTR_MARK + w for w in attribute_words(text, attributes, engine._attribute_pattern())}
    if found and any_trigger(found):
        return True
    return previous_hit_of(engine, text)


def previous_hit_of(engine: Engine, text: str) -> bool:
    for found in engine._substring_gate().triggers:
        prefixes = substring_pattern(found.prefixes, r"(?:^|[^A-Za-z])") if found.prefixes else None
        lowered = substring_pattern(found.lowered, ignore_case=True) if found.lowered else None
        if prefixes and prefixes.search(text) and (found.confirm is None or found.confirm.search(text)):
            return True
        if lowered and lowered.search(text) and found.has_literal(text):
            return True
    return False


def test_python_verdicts_equal_the_reference_on_real_files():
    engine = Engine(load_ruleset())
    paths = [*sorted((ROOT / "samples").rglob("*.py")), *sorted((ROOT / "server").rglob("*.py"))]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        gate = engine._python_gate()
        if gate is not None and gate.search(text) is None:
            continue  # the gate did not change
        assert (engine._verdict(text, language="python") == "parse") == reference_verdict(
            engine, text, "python"
        ), path


IMPORTED_PIECES = st.sampled_from(
    [
        "from",
        "import",
        " ",
        "\t",
        "\\\n",
        "\n",
        ";",
        ".",
        ",",
        "(",
        ")",
        "as",
        "#",
        "torch",
        "torchvision",
        "openai",
        "x",
        "    ",
        "=",
        "'",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(IMPORTED_PIECES, max_size=16))
def test_the_imports_of_a_few_candidates_equal_the_imported_words(pieces):
    """`imported_among` (the prefilter's SDK roots) answers what `imported_words` did."""
    from ragfirst.engine.python_prefilter import imported_among

    text = "".join(pieces)
    for candidates in ({"torch"}, {"torch", "openai"}, {"torchvision", "x"}, set()):
        assert imported_among(text, candidates) == imported_words(text) & candidates, (text, candidates)


def test_the_imports_of_a_few_candidates_on_real_files():
    from ragfirst.engine.python_prefilter import imported_among

    engine = Engine(load_ruleset())
    for path in [*sorted((ROOT / "samples").rglob("*.py")), *sorted((ROOT / "server").rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        spelt = set(_TOKEN.findall(text)) & engine._root_words
        for candidates in (spelt, spelt | {"os", "re", "json", "ragfirst"}):
            assert imported_among(text, candidates) == imported_words(text) & candidates, path


def test_the_project_path_reuses_the_scan_of_the_same_text():
    engine = Engine(load_ruleset())
    text = "from app.deps import client\nclient.chat.completions.create(model='x')\n"
    assert engine.prefilter_verdict(text, language="python") == "parse"
    first = engine._last_python_words
    assert first is not None and first[0] is text
    assert engine._python_words(text) is first[1]
    other = "import os\n"
    assert engine.prefilter_verdict(other, language="python") == "skip"


def test_reading_stops_after_the_limit(tmp_path):
    path = tmp_path / "big.ts"
    path.write_bytes(b"x" * 200_000)
    assert read_file_bytes(path, 1_000) == b"x" * 1_001
    assert read_file_bytes(path, 1 << 20) == b"x" * 200_000
    (tmp_path / "empty.ts").write_bytes(b"")
    assert read_file_bytes(tmp_path / "empty.ts", 10) == b""
    with pytest.raises(OSError):
        read_file_bytes(tmp_path, 10)


# -- import specifiers and file kinds -----------------------------------------------------

IMPORT_PIECES = st.sampled_from(
    ["from", "import", "require", "(", '"', "'", "`", "$", "\n", " ", "x", "./a", "@/b", "fromimport"]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(IMPORT_PIECES, max_size=12))
def test_import_specifiers_equal_finditer(pieces):
    from ragfirst.engine.js_link import _IMPORT_SPEC, import_specifiers

    text = "".join(pieces)
    old = [m.group(1) or m.group(2) or m.group(3) or "" for m in _IMPORT_SPEC.finditer(text)]
    assert import_specifiers(text) == old


def test_language_spec_remembers_names_but_not_requirements_files():
    from ragfirst.analyzers.registry import language_spec

    assert language_spec("a/b/index.ts") is language_spec("c/index.ts") is not None
    assert language_spec("notes.txt") is None
    assert language_spec("requirements/notes.txt").name == "requirements"  # by its folder
    assert language_spec("notes.txt") is None


def test_the_substring_gate_is_built_when_a_file_first_asks(monkeypatch):
    """An engine built and never asked about a file (a `--select` run's full engine) does not
    build the checks' substring gate (the secret formats' regexes); the first file does, once,
    and the analyses are those of an engine that built it at once."""
    from ragfirst.checks import secrets
    from ragfirst.engine.serialize import dump_analysis

    check = next(
        c for c in Engine(load_ruleset())._substring_checks if type(c).__module__ == secrets.__name__
    )
    real = type(check).trigger_substrings
    built: list[int] = []
    monkeypatch.setattr(type(check), "trigger_substrings", lambda self: built.append(1) or real(self))
    engine = Engine(load_ruleset())
    assert built == []
    eager = Engine(load_ruleset())
    eager._substring_gate()
    assert built == [1]
    texts = [
        b'API_KEY = "sk-proj-' + b"a8Kd93jfLq0PzXv7Tn2R" * 4 + b'"\n',
        b"x = 1\n",
        b'headers = {"Authorization": "Bearer sk-ant-api03-' + b"Zx9" * 30 + b'"}\n',
    ]
    for index, text in enumerate(texts):
        name = f"f{index}.py"
        assert dump_analysis(engine.analyze(name, text)) == dump_analysis(eager.analyze(name, text))
    assert built == [1, 1]  # the lazy engine's, once
