"""Audit tools (templates) and grade scales in the database: load a validated YAML document as a new
version, find the newest version, and ship the default Ofsted-model tool.

A (slug, version) is loaded once and never changes: an audit keeps the template version it was started
with, so a changed tool is a new version, never an edit (issue 4, scope 1)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.core.audit_tools import AuditTool, parse_template

from .models import AuditTemplate, GradeScale

DEFAULT_TEMPLATE_SLUG = "ofsted-default"
DEFAULT_TEMPLATE_FILE = "ofsted-default.yaml"


def _require_qa_lead(user: User | None) -> None:
    """None is the command line, which is trusted like the QA lead (as in cycles.actions)."""
    if user is not None and not (user.is_active and user.role == Role.QA_LEAD):
        raise PermissionDenied("Only the QA lead may load audit templates.")


def load_template(text: str, *, source: str, acting_user: User | None) -> AuditTemplate:
    """Validate a template document and store it as a new (slug, version), with its grade scale.

    Loading the same definition again returns the stored template and changes nothing. A different
    definition under a (slug, version) already loaded is refused, and so is a grade scale that differs
    from the stored scale of the same (slug, version): raise the version instead. Raises TemplateError
    for a document that does not validate, ValidationError for a conflict, PermissionDenied for anyone
    but the QA lead."""
    _require_qa_lead(acting_user)
    tool = parse_template(text, source)
    definition = tool.model_dump(mode="json")
    scale = tool.grade_scale
    grades = [grade.model_dump(mode="json") for grade in scale.grades]
    with transaction.atomic():
        existing = AuditTemplate.objects.filter(slug=tool.slug, version=tool.version).first()
        if existing is not None:
            if existing.definition == definition:
                return existing
            raise ValidationError(
                f"{tool.slug} version {tool.version} is already loaded with a different definition "
                f"(it differs at {', '.join(_differences(existing.definition, definition))}). Audits may "
                f"already use it, so it cannot change: give the changed tool a new version, such as "
                f"{_next_version(tool.slug)}."
            )
        stored_scale, created = GradeScale.objects.get_or_create(
            slug=scale.slug, version=scale.version, defaults={"name": scale.name, "grades": grades}
        )
        if not created and (stored_scale.grades != grades or stored_scale.name != scale.name):
            raise ValidationError(
                f"Grade scale {scale.slug} version {scale.version} is already stored with different "
                f"{'grades' if stored_scale.grades != grades else 'name'}. A scale version never changes: "
                f"give the changed scale a new version, or copy the stored one exactly."
            )
        template = AuditTemplate.objects.create(
            slug=tool.slug,
            version=tool.version,
            name=tool.name,
            grade_scale=stored_scale,
            definition=definition,
            source_name=source[:255],
            loaded_by=acting_user,
        )
        if created:
            record_access(
                acting_user, "create", "grade-scale", stored_scale.pk, f"{scale.slug} v{scale.version}"
            )
        record_access(
            acting_user,
            "create",
            "audit-template",
            template.pk,
            f"{tool.slug} v{tool.version} from {source}",
        )
    return template


def latest_template(slug: str) -> AuditTemplate | None:
    """The newest version of a template, or None if none is loaded."""
    return AuditTemplate.objects.filter(slug=slug).select_related("grade_scale").order_by("-version").first()


def tool_for(template: AuditTemplate) -> AuditTool:
    """A stored template's definition as the validated model (sections, questions, scale)."""
    return AuditTool.model_validate(template.definition)


def default_template() -> AuditTemplate:
    """The newest version of the default Ofsted-model tool, first loading the version shipped with
    caseaudit if it is not in the database yet (so a fresh install has a tool to audit with)."""
    shipped = _shipped_default()
    if not AuditTemplate.objects.filter(slug=shipped.slug, version=shipped.version).exists():
        load_template(default_template_text(), source=DEFAULT_TEMPLATE_FILE, acting_user=None)
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


def _next_version(slug: str) -> int:
    newest = AuditTemplate.objects.filter(slug=slug).order_by("-version").values_list("version", flat=True)
    return (newest.first() or 0) + 1


def _differences(old: Any, new: Any, path: str = "", limit: int = 3) -> list[str]:
    """Where two definitions differ, as dotted paths (the first few), so the author sees what changed."""
    found: list[str] = []

    def walk(a: Any, b: Any, at: str) -> None:
        if len(found) >= limit or a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*a, *(k for k in b if k not in a)]:
                walk(a.get(key), b.get(key), f"{at}.{key}" if at else str(key))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for index, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{at}.{index}" if at else str(index))
        else:
            found.append(at or "the whole document")

    walk(old, new, path)
    return found
