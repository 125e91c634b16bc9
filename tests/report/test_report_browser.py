"""The samples' report in a real browser: headless Chromium through the DevTools protocol.

Skipped (with the reason) where no Chromium is installed; on Debian: `apt-get install
chromium`. It asserts what a reader relies on: no console error, no request beyond the
file itself, no sideways scrolling of the page on a phone, a dark scheme, a PDF print;
and it saves a screenshot. `RAGFIRST_WRITE_SCREENSHOT=1` also writes it to
docs/images/report-samples.png (the picture in the README).
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from ragfirst.config.settings import ConfigResolver
from ragfirst.report.html import render_html
from ragfirst.report.run import report_for_paths

from .cdp_pipe import Browser, find_browser

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "docs" / "images" / "report-samples.png"


@pytest.fixture(scope="module")
def samples_page(tmp_path_factory) -> Path:
    import datetime as dt

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        os.environ["RAGFIRST_TODAY"] = "2026-12-06"
        report = report_for_paths(
            [Path("samples")], ConfigResolver(), blame=False, today=dt.date(2026, 12, 6)
        )
    finally:
        os.environ.pop("RAGFIRST_TODAY", None)
        os.chdir(cwd)
    page = tmp_path_factory.mktemp("report") / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def browser():
    executable = find_browser()
    if executable is None:
        pytest.skip("no Chromium found (Debian: apt-get install chromium): the browser check is skipped")
    opened = Browser(executable)
    yield opened
    opened.close()


def _open(browser: Browser, url: str, width: int, height: int, mobile: bool = False) -> str:
    target = browser.send("Target.createTarget", {"url": "about:blank"})
    session = browser.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})[
        "sessionId"
    ]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable", session=session)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        session=session,
    )
    browser.events.clear()
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired")
    time.sleep(0.5)  # anything the page would fetch late
    browser.send("Runtime.evaluate", {"expression": "1"}, session=session)  # drain pending events
    return session


def _evaluate(browser: Browser, session: str, expression: str):
    return browser.send(
        "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
    )["result"]["value"]


def test_no_console_errors_and_no_requests(browser, samples_page, tmp_path):
    url = samples_page.as_uri()
    session = _open(browser, url, 1000, 1500)
    problems, requests = _problems_and_requests(browser)
    assert problems == []
    assert requests == [url]  # the page itself, nothing else
    assert _evaluate(browser, session, "document.querySelectorAll('svg.chart').length") >= 5
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    image = base64.b64decode(shot["data"])
    assert image.startswith(b"\x89PNG")
    (tmp_path / "report-samples.png").write_bytes(image)
    if os.environ.get("RAGFIRST_WRITE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(image)


def test_phone_width_does_not_scroll_sideways(browser, samples_page):
    session = _open(browser, samples_page.as_uri(), 390, 844, mobile=True)
    width = _evaluate(browser, session, "document.documentElement.scrollWidth")
    assert width <= 390


def test_dark_scheme_and_print(browser, samples_page):
    session = _open(browser, samples_page.as_uri(), 1000, 1500)
    browser.send(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
        session=session,
    )
    background = _evaluate(browser, session, "getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 23, 26)"
    chart_colour = _evaluate(browser, session, "getComputedStyle(document.querySelector('svg.chart')).color")
    assert chart_colour == "rgb(232, 232, 232)"  # text and axes follow the scheme (currentColor)
    pdf = browser.send("Page.printToPDF", {"printBackground": False}, session=session, timeout=60)
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")


def _problems_and_requests(browser: Browser) -> tuple[list[dict], list[str]]:
    problems = [
        e
        for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (
            e.get("method") == "Runtime.consoleAPICalled"
            and e["params"]["type"] in ("error", "warning", "assert")
        )
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning"))
    ]
    requests = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    return problems, requests


def test_the_check_sees_errors_and_requests_when_a_page_has_them(browser, tmp_path):
    """The control: a page that logs an error and loads an image is caught by both checks."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<img src="http://127.0.0.1:9/pixel.png" alt=""><script>console.error("boom")</script></body></html>'
    )
    _open(browser, page.as_uri(), 400, 400)
    problems, requests = _problems_and_requests(browser)
    assert problems
    assert "http://127.0.0.1:9/pixel.png" in requests
