"""Audit tools (templates) and grade scales in the database: find the newest version of a tool, read a
stored one, and ship the default Ofsted-model tool. Loading a tool is `actions.templates.load_template`.

A (slug, version) is loaded once and never changes: an audit keeps the template version it was started
with, so a changed tool is a new version, never an edit (issue 4, scope 1)."""

from __future__ import annotations

import functools
from importlib import resources

from django.db.models import Q, QuerySet

from caseaudit.core.audit_tools import AuditTool, parse_template
from caseaudit.core.audit_types import CASE_FILE, DEFAULT_TOOLS
from caseaudit.policy import SYSTEM

from .actions.templates import load_template
from .models import AuditTemplate, GradeScale

DEFAULT_TEMPLATE_SLUG = DEFAULT_TOOLS[CASE_FILE]
DEFAULT_TEMPLATE_FILE = f"{DEFAULT_TEMPLATE_SLUG}.yaml"


def latest_template(slug: str) -> AuditTemplate | None:
    """The newest version of a template, or None if none is loaded."""
    return AuditTemplate.objects.filter(slug=slug).select_related("grade_scale").order_by("-version").first()


def tool_for(template: AuditTemplate) -> AuditTool:
    """A stored template's definition as the validated model (sections, questions, scale)."""
    return AuditTool.model_validate(template.definition)


def default_template(audit_type: str = CASE_FILE) -> AuditTemplate:
    """The newest version of a kind of audit's default tool (the Ofsted-model case file audit unless
    another kind is asked for), first loading the version shipped with caseaudit if it is not in the
    database yet (so a fresh install has a tool to audit with). The service loads it itself: the change
    history names the system, whoever's action needed it."""
    slug = DEFAULT_TOOLS[audit_type]
    shipped = _shipped(slug)
    if not AuditTemplate.objects.filter(slug=shipped.slug, version=shipped.version).exists():
        load_template(shipped_text(slug), source=f"{slug}.yaml", acting_user=SYSTEM)
    template = latest_template(slug)
    assert template is not None  # loaded just above
    return template


def tools_of_type(audit_type: str) -> QuerySet[AuditTemplate]:
    """Every loaded tool (each version) for a kind of audit, newest first. A tool stored before tools
    named their kind is a case file audit's."""
    kind = Q(definition__audit_type=audit_type)
    if audit_type == CASE_FILE:
        kind |= Q(definition__audit_type__isnull=True)
    return AuditTemplate.objects.filter(kind).order_by("name", "-version")


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
    return shipped_text(DEFAULT_TEMPLATE_SLUG)


def shipped_text(slug: str) -> str:
    """The YAML of a tool shipped with caseaudit, by its slug (a file of that name in audits/data)."""
    return resources.files("caseaudit.audits").joinpath("data", f"{slug}.yaml").read_text("utf-8")


def _shipped_default() -> AuditTool:
    return _shipped(DEFAULT_TEMPLATE_SLUG)


@functools.cache
def _shipped(slug: str) -> AuditTool:
    return parse_template(shipped_text(slug), f"{slug}.yaml")
