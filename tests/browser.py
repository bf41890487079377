"""A real browser for the site's tests: Debian's headless Chromium driven by selenium,
with its console and its network log, so a test can see every error and every request.

Chromium is found at $CHROMIUM / $CHROMEDRIVER, else on the PATH, else at Debian's
paths (or, on GitHub's Ubuntu images, their preinstalled Chrome and $CHROMEWEBDRIVER). Where it cannot be found the browser tests are skipped with the reason, except
under CI (CI=true, as GitHub Actions sets), where a check that did not run must not
pass: there they fail. `.ci/run` installs Chromium on a machine that lacks it.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Without the networking switches Chromium calls Google at start (and this closed
# machine refuses it): a request the site never made would fail the tests.
SWITCHES = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage")
DESKTOP, PHONE = (1280, 900), (390, 844)


def executables() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why they cannot be found."""
    chromium = os.environ.get("CHROMIUM") or first_found(
        "chromium", "chromium-browser", "/usr/bin/chromium", "google-chrome")  # GitHub's Ubuntu images have Chrome
    driver = os.environ.get("CHROMEDRIVER") or first_found(
        "chromedriver", "/usr/bin/chromedriver", f"{os.environ.get('CHROMEWEBDRIVER', '.')}/chromedriver")
    if not chromium or not driver:
        return ("Chromium or chromedriver not found (set CHROMIUM and CHROMEDRIVER, or install Debian's chromium "
                "and chromium-driver: `.ci/run` does)")
    return chromium, driver


def first_found(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) if "/" not in name else (name if os.access(name, os.X_OK) else None)
        if found:
            return found
    return None


def unavailable(reason: str):
    """Skip with a loud reason; under CI, fail: there the browser must be installed."""
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " (CI is set: a browser check that cannot run fails)", pytrace=False)
    pytest.skip(message)


@dataclass
class Visit:
    """What the browser saw while loading one page."""
    console: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def start(profile: Path):
    found = executables()
    if isinstance(found, str):
        unavailable(found)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        unavailable(f"selenium is not installed ({error}): pip install -e '.[test]'")
    chromium, driver = found
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for switch in (*SWITCHES, f"--user-data-dir={profile}"):
        options.add_argument(switch)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(driver))  # the path given: no driver download
    browser.set_window_size(*DESKTOP)
    return browser


def visit(browser, url: str) -> Visit:
    """Load URL; the console messages and the requests made while loading it."""
    browser.get_log("browser"), browser.get_log("performance")  # drop what came before
    browser.get(url)
    browser.execute_script("return document.readyState")
    return seen(browser)


def seen(browser) -> Visit:
    """The console and network since the last look."""
    result, urls = Visit(), {}
    result.console = browser.get_log("browser")
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
            result.requests.append(params["request"]["url"])
        elif message["method"] == "Network.loadingFailed":
            result.failures.append(f"{urls.get(params['requestId'], '?')}: {params.get('errorText')}")
    return result


def distinct_colours(png: bytes) -> int:
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])
