import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.audits.actions.themes import add_theme, retire_theme
from caseaudit.audits.models import Theme
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
            {"slug": "pathway-plan-quality", "label": "Pathway plan quality"},
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
    assert "Added 'Education' (education)." in text
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
