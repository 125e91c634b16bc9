"""Guide links in reports that leave the machine (CI formats).

By default a finding links to the guide shipped with the package: a `file://` URI into
site-packages, right on a developer's machine and useless (or worse, a leak of the
runner's paths) in a SARIF upload, a JUnit report or a merge-request widget. In those
formats a link is kept only when it is http(s): the config's `guide-url`/`guide-urls`, or
`RAGFIRST_GUIDE_URL` (the GitHub Action sets it to this repository's docs at the action's
ref). Otherwise the link is left out; the report keeps the rule's full help text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace

from ragfirst.reporters.report import Report

ENV_GUIDE_URL = "RAGFIRST_GUIDE_URL"
CI_FORMATS = frozenset({"json", "sarif", "github", "junit", "gitlab"})


def is_web_link(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def guide_url_from_env(environ: Mapping[str, str] = os.environ) -> str | None:
    """`RAGFIRST_GUIDE_URL` when set; ValueError when it is not an http(s) URL."""
    value = environ.get(ENV_GUIDE_URL, "").strip()
    if not value:
        return None
    if not is_web_link(value):
        raise ValueError(f"{ENV_GUIDE_URL} must be an http(s) URL, got {value!r}")
    return value


def keep_web_links(report: Report) -> None:
    """Drop every guide link that is not http(s) from the findings and rules of `report`."""
    for finding in report.findings:
        if finding.guide_url and not is_web_link(finding.guide_url):
            finding.guide_url = ""
    report.rules = [
        rule if not rule.guide_url or is_web_link(rule.guide_url) else replace(rule, guide_url="")
        for rule in report.rules
    ]
