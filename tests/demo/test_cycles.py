from datetime import date

import pytest
from django.core.management import call_command

from caseaudit.audits.models import Audit, PracticeFeedback
from caseaudit.cycles.models import Cycle
from caseaudit.demo.cycles import current_season


def test_current_season():
    assert current_season(date(2026, 11, 26)) == ("autumn", 2026)
    assert current_season(date(2027, 4, 1)) == ("spring", 2027)
    assert current_season(date(2027, 2, 1)) == ("autumn", 2026)


@pytest.mark.django_db
def test_the_demo_has_a_cycle_allocated_without_conflicts(capsys):
    call_command("demo_data", "--cases", "120", "--today", "2026-11-26")
    cycle = Cycle.objects.exclude(status="closed").get(audit_type="case-file")
    assert cycle.name == "Autumn 2026" and cycle.focus_cohort == "care-leaver"
    audits = Audit.objects.filter(cycle=cycle).select_related("auditor__staff", "case")
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


@pytest.mark.django_db
def test_the_demo_has_a_thematic_audit_with_feedback_sent_to_workers(capsys):
    call_command("demo_data", "--cases", "120", "--today", "2026-11-26")
    thematic = Cycle.objects.get(audit_type="thematic")
    assert thematic.theme == "Pathway plans" and thematic.scope_cohort == "care-leaver"
    audits = thematic.audits.all()
    assert audits.count() == 8 and not audits.exclude(cohort="care-leaver").exists()
    assert audits.filter(status="moderated").count() == 3
    assert {a.template.slug for a in audits.exclude(template=None)} == {"thematic-dip-sample"}
    # Feedback to the worker and manager goes out with moderation, so some is waiting to be acknowledged.
    sent = PracticeFeedback.objects.filter(sent_at__isnull=False)
    assert sent.exists() and not PracticeFeedback.objects.filter(
        audit__status="submitted", sent_at__isnull=False
    )
    assert "Thematic or dip-sample audit: Pathway plans" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_has_three_past_autumns_to_compare_with_their_sampling_basis(capsys):
    call_command("demo_data", "--cases", "120", "--today", "2026-11-26")
    past = Cycle.objects.filter(status="closed").order_by("year")
    assert [(c.name, c.fraction) for c in past] == [
        ("Autumn 2023", 1.0),
        ("Autumn 2024", 1.0),
        ("Autumn 2025", 0.5),
    ]
    # Loaded as a QA lead would load them: completed, moderated audits in those cycles, none in the future.
    history = Audit.objects.filter(cycle__in=past)
    assert history.count() > 100
    assert not history.exclude(status="moderated").exists()
    assert not history.filter(completed_on__gt=date(2026, 11, 26)).exists()
    assert "Past audits:" in capsys.readouterr().out
