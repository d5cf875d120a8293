"""One section of the audit tool: its grade, evidence, analysis and questions, saved as a draft as the
auditor types (autosave) and when they return to the task list."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.core.audit_tools import Section
from caseaudit.locking import EditConflict
from caseaudit.ui.submission import submit

from .. import completion
from ..actions.completion import save_section
from ..completion_forms import SectionForm
from ..models import Audit, SectionResponse
from .shared import audit_to_change, closed_to_changes, conflict, page_context


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD", "POST"])
def audit_section(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    user, audit = audit_to_change(request, pk)
    if (closed := closed_to_changes(request, audit)) is not None:
        return closed
    section = _section_or_404(audit, slug)
    if request.method != "POST":
        form = SectionForm(initial=_initial(audit, section), section=section, scale=audit.grade_scale)
        return _page(request, user, audit, form)
    form = SectionForm(request.POST, section=section, scale=audit.grade_scale)
    return submit(
        request,
        form,
        act=lambda data: _save(form, audit, user),
        done=f"{section.title}: saved",
        then=_then(request, audit, section),
        page=lambda status: _page(request, user, audit, form, status),
    )


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_POST
def audit_section_autosave(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Autosave of a section draft (htmx): answers a small fragment, "Saved at 14:02" with the audit's new
    version swapped into the form, or why it was not saved."""
    user, audit = audit_to_change(request, pk)
    context: dict[str, Any] = {}
    if not completion.being_written(audit):
        context["problem"] = f"Not saved: this audit is {audit.get_status_display().lower()}."
    else:
        form = SectionForm(request.POST, section=_section_or_404(audit, slug), scale=audit.grade_scale)
        if not form.is_valid():
            context["problem"] = "Not saved: " + " ".join(
                str(message) for errors in form.errors.values() for message in errors
            )
        else:
            try:
                _save(form, audit, user)
            except EditConflict as error:
                context["conflict"] = str(error)
            except ValidationError as error:
                context["problem"] = "Not saved: " + " ".join(error.messages)
            else:
                context["saved_at"] = timezone.localtime()
                context["version"] = audit.version
    return render(request, "audits/includes/autosave_status.html", context)


def _next_section(audit: Audit, section: Section) -> Section | None:
    sections = list(completion.sections_of(audit))
    at = next(i for i, s in enumerate(sections) if s.slug == section.slug)
    return sections[at + 1] if at + 1 < len(sections) else None


def _then(request: HttpRequest, audit: Audit, section: Section) -> str:
    """ "Save and continue" goes on to the next section, so a long tool is worked through in order;
    "Save and return to task list" (and the last section) go back to the task list."""
    following = _next_section(audit, section)
    if request.POST.get("then") == "next" and following is not None:
        return reverse("audits:section", args=[audit.pk, following.slug])
    return reverse("audits:detail", args=[audit.pk])


def _section_or_404(audit: Audit, slug: str) -> Section:
    section = next((s for s in completion.sections_of(audit) if s.slug == slug), None)
    if section is None:
        raise Http404("No such section in this audit")
    return section


def _initial(audit: Audit, section: Section) -> dict[str, Any]:
    response = audit.sections.filter(section=section.slug).first()
    initial: dict[str, Any] = {"version": audit.version}
    if response is not None:
        initial |= {"grade": response.grade, "evidence": response.evidence, "analysis": response.analysis}
        initial |= {f"q_{slug}": value for slug, value in response.answers.items()}
    return initial


def _save(form: SectionForm, audit: Audit, user: User) -> SectionResponse:
    data = form.cleaned_data
    return save_section(
        audit,
        form.section.slug,
        grade=data["grade"],
        evidence=data["evidence"],
        analysis=data["analysis"],
        answers=form.answers(),
        expected_version=data["version"],
        acting_user=user,
    )


def _page(
    request: HttpRequest, user: User, audit: Audit, form: SectionForm, status: int = 200
) -> HttpResponse:
    record_access(user, "view", "audit", audit.pk, f"section {form.section.slug}")
    sections = [section.slug for section in completion.sections_of(audit)]
    return render(
        request,
        "audits/section.html",
        page_context(
            audit,
            user,
            form=form,
            section=form.section,
            conflict=conflict(form, status),
            position=sections.index(form.section.slug) + 1,
            next_section=_next_section(audit, form.section),
            section_count=len(sections),
        ),
        status=status,
    )
