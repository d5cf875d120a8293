"""Audit tools (templates) and grade scales in the database: find the newest version of a tool, read a
stored one, and ship the default Ofsted-model tool. Loading a tool is `actions.templates.load_template`.

A (slug, version) is loaded once and never changes: an audit keeps the template version it was started
with, so a changed tool is a new version, never an edit (issue 4, scope 1)."""

from __future__ import annotations

import functools
from importlib import resources

from caseaudit.core.audit_tools import AuditTool, parse_template
from caseaudit.policy import SYSTEM

from .actions.templates import load_template
from .models import AuditTemplate, GradeScale

DEFAULT_TEMPLATE_SLUG = "ofsted-default"
DEFAULT_TEMPLATE_FILE = "ofsted-default.yaml"


def latest_template(slug: str) -> AuditTemplate | None:
    """The newest version of a template, or None if none is loaded."""
    return AuditTemplate.objects.filter(slug=slug).select_related("grade_scale").order_by("-version").first()


def tool_for(template: AuditTemplate) -> AuditTool:
    """A stored template's definition as the validated model (sections, questions, scale)."""
    return AuditTool.model_validate(template.definition)


def default_template() -> AuditTemplate:
    """The newest version of the default Ofsted-model tool, first loading the version shipped with
    caseaudit if it is not in the database yet (so a fresh install has a tool to audit with). The service
    loads it itself: the change history names the system, whoever's action needed it."""
    shipped = _shipped_default()
    if not AuditTemplate.objects.filter(slug=shipped.slug, version=shipped.version).exists():
        load_template(default_template_text(), source=DEFAULT_TEMPLATE_FILE, acting_user=SYSTEM)
    template = latest_template(DEFAULT_TEMPLATE_SLUG)
    assert template is not None  # loaded just above
    return template


def default_grade_scale() -> GradeScale:
    """The Ofsted four-point scale (ofsted-4) of the default tool, with its descriptors. Code that needs
    the scale without a template (historical audits, say) takes it from here rather than creating its own
    ofsted-4 row: a second definition of the same (slug, version) would block the shipped tool."""
    return default_template().grade_scale


def shipped_grade_scale() -> GradeScale:
    """The default tool's scale as stored, or, before it is loaded, as shipped (unsaved): for reading
    grades in a dry run, which must write nothing."""
    scale = _shipped_default().grade_scale
    stored = GradeScale.objects.filter(slug=scale.slug, version=scale.version).first()
    return stored or GradeScale(
        slug=scale.slug,
        version=scale.version,
        name=scale.name,
        grades=[grade.model_dump(mode="json") for grade in scale.grades],
    )


def default_template_text() -> str:
    return resources.files("caseaudit.audits").joinpath("data", DEFAULT_TEMPLATE_FILE).read_text("utf-8")


@functools.cache
def _shipped_default() -> AuditTool:
    return parse_template(default_template_text(), DEFAULT_TEMPLATE_FILE)
