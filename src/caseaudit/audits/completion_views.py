"""Completing an audit: the task list, each section, the evidence sources, findings and actions, the overall
grade, and check and submit (GOV.UK task list pattern).

Every audit comes from `audits_visible_to(user)`: an audit the user may not see answers 404. Only the
allocated auditor may open the pages that change it (others who may see it get 403); every change goes
through `caseaudit.audits.completion`. A change made on a page someone has since changed raises
EditConflict: the page says so and keeps what the user typed, and nothing of the other person's is lost."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case
from caseaudit.compliance.panel import timescales_context
from caseaudit.core.audit_tools import Section
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.register import COHORT_KEY_DATES

from . import completion
from .completion_forms import (
    ActionForm,
    EvidenceForm,
    FindingForm,
    OverallForm,
    RemoveForm,
    SectionForm,
    SubmitForm,
)
from .feedback import may_gather_feedback
from .locking import EditConflict
from .models import Audit, AuditStatus, EvidenceSource
from .scoping import audits_visible_to

CONFLICT_STATUS = 409


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.sees_child_level_data:
        raise PermissionDenied
    return user


def _visible(user: User, pk: int) -> Audit:
    return get_object_or_404(
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


def _for_editing(request: HttpRequest, pk: int) -> tuple[User, Audit]:
    """The allocated auditor and their audit. Others who may see the audit may not change it (403)."""
    user = _user(request)
    audit = _visible(user, pk)
    if not completion.is_allocated_auditor(audit, user):
        raise PermissionDenied
    return user, audit


def _not_editable(request: HttpRequest, audit: Audit) -> HttpResponse | None:
    """Send the auditor back to the task list when the audit cannot be changed now."""
    if audit.status == AuditStatus.NOT_STARTED:
        messages.info(request, "Start the audit first.")
    elif audit.status not in completion.EDITABLE:
        messages.info(request, f"This audit is {audit.get_status_display().lower()}: it cannot be changed.")
    else:
        return None
    return redirect("audits:detail", audit.pk)


def _version(request: HttpRequest, field: str = "version") -> int | None:
    try:
        return int(request.POST.get(field, ""))
    except ValueError:
        return None


# The case beside the form ---------------------------------------------------------------------------------


def _case_context(case: Case) -> dict[str, Any]:
    labels = {field.name: getattr(field, "verbose_name", field.name) for field in Case._meta.get_fields()}
    return {
        "case": case,
        "cohort_label": COHORT_LABELS.get(case.cohort, case.cohort),
        "key_dates": [
            (capfirst(str(labels[name])), getattr(case, name))
            for name in COHORT_KEY_DATES.get(case.cohort, ())
        ],
        **timescales_context(case),
    }


def _base_context(audit: Audit, user: User, **extra: Any) -> dict[str, Any]:
    return {
        "audit": audit,
        "editable": completion.can_edit(audit, user) and audit.status != AuditStatus.NOT_STARTED,
        **_case_context(audit.case),
        **extra,
    }


# The task list and the read-only audit --------------------------------------------------------------------


def _section_status(response: Any) -> str:
    if response is None or not response.is_started:
        return "Not started"
    return "Completed" if response.is_complete else "In progress"


def _tasks(audit: Audit) -> list[dict[str, Any]]:
    responses = {r.section: r for r in audit.sections.all()}
    tasks = [
        {
            "id": f"section-{section.slug}",
            "name": section.title,
            "href": reverse("audits:section", args=[audit.pk, section.slug]),
            "status": _section_status(responses.get(section.slug)),
        }
        for section in completion.sections_of(audit)
    ]
    sources = set(audit.evidence.values_list("source", flat=True))
    evidence_status = "Not started"
    if sources:
        evidence_status = "In progress" if EvidenceSource.RECORD_REVIEW not in sources else "Completed"
    findings, actions = audit.findings.count(), audit.actions.count()
    overall_done = bool(audit.draft_grade and audit.overall_rationale.strip())
    overall_started = bool(audit.draft_grade or audit.overall_rationale.strip())
    missing = completion.missing_for_submission(audit)
    tasks += [
        {
            "id": "evidence",
            "name": "Evidence sources",
            "hint": "The record review, and who you spoke to",
            "href": reverse("audits:evidence", args=[audit.pk]),
            "status": evidence_status,
        },
        {
            "id": "findings",
            "name": "Findings and actions",
            "hint": "Strengths, issues and actions for this case",
            "href": reverse("audits:findings", args=[audit.pk]),
            "status": _counted(findings, "finding", actions, "action")
            if findings or actions
            else "Not started",
        },
        {
            "id": "overall",
            "name": "Overall grade",
            "href": reverse("audits:overall", args=[audit.pk]),
            "status": "Completed" if overall_done else "In progress" if overall_started else "Not started",
        },
        {
            "id": "submit",
            "name": "Check and submit",
            "href": reverse("audits:submit", args=[audit.pk]),
            "status": "Cannot start yet" if missing else "Not started",
            "hint": f"{len(missing)} thing{'s' if len(missing) != 1 else ''} to complete first"
            if missing
            else "",
        },
    ]
    return tasks


def _counted(first: int, first_noun: str, second: int, second_noun: str) -> str:
    return f"{first} {first_noun}{pluralize(first)}, {second} {second_noun}{pluralize(second)}"


def _summary(audit: Audit) -> dict[str, Any]:
    """Everything written in the audit, for reading: the check answers page and the read-only audit."""
    if audit.template is None:
        return {"sections": [], "evidence": [], "findings": [], "actions": []}
    scale = audit.grade_scale
    responses = {r.section: r for r in audit.sections.all()}
    sections = []
    for section in completion.sections_of(audit):
        response = responses.get(section.slug)
        answers = response.answers if response else {}
        sections.append(
            {
                "section": section,
                "response": response,
                "status": _section_status(response),
                "grade": scale.label(response.grade) if scale and response and response.grade else "",
                "answers": [
                    (q.text, {"yes": "Yes", "no": "No"}.get(answers.get(q.slug, ""), answers.get(q.slug, "")))
                    for q in section.questions
                ],
            }
        )
    return {
        "sections": sections,
        "evidence": list(audit.evidence.all()),
        "findings": list(audit.findings.select_related("theme")),
        "actions": list(audit.actions.select_related("owner", "owner__staff")),
        "overall_grade": scale.label(audit.draft_grade) if scale and audit.draft_grade else "",
    }


@require_http_methods(["GET", "HEAD"])
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    audit = _visible(user, pk)
    record_access(user, "view", "audit", audit.pk)
    return _render_detail(request, user, audit)


def _render_detail(
    request: HttpRequest, user: User, audit: Audit, start_errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    is_auditor = completion.is_allocated_auditor(audit, user)
    # Drafts are the auditor's working notes: the audited team reads the audit once it is submitted.
    shows_content = (
        is_auditor
        or user.role in (Role.QA_LEAD, Role.MODERATOR)
        or audit.status in (AuditStatus.SUBMITTED, AuditStatus.MODERATED)
    )
    context = _base_context(
        audit,
        user,
        is_auditor=is_auditor,
        can_start=is_auditor and audit.status == AuditStatus.NOT_STARTED,
        shows_content=shows_content,
        start_errors=start_errors or [],
        # Beside the tool, never behind it: a concern goes to the manager at once
        # (docs/domain.md#safeguarding-concern).
        may_raise_concern=policy.can(user, policy.RAISE_CONCERN, audit),
        may_gather_feedback=may_gather_feedback(user, audit),
    )
    if context["editable"]:
        tasks = _tasks(audit)
        context["section_tasks"] = [t for t in tasks if t["id"].startswith("section-")]
        context["other_tasks"] = [t for t in tasks if not t["id"].startswith("section-")]
        context["completed_sections"] = sum(t["status"] == "Completed" for t in context["section_tasks"])
    elif shows_content:
        context["summary"] = _summary(audit)
    return render(request, "audits/detail.html", context, status=status)


@require_POST
def audit_start(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _for_editing(request, pk)
    version = _version(request)
    errors: list[str] = []
    status = 400
    if version is None:
        errors.append("The page is missing the audit's version: reload it and try again.")
    else:
        try:
            completion.start_audit(audit, expected_version=version, acting_user=user)
        except EditConflict as conflict:
            errors.append(str(conflict))
            status = CONFLICT_STATUS
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            return redirect("audits:detail", audit.pk)
    audit.refresh_from_db()
    return _render_detail(request, user, audit, errors, status)


# A section ------------------------------------------------------------------------------------------------


def _section_or_404(audit: Audit, slug: str) -> Section:
    section = next((s for s in completion.sections_of(audit) if s.slug == slug), None)
    if section is None:
        raise Http404("No such section in this audit")
    return section


def _section_initial(audit: Audit, section: Section) -> dict[str, Any]:
    response = audit.sections.filter(section=section.slug).first()
    initial: dict[str, Any] = {"version": audit.version}
    if response is not None:
        initial |= {"grade": response.grade, "evidence": response.evidence, "analysis": response.analysis}
        initial |= {f"q_{slug}": value for slug, value in response.answers.items()}
    return initial


def _save_section(form: SectionForm, audit: Audit, user: User) -> None:
    """Raises EditConflict or ValidationError, as the action does."""
    data = form.cleaned_data
    completion.save_section(
        audit,
        form.section.slug,
        grade=data.get("grade") or "",
        evidence=data.get("evidence") or "",
        analysis=data.get("analysis") or "",
        answers=form.answers(),
        expected_version=data["version"],
        acting_user=user,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def audit_section(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    user, audit = _for_editing(request, pk)
    if (response := _not_editable(request, audit)) is not None:
        return response
    section = _section_or_404(audit, slug)
    conflict = ""
    status = 200
    if request.method == "POST":
        form = SectionForm(request.POST, section=section, scale=audit.grade_scale)
        if form.is_valid():
            try:
                _save_section(form, audit, user)
            except EditConflict as error:
                conflict, status = str(error), CONFLICT_STATUS
            except ValidationError as error:
                form.add_action_error(error)
            else:
                messages.success(request, f"{section.title}: saved")
                return redirect("audits:detail", audit.pk)
    else:
        form = SectionForm(initial=_section_initial(audit, section), section=section, scale=audit.grade_scale)
    sections = completion.sections_of(audit)
    index = next(i for i, s in enumerate(sections) if s.slug == section.slug)
    return render(
        request,
        "audits/section.html",
        _base_context(
            audit,
            user,
            form=form,
            section=section,
            conflict=conflict,
            position=index + 1,
            section_count=len(sections),
        ),
        status=status,
    )


@require_POST
def audit_section_autosave(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Autosave of a section draft (htmx): answers a small fragment, "Saved at 14:02" with the audit's new
    version swapped into the form, or why it was not saved."""
    user, audit = _for_editing(request, pk)
    context: dict[str, Any] = {}
    if audit.status not in completion.EDITABLE or audit.status == AuditStatus.NOT_STARTED:
        context["problem"] = f"Not saved: this audit is {audit.get_status_display().lower()}."
    else:
        section = _section_or_404(audit, slug)
        form = SectionForm(request.POST, section=section, scale=audit.grade_scale)
        if not form.is_valid():
            context["problem"] = "Not saved: " + " ".join(
                str(message) for errors in form.errors.values() for message in errors
            )
        else:
            try:
                _save_section(form, audit, user)
            except EditConflict as error:
                context["conflict"] = str(error)
            except ValidationError as error:
                context["problem"] = "Not saved: " + " ".join(error.messages)
            else:
                context["saved_at"] = timezone.localtime()
                context["version"] = audit.version
    return render(request, "audits/includes/autosave_status.html", context)


