import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.audits.actions.completion import add_finding, start_audit
from caseaudit.audits.actions.themes import add_theme, retire_theme
from caseaudit.audits.models import Finding, Theme
from caseaudit.policy import SYSTEM
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_default_themes_are_there():
    assert Theme.objects.filter(slug="recording-delays", active=True).exists()
    assert Theme.objects.filter(slug="pathway-plan-timescale").get().label == "Pathway plan out of timescale"


def test_add_retire_and_bring_back():
    theme = add_theme("  Pathway plan   quality ", acting_user=SYSTEM)
    assert (theme.slug, theme.label) == ("pathway-plan-quality", "Pathway plan quality")
    with pytest.raises(ValidationError, match="already a theme"):
        add_theme("Pathway plan quality", acting_user=SYSTEM)
    assert not retire_theme("pathway-plan-quality", acting_user=SYSTEM).active
    with pytest.raises(ValidationError, match="already retired"):
        retire_theme("pathway-plan-quality", acting_user=SYSTEM)
    assert add_theme("Pathway Plan Quality", acting_user=SYSTEM).active


def test_each_change_to_the_list_is_recorded(personas):
    qa_lead = personas.qa_lead
    theme = add_theme("Pathway plan quality", acting_user=qa_lead)
    retire_theme(theme.slug, acting_user=qa_lead)
    add_theme("Pathway Plan Quality", acting_user=SYSTEM)
    changes = [
        (c.event, c.actor, c.actor_name, c.subject_type, c.subject_id, c.old, c.new)
        for c in ChangeEvent.objects.order_by("pk")
    ]
    assert changes == [
        (
            "theme.added",
            qa_lead,
            qa_lead.username,
            "theme",
            str(theme.pk),
            {},
            {"slug": "pathway-plan-quality", "label": "Pathway plan quality", "kind": "both"},
        ),
        (
            "theme.retired",
            qa_lead,
            qa_lead.username,
            "theme",
            str(theme.pk),
            {"active": True},
            {"active": False},
        ),
        (
            "theme.restored",
            None,
            "system",
            "theme",
            str(theme.pk),
            {"active": False, "label": "Pathway plan quality"},
            {"active": True, "label": "Pathway Plan Quality"},
        ),
    ]


def test_only_the_qa_lead_changes_themes():
    with pytest.raises(PermissionDenied, match="Only the QA lead changes the list of themes"):
        add_theme("x", acting_user=make_user(Role.MODERATOR))
    with pytest.raises(PermissionDenied):
        retire_theme("supervision", acting_user=make_user(Role.AUDITOR, "an-auditor"))
    assert not ChangeEvent.objects.exists()
    assert Theme.objects.get(slug="supervision").active
    assert add_theme("Health", acting_user=make_user(Role.QA_LEAD)).slug == "health"


def test_the_command_lists_adds_and_retires():
    out = io.StringIO()
    call_command("themes", "--add", "Education", stdout=out)
    call_command("themes", "--retire", "supervision", stdout=out)
    text = out.getvalue()
    assert "Added 'Education' (education), for strengths and areas for development." in text
    assert "no (retired)" in text
    assert [c.actor_name for c in ChangeEvent.objects.all()] == ["system", "system"]
    with pytest.raises(CommandError, match="No theme"):
        call_command("themes", "--retire", "nope", stdout=io.StringIO())


def test_the_command_acts_as_a_named_person():
    qa_lead = make_user(Role.QA_LEAD, "lead")
    call_command("themes", "--add", "Education", "--as", "lead", stdout=io.StringIO())
    assert ChangeEvent.objects.get(event="theme.added").actor == qa_lead
    make_user(Role.MODERATOR, "mod")
    with pytest.raises(CommandError, match="Only the QA lead changes the list of themes"):
        call_command("themes", "--add", "Health", "--as", "mod", stdout=io.StringIO())
    assert not Theme.objects.filter(slug="health").exists()


def test_a_theme_for_one_kind_of_finding_never_tags_the_other(personas):
    from ..cycles.builders import allocate_to, make_cycle

    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    audit = start_audit(cycle.audits.get(), acting_user=personas.auditor)
    impact = add_theme("Impact on the child", kind="strength", acting_user=SYSTEM)
    delays = add_theme("Drift and delay", kind="development", acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="is a theme for strengths only: choose another theme"):
        add_finding(
            audit, kind="issue", theme=impact, text="Plan late.", expected_version=audit.version,
            acting_user=personas.auditor,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="is a theme for areas for development only"):
        add_finding(
            audit, kind="strength", theme=delays, text="Clear plan.", expected_version=audit.version,
            acting_user=personas.auditor,
        )  # fmt: skip
    assert not Finding.objects.exists()
    add_finding(
        audit, kind="strength", theme=impact, text="Clear plan.", expected_version=audit.version,
        acting_user=personas.auditor,
    )  # fmt: skip
    assert Finding.objects.get().theme == impact


def test_the_command_adds_a_theme_for_one_kind_of_finding():
    out = io.StringIO()
    call_command("themes", "--add", "Corporate parenting", "--kind", "strength", stdout=out)
    assert "Added 'Corporate parenting' (corporate-parenting), for strengths only." in out.getvalue()
    assert Theme.objects.get(slug="corporate-parenting").kind == "strength"


def test_the_qa_lead_keeps_the_list_on_the_web(client, personas):
    client.force_login(personas.qa_lead)
    url = reverse("audits:themes")
    assert "Supervision" in client.get(url).content.decode()
    response = client.post(url, {"label": "Relationships", "kind": "both"}, follow=True)
    assert "\u201cRelationships\u201d is on the list of themes." in response.content.decode()
    assert Theme.objects.get(slug="relationships").kind == "both"
    # A name already on the list, or none, is refused with what was typed kept.
    again = client.post(url, {"label": "Relationships", "kind": "strength"}).content.decode()
    assert '<a href="#id_label">There is already a theme \u201cRelationships\u201d</a>' in again
    assert 'value="strength" checked' in again
    assert (
        '<a href="#id_label">Give the theme a name</a>' in client.post(url, {"kind": "both"}).content.decode()
    )
    retired = client.post(reverse("audits:retire-theme", args=["relationships"]), follow=True)
    assert "is retired: it is no longer offered for new findings" in retired.content.decode()
    assert not Theme.objects.get(slug="relationships").active


@pytest.mark.parametrize("role", ["moderator", "auditor", "senior_leader", "administrator"])
def test_only_the_qa_lead_opens_the_list(client, personas, role):
    client.force_login(getattr(personas, role))
    assert client.get(reverse("audits:themes")).status_code == 403
    assert client.post(reverse("audits:themes"), {"label": "X", "kind": "both"}).status_code == 403
    assert not Theme.objects.filter(slug="x").exists()
