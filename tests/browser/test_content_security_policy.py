"""The strict Content Security Policy breaks nothing: every role's main pages, with the demo's data, load
without the browser blocking a script, a style or an image, and the scripts still run (GOV.UK Frontend's
components start, the audit form saves as the auditor types: tests/browser/test_audit_journey.py)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from caseaudit.audits.actions.feedback import create_feedback_link
from caseaudit.audits.models import Audit, Respondent
from caseaudit.demo.authority import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ROLES = ("qa-lead", "moderator", "auditor", "team-manager", "social-worker", "senior-leader", "administrator")
# Records every violation the page reports, blocked or not, from the first script on.
WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
# Pages beyond the navigation's own, each the first of its kind linked from the page named.
DEEPER = {
    "/cases/": r"^/cases/\d+/$",
    "/cycles/": r"^/cycles/\d+/$",
    "/audits/mine/": r"^/audits/\d+/$",
    "/audits/moderation/": r"^/audits/\d+/moderate/$",
    "/concerns/": r"^/concerns/\d+/$",
    "/actions/": r"^/actions/\d+/$",
    "/people/": r"^/people/\d+/$",
}


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", "--cases", "120", stdout=StringIO())


def local_links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "links => links.map(link => link.getAttribute('href'))")
    return [href for href in hrefs if href and href.startswith("/") and not href.startswith("//")]


def test_every_role_s_main_pages_load_without_a_policy_violation(page, live_server, demo):
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.context.add_init_script(WATCH)
    violations: list[str] = []
    visited: set[str] = set()

    def visit(path: str) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        # The scripts ran: GOV.UK Frontend marked the page and started its components.
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), path
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.cspViolations"))
        visited.add(path)

    audit = Audit.objects.exclude(cycle__status="draft").filter(auditor__isnull=False).first()
    token = create_feedback_link(audit, respondent=Respondent.YOUNG_PERSON, acting_user=audit.auditor)
    visit(f"/feedback/{token}/")
    visit("/sign-in/")
    for username in ROLES:
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        links = local_links(page, ".govuk-service-navigation__link, .app-account-bar__link")
        assert len(links) >= 3, username
        for path in links:
            visit(path)
            pattern = DEEPER.get(path)
            if pattern:
                deeper = [link for link in local_links(page, "main a") if re.match(pattern, link)]
                if deeper:
                    visit(deeper[0])
        # The reports' pages with charts, where the role may see them.
        if "/reports/" in links:
            papers = [link for link in local_links(page, "main a") if "/paper/" in link]
            visit(papers[0] if papers else "/reports/")
        if username == "qa-lead":
            # The chart opened on its own is an SVG document under the same policy.
            chart = page.goto(f"{live_server.url}/reports/chart.svg")
            assert chart is not None and chart.ok
            violations.extend(f"chart.svg: {v}" for v in page.evaluate("window.cspViolations"))
            page.goto(f"{live_server.url}/")
        page.get_by_role("button", name=re.compile(r"^Sign out")).click()
        page.wait_for_url(re.compile(r"/sign-in/"))
    assert not violations, violations
    assert not messages, messages
    print(sorted(visited))
    assert len(visited) > 20, sorted(visited)
