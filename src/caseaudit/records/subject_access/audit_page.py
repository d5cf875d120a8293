"""One audit as a page a person can read: what `records/subject_access_audit.html` shows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from caseaudit.audits.completion import tool_of
from caseaudit.audits.feedback import label_answers
from caseaudit.audits.models import Audit

from .files import person_name, plain


def audit_context(audit: Audit) -> dict[str, Any]:
    grade = audit.grade_scale.label if audit.grade_scale else (lambda slug: slug)
    titles: dict[str, str] = {}
    questions: dict[str, str] = {}
    try:
        tool = tool_of(audit)
    except ValidationError:  # not started: no tool yet, and nothing written
        tool = None
    if tool is not None:
        for section in tool.sections:
            titles[section.slug] = section.title
            questions.update({question.slug: question.text for question in section.questions})
    return {
        "audit": audit,
        "facts": [
            ("Audit", audit.pk),
            ("Cycle", audit.cycle.name if audit.cycle else "None (an audit from before caseaudit)"),
            ("Cohort when audited", audit.get_cohort_display()),
            ("Status", audit.get_status_display()),
            ("Why it was chosen", audit.get_reason_display() if audit.reason else ""),
            ("Auditor", person_name(audit.auditor)),
            (
                "Audit tool",
                f"{audit.template.name}, version {audit.template.version}" if audit.template else "",
            ),
            ("Started", plain(audit.started_at)),
            ("Submitted", plain(audit.submitted_at)),
            ("Completed on", plain(audit.completed_on)),
            ("Grade being written", grade(audit.draft_grade) if audit.draft_grade else ""),
            ("Auditor's grade", grade(audit.auditor_grade) if audit.auditor_grade else ""),
            ("Moderated grade", grade(audit.moderated_grade) if audit.moderated_grade else ""),
            ("Overall rationale", audit.overall_rationale),
            ("Evidence from the record alone (not triangulated)", plain(audit.not_triangulated)),
        ],
        "sections": [
            {
                "title": titles.get(response.section, response.section),
                "grade": grade(response.grade) if response.grade else "",
                "evidence": response.evidence,
                "analysis": response.analysis,
                "answers": [
                    (questions.get(slug, slug), plain(answer))
                    for slug, answer in sorted(response.answers.items())
                ],
            }
            for response in audit.sections.order_by("pk")
        ],
        "evidence": [
            (use.get_source_display(), plain(use.used_on), use.note)
            for use in audit.evidence.order_by("used_on")
        ],
        "findings": [
            (finding.get_kind_display(), finding.theme.label, finding.text)
            for finding in audit.findings.select_related("theme").order_by("created_at", "pk")
        ],
        "moderation": [
            (
                plain(event.at),
                event.get_kind_display(),
                grade(event.from_grade) if event.from_grade else "",
                grade(event.to_grade) if event.to_grade else "",
                event.comments,
                person_name(event.by),
            )
            for event in audit.moderation_events.select_related("by").order_by("at", "pk")
        ],
        "reallocations": [
            (plain(r.at), person_name(r.from_auditor), person_name(r.to_auditor), r.reason, person_name(r.by))
            for r in audit.reallocations.select_related("from_auditor", "to_auditor", "by").order_by(
                "at", "pk"
            )
        ],
        "feedback": [
            {
                "respondent": response.get_respondent_display(),
                "received_on": plain(response.received_on),
                "on_paper": plain(response.on_paper),
                "answers": label_answers(response.respondent, response.answers),
            }
            for response in audit.feedback.order_by("received_on", "pk")
        ],
    }
