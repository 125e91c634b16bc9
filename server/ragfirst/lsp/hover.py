"""Hover text for a flagged call: the finding, the rule's checklist, the guide link."""

from __future__ import annotations

from ragfirst.model import Finding
from ragfirst.rules.model import Rule


def hover_markdown(rule: Rule, finding: Finding) -> str:
    parts = [f"**{rule.id} {rule.name}** ({finding.severity.label})", "", finding.message, "", rule.summary]
    if rule.checklist:
        parts += ["", "**Before you keep this code, check all of:**", ""]
        parts += [f"- [ ] {item}" for item in rule.checklist]
    estimate = finding.data.get("estimate")
    if estimate:
        parts += ["", f"**Estimate:** {estimate}"]
    if finding.guide_url:
        parts += ["", f"[Open the guide]({finding.guide_url})"]
    return "\n".join(parts)
