"""`caseaudit retention`: a dry run lists what would go and changes nothing; a real run, under a schedule the
authority confirmed, removes every trace of each due case in one transaction, keeping a record of what went
(ids and dates) and the counts past reports need."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.changes import record_change
from caseaudit.accounts.models import AccessLog, ChangeEvent
from caseaudit.audits.models import (
    Audit,
    AuditStatus,
    EvidenceUse,
    FeedbackLink,
    FeedbackResponse,
    Finding,
    ModerationEvent,
    Reallocation,
    SectionResponse,
    Theme,
)
from caseaudit.cases.models import Case
from caseaudit.cycles.models import Cycle, SampleSwap
from caseaudit.improvement.models import Action, ActionNote, FollowUp, FollowUpItem, SafeguardingConcern
from caseaudit.notifications.models import Email, Notification
from caseaudit.records import actions as records_actions
from caseaudit.records.models import DisposalRecord
from caseaudit.records.retention.schedule import DEFAULT_FILE
from caseaudit.reports.grades import grade_table
from caseaudit.reports.models import DisposedAudits
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.scoping import disposed_audits_for, graded_audits_for

from ..cycles.builders import allocate_to, make_cycle
from ..factories import make_case
from ..improvement.conftest import make_action

pytestmark = pytest.mark.django_db
COMPLETED = date(2019, 10, 20)


@pytest.fixture
def confirmed(settings, tmp_path):
    """The shipped defaults, confirmed by the authority in its own copy."""
    copy = tmp_path / "retention.yaml"
    text = DEFAULT_FILE.read_text().replace('confirmed_by: ""', "confirmed_by: Records manager")
    copy.write_text(text.replace("confirmed_on: null", "confirmed_on: 2026-11-02"))
    settings.CASEAUDIT_RETENTION_FILE = str(copy)
    return copy


@pytest.fixture
def register(personas):
    """Closed and open cases around the default schedule's boundaries; three were audited in Autumn 2019."""
    today = timezone.localdate()
    # Child in need, 25th birthday (January 2015) long past and closed more than 6 years ago: due.
    due = make_case(
        "DUE0001",
        "child-in-need",
        personas.own_case.team,
        birth_month=date(1990, 1, 1),
        closed_on=date(2015, 6, 15),
    )
    # The same, but closed less than 6 years ago: not yet (the later of the two rules).
    recent = make_case(
        "NOTYET01", "child-in-need", birth_month=date(1990, 1, 1), closed_on=today - timedelta(days=900)
    )
    # A care leaver long closed is kept to the 75th birthday.
    leaver = make_case("LEAVER01", "care-leaver", birth_month=date(1990, 1, 1), closed_on=date(2010, 1, 1))
    # No birth month: never disposed of.
    undated = make_case("NODOB001", "child-protection", closed_on=date(2001, 1, 1))
    # Open, however old: never.
    open_case = make_case("OPEN0001", "child-in-need", birth_month=date(1950, 1, 1))
    cycle = make_cycle([due, recent, leaver], season="autumn", year=2019)
    allocate_to(cycle, personas.auditor)
    grades = {due: "good", recent: "inadequate", leaver: "good"}
    for case, grade in grades.items():
        Audit.objects.filter(case=case).update(
            status=AuditStatus.MODERATED,
            auditor_grade=grade,
            moderated_grade=grade,
            completed_on=COMPLETED,
            submitted_at=timezone.now(),
        )
    Cycle.objects.filter(pk=cycle.pk).update(status="closed")
    return {
        "due": due,
        "recent": recent,
        "leaver": leaver,
        "undated": undated,
        "open": open_case,
        "cycle": cycle,
    }


