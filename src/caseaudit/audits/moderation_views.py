"""The moderation pages, for the QA lead and moderators: the queue of submitted audits, one audit to agree,
change or return, and the agreement statistics per auditor.

Audits come from `audits_visible_to(user)`; every change goes through `moderation.py`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_safe

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.cycles.models import Cycle
from caseaudit.locking import EditConflict
from caseaudit.pagination import page_links, pagination

from .models import Audit, AuditStatus, ModerationEvent
from .moderation import agree_grade, change_grade, may_moderate, moderation_statistics, return_audit
from .moderation_forms import AgreeForm, ChangeGradeForm, ReturnForm, StatisticsFilterForm
from .scoping import audits_visible_to
from .templates_store import tool_for

PAGE_SIZE = 50
RECENTLY_MODERATED = 20
MODERATED_KINDS = (ModerationEvent.Kind.AGREED, ModerationEvent.Kind.CHANGED)


def _moderator(request: HttpRequest) -> User:
    user = request.user
    if not may_moderate(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


# The queue ------------------------------------------------------------------------------------------------


@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = _moderator(request)
    visible = audits_visible_to(user).select_related("cycle", "case", "auditor", "grade_scale")
    waiting = visible.filter(status=AuditStatus.SUBMITTED).order_by("submitted_at", "pk")
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = (
        visible.filter(status=AuditStatus.MODERATED)
        .annotate(
            moderated_at=Max("moderation_events__at", filter=Q(moderation_events__kind__in=MODERATED_KINDS))
        )
        .filter(moderated_at__isnull=False)
        .order_by("-moderated_at", "-pk")[:RECENTLY_MODERATED]
    )
    record_access(user, "view", "moderation-queue", "", f"{page.paginator.count} waiting")
    return render(
        request,
        "audits/moderation_queue.html",
        {
            "page": page,
            "waiting": [(audit, _grade_label(audit, audit.auditor_grade)) for audit in page],
            "pagination": pagination(page, page_links(reverse("audits:moderation-queue"))),
            "recent": [
                (audit, _grade_label(audit, audit.auditor_grade), _grade_label(audit, audit.moderated_grade))
                for audit in recent
            ],
        },
    )


def _grade_label(audit: Audit, slug: str) -> str:
    if not slug:
        return ""
    return audit.grade_scale.label(slug) if audit.grade_scale else slug


# One audit ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _moderator(request)
    audit = get_object_or_404(
        audits_visible_to(user).select_related("cycle", "case", "case__team", "auditor", "grade_scale"), pk=pk
    )
    forms_by_action: dict[str, Any] = {
        "agree": AgreeForm(version=audit.version),
        "change": ChangeGradeForm(version=audit.version, scale=audit.grade_scale),
        "return": ReturnForm(version=audit.version),
    }
    conflict = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in forms_by_action:
            return HttpResponseBadRequest("Choose to agree, change the grade or return the audit.")
        kwargs: dict[str, Any] = {"version": audit.version}
        if action == "change":
            kwargs["scale"] = audit.grade_scale
        form = type(forms_by_action[action])(request.POST, **kwargs)
        forms_by_action[action] = form
        if "version" in form.errors:
            return HttpResponseBadRequest("The form is missing the audit's version: reload the page.")
        if form.is_valid():
            try:
                _act(action, audit, form.cleaned_data, user)
            except EditConflict as exc:
                conflict = str(exc)
                status = 409
            except ValidationError as exc:
                field = {"change": "grade", "return": "comments"}.get(action)
                for message in exc.messages:
                    form.add_error(field, message)
            else:
                messages.success(request, _done_message(action, audit))
                return redirect("audits:moderate", audit.pk)
    else:
        record_access(user, "view", "audit", audit.pk, "moderation")
    return render(
        request,
        "audits/moderation_audit.html",
        _audit_context(audit, user, forms_by_action, conflict),
        status=status,
    )


def _act(action: str, audit: Audit, data: dict[str, Any], user: User) -> None:
    version = data["version"]
    if action == "agree":
        agree_grade(audit, expected_version=version, acting_user=user)
    elif action == "change":
        change_grade(
            audit, grade=data["grade"], reason=data["reason"], expected_version=version, acting_user=user
        )
    else:
        return_audit(audit, comments=data["comments"], expected_version=version, acting_user=user)


def _done_message(action: str, audit: Audit) -> str:
    child = audit.case.child_id
    if action == "agree":
        return f"You agreed the grade of the audit of {child}: {_grade_label(audit, audit.moderated_grade)}."
    if action == "change":
        return (
            f"You changed the grade of the audit of {child} to {_grade_label(audit, audit.moderated_grade)}."
        )
    return f"The audit of {child} is returned to the auditor with your comments."


def _audit_context(
    audit: Audit, user: User, forms_by_action: dict[str, Any], conflict: str
) -> dict[str, Any]:
    sections: list[tuple[str, str]] = []
    responses = {response.section: response for response in audit.sections.all()}
    if responses:
        titles = {}
        if audit.template is not None:
            titles = {section.slug: section.title for section in tool_for(audit.template).sections}
        order = list(titles)
        for slug in sorted(responses, key=lambda s: (order.index(s) if s in order else len(order), s)):
            sections.append((titles.get(slug, slug), _grade_label(audit, responses[slug].grade)))
    history = [
        (event, _grade_label(audit, event.from_grade), _grade_label(audit, event.to_grade))
        for event in audit.moderation_events.select_related("by")
    ]
    try:
        detail_url = reverse("audits:detail", args=[audit.pk])
    except NoReverseMatch:
        detail_url = ""
    errors = [form for form in forms_by_action.values() if form.is_bound and form.errors]
    return {
        "audit": audit,
        "auditor_grade": _grade_label(audit, audit.auditor_grade),
        "moderated_grade": _grade_label(audit, audit.moderated_grade),
        "sections": sections,
        "history": history,
        "agree_form": forms_by_action["agree"],
        "change_form": forms_by_action["change"],
        "return_form": forms_by_action["return"],
        "failed_form": errors[0] if errors else None,
        "conflict": conflict,
        "own_audit": audit.auditor_id == user.pk,
        "can_agree": audit.status == AuditStatus.SUBMITTED and bool(audit.auditor_grade),
        "can_change": audit.status in (AuditStatus.SUBMITTED, AuditStatus.MODERATED)
        and audit.grade_scale is not None,
        "can_return": audit.status == AuditStatus.SUBMITTED,
        "detail_url": detail_url,
    }


# Statistics -----------------------------------------------------------------------------------------------


@require_safe
def moderation_statistics_page(request: HttpRequest) -> HttpResponse:
    user = _moderator(request)
    cycles = list(
        Cycle.objects.exclude(status="draft").order_by("-starts_on", "name").values_list("pk", "name")
    )
    form = StatisticsFilterForm(request.GET or None, cycles=cycles)
    audits = audits_visible_to(user)
    cycle = form.cleaned_data["cycle"] if form.is_valid() else None
    if cycle:
        audits = audits.filter(cycle_id=cycle)
    rows = moderation_statistics(audits)
    record_access(user, "view", "moderation-statistics", cycle or "", "by auditor")
    return render(
        request,
        "audits/moderation_statistics.html",
        {
            "form": form,
            "rows": rows[:-1],
            "overall": rows[-1],
            "cycle_name": dict(cycles).get(cycle or 0, ""),
        },
    )
