"""Feedback pages: the audit's feedback (QA lead and the audit's auditor), and the public form a child,
young person or carer opens from their link, which needs no sign-in and shows no child data."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User

from .actions.feedback import create_feedback_link, record_paper_feedback, submit_feedback
from .feedback import LINK_DAYS_DEFAULT, LinkNotUsable, hash_token, label_answers, questions_for, usable_link
from .feedback_forms import AnswersForm, NewLinkForm, PaperDetailsForm
from .models import Audit, FeedbackLink, Respondent
from .scoping import audits_visible_to


def _audit_for(request: HttpRequest, pk: int) -> tuple[User, Audit]:
    """The audit, if the user may gather its feedback: an audit they may not see is not found (404), one
    they may see but not gather feedback for is refused (403) before its feedback is read."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    audit = get_object_or_404(audits_visible_to(user).select_related("case", "cycle", "auditor"), pk=pk)
    policy.require(user, policy.GATHER_FEEDBACK, audit)
    return user, audit


def _render_feedback(
    request: HttpRequest, user: User, audit: Audit, *, link_form: NewLinkForm | None = None, status: int = 200
) -> HttpResponse:
    record_access(user, "view", "audit-feedback", audit.pk)
    responses = [
        (response, label_answers(response.respondent, response.answers))
        for response in audit.feedback.select_related("recorded_by").order_by("-received_on", "-pk")
    ]
    links = FeedbackLink.objects.filter(audit=audit).select_related("created_by").order_by("-created_at")
    return render(
        request,
        "audits/feedback_list.html",
        {
            "audit": audit,
            "responses": responses,
            "links": links,
            "link_form": link_form or NewLinkForm(),
            "days": LINK_DAYS_DEFAULT,
            "respondents": Respondent.choices,
            "now": timezone.now(),
        },
        status=status,
    )


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD"])
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _audit_for(request, pk)
    return _render_feedback(request, user, audit)


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_POST
def new_link(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _audit_for(request, pk)
    form = NewLinkForm(request.POST)
    if not form.is_valid():
        return _render_feedback(request, user, audit, link_form=form)
    respondent = form.cleaned_data["respondent"]
    try:
        token = create_feedback_link(audit, respondent=respondent, acting_user=user)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("respondent", message)
        return _render_feedback(request, user, audit, link_form=form)
    link = FeedbackLink.objects.get(token_hash=hash_token(token))
    response = render(
        request,
        "audits/feedback_link.html",
        {
            "audit": audit,
            "url": request.build_absolute_uri(reverse("feedback:form", args=[token])),
            "respondent": Respondent(respondent).label,
            "expires_at": link.expires_at,
        },
    )
    # The link is shown this once: keep it out of every cache.
    add_never_cache_headers(response)
    return response


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD", "POST"])
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _audit_for(request, pk)
    respondent = request.GET.get("respondent") or request.POST.get("respondent") or Respondent.YOUNG_PERSON
    if respondent not in Respondent.values:
        respondent = Respondent.YOUNG_PERSON
    data = request.POST if request.method == "POST" else None
    details, answers = PaperDetailsForm(data), AnswersForm(data, respondent=respondent)
    if request.method == "POST" and details.is_valid() & answers.is_valid():
        try:
            record_paper_feedback(
                audit,
                respondent=respondent,
                answers=answers.answers(),
                received_on=details.cleaned_data["received_on"],
                acting_user=user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for slug, errors in exc.message_dict.items():
                    answers.add_error(slug if slug in answers.fields else None, errors)
            else:
                details.add_error("received_on", exc.messages)
        else:
            messages.success(request, "The paper feedback is recorded.")
            return redirect("audits:feedback", audit.pk)
    record_access(user, "view", "audit", audit.pk, "paper feedback form")
    return render(
        request,
        "audits/feedback_paper.html",
        {
            "audit": audit,
            "respondent": respondent,
            "respondent_label": Respondent(respondent).label,
            "details": details,
            "answers": answers,
            "has_errors": bool(details.errors or answers.errors),
        },
    )


# The public form -------------------------------------------------------------------------------------------


def _public(response: HttpResponse) -> HttpResponse:
    """No cache keeps the page, no Referer header carries the token to the static files' access log, and
    no log line carries it in its path: Django logs every 4xx response's path unless the response says it
    has been logged already."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    if response.status_code >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


# A child or carer has never heard of "case file audits": the public pages name the council and say, in
# plain words, what the check is (the view's context wins over the context processor's service name).
PUBLIC_SERVICE_NAME = "A check of how we worked with you"


def _public_words() -> dict[str, str]:
    return {"service_name": PUBLIC_SERVICE_NAME, "council_name": settings.COUNCIL_NAME}


def _link_gone(request: HttpRequest) -> HttpResponse:
    # One page, one status for unknown, used and expired links: the page never says which.
    return _public(render(request, "feedback/link_gone.html", _public_words(), status=404))


# No CSRF check: the secret token in the URL is the only authority here (no session, no account), so a
# forged POST needs the token anyway. The check would also fail in phone browsers that drop the cookie or
# send "Origin: null" (no-referrer), and its warning would log the path, token and all.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def form(request: HttpRequest, token: str) -> HttpResponse:
    link = usable_link(token)
    if link is None:
        return _link_gone(request)
    answers = AnswersForm(request.POST if request.method == "POST" else None, respondent=link.respondent)
    if request.method == "POST" and answers.is_valid():
        try:
            submit_feedback(token, answers.answers())
        except LinkNotUsable:
            return _link_gone(request)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for slug, errors in exc.message_dict.items():
                    answers.add_error(slug if slug in answers.fields else None, errors)
            else:
                answers.add_error(None, exc.messages)
        else:
            return _public(render(request, "feedback/thanks.html", _public_words()))
    return _public(
        render(
            request,
            "feedback/form.html",
            {
                "form": answers,
                "carer": link.respondent == Respondent.CARER,
                "expires_at": link.expires_at,
                "questions": questions_for(link.respondent),
                **_public_words(),
            },
        )
    )
