import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import Role
from caseaudit.audits.models import Theme
from caseaudit.audits.themes import add_theme, retire_theme
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_default_themes_are_there():
    assert Theme.objects.filter(slug="recording-delays", active=True).exists()
    assert Theme.objects.filter(slug="pathway-plan-timescale").get().label == "Pathway plan out of timescale"


def test_add_retire_and_bring_back():
    theme = add_theme("  Pathway plan   quality ", acting_user=None)
    assert (theme.slug, theme.label) == ("pathway-plan-quality", "Pathway plan quality")
    with pytest.raises(ValidationError, match="already a theme"):
        add_theme("Pathway plan quality", acting_user=None)
    assert not retire_theme("pathway-plan-quality", acting_user=None).active
    assert add_theme("Pathway plan quality", acting_user=None).active


def test_only_the_qa_lead_changes_themes():
    with pytest.raises(PermissionDenied):
        add_theme("x", acting_user=make_user(Role.MODERATOR))
    assert add_theme("Health", acting_user=make_user(Role.QA_LEAD)).slug == "health"


def test_the_command_lists_adds_and_retires():
    out = io.StringIO()
    call_command("themes", "--add", "Education", stdout=out)
    call_command("themes", "--retire", "supervision", stdout=out)
    text = out.getvalue()
    assert "Added 'Education' (education)." in text
    assert "no (retired)" in text
    with pytest.raises(CommandError, match="No theme"):
        call_command("themes", "--retire", "nope", stdout=io.StringIO())