def _everything_about(case, personas):
    """A little of everything held about one child, each piece naming the child's id so that a leak shows."""
    child = case.child_id
    audit = case.audits.get()
    theme, _ = Theme.objects.get_or_create(slug="recording", defaults={"label": "Recording"})
    section = SectionResponse.objects.create(
        audit=audit, section="plan", grade="good", evidence=f"Ev {child}"
    )
    EvidenceUse.objects.create(audit=audit, source="record-review", used_on=COMPLETED)
    Finding.objects.create(audit=audit, kind="issue", theme=theme, text=f"Finding {child}")
    ModerationEvent.objects.create(audit=audit, kind="agreed", to_grade="good", comments=f"Mod {child}")
    Reallocation.objects.create(audit=audit, reason=f"Moved {child}")
    link = FeedbackLink.objects.create(
        audit=audit, respondent="carer", token_hash=f"hash-{child}", expires_at=timezone.now()
    )
    FeedbackResponse.objects.create(
        audit=audit, respondent="carer", link=link, answers={"said": f"About {child}"}, received_on=COMPLETED
    )
    action = make_action(case, personas.worker, audit=audit, description=f"Action for {child}")
    ActionNote.objects.create(action=action, author=personas.worker, text=f"Note for {child}")
    follow_up = FollowUp.objects.create(
        case=case, auditor=personas.auditor, due_on=COMPLETED, note=f"FU {child}"
    )
    FollowUpItem.objects.create(follow_up=follow_up, action=action, evidence=f"Seen {child}")
    concern = SafeguardingConcern.objects.create(
        audit=audit, case=case, description=f"Concern for {child}", raised_by=personas.auditor
    )
    concern.notified.add(personas.team_manager)
    email = Email.objects.create(
        kind="concern-raised", to="tm@example.org", subject="A concern", body=f"{child}"
    )
    Notification.objects.create(
        recipient=personas.team_manager,
        kind="concern-raised",
        text=f"A concern about {child}",
        about_type="safeguardingconcern",
        about_id=str(concern.pk),
        email=email,
    )
    Notification.objects.create(
        recipient=personas.auditor,
        kind="audit-allocated",
        text=f"The audit of {child}",
        about_type="audit",
        about_id=str(audit.pk),
    )
    SampleSwap.objects.create(
        cycle=audit.cycle, removed=personas.other_case, added=case, reason=f"Swap {child}"
    )
    record_change(personas.auditor, "section.saved", section, new={"grade": "good", "child": child})
    record_change(personas.qa_lead, "case.noted", case, new={"child": child})
    record_access(personas.qa_lead, "view", "case", case.pk, detail="qa-lead read a case")
    return {"audit": audit.pk, "action": action.pk, "concern": concern.pk, "follow_up": follow_up.pk}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def _all_rows() -> dict[type[models.Model], list[models.Model]]:
    return {
        model: list(model._default_manager.all())
        for model in apps.get_models()
        if model._meta.app_label not in ("contenttypes", "sessions", "auth", "admin")
    }


def test_a_dry_run_lists_the_due_cases_and_deletes_nothing(register):
    before = {model: len(rows) for model, rows in _all_rows().items()}
    out = _run("--dry-run")
    assert "NOT CONFIRMED" in out
    assert "1 case is due for disposal" in out
    assert "Child in need: 1" in out
    due = register["due"]
    line = next(line for line in out.splitlines() if "DUE0001" in line)
    assert str(due.pk) in line and "Child in need" in line
    assert f"{due.closed_on:%Y-%m-%d}" in line
    assert "2021-06-15" in line  # 6 years after closure, later than the 25th birthday
    for kept in ("NOTYET01", "LEAVER01", "OPEN0001"):
        assert kept not in out
    assert "2 cases closed are not yet due" in out
    assert "NODOB001" in out and "no birth month is recorded" in out
    assert "Dry run: nothing was disposed of." in out
    after = {model: len(rows) for model, rows in _all_rows().items()}
    after[AccessLog] -= 1  # the dry run's own entry in the access log
    assert after == before


