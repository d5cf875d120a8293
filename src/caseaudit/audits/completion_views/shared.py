"""What the pages that complete an audit share: the audit, read through `audits_visible_to`; the case in
the register beside the form; and the context every page's template needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import capfirst

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case
from caseaudit.cases.panels import case_panels_context
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.register import COHORT_KEY_DATES
from caseaudit.ui.submission import CONFLICT_STATUS

from .. import completion
from ..models import Audit, AuditStatus
from ..scoping import audits_visible_to


def visible_audit(request: HttpRequest, pk: int) -> tuple[User, Audit]:
    """The person and the audit, if they may see it (404 otherwise)."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    audit = get_object_or_404(
        audits_visible_to(user).select_related(
            "case",
            "case__team",
            "case__worker",
            "case__manager",
            "cycle",
            "template",
            "grade_scale",
            "auditor",
        ),
        pk=pk,
    )
    return user, audit


def audit_to_change(request: HttpRequest, pk: int) -> tuple[User, Audit]:
    """The allocated auditor and their audit. Others who may see the audit may not change it (403)."""
    user, audit = visible_audit(request, pk)
    policy.require(user, policy.COMPLETE_AUDIT, audit)
    return user, audit


def closed_to_changes(request: HttpRequest, audit: Audit) -> HttpResponse | None:
    """Send the auditor back to the task list when the audit cannot be changed now."""
    if audit.status == AuditStatus.NOT_STARTED:
        messages.info(request, "Start the audit first.")
    elif not completion.being_written(audit):
        messages.info(request, f"This audit is {audit.get_status_display().lower()}: it cannot be changed.")
    else:
        return None
    return redirect("audits:detail", audit.pk)


def part_url(audit: Audit, part: completion.Part) -> str:
    """The page where the auditor works on a part of the audit."""
    if part.task == "section":
        return reverse("audits:section", args=[audit.pk, part.section])
    return reverse(f"audits:{part.task}", args=[audit.pk])


def arguments(data: Mapping[str, Any]) -> dict[str, Any]:
    """An audit form's cleaned data as its action's keyword arguments: the form's `version` is the version
    the action expects the audit to be at."""
    given = dict(data)
    given["expected_version"] = given.pop("version")
    return given


def conflict(form: forms.Form | None, status: int) -> str:
    """The EditConflict of a page answered with 409 (`ui.submission.submit` makes it the form's only error),
    taken out of the form: the audit's pages show it in a box of its own, which says what to do."""
    if form is None or status != CONFLICT_STATUS:
        return ""
    return " ".join(str(message) for message in form.errors.pop(NON_FIELD_ERRORS, []))


def removal_problems(form: forms.Form | None) -> list[str]:
    """Why a Remove button's post was refused, for the summary above the table: the action's reason, or,
    when the post is not what the page sends (a stale or altered page), to reload."""
    if form is None or not form.errors:
        return []
    if any(name != NON_FIELD_ERRORS for name in form.errors):
        return ["Reload the page and try again."]
    return [str(message) for message in form.non_field_errors()]


def case_context(case: Case) -> dict[str, Any]:
    """The case in the register, and what other apps know of it (its timescales), for the panel beside the
    form (audits/includes/case_panel.html)."""
    labels = {field.name: getattr(field, "verbose_name", field.name) for field in Case._meta.get_fields()}
    return {
        "case": case,
        "cohort_label": COHORT_LABELS.get(case.cohort, case.cohort),
        "key_dates": [
            (capfirst(str(labels[name])), getattr(case, name))
            for name in COHORT_KEY_DATES.get(case.cohort, ())
        ],
        **case_panels_context(case),
    }


def page_context(audit: Audit, user: User, **extra: Any) -> dict[str, Any]:
    """What every page's template needs: the audit, whether this person may change it now, the case."""
    return {
        "audit": audit,
        "editable": completion.being_written(audit) and policy.can(user, policy.COMPLETE_AUDIT, audit),
        **case_context(audit.case),
        **extra,
    }
