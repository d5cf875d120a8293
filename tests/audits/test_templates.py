"""Loading audit tools (templates) and grade scales as versioned data, and the `templates` command."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import ChangeEvent
from caseaudit.audits.actions.templates import AlreadyLoaded, load_template
from caseaudit.audits.models import Audit, AuditTemplate, GradeScale
from caseaudit.audits.templates_store import (
    default_grade_scale,
    default_template,
    default_template_text,
    latest_template,
    tool_for,
)
from caseaudit.core.audit_tools import TemplateError
from caseaudit.policy import SYSTEM
from tests.core.test_audit_tools import MINIMAL
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def load(text: str = MINIMAL, acting_user=SYSTEM) -> AuditTemplate:
    return load_template(text, source="mini.yaml", acting_user=acting_user)


def version(n: int, text: str = MINIMAL) -> str:
    return text.replace("version: 1\nname: Mini tool", f"version: {n}\nname: Mini tool")


def test_loading_stores_the_template_its_scale_and_their_change_events():
    template = load()
    assert (template.slug, template.version, template.name) == ("mini", 1, "Mini tool")
    assert template.source_name == "mini.yaml" and template.loaded_by is None
    scale = template.grade_scale
    assert (scale.slug, scale.version, scale.slugs) == ("two-point", 1, ["not-yet", "good"])
    assert scale.label("not-yet") == "Not yet"
    assert [s.slug for s in tool_for(template).sections] == ["voice", "pathway"]
    assert template.definition["evidence_sources"][0] == "record-review"  # defaults are stored
    changes = [
        (c.event, c.actor, c.actor_name, c.subject_type, c.subject_id, c.old, c.new)
        for c in ChangeEvent.objects.order_by("pk")
    ]
    assert changes == [
        (
            "grade-scale.loaded",
            None,
            "system",
            "gradescale",
            str(scale.pk),
            {},
            {"slug": "two-point", "version": 1, "name": scale.name, "grades": 2},
        ),
        (
            "template.loaded",
            None,
            "system",
            "audittemplate",
            str(template.pk),
            {},
            {
                "slug": "mini",
                "version": 1,
                "name": "Mini tool",
                "grade_scale": "two-point v1",
                "source": "mini.yaml",
            },
        ),
    ]


def test_reloading_the_same_definition_changes_nothing():
    first = load()
    recorded = ChangeEvent.objects.count()
    # Comments and layout are not part of the definition.
    with pytest.raises(AlreadyLoaded) as caught:
        load("# the same tool\n" + MINIMAL.replace("name: Mini tool", "name:   Mini tool"))
    assert caught.value.template.pk == first.pk
    assert AuditTemplate.objects.count() == 1 and GradeScale.objects.count() == 1
    assert ChangeEvent.objects.count() == recorded


def test_a_changed_definition_under_the_same_version_is_refused():
    load()
    changed = MINIMAL.replace("title: Voice", "title: The child's voice")
    with pytest.raises(ValidationError) as caught:
        load(changed)
    message = " ".join(caught.value.messages)
    assert "mini version 1 is already loaded with a different definition" in message
    assert "sections.0.title" in message and "such as 2" in message
    assert AuditTemplate.objects.get().definition["sections"][0]["title"] == "Voice"
    assert ChangeEvent.objects.filter(event="template.loaded").count() == 1


def test_a_changed_scale_under_the_same_scale_version_is_refused():
    load()
    changed = version(2).replace("descriptor: Practice is good.", "descriptor: Practice is very good.")
    with pytest.raises(ValidationError, match="two-point version 1 is already stored with different grades"):
        load(changed)
    assert AuditTemplate.objects.count() == 1  # nothing of the second template was kept
    assert ChangeEvent.objects.filter(event="template.loaded").count() == 1


def test_a_new_version_is_a_new_row_and_an_audit_keeps_the_version_it_started_with():
    first = load()
    audit = Audit.objects.create(case=make_case(), template=first, grade_scale=first.grade_scale)
    second = load(version(2).replace("title: Voice", "title: The child's voice"))
    assert second.pk != first.pk and second.version == 2
    assert second.grade_scale == first.grade_scale  # the same scale version is shared
    assert ChangeEvent.objects.filter(event="grade-scale.loaded").count() == 1
    assert latest_template("mini") == second
    audit.refresh_from_db()
    assert audit.template == first
    assert tool_for(audit.template).sections[0].title == "Voice"


def test_latest_template_of_an_unknown_slug_is_none():
    assert latest_template("nothing-here") is None


def test_only_the_qa_lead_may_load_a_template(personas):
    for user in [personas.moderator, personas.auditor, personas.team_manager, personas.senior_leader]:
        with pytest.raises(PermissionDenied):
            load(acting_user=user)
    assert not AuditTemplate.objects.exists() and not ChangeEvent.objects.exists()
    template = load(acting_user=personas.qa_lead)
    assert template.loaded_by == personas.qa_lead
    assert ChangeEvent.objects.get(event="template.loaded").actor == personas.qa_lead


def test_an_inactive_qa_lead_may_not_load_a_template(personas):
    personas.qa_lead.is_active = False
    personas.qa_lead.save()
    with pytest.raises(PermissionDenied):
        load(acting_user=personas.qa_lead)
    assert not AuditTemplate.objects.exists()


def test_an_invalid_document_stores_nothing():
    with pytest.raises(TemplateError, match=r"mini\.yaml line 2: version"):
        load(MINIMAL.replace("version: 1\nname", "version: one\nname"))
    assert not AuditTemplate.objects.exists() and not GradeScale.objects.exists()
    assert not ChangeEvent.objects.exists()


def test_default_template_loads_the_shipped_tool_once():
    template = default_template()
    assert (template.slug, template.version) == ("ofsted-default", 1)
    assert template.grade_scale.slug == "ofsted-4"
    assert template.grade_scale.slugs == ["inadequate", "requires-improvement", "good", "outstanding"]
    assert default_template() == template
    assert AuditTemplate.objects.count() == 1
    assert default_grade_scale() == template.grade_scale
    assert "serious failures" in template.grade_scale.grades[0]["descriptor"]
    # The service loads its own tool, whoever's audit needed it first.
    assert ChangeEvent.objects.get(event="template.loaded").actor_name == "system"


def test_default_template_is_the_newest_version_of_the_default_tool():
    default_template()
    newer = load_template(
        default_template_text().replace("version: 1\nname: Case", "version: 2\nname: Case"),
        source="ofsted-default-v2.yaml",
        acting_user=SYSTEM,
    )
    assert default_template() == newer


# The command


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("templates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_loads_a_file_and_lists_it(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    out, _ = run("load", str(path))
    assert 'Loaded mini version 1, "Mini tool": 2 sections (1 for every cohort, 1 care-leaver)' in out
    assert "grade scale two-point v1 (2 grades)" in out
    out, _ = run("load", str(path))
    assert "mini version 1 is already loaded with this definition: nothing changed." in out
    template = AuditTemplate.objects.get()
    Audit.objects.create(case=make_case(), template=template, grade_scale=template.grade_scale)
    out, _ = run("list")
    header, row = out.splitlines()
    assert header.split() == ["template", "version", "name", "scale", "sections", "loaded", "at", "audits"]
    assert row.split()[:2] == ["mini", "1"] and "Mini tool" in row and "two-point v1" in row
    assert row.split()[-1] == "1" and row.split()[-4] == "2"  # one audit, two sections
    assert ChangeEvent.objects.filter(event="template.loaded").count() == 1


def test_command_loads_as_a_named_person(tmp_path, personas):
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(CommandError, match="Only the QA lead may load audit templates"):
        run("load", str(path), "--as", personas.moderator.username)
    assert not AuditTemplate.objects.exists()
    run("load", str(path), "--as", personas.qa_lead.username)
    assert AuditTemplate.objects.get().loaded_by == personas.qa_lead
    assert ChangeEvent.objects.get(event="template.loaded").actor == personas.qa_lead


def test_command_lists_nothing_yet():
    out, _ = run("list")
    assert "No audit templates yet" in out


def test_command_reports_validation_problems_with_lines(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("cohorts: [care-leaver]", "cohorts: [care leavers]"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("load", str(path))
    assert f"{path} line 26: sections.1.cohorts.0: 'care leavers' is not a cohort" in str(caught.value)
    assert "1 problem: nothing was loaded." in str(caught.value)
    assert not AuditTemplate.objects.exists()


def test_command_refuses_a_changed_definition(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    run("load", str(path))
    path.write_text(MINIMAL.replace("title: Voice", "title: Child's voice"), encoding="utf-8")
    with pytest.raises(CommandError, match="already loaded with a different definition"):
        run("load", str(path))


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"No such file: .*nowhere\.yaml"):
        run("load", str(tmp_path / "nowhere.yaml"))


def test_command_folder(tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        run("load", str(tmp_path))


def test_command_file_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Voice", "Vo\u00efce").encode("latin-1"))
    with pytest.raises(CommandError, match=r"is not UTF-8 text .* Save it as UTF-8"):
        run("load", str(path))


def test_command_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(MINIMAL.encode("utf-8-sig"))
    out, _ = run("load", str(path))
    assert out.startswith("Loaded mini version 1")


def test_command_needs_a_subcommand():
    with pytest.raises(CommandError):
        run()
