"""Hover text for a flagged call: the finding, the rule's checklist, the guide link,
then the other findings at the same place (with any cost estimate they carry)."""

from __future__ import annotations

from ragfirst.model import Finding
from ragfirst.rules.model import Rule


def hover_markdown(findings: list[tuple[Rule, Finding]]) -> str:
    """`findings` is ordered most serious first; empty input gives an empty string."""
    if not findings:
        return ""
    rule, finding = findings[0]
    parts = [f"**{rule.id} {rule.name}** ({finding.severity.label})", "", finding.message, "", rule.summary]
    if rule.checklist:
        parts += ["", "**Before you keep this code, check all of:**", ""]
        parts += [f"- [ ] {item}" for item in rule.checklist]
    if finding.guide_url:
        parts += ["", f"[Open the guide]({finding.guide_url})"]
    others = findings[1:]
    if others:
        parts += ["", "---", "", "**Also here:**", ""]
        parts += [f"- **{other_rule.id}** {other.message}" for other_rule, other in others]
    estimates = [f.data["estimate"] for _, f in findings if f.data.get("estimate")]
    if estimates:
        parts += ["", *(f"**Estimate:** {estimate}" for estimate in estimates)]
    return "\n".join(parts)
