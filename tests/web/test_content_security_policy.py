"""Every page carries a strict Content Security Policy: only the service's own scripts, styles and images,
no inline script or style, no eval, no frames, forms posted only to the service. The templates keep to it:
nothing inline that the policy would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import caseaudit

from ..reports.paper_builders import build_live_cycle

pytestmark = pytest.mark.django_db

PACKAGE = Path(caseaudit.__file__).parent
# Rendered only into files, never served as pages: the committee paper's standalone document (printed to
# PDF by WeasyPrint, or written by `caseaudit report paper --format html`) and an audit in a subject access
# export. Each carries its own styles, as a file opened on its own must.
NOT_SERVED = {"reports/paper/document.html", "records/subject_access_audit.html"}


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_the_policy(client, personas, signed_in):
    if signed_in:
        client.force_login(personas.qa_lead)
        pages = [reverse("home"), reverse("cases:detail", args=[personas.own_case.pk])]
    else:
        pages = [reverse("login"), reverse("feedback:form", args=["not-a-real-token"])]
    for url in pages:
        policy = policy_of(client.get(url))
        assert policy["default-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        values = {value for values in policy.values() for value in values}
        assert not values & {"'unsafe-inline'", "'unsafe-eval'", "*"}, url
        # Nothing else: script-src and style-src fall back to default-src.
        assert set(policy) == {
            "default-src",
            "img-src",
            "object-src",
            "base-uri",
            "form-action",
            "frame-ancestors",
        }


def served_templates() -> list[Path]:
    templates = [*PACKAGE.glob("templates/**/*.html"), *PACKAGE.glob("*/templates/**/*.html")]
    return [t for t in templates if t.as_posix().split("/templates/", 1)[1] not in NOT_SERVED]


INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a style element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "an hx-on attribute (htmx runs it through eval)": re.compile(r"\shx-on[:-]", re.IGNORECASE),
    "a javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def test_no_template_served_as_a_page_has_anything_inline():
    templates = served_templates()
    assert len(templates) > 50
    found = [
        f"{template.relative_to(PACKAGE)}: {what}"
        for template in templates
        for what, pattern in INLINE.items()
        if pattern.search(COMMENTS.sub("", template.read_text(encoding="utf-8")))
    ]
    assert not found


def test_the_pages_as_served_have_nothing_inline(client, personas):
    """What the views really send, includes and HTML built in Python too; the committee paper's page shares
    its sections with the standalone document, whose styles stay in the document."""
    live = build_live_cycle(personas)
    client.force_login(personas.qa_lead)
    for url in [
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:detail", args=[personas.own_case.pk]),
        reverse("cycles:detail", args=[live.cycle.pk]),
        reverse("reports:grades"),
        reverse("paper:page", args=[live.cycle.pk]),
        reverse("compliance:summary"),
        reverse("actions:meeting"),
        reverse("signin:account"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        found = [what for what, pattern in INLINE.items() if pattern.search(response.text)]
        assert not found, f"{url}: {found}"
