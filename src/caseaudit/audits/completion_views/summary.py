"""Everything written in the audit, for reading: the read-only audit, the overall grade's page (the section
grades) and the check answers page (audits/includes/summary.html)."""

from __future__ import annotations

from typing import Any

from caseaudit.audits.action_book import action_book

from .. import completion
from ..models import Audit

_YES_NO = {"yes": "Yes", "no": "No"}


def summary(audit: Audit) -> dict[str, Any]:
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
                "grade": scale.label(response.grade) if scale and response and response.grade else "",
                "answers": [
                    (q.text, _YES_NO.get(answers.get(q.slug, ""), answers.get(q.slug, "")))
                    for q in section.questions
                ],
            }
        )
    return {
        "sections": sections,
        "evidence": list(audit.evidence.all()),
        "findings": list(audit.findings.select_related("theme")),
        "actions": list(action_book().of_audit(audit)),
        "overall_grade": scale.label(audit.draft_grade) if scale and audit.draft_grade else "",
    }
