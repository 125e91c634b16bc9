"""Python source decoding by its PEP 263 coding cookie (issue 26).

`# -*- coding: iso-8859-5 -*-` on the first or second line makes a file valid Python in
that encoding; it was reported as RF000 "invalid UTF-8". The interpreter decodes by the
cookie, so ragfirst does too (a BOM means UTF-8, as for Python). An unknown codec name,
or bytes the named codec rejects, fall back to the UTF-8 rules (and their RF000).
"""

from __future__ import annotations

import codecs
import re

from ragfirst.source import DecodeError, decode_source

# PEP 263: a comment line matching this regex, among the first two lines.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_UTF8 = "utf-8"


def coding_cookie(data: bytes) -> str | None:
    """The codec the first two lines declare (normalised by `codecs`), or None."""
    lines = data.split(b"\n", 2)[:2]
    for number, line in enumerate(lines):
        found = _COOKIE.match(line)
        if found is not None:
            try:
                return codecs.lookup(found.group(1).decode("ascii")).name
            except (LookupError, UnicodeDecodeError):
                return None
        # the second line counts only when the first is blank or a comment
        if number == 0 and line.strip() and not line.lstrip().startswith(b"#"):
            return None
    return None


def decode_python(data: bytes) -> str:
    """Decode a Python file as the interpreter would: by its coding cookie, else UTF-8."""
    if b"\0" in data[:8192] or data.startswith(codecs.BOM_UTF8):
        return decode_source(data)
    codec = coding_cookie(data[:1024])
    if codec is None or codec == _UTF8:
        return decode_source(data)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode(codec, errors="replace"))
        message = f"invalid {codec} (byte 0x{data[exc.start]:02x}; the file's coding cookie names {codec})"
        raise DecodeError(message, line, col) from None


def decoded_as_utf8(data: bytes) -> bool:
    """Is `decode_python(data)` the UTF-8 decoding of `data` itself (no BOM dropped, no
    other codec named)? Then `data` is the text's UTF-8, as the prefilter's scans read it."""
    return not data.startswith(codecs.BOM_UTF8) and coding_cookie(data[:1024]) in (None, _UTF8)
