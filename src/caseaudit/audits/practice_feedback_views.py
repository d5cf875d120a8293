"""The auditor's feedback to the case's worker and manager (learning from audits): written by the auditor
with the audit, then, once the audit is moderated, read by the worker and manager, and acknowledged by the
worker. One page: the auditor's form while the audit is theirs to change, otherwise the feedback to read."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.ui.submission import submit

from . import completion
from .actions.practice_feedback import acknowledge_practice_feedback, save_practice_feedback
from .completion_views.shared import arguments, conflict, page_context, visible_audit
from .models import Audit, PracticeFeedback
from .practice_feedback_forms import AcknowledgeForm, PracticeFeedbackForm
from .scoping import readable_feedback


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD", "POST"])
def practice_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = visible_audit(request, pk)
    if completion.being_written(audit) and policy.can(user, policy.COMPLETE_AUDIT, audit):
        return _write(request, user, audit)
    if request.method == "POST":
        policy.require(user, policy.COMPLETE_AUDIT, audit)  # the auditor's, once the audit is submitted
    return _read(request, user, audit, _sent_feedback(user, audit), AcknowledgeForm())


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = visible_audit(request, pk)
    feedback = _sent_feedback(user, audit)
    form = AcknowledgeForm(request.POST)
    return submit(
        request,
        form,
        act=lambda data: acknowledge_practice_feedback(feedback, reply=data["reply"], acting_user=user),
        done="Feedback acknowledged. The auditor has been told.",
        then=reverse("audits:practice-feedback", args=[audit.pk]),
        page=lambda status: _read(request, user, audit, feedback, form, status),
    )


def _sent_feedback(user: User, audit: Audit) -> PracticeFeedback:
    """The audit's feedback, for someone who may read it: the worker and the manager only once it is sent
    (404 before then, and for an audit without feedback)."""
    policy.require(user, policy.READ_PRACTICE_FEEDBACK, audit)
    feedback = readable_feedback(user, audit)
    if feedback is None:
        raise Http404("No feedback to read")
    return feedback


def _write(request: HttpRequest, user: User, audit: Audit) -> HttpResponse:
    feedback = PracticeFeedback.objects.filter(audit=audit).first()
    if request.method != "POST":
        initial: dict[str, object] = {"version": audit.version}
        if feedback:
            initial |= {"went_well": feedback.went_well, "next_steps": feedback.next_steps}
        return _form_page(request, user, audit, PracticeFeedbackForm(initial=initial))
    form = PracticeFeedbackForm(request.POST)
    return submit(
        request,
        form,
        act=lambda data: save_practice_feedback(audit, **arguments(data), acting_user=user),
        done="Feedback saved. The worker and manager get it when the audit is moderated.",
        then=reverse("audits:detail", args=[audit.pk]),
        page=lambda status: _form_page(request, user, audit, form, status),
    )


def _form_page(
    request: HttpRequest, user: User, audit: Audit, form: PracticeFeedbackForm, status: int = 200
) -> HttpResponse:
    record_access(user, "view", "audit", audit.pk, "feedback to the worker")
    conflicted = conflict(form, status)
    context = page_context(audit, user, form=form, conflict=conflicted)
    return render(request, "audits/practice_feedback_form.html", context, status=status)


def _read(
    request: HttpRequest,
    user: User,
    audit: Audit,
    feedback: PracticeFeedback,
    form: AcknowledgeForm,
    status: int = 200,
) -> HttpResponse:
    record_access(user, "view", "audit", audit.pk, "feedback to the worker")
    may_acknowledge = (
        feedback.sent_at is not None
        and feedback.acknowledged_at is None
        and policy.can(user, policy.ACKNOWLEDGE_PRACTICE_FEEDBACK, audit)
    )
    context = page_context(audit, user, feedback=feedback, form=form, may_acknowledge=may_acknowledge)
    return render(request, "audits/practice_feedback.html", context, status=status)