def test_a_dry_run_gives_every_closed_case_s_verdict_for_a_spreadsheet(register):
    import csv

    rows = {row["child_id"]: row for row in csv.DictReader(StringIO(_run("--dry-run", "--format", "csv")))}
    assert (rows["DUE0001"]["verdict"], rows["DUE0001"]["due_on"]) == ("due", "2021-06-15")
    assert rows["NOTYET01"]["verdict"] == "not-yet" and rows["LEAVER01"]["verdict"] == "not-yet"
    assert rows["NODOB001"]["verdict"] == "undated" and "no birth month" in rows["NODOB001"]["why_kept"]
    assert "OPEN0001" not in rows
    with pytest.raises(CommandError, match="add --dry-run"):
        _run("--format", "json", "--yes")
    assert Case.objects.filter(pk=register["due"].pk).exists()


def test_a_real_run_refuses_an_unconfirmed_schedule(register):
    with pytest.raises(CommandError, match="is not confirmed, so nothing is disposed of"):
        _run("--yes")
    assert Case.objects.filter(pk=register["due"].pk).exists()


def test_a_bad_file_is_refused_naming_the_key_and_nothing_is_deleted(register, settings, tmp_path):
    bad = tmp_path / "retention.yaml"
    bad.write_text(DEFAULT_FILE.read_text().replace("until_birthday: 75", "until_birthdays: 75", 1))
    settings.CASEAUDIT_RETENTION_FILE = str(bad)
    for args in (("--dry-run",), ("--yes",)):
        with pytest.raises(CommandError) as refused:
            _run(*args)
        assert "cohorts.care-leaver.until_birthdays: unknown key" in str(refused.value)
        assert f"{bad} line 23" in str(refused.value)
    assert Case.objects.filter(pk=register["due"].pk).exists()


def test_only_the_qa_lead_or_the_command_line_may_run_it(register, personas, confirmed):
    with pytest.raises(CommandError, match="Only the QA lead may dispose"):
        call_command("retention", "--dry-run", "--as", personas.moderator.username, stdout=StringIO())
    assert "Dry run" in _run("--dry-run", "--as", personas.qa_lead.username)


def test_without_yes_and_no_terminal_nothing_is_disposed_of(register, confirmed):
    with pytest.raises(CommandError, match="--yes"):
        _run()
    assert Case.objects.filter(pk=register["due"].pk).exists()


def test_a_real_run_removes_every_trace_of_the_case_and_keeps_its_record(register, personas, confirmed):
    due = register["due"]
    ids = _everything_about(due, personas)
    # The other cases are left whole: the not-yet-due one has records of its own.
    _everything_about(register["recent"], personas)
    access_before = list(AccessLog.objects.values_list("pk", "object_type", "object_id", "detail"))

    out = _run("--yes", "--as", personas.qa_lead.username)

    assert "Disposed of 1 case and their 1 audit." in out
    gone = {
        Case: due.pk,
        Audit: ids["audit"],
        Action: ids["action"],
        FollowUp: ids["follow_up"],
        SafeguardingConcern: ids["concern"],
    }
    about = {(model._meta.model_name, str(pk)) for model, pk in gone.items()}
    assert not Case.objects.filter(pk=due.pk).exists()
    for model, rows in _all_rows().items():
        if model in (DisposalRecord, AccessLog):
            continue
        for row in rows:
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                assert "DUE0001" not in str(value), f"{model.__name__}.{field.name} still names the child"
                if isinstance(field, models.ForeignKey) and field.related_model in gone:
                    assert value != gone[field.related_model], f"{model.__name__}.{field.name} refers to it"
            if model is Notification:
                assert (row.about_type, row.about_id) not in about, "a notification still links to it"
    assert not Audit.objects.filter(pk=ids["audit"]).exists()
    assert not SafeguardingConcern.objects.filter(pk=ids["concern"]).exists()
    assert not FollowUp.objects.filter(pk=ids["follow_up"]).exists()
    assert not Notification.objects.filter(text__contains="DUE0001").exists()
    assert not Email.objects.filter(body__contains="DUE0001").exists()
    # The change history keeps who changed what and when, without the values.
    history = ChangeEvent.objects.filter(subject_type="sectionresponse").exclude(new={})
    assert not [e for e in history if "DUE0001" in str(e.new)]
    # The access log is untouched: it never held a child's id.
    assert (
        list(
            AccessLog.objects.filter(pk__in=[pk for pk, *_ in access_before]).values_list(
                "pk", "object_type", "object_id", "detail"
            )
        )
        == access_before
    )

    record = DisposalRecord.objects.get()
    assert (record.case_pk, record.child_id, record.cohort) == (due.pk, "DUE0001", "child-in-need")
    assert record.closed_on == due.closed_on
    assert record.due_on == date(2021, 6, 15)
    assert (record.audits, record.actions) == (1, 1)
    assert record.disposed_by == personas.qa_lead and record.schedule_confirmed_by == "Records manager"
    event = ChangeEvent.objects.get(event="case.disposed")
    assert (event.subject_type, event.subject_id, event.actor) == ("case", str(due.pk), personas.qa_lead)
    assert "DUE0001" not in str(event.new)

    # Nothing else went: the cases not due keep everything.
    for kept in ("recent", "leaver", "undated", "open"):
        assert Case.objects.filter(pk=register[kept].pk).exists()
    assert SafeguardingConcern.objects.filter(case=register["recent"]).exists()
    assert Audit.objects.filter(case=register["leaver"]).exists()