# Evidence sources -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def audit_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _for_editing(request, pk)
    if (response := _not_editable(request, audit)) is not None:
        return response
    sources = list(completion.tool_of(audit).evidence_sources)
    form = EvidenceForm(initial={"version": audit.version}, sources=sources)
    errors: list[str] = []
    conflict, status = "", 200
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            remove = RemoveForm(request.POST)
            if remove.is_valid():
                source = remove.cleaned_data["item"]
                try:
                    completion.remove_evidence(
                        audit, source, expected_version=remove.cleaned_data["version"], acting_user=user
                    )
                except EditConflict as error:
                    conflict, status = str(error), CONFLICT_STATUS
                except ValidationError as error:
                    errors.extend(error.messages)
                else:
                    messages.success(request, f"Removed: {EvidenceSource(source).label}")
                    return redirect("audits:evidence", audit.pk)
            else:
                errors.append("Reload the page and try again.")
        else:
            form = EvidenceForm(request.POST, sources=sources)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    completion.record_evidence(
                        audit,
                        data["source"],
                        used_on=data["used_on"],
                        note=data["note"],
                        expected_version=data["version"],
                        acting_user=user,
                    )
                except EditConflict as error:
                    conflict, status = str(error), CONFLICT_STATUS
                except ValidationError as error:
                    form.add_action_error(error)
                else:
                    messages.success(request, f"Recorded: {EvidenceSource(data['source']).label}")
                    return redirect("audits:evidence", audit.pk)
    return render(
        request,
        "audits/evidence.html",
        _base_context(
            audit,
            user,
            form=form,
            errors=errors,
            conflict=conflict,
            used=list(audit.evidence.all()),
            triangulated=completion.is_triangulated(audit),
        ),
        status=status,
    )


