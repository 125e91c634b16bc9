"""Which edit fixes which finding: one function per rule, from the finding and the text
it was computed on. A rule without a clear edit gets no fix; a fix whose edit is only a
suggestion (the user must act too) is display-only and never applied.

Languages: Python through libcst (python_edits.py), JS/TS through tree-sitter
(js_edits.py), comments by their own line (suppression_fixes.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ragfirst.fixes.rag_fixes import browser_key_fix, dimension_fix, key_fix, overlap_fix, query_model_fix
from ragfirst.fixes.suppression_fixes import reason_fix, unused_suppression_fix
from ragfirst.model import Finding, Fix, FixSafety, TextEdit

DEFAULT_OUTPUT_CAP = 4096  # the `default-output-cap` option's default (rules/packs/spend.yaml)

# RF401's `cap` capture starts with the parameter to set; a nested form ("max_output_tokens
# in config") or a judgement ("... of 1000 or more") is no plain argument to add.
_CAP_NAME = re.compile(r"^([A-Za-z_]\w*)(?:$| \(| anyway| instead)")
_PY_CONFIG = re.compile(r'^(\w+)=\{"(\w+)": \.\.\.\}$')
_JS_CONFIG = re.compile(r"^(\w+): \{ (\w+): \.\.\. \}$")
# The names an older SDK (or the other OpenAI API) used for the same cap: renamed rather
# than duplicated. Chat Completions' names on a Responses call keep their value too.
_OLD_NAMES = {
    "max_completion_tokens": ("max_tokens",),
    "maxOutputTokens": ("maxTokens",),
    "max_output_tokens": ("max_completion_tokens", "max_tokens"),
}


def is_python(path: str) -> bool:
    return path.lower().endswith((".py", ".pyi"))


def output_cap(finding: Finding) -> int:
    raw = finding.data.get("captures", {}).get("option.default-output-cap", DEFAULT_OUTPUT_CAP)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_OUTPUT_CAP
    return value if value > 0 else DEFAULT_OUTPUT_CAP


def _rf401(finding: Finding, text: str) -> Fix | None:
    cap_text = finding.data.get("captures", {}).get("cap", "")
    size = str(output_cap(finding))
    if is_python(finding.path):
        return _rf401_python(finding, text, cap_text, size)
    from ragfirst.fixes import js_edits  # tree-sitter: only for a file that is no Python

    if js_edits.editable(finding.path):
        return _rf401_js(finding, text, cap_text, size)
    return None


def _rf401_python(finding: Finding, text: str, cap_text: str, size: str) -> Fix | None:
    import libcst as cst  # only when a Python fix is wanted (libcst costs a run 0.1 s)

    from ragfirst.fixes import python_edits

    call = python_edits.call_at(text, finding.span)
    if call is None:
        return None
    safety = FixSafety.UNSAFE if call.star_kwargs else FixSafety.SAFE
    nested = _PY_CONFIG.match(cap_text)
    if nested:
        outer, inner = nested.groups()
        if call.keyword(outer) is not None:
            return None
        edit = python_edits.add_keyword(call, text, outer, f'{{"{inner}": {size}}}')
        return _fix(f"Add {outer}={{{inner!r}: {size}}}", edit, safety)
    name = _cap_name(cap_text)
    if name is None:
        return None
    present = call.keyword(name)
    if present is not None:
        if isinstance(present.value, cst.Name) and present.value.value == "None":
            return _fix(f"Set {name}={size}", python_edits.replace_value(call, name, size), safety)
        return None
    old = next((o for o in _OLD_NAMES.get(name, ()) if call.keyword(o) is not None), None)
    if old is not None:
        edit = python_edits.rename_keyword(call, old, name)
        return _fix(f"Rename {old} to {name}", edit, safety)
    return _fix(f"Add {name}={size}", python_edits.add_keyword(call, text, name, size), safety)


def _rf401_js(finding: Finding, text: str, cap_text: str, size: str) -> Fix | None:
    from ragfirst.fixes import js_edits  # tree-sitter: only for a JS/TS file's fix

    call = js_edits.call_at(text, finding.path, finding.span)
    if call is None:
        return None
    shared = js_edits.shared_options(call)
    if shared is None and call.options() is None:
        return None
    # The cap goes into the options object: unsafe when it is spread from elsewhere, or
    # when it is an object defined apart from the call (other code may read it too).
    safety = FixSafety.UNSAFE if call.spread or shared is not None else FixSafety.SAFE
    call = shared or call
    nested = _JS_CONFIG.match(cap_text)
    if nested:
        outer, inner = nested.groups()
        if call.entry(outer) is not None:
            return None
        edit = js_edits.add_property(call, outer, f"{{ {inner}: {size} }}")
        return _fix(f"Add {outer}: {{ {inner}: {size} }}", edit, safety)
    name = _cap_name(cap_text)
    if name is None:
        return None
    present = call.entry(name)
    if present is not None:
        value = present.child_by_field_name("value") if present.type == "pair" else None
        if value is not None and value.type in ("undefined", "null"):
            return _fix(f"Set {name}: {size}", js_edits.replace_property_value(call, name, size), safety)
        return None
    old = next((o for o in _OLD_NAMES.get(name, ()) if call.entry(o) is not None), None)
    if old is not None:
        return _fix(f"Rename {old} to {name}", js_edits.rename_property(call, old, name), safety)
    return _fix(f"Add {name}: {size}", js_edits.add_property(call, name, size), safety)


def _cap_name(cap_text: str) -> str | None:
    found = _CAP_NAME.match(cap_text)
    return found.group(1) if found else None


def _fix(title: str, edit: TextEdit | None, safety: FixSafety) -> Fix | None:
    return None if edit is None else Fix(title, (edit,), safety)


FIXERS: dict[str, Callable[[Finding, str], Fix | None]] = {
    "RF001": unused_suppression_fix,
    "RF002": reason_fix,
    "RF301": dimension_fix,
    "RF302": query_model_fix,
    "RF303": overlap_fix,
    "RF401": _rf401,
    "RF404": key_fix,
    "RF405": browser_key_fix,
}


def fix_for(finding: Finding, text: str) -> Fix | None:
    """The fix for `finding` in `text` (the text it was computed on), or None. A finding
    in a notebook cell is fixed in the cell's source inside the JSON (notebook_fixes.py);
    a notebook's findings placed in its JSON text (an editor showing the file as JSON)
    get none."""
    fixer = FIXERS.get(finding.rule_id)
    if fixer is None:
        return None
    if finding.path.lower().endswith(".ipynb"):
        if finding.cell is None:
            return None
        from ragfirst.fixes.notebook_fixes import notebook_fix

        try:
            return notebook_fix(finding, text, fixer)
        except (ValueError, IndexError, KeyError, RecursionError):
            return None
    try:
        return fixer(finding, text)
    except (ValueError, IndexError, KeyError, RecursionError):  # an edit that does not fit: none
        return None