def test_past_reports_still_show_the_true_totals_with_a_note(register, personas, confirmed):
    cycle = register["cycle"]
    before = grade_table(by="cycle", cycles=[cycle])
    _run("--yes")
    after = grade_table(by="cycle", cycles=[cycle])
    assert after.total == before.total == 3
    assert [(r.cohort, r.counts) for r in after.rows] == [(r.cohort, r.counts) for r in before.rows]
    assert "1 audit disposed of under the retention schedule is counted" in " ".join(after.notes)
    assert "Autumn 2019: 1" in " ".join(after.notes)
    assert DisposedAudits.objects.get().audits == 1

    by_year = grade_table(by="year")
    assert by_year.total == 3 and any("disposed of" in note for note in by_year.notes)

    # A team manager's table counts their own team's disposed audits, and no other team's.
    north, south = personas.team_manager, personas.outsider
    south.role = "team-manager"
    for person, expected in ((north, 1), (south, 0)):
        mine = grade_table(
            by="cycle", cycles=[cycle], within=graded_audits_for(person), disposed=disposed_audits_for(person)
        )
        assert mine.total == expected

    paper = build_paper_context(cycle, today=timezone.localdate())
    caveats = " ".join(b for block in paper.section("caveats").blocks for b in block.items)
    assert "1 audit of Autumn 2019 was disposed of under the retention schedule" in caveats


def test_a_failure_part_way_leaves_everything(register, personas, confirmed, monkeypatch):
    # A second case due, so that the failure comes after the first has been taken apart.
    second = make_case(
        "DUE0002", "child-protection", birth_month=date(1980, 1, 1), closed_on=date(2005, 1, 1)
    )
    _everything_about(register["due"], personas)
    before = {model: len(rows) for model, rows in _all_rows().items()}
    real = records_actions.remove_case
    calls = []

    def fail_on_the_second(case, **kwargs):
        calls.append(case.pk)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(case, **kwargs)

    monkeypatch.setattr(records_actions, "remove_case", fail_on_the_second)
    with pytest.raises(RuntimeError):
        _run("--yes")
    assert len(calls) == 2
    after = {model: len(rows) for model, rows in _all_rows().items()}
    after[AccessLog] -= 1  # the run's read of the register, before the disposal
    assert after == before
    assert Case.objects.filter(pk__in=[register["due"].pk, second.pk]).count() == 2
    assert not DisposalRecord.objects.exists() and not DisposedAudits.objects.exists()
    assert ChangeEvent.objects.filter(subject_type="sectionresponse").exclude(new={}).exists()
