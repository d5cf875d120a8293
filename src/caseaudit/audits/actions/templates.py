"""Loading an audit tool (template) and its grade scale as a new version. A (slug, version) is loaded once and
never changes: an audit keeps the template version it was started with, so a changed tool is a new version,
never an edit (issue 4, scope 1)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.core.audit_tools import AuditTool, parse_template
from caseaudit.policy import Actor

from ..models import AuditTemplate, GradeScale


class AlreadyLoaded(Exception):
    """The very definition is loaded already under its (slug, version): loading it again changes nothing.
    `template` is the stored one."""

    def __init__(self, template: AuditTemplate) -> None:
        super().__init__(f"{template.slug} version {template.version} is already loaded with this definition")
        self.template = template


@changes_state
def load_template(text: str, *, source: str, acting_user: Actor) -> AuditTemplate:
    """Validate a template document and store it as a new (slug, version), with its grade scale.

    Raises TemplateError for a document that does not validate; AlreadyLoaded if this definition is
    stored already (nothing changes); ValidationError for a different definition under a (slug, version)
    already loaded, or a grade scale that differs from the stored scale of the same (slug, version): raise
    the version instead."""
    policy.require(acting_user, policy.MANAGE_TEMPLATES)
    tool = parse_template(text, source)
    definition = tool.model_dump(mode="json")
    scale = tool.grade_scale
    grades = [grade.model_dump(mode="json") for grade in scale.grades]
    existing = AuditTemplate.objects.filter(slug=tool.slug, version=tool.version).first()
    if existing is not None:
        # Compared as tools, not as stored JSON: a key added to the tool model since (with its default)
        # does not make the same file a different definition.
        if AuditTool.model_validate(existing.definition) == tool:
            raise AlreadyLoaded(existing)
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
        loaded_by=policy.named(acting_user),
    )
    if created:
        record_change(
            acting_user,
            "grade-scale.loaded",
            stored_scale,
            new={"slug": scale.slug, "version": scale.version, "name": scale.name, "grades": len(grades)},
        )
    record_change(
        acting_user,
        "template.loaded",
        template,
        new={
            "slug": tool.slug,
            "version": tool.version,
            "name": tool.name,
            "grade_scale": f"{scale.slug} v{scale.version}",
            "source": template.source_name,
        },
    )
    return template


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
