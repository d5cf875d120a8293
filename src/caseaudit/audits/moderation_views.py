"""The moderation pages, for the QA lead and moderators: the queue of submitted audits, one audit to agree,
change or return, and the agreement statistics per auditor.

Audits come from `audits_visible_to(user)`; every decision is an action of `actions.moderation`."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.pagination import page_links, pagination
from caseaudit.ui.submission import CONFLICT_STATUS, submit

from .actions.moderation import decide
from .models import Audit, AuditStatus, ModerationEvent
from .moderation import agreeable, grade_changeable, moderation_statistics, returnable
from .moderation_forms import AgreeForm, ChangeGradeForm, ReturnForm, StatisticsFilterForm
from .scoping import audits_visible_to
from .templates_store import tool_for

PAGE_SIZE = 50
RECENTLY_MODERATED = 20
MODERATED_KINDS = (ModerationEvent.Kind.AGREED, ModerationEvent.Kind.CHANGED)


# The queue ------------------------------------------------------------------------------------------------


@policy.capability_required(policy.MODERATE)
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.MODERATE)
    visible = audits_visible_to(user).select_related("cycle", "case", "auditor", "grade_scale")
    waiting = visible.filter(status=AuditStatus.SUBMITTED).order_by("submitted_at", "pk")
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = _recently_moderated(visible)
    detail = shown("waiting", page.paginator.count, page=page) + f", {len(recent)} recently moderated"
    record_access(user, "view", "moderation-queue", "", detail)
    return render(
        request,
        "audits/moderation/queue.html",
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


# Moderation decisions read, newest first, to find the latest audits moderated: an audit is rarely decided
# more than two or three times, so these hold well over RECENTLY_MODERATED audits.
RECENT_DECISIONS_READ = RECENTLY_MODERATED * 10


def _recently_moderated(visible: QuerySet[Audit]) -> list[Audit]:
    """The moderated audits whose latest decision (agreed or changed) is newest, with it as `moderated_at`:
    the newest decisions read from their index, rather than every moderated audit's decisions grouped."""
    decisions = (
        ModerationEvent.objects.filter(
            kind__in=MODERATED_KINDS,
            audit__in=visible.filter(status=AuditStatus.MODERATED).order_by().values("pk"),
        )
        .order_by("-at", "-audit_id")
        .values_list("audit_id", "at")[:RECENT_DECISIONS_READ]
    )
    latest: dict[int, Any] = {}
    for audit_id, at in decisions:
        latest.setdefault(audit_id, at)
    chosen = sorted(latest.items(), key=lambda item: (item[1], item[0]), reverse=True)[:RECENTLY_MODERATED]
    audits = visible.in_bulk([audit_id for audit_id, _ in chosen])
    for audit_id, at in chosen:
        audits[audit_id].moderated_at = at  # type: ignore[attr-defined]
    return [audits[audit_id] for audit_id, _ in chosen]


def _grade_label(audit: Audit, slug: str) -> str:
    if not slug:
        return ""
    return audit.grade_scale.label(slug) if audit.grade_scale else slug


# One audit ------------------------------------------------------------------------------------------------


@policy.capability_required(policy.MODERATE)
@require_http_methods(["GET", "HEAD", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.MODERATE)
    audit = get_object_or_404(
        audits_visible_to(user).select_related("cycle", "case", "case__team", "auditor", "grade_scale"), pk=pk
    )
    forms_by_action: dict[str, Any] = {
        "agree": AgreeForm(version=audit.version),
        "change": ChangeGradeForm(version=audit.version, scale=audit.grade_scale),
        "return": ReturnForm(version=audit.version),
    }

    def page(status: int = 200) -> HttpResponse:
        record_access(user, "view", "audit", audit.pk, "moderation")
        context = _audit_context(audit, user, forms_by_action, conflicted=status == CONFLICT_STATUS)
        return render(request, "audits/moderation/audit.html", context, status=status)

    if request.method != "POST":
        return page()
    action = request.POST.get("action", "")
    if action not in forms_by_action:
        return HttpResponseBadRequest("Choose to agree, change the grade or return the audit.")
    kwargs: dict[str, Any] = {"version": audit.version}
    if action == "change":
        kwargs["scale"] = audit.grade_scale
    form = forms_by_action[action] = type(forms_by_action[action])(request.POST, **kwargs)
    if "version" in form.errors:
        return HttpResponseBadRequest("The form is missing the audit's version: reload the page.")
    return submit(
        request,
        form,
        act=lambda data: _decide(action, audit, data, user),
        page=page,
        then=reverse("audits:moderate", args=[audit.pk]),
        done=lambda _: _done_message(action, audit),
        # The refusals of a change are about the grade chosen, those of a return about the comments.
        field_for={"change": "grade", "return": "comments"}.get(action),
    )


def _decide(action: str, audit: Audit, data: dict[str, Any], user: User) -> ModerationEvent:
    return decide(
        audit, action, grade=data.get("grade", ""), reason=data.get("reason", ""),
        comments=data.get("comments", ""), expected_version=data["version"], acting_user=user,
    )  # fmt: skip


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
    audit: Audit, user: User, forms_by_action: dict[str, Any], *, conflicted: bool
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
    # A conflict is the one refusal the page shows apart from the form's errors: it says the audit moved on.
    conflict = " ".join(errors[0].non_field_errors()) if conflicted and errors else ""
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
        "may_moderate": policy.can(user, policy.MODERATE, audit),
        "can_agree": agreeable(audit),
        "can_change": grade_changeable(audit),
        "can_return": returnable(audit),
        "detail_url": detail_url,
    }


# Statistics -----------------------------------------------------------------------------------------------


@policy.capability_required(policy.MODERATE)
@require_safe
def moderation_statistics_page(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.MODERATE)
    # The cycles that hold audits to compare, newest first, read through the audits' own link to them.
    cycles = list(
        Audit.objects.confirmed()
        .filter(cycle__isnull=False)
        .order_by("-cycle__starts_on", "cycle__name")
        .values_list("cycle_id", "cycle__name")
        .distinct()
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
        "audits/moderation/statistics.html",
        {
            "form": form,
            "rows": rows[:-1],
            "overall": rows[-1],
            "cycle_name": dict(cycles).get(cycle or 0, ""),
        },
    )