# Findings and actions -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def audit_findings(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _for_editing(request, pk)
    if (response := _not_editable(request, audit)) is not None:
        return response
    themes = completion.active_themes()
    owners = completion.action_owners(audit)
    initial = {"version": audit.version}
    finding_form = FindingForm(initial=initial, themes=themes, prefix="finding")
    action_form = ActionForm(initial=initial, owners=owners, prefix="action")
    errors: list[str] = []
    conflict, status = "", 200
    what = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if what == "add-finding":
                finding_form = FindingForm(request.POST, themes=themes, prefix="finding")
                if finding_form.is_valid():
                    data = finding_form.cleaned_data
                    try:
                        completion.add_finding(
                            audit,
                            kind=data["kind"],
                            theme=data["theme"],
                            text=data["text"],
                            expected_version=data["version"],
                            acting_user=user,
                        )
                    except ValidationError as error:
                        finding_form.add_action_error(error)
                    else:
                        messages.success(request, "Finding added")
                        return redirect("audits:findings", audit.pk)
            elif what == "add-action":
                action_form = ActionForm(request.POST, owners=owners, prefix="action")
                if action_form.is_valid():
                    data = action_form.cleaned_data
                    try:
                        completion.add_action(
                            audit,
                            description=data["description"],
                            owner=data["owner"],
                            due_on=data["due_on"],
                            expected_version=data["version"],
                            acting_user=user,
                        )
                    except ValidationError as error:
                        action_form.add_action_error(error)
                    else:
                        messages.success(request, "Action added")
                        return redirect("audits:findings", audit.pk)
            elif what in ("remove-finding", "remove-action"):
                remove = RemoveForm(request.POST)
                if remove.is_valid() and remove.cleaned_data["item"].isdigit():
                    item, version = int(remove.cleaned_data["item"]), remove.cleaned_data["version"]
                    try:
                        if what == "remove-finding":
                            completion.remove_finding(audit, item, expected_version=version, acting_user=user)
                        else:
                            completion.remove_action(audit, item, expected_version=version, acting_user=user)
                    except ValidationError as error:
                        errors.extend(error.messages)
                    else:
                        messages.success(
                            request, "Finding removed" if what == "remove-finding" else "Action removed"
                        )
                        return redirect("audits:findings", audit.pk)
                else:
                    errors.append("Reload the page and try again.")
            else:
                errors.append("Choose what to do: add a finding or an action.")
        except EditConflict as error:
            conflict, status = str(error), CONFLICT_STATUS
    return render(
        request,
        "audits/findings.html",
        _base_context(
            audit,
            user,
            finding_form=finding_form,
            action_form=action_form,
            errors=errors,
            conflict=conflict,
            findings=list(audit.findings.select_related("theme")),
            actions=list(audit.actions.select_related("owner", "owner__staff")),
            has_themes=themes.exists(),
            has_owners=owners.exists(),
        ),
        status=status,
    )


