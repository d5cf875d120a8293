"""Browser tests: Playwright driving the system's Chromium against pytest-django's live server.

Run them with `CASEAUDIT_TESTING=1 .venv/bin/pytest tests/browser -m browser`. They need the built front end
(`make setup`, or `npm ci && sh scripts/build-assets.sh`) and Debian's `chromium`. Where Chromium is missing
they are skipped, except when CI=true, where that is a failure. Screenshots go to test-artefacts/."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a thread with
# a running loop. The tests only set up data, serially, so the check is safe to turn off here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = REPO / "test-artefacts"
VENDOR = REPO / "src" / "caseaudit" / "static" / "vendor"
# Debian's Chromium runs as root here (so no sandbox) and, left alone, phones home: keep it offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _missing(reason: str) -> None:
    """Skip on a developer's machine without the tool; fail in CI, where a skipped suite hides breakage."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    print(f"skipping browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        _missing("no `chromium` on PATH; install Debian's chromium package")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the Python package `playwright` is not installed")
    for needed, how in ((AXE, "npm ci"), (VENDOR / "caseaudit.css", "sh scripts/build-assets.sh")):
        if not needed.is_file():
            _missing(f"{needed.relative_to(REPO)} is missing; run `{how}` (make setup does both)")
    return str(path)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives every run a fresh, throwaway profile (user-data-dir).
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems:
    """What went wrong in the page that a test would not otherwise see: requests that left the machine,
    failed requests for the app's own files, and JavaScript errors."""

    def __init__(self) -> None:
        self.external: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []

    def check(self) -> None:
        assert not self.external, f"requests to the internet: {self.external}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.errors, f"JavaScript errors: {self.errors}"


@pytest.fixture
def page(browser, live_server, settings, tmp_path) -> Iterator:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    problems = PageProblems()

    def only_local(route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            problems.external.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: problems.errors.append(str(error)))
    # Failed loads are reported by the response handler below; a 403 or 404 page is sometimes the point.
    page.on(
        "console",
        lambda message: (
            problems.errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and "/static/" in response.url
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()
    _wait_for_the_server_to_finish()
    problems.check()


def _wait_for_the_server_to_finish(seconds: float = 30) -> None:
    """Wait until the live server has finished every request the page made (a download still streaming,
    a poll, the access log written after a response). With SQLite in memory the server's threads share the
    tests' one connection, and a request still running while the next test starts interleaves its
    transaction with that test's: the next test's on-commit emails then never go."""
    from django.db import connection

    deadline = time.monotonic() + seconds
    while serving := [t for t in threading.enumerate() if "process_request_thread" in t.name]:
        if time.monotonic() > deadline:
            break
        serving[0].join(timeout=0.1)
    # Were two threads' transactions ever interleaved on the one connection, it would be left inside one
    # that never ends: say so at the test that did it, not in whichever test next waits for a commit.
    assert not connection.in_atomic_block, "the live server left the shared connection inside a transaction"


@pytest.fixture
def check_page(page) -> Callable[[str], None]:
    """Screenshot the whole page to test-artefacts/<name>.png and assert that axe-core finds no WCAG 2.2
    A or AA violations, and that the page's own CSS and JavaScript loaded."""
    ARTEFACTS.mkdir(exist_ok=True)

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        # initAll ran: GOV.UK Frontend marks each component it starts.
        page.wait_for_selector("[data-govuk-service-navigation-init]", state="attached")
        font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
        assert "GDS Transport" not in font and "system-ui" in font, font
        # Through DevTools, not a <script> element: the page's Content Security Policy blocks inline scripts,
        # and a violation is a failure of its own.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in results["violations"]
        ]
        assert not violations, f"{name}: accessibility violations:\n{json.dumps(violations, indent=2)}"
        page.problems.check()

    return check
