"""The committee paper of a cycle: the web page, and the PDF and Word downloads.

For the QA lead, moderators and senior leaders: the paper holds aggregates only (no child or worker is named
in it), so senior leaders, who see no child-level data, may have it (docs/domain.md#roles). Every download
is recorded in the access log, as other exports are."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.cycles.models import Cycle, CycleStatus

from .grades import GRADE_SOURCES, GradeSource
from .paper.context import build_paper_context
from .paper.docx import DOCX_TYPE, render_docx
from .paper.html import shown_sections
from .paper.pdf import PDF_TYPE, render_pdf

FORMATS = {"pdf": PDF_TYPE, "docx": DOCX_TYPE}


def paper_cycle(pk: int) -> Cycle:
    """A confirmed cycle: a draft sample is a proposal, with no audits to report."""
    return get_object_or_404(Cycle.objects.exclude(status=CycleStatus.DRAFT), pk=pk)


def _grade_source(request: HttpRequest) -> GradeSource:
    """`?grades=auditor` for the auditors' grades; moderated grades otherwise."""
    return "auditor" if request.GET.get("grades") == "auditor" else "moderated"


@policy.capability_required(policy.READ_REPORTS)
@require_safe
def paper_page(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = paper_cycle(pk)
    grade_source = _grade_source(request)
    paper = build_paper_context(cycle, grade_source=grade_source)
    record_access(request.user, "view", "cycle", cycle.pk, "committee paper")
    # Back to the cycle's page for those who plan cycles; to the reports for the others.
    planner = policy.can(request.user, policy.PLAN_CYCLES)
    query = "?grades=auditor" if grade_source == "auditor" else ""
    context = {
        "paper": paper,
        "sections": shown_sections(paper, "svg"),
        "query": query,
        "grade_sources": GRADE_SOURCES,
        "back_url": reverse("cycles:detail", args=[cycle.pk]) if planner else reverse("reports:grades"),
        "back_text": f"Back to {cycle.name}" if planner else "Back to reports",
    }
    return render(request, "reports/paper.html", context)


@policy.capability_required(policy.READ_REPORTS)
@require_safe
def paper_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    cycle = paper_cycle(pk)
    paper = build_paper_context(cycle, grade_source=_grade_source(request))
    content = render_pdf(paper) if fmt == "pdf" else render_docx(paper)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{paper.file_stem}.{fmt}"
    )
    record_access(
        request.user, "export", "cycle", cycle.pk, f"committee paper ({fmt}, {paper.grade_source} grades)"
    )
    return response
