from datetime import date

import pytest
from django.core.management import call_command

from caseaudit.audits.models import Audit
from caseaudit.cycles.demo import current_season
from caseaudit.cycles.models import Cycle


def test_current_season():
    assert current_season(date(2026, 11, 26)) == ("autumn", 2026)
    assert current_season(date(2027, 4, 1)) == ("spring", 2027)
    assert current_season(date(2027, 2, 1)) == ("autumn", 2026)


@pytest.mark.django_db
def test_the_demo_has_a_cycle_allocated_without_conflicts(capsys):
    call_command("demo_data", "--cases", "120", "--today", "2026-11-26")
    cycle = Cycle.objects.get()
    assert cycle.name == "Autumn 2026" and cycle.focus_cohort == "care-leaver"
    audits = Audit.objects.select_related("auditor__staff", "case")
    assert audits.count() > 0 and not audits.filter(auditor__isnull=True).exists()
    for audit in audits:
        staff = audit.auditor.staff
        assert staff is None or staff.team_id != audit.case.team_id
    assert "Audit cycle Autumn 2026" in capsys.readouterr().out
    # Some audits are submitted and moderated through the auditors' and moderator's own actions.
    assert audits.filter(status="submitted").count() == 6
    moderated = audits.filter(status="moderated")
    assert moderated.count() == 6 and not moderated.filter(moderated_grade="").exists()
    assert not audits.filter(status__in=["submitted", "moderated"], not_triangulated=True).exists()
