"""Issue 26: a Python file's PEP 263 coding cookie decides how it is decoded (not RF000)."""

from __future__ import annotations

from ragfirst.engine.engine import Engine
from ragfirst.engine.python_coding import coding_cookie
from ragfirst.rules.loader import load_ruleset

ENGINE = Engine(load_ruleset())
TUNE = (
    b'from openai import OpenAI\nOpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")\n'
)


def codes(data: bytes, path: str = "tune.py") -> list[str]:
    return sorted({m.rule_id for m in ENGINE.analyze(path, data).matches})


def errors(data: bytes, path: str = "tune.py") -> list[str]:
    return [m.captures["error"] for m in ENGINE.analyze(path, data).matches if m.rule_id == "RF000"]


def test_a_file_in_its_declared_encoding_is_analysed():
    data = b"# -*- coding: iso-8859-5 -*-\n# \xd0\xd1\xd2\n" + TUNE
    assert "RF000" not in codes(data)
    assert "RF101" in codes(data)


def test_the_cookie_may_follow_a_shebang():
    data = b"#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nname = '\xe9'\n" + TUNE
    assert "RF000" not in codes(data) and "RF101" in codes(data)


def test_a_cookie_on_the_third_line_does_not_count():
    data = b"#!/usr/bin/env python\n\n# coding: latin-1\nname = '\xe9'\n" + TUNE
    assert errors(data) == ["invalid UTF-8 (byte 0xe9)"]


def test_a_cookie_after_code_does_not_count():
    assert coding_cookie(b"x = 1\n# coding: latin-1\n") is None
    assert coding_cookie(b"# coding: latin-1\n") == "iso8859-1"
    assert coding_cookie(b"# coding=utf8\n") == "utf-8"


def test_an_unknown_codec_or_bytes_it_rejects_stay_rf000():
    # (the files name what rules look for: a broken file that names nothing may go unreported)
    assert errors(b"# coding: no-such-codec\nname = '\xe9'\n" + TUNE) == ["invalid UTF-8 (byte 0xe9)"]
    assert errors(b"# coding: ascii\nname = '\xe9'\n" + TUNE) == [
        "invalid ascii (byte 0xe9; the file's coding cookie names ascii)"
    ]


def test_other_languages_ignore_the_cookie():
    code = (
        b"// coding: latin-1\nconst name = '\xe9';\nimport OpenAI from 'openai';\n"
        b"await new OpenAI().fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: 'f' });\n"
    )
    assert errors(code, "app.js") == ["invalid UTF-8 (byte 0xe9)"]


def test_the_scans_read_the_files_bytes_when_they_are_the_texts_utf8():
    """A file decoded as UTF-8 without a BOM is its text's UTF-8: the prefilter's scans
    read those bytes instead of encoding the text again; a BOM dropped, or another codec
    (even one that maps bytes to ASCII, like EBCDIC's cp037), and the text is encoded."""
    from ragfirst.engine.python_coding import decoded_as_utf8

    engine = Engine(load_ruleset())
    plain = "# é, a comment\nimport os\nprint(os.sep)\n".encode()
    engine.analyze("plain.py", plain)
    assert engine._last_utf8 is not None and engine._last_utf8[1] is plain
    assert decoded_as_utf8(b"# -*- coding: utf-8 -*-\nx = 1\n")
    for data in (
        b"\xef\xbb\xbfimport os\nprint(os.sep)\n",
        b"# -*- coding: latin-1 -*-\nname = '\xe9'\n",
        b"# -*- coding: cp037 -*-\n" + "x = 1\n".encode("cp037"),
    ):
        assert not decoded_as_utf8(data)
        engine.analyze("other.py", data)
        assert engine._last_utf8 is not None and engine._last_utf8[1] is not data
        assert engine._last_utf8[1] == engine._last_utf8[0].encode("utf-8")
