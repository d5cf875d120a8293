"""The kinds of audit a QA plan holds (docs/domain.md#audit-types). Each kind has a tool of its own, shipped
as versioned YAML, and a cycle is of one kind: the case file audit twice a year, a thematic or dip-sample
audit of one theme across a cohort or team, a practice observation, a management oversight audit, a
multi-agency audit. Reports and the committee paper read one kind at a time, the case file audit unless
another is chosen, because a grade means something different in each."""

from __future__ import annotations

import typing
from typing import Literal

AuditType = Literal["case-file", "thematic", "practice-observation", "management-oversight", "multi-agency"]
AUDIT_TYPES: tuple[AuditType, ...] = typing.get_args(AuditType)
CASE_FILE: AuditType = "case-file"

AUDIT_TYPE_LABELS: dict[str, str] = {
    "case-file": "Case file audit",
    "thematic": "Thematic or dip-sample audit",
    "practice-observation": "Practice observation",
    "management-oversight": "Management oversight audit",
    "multi-agency": "Multi-agency audit",
}

# What each kind is for, in a line: the planning page shows it beside the choice.
AUDIT_TYPE_HINTS: dict[str, str] = {
    "case-file": "The whole case, graded section by section on the Ofsted model.",
    "thematic": "One theme, such as pathway plans, across a chosen cohort or team.",
    "practice-observation": "A home visit or a supervision observed, with the worker's reflection.",
    "management-oversight": "The manager's decisions, supervision and challenge on the case.",
    "multi-agency": "Partners' contributions (health, education, police) recorded as evidence.",
}

# The tool each kind is audited with unless the cycle names another: the slug of a shipped YAML file.
DEFAULT_TOOLS: dict[str, str] = {
    "case-file": "ofsted-default",
    "thematic": "thematic-dip-sample",
    "practice-observation": "practice-observation",
    "management-oversight": "management-oversight",
    "multi-agency": "multi-agency",
}


def audit_type_label(slug: str) -> str:
    return AUDIT_TYPE_LABELS.get(slug, slug)