# Overall grade --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def audit_overall(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _for_editing(request, pk)
    if (response := _not_editable(request, audit)) is not None:
        return response
    conflict, status = "", 200
    if request.method == "POST":
        form = OverallForm(request.POST, scale=audit.grade_scale)
        if form.is_valid():
            data = form.cleaned_data
            try:
                completion.save_overall(
                    audit,
                    grade=data.get("grade") or "",
                    rationale=data.get("rationale") or "",
                    expected_version=data["version"],
                    acting_user=user,
                )
            except EditConflict as error:
                conflict, status = str(error), CONFLICT_STATUS
            except ValidationError as error:
                form.add_action_error(error)
            else:
                messages.success(request, "Overall grade saved")
                return redirect("audits:detail", audit.pk)
    else:
        form = OverallForm(
            initial={
                "version": audit.version,
                "grade": audit.draft_grade,
                "rationale": audit.overall_rationale,
            },
            scale=audit.grade_scale,
        )
    return render(
        request,
        "audits/overall.html",
        _base_context(audit, user, form=form, conflict=conflict, summary=_summary(audit)),
        status=status,
    )


# Check and submit -----------------------------------------------------------------------------------------


def _missing_links(audit: Audit, missing: Iterable[completion.Missing]) -> list[tuple[str, str]]:
    links = []
    for item in missing:
        if item.task == "section":
            href = reverse("audits:section", args=[audit.pk, item.section])
        else:
            href = reverse(f"audits:{item.task}", args=[audit.pk])
        links.append((item.message, href))
    return links


@require_http_methods(["GET", "HEAD", "POST"])
def audit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = _for_editing(request, pk)
    if (response := _not_editable(request, audit)) is not None:
        return response
    conflict, status = "", 200
    attempted = request.method == "POST"
    form = SubmitForm(request.POST if attempted else None, initial={"version": audit.version})
    if attempted and form.is_valid():
        try:
            completion.submit_audit(
                audit,
                confirm_not_triangulated=form.cleaned_data["confirm_not_triangulated"],
                expected_version=form.cleaned_data["version"],
                acting_user=user,
            )
        except EditConflict as error:
            conflict, status = str(error), CONFLICT_STATUS
        except completion.NotTriangulated as error:
            form.add_error("confirm_not_triangulated", error.messages[0])
        except ValidationError:
            pass  # listed below from missing_for_submission, each with a link to put it right
        else:
            messages.success(request, "Audit submitted for moderation")
            return redirect("audits:detail", audit.pk)
    missing = _missing_links(audit, completion.missing_for_submission(audit))
    return render(
        request,
        "audits/submit.html",
        _base_context(
            audit,
            user,
            form=form,
            conflict=conflict,
            attempted=attempted,
            missing=missing,
            triangulated=completion.is_triangulated(audit),
            summary=_summary(audit),
        ),
        status=status,
    )
