"""The current cycle's work at size: for a demo register larger than the default, the rest of the cycle's
audits are taken as far as a season six weeks in would have them (started, submitted, moderated, returned),
with the improvement work that follows: actions (open, overdue, done), follow-up audits, safeguarding
concerns and the notifications that told people of them.

The default demo does its work through the auditors' and moderator's own actions (`demo.audits`), which
is right for a dozen audits and far too slow for twenty thousand. This writes the same records straight
to the tables in batches (`bulk_create`), as a migration would, so that `caseaudit demo-data --cases
100000` takes minutes; the change history has one entry for it all (`demo.volume`), not one per record.
Everything comes from the seed: the same seed and date give the same work. All text is from the demo's
bank of phrases, and nothing names a child."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import record_change
from caseaudit.accounts.models import User
from caseaudit.audits.completion import active_themes
from caseaudit.audits.models import (
    Audit,
    AuditStatus,
    EvidenceSource,
    EvidenceUse,
    Finding,
    FindingKind,
    ModerationEvent,
    SectionResponse,
)
from caseaudit.audits.templates_store import default_template, tool_for
from caseaudit.core.audit_tools import applicable_sections
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import (
    Action,
    ActionNote,
    ActionStatus,
    FollowUp,
    FollowUpItem,
    FollowUpStatus,
    SafeguardingConcern,
)
from caseaudit.notifications.models import Kind, Notification

from .audits import _ANALYSIS, _EVIDENCE, _FINDINGS, _RATIONALE, _WEIGHTS, band, overall_grade

BATCH = 2_000

# Where the cycle's other audits stand six weeks in (the rest not started): cumulative shares.
_STATUS_CUTS = (
    (0.12, AuditStatus.SUBMITTED),  # waiting for moderation: the moderation queue
    (0.30, AuditStatus.MODERATED),
    (0.31, AuditStatus.RETURNED),
    (0.46, AuditStatus.IN_PROGRESS),
)
_ACTION_STATUSES = (
    (ActionStatus.OPEN, 0.45),
    (ActionStatus.IN_PROGRESS, 0.25),
    (ActionStatus.DONE, 0.15),
    (ActionStatus.VERIFIED, 0.10),
    (ActionStatus.CANCELLED, 0.05),
)
_ACTIONS = (
    "Bring the case recording up to date and record the manager's oversight.",
    "Review the plan with the family and record the young person's views in their words.",
    "Record the reason for each decision in the supervision notes of the case.",
    "Arrange the overdue statutory visit and record what the child said.",
    "Update the chronology and share it with the independent reviewing officer.",
)
_PROGRESS = "Discussed in supervision; the worker has started and will finish by the due date."
_DONE_EVIDENCE = "The case notes are up to date and the manager's oversight is recorded on the file."
_CANCELLED = "The case closed before the action could be done."
_CONCERN = (
    "The record shows a risk that has not been assessed since it was reported; the team must act today."
)
_RESPONSE = "The worker visited the same day; a strategy discussion is booked and the plan is updated."
_RETURN = "Please add the evidence of management oversight before this is submitted again."
_CHANGE_REASON = "The evidence of management oversight does not support the auditor's grade."
_FOLLOW_UP_NOTE = "The actions were checked against the record with the team manager."

_SHARE_WITH_ACTIONS = 0.6
_SHARE_WITH_FOLLOW_UP = 0.15
_SHARE_WITH_CONCERN = 0.015
_SHARE_READ = 0.5  # notifications already read


@dataclass
class Volume:
    started: int = 0
    submitted: int = 0
    moderated: int = 0
    returned: int = 0
    sections: int = 0
    actions: int = 0
    overdue: int = 0
    follow_ups: int = 0
    concerns: int = 0
    notifications: int = 0


@dataclass
class _Audit:
    pk: int
    case_id: int
    child_id: str
    cohort: str
    team_id: int | None
    worker_id: int | None
    manager_id: int | None
    auditor_id: int
    status: str = AuditStatus.NOT_STARTED
    submitted_on: date | None = None


def add_cycle_volume(cycle: Cycle, *, today: date, seed: int) -> Volume:
    """Take the cycle's audits that nobody has started (every one, after the default demo's dozen) as far as
    their share says, and add the improvement work that follows. One transaction."""
    rng = random.Random(f"{seed}:volume")
    with transaction.atomic():
        work = _Writer(cycle, today, rng)
        work.audits()
        work.actions()
        work.follow_ups()
        work.concerns()
        work.notifications()
        record_change(policy.SYSTEM, "demo.volume", cycle, new=asdict(work.volume))
    return work.volume


class _Writer:
    def __init__(self, cycle: Cycle, today: date, rng: random.Random) -> None:
        self.cycle = cycle
        self.today = today
        self.rng = rng
        self.volume = Volume()
        self.template = default_template()
        self.scale = self.template.grade_scale.slugs
        self.tool = tool_for(self.template)
        self.themes = list(active_themes())
        # The people who own, follow up and answer for the cases' work, by their staff record.
        self.user_of_staff = dict(
            User.objects.filter(staff__isnull=False, is_active=True).values_list("staff_id", "pk")
        )
        self.auditors = list(
            policy.holders(policy.HAVE_AUDITS).order_by("pk").values_list("pk", "staff__team_id")
        )
        qa = policy.holders(policy.DECIDE_ACTIONS).order_by("pk").first()
        moderator = User.objects.filter(username="moderator", is_active=True).first() or qa
        self.qa_lead_id = qa.pk if qa else None
        self.moderator_id = moderator.pk if moderator else None
        self.done: list[_Audit] = []  # submitted at least once: their actions are in the tracker
        self.moderated: list[tuple[_Audit, bool]] = []  # and whether the moderator changed the grade
        self.returned: list[_Audit] = []
        self.actions_of: dict[int, list[tuple[int, int | None]]] = {}  # audit pk -> [(action pk, owner)]
        self.follow_up_rows: list[tuple[int, int, int]] = []  # (follow-up pk, case pk, auditor pk)
        self.concern_rows: list[tuple[int, str, int | None]] = []  # (concern pk, child id, manager user)

    # Dates ------------------------------------------------------------------------------------------------

    def day_between(self, low: date, high: date) -> date:
        span = max((high - low).days, 0)
        return low + timedelta(days=self.rng.randint(0, span))

    def moment(self, day: date) -> datetime:
        clock = time(self.rng.randint(9, 16), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day, clock))

    # The audits -------------------------------------------------------------------------------------------

    def audits(self) -> None:
        rows = (
            self.cycle.audits.filter(status=AuditStatus.NOT_STARTED, auditor__isnull=False)
            .order_by("pk")
            .values_list(
                "pk",
                "case_id",
                "case__child_id",
                "cohort",
                "case__team_id",
                "case__worker_id",
                "case__manager_id",
                "auditor_id",
            )
        )
        chosen: list[tuple[_Audit, str]] = []
        for row in rows:
            draw = self.rng.random()
            taken: str | None = next((s for cut, s in _STATUS_CUTS if draw < cut), None)
            if taken is not None:
                chosen.append((_Audit(*row), taken))
        sections: list[SectionResponse] = []
        evidence: list[EvidenceUse] = []
        findings: list[Finding] = []
        events: list[ModerationEvent] = []
        updated: list[Audit] = []
        starts = self.cycle.starts_on
        for audit, status in chosen:
            audit.status = status
            started_on = self.day_between(starts, self.today)
            record = Audit(
                pk=audit.pk,
                status=status,
                template=self.template,
                grade_scale=self.template.grade_scale,
                started_at=self.moment(started_on),
            )
            applicable = applicable_sections(self.tool, audit.cohort)
            written = (
                applicable if status != AuditStatus.IN_PROGRESS else applicable[: self.rng.randint(0, 3)]
            )
            grades = []
            for section in written:
                grade = self.rng.choices(self.scale, weights=_WEIGHTS[: len(self.scale)])[0]
                grades.append(grade)
                sections.append(
                    SectionResponse(
                        audit_id=audit.pk,
                        section=section.slug,
                        grade=grade,
                        evidence=self.rng.choice(_EVIDENCE[band(self.scale, grade)]),
                        analysis=self.rng.choice(_ANALYSIS[band(self.scale, grade)]),
                        answers={},
                    )
                )
            record.version = 2 + len(written)
            if status != AuditStatus.IN_PROGRESS:
                self._finish(audit, record, grades, started_on, evidence, findings, events)
            updated.append(record)
            self.volume.started += 1
        fields = ["status", "template", "grade_scale", "started_at", "version", "updated_at"]
        fields += ["draft_grade", "auditor_grade", "moderated_grade", "overall_rationale", "submitted_at"]
        fields += ["completed_on"]
        now = timezone.now()
        for record in updated:
            record.updated_at = now
        Audit.objects.bulk_update(updated, fields, batch_size=BATCH)
        SectionResponse.objects.bulk_create(sections, batch_size=BATCH)
        EvidenceUse.objects.bulk_create(evidence, batch_size=BATCH)
        Finding.objects.bulk_create(findings, batch_size=BATCH)
        ModerationEvent.objects.bulk_create(events, batch_size=BATCH)
        self.volume.sections = len(sections)

    def _finish(
        self,
        audit: _Audit,
        record: Audit,
        grades: list[str],
        started_on: date,
        evidence: list[EvidenceUse],
        findings: list[Finding],
        events: list[ModerationEvent],
    ) -> None:
        """A submitted audit (then moderated, or returned): overall grade, evidence, a finding, its events."""
        overall = overall_grade(self.scale, grades)
        submitted_on = self.day_between(started_on, self.today)
        audit.submitted_on = submitted_on
        record.draft_grade = record.auditor_grade = overall
        record.overall_rationale = _RATIONALE[band(self.scale, overall)]
        record.submitted_at = self.moment(submitted_on)
        record.completed_on = submitted_on
        record.moderated_grade = ""
        sources = [EvidenceSource.RECORD_REVIEW, EvidenceSource.WORKER_INTERVIEW]
        if self.rng.random() < 0.5:
            sources.append(EvidenceSource.MANAGER_DISCUSSION)
        evidence += [EvidenceUse(audit_id=audit.pk, source=s, used_on=started_on) for s in sources]
        if self.themes:
            found = self.rng.choice([FindingKind.STRENGTH, FindingKind.ISSUE])
            theme = self.rng.choice(self.themes)
            findings.append(Finding(audit_id=audit.pk, kind=found, theme=theme, text=_FINDINGS[found]))
        events.append(
            ModerationEvent(
                audit_id=audit.pk,
                kind=ModerationEvent.Kind.SUBMITTED,
                to_grade=overall,
                by_id=audit.auditor_id,
            )
        )
        self.done.append(audit)
        if audit.status == AuditStatus.MODERATED:
            grade, kind, reason = overall, ModerationEvent.Kind.AGREED, ""
            if self.rng.random() < 0.25:
                at = self.scale.index(overall)
                grade = self.scale[at - 1] if at else self.scale[1]
                kind, reason = ModerationEvent.Kind.CHANGED, _CHANGE_REASON
            record.moderated_grade = grade
            events.append(
                ModerationEvent(
                    audit_id=audit.pk,
                    kind=kind,
                    from_grade=overall,
                    to_grade=grade,
                    comments=reason,
                    by_id=self.moderator_id,
                )
            )
            self.moderated.append((audit, kind == ModerationEvent.Kind.CHANGED))
            self.volume.moderated += 1
        elif audit.status == AuditStatus.RETURNED:
            events.append(
                ModerationEvent(
                    audit_id=audit.pk,
                    kind=ModerationEvent.Kind.RETURNED,
                    from_grade=overall,
                    comments=_RETURN,
                    by_id=self.moderator_id,
                )
            )
            self.returned.append(audit)
            self.volume.returned += 1
        else:
            self.volume.submitted += 1

    # Actions ----------------------------------------------------------------------------------------------

    def owners(self, audit: _Audit) -> list[int]:
        """The case's manager and worker, where they have accounts: the people an audit's action goes to."""
        people = (self.user_of(audit.manager_id), self.user_of(audit.worker_id))
        return [pk for pk in people if pk is not None]

    def user_of(self, staff: int | None) -> int | None:
        return None if staff is None else self.user_of_staff.get(staff)

    def actions(self) -> None:
        statuses = [status for status, _ in _ACTION_STATUSES]
        weights = [weight for _, weight in _ACTION_STATUSES]
        planned: list[tuple[_Audit, Action]] = []
        for audit in self.done:
            owners = self.owners(audit)
            if not owners or self.rng.random() >= _SHARE_WITH_ACTIONS:
                continue
            assert audit.submitted_on is not None
            for _ in range(1 if self.rng.random() < 0.8 else 2):
                status = self.rng.choices(statuses, weights=weights)[0]
                action = Action(
                    audit_id=audit.pk,
                    case_id=audit.case_id,
                    team_id=audit.team_id,
                    description=self.rng.choice(_ACTIONS),
                    owner_id=self.rng.choice(owners),
                    due_on=audit.submitted_on + timedelta(days=self.rng.randint(7, 45)),
                    status=status,
                    created_by_id=audit.auditor_id,
                    evidence=_DONE_EVIDENCE if status in (ActionStatus.DONE, ActionStatus.VERIFIED) else "",
                    cancel_reason=_CANCELLED if status == ActionStatus.CANCELLED else "",
                    version=1 if status == ActionStatus.OPEN else 2,
                )
                planned.append((audit, action))
        created = Action.objects.bulk_create([a for _, a in planned], batch_size=BATCH)
        notes: list[ActionNote] = []
        for (audit, _), action in zip(planned, created, strict=True):
            self.actions_of.setdefault(audit.pk, []).append((action.pk, action.owner_id))
            if action.status == ActionStatus.OPEN and action.due_on < self.today:
                self.volume.overdue += 1
            notes += self._notes(action)
        ActionNote.objects.bulk_create(notes, batch_size=BATCH)
        self.volume.actions = len(created)

    def _notes(self, action: Action) -> list[ActionNote]:
        def note(author: int | None, old: str, new: str, **text: str) -> ActionNote:
            return ActionNote(action_id=action.pk, author_id=author, from_status=old, to_status=new, **text)

        owner = action.owner_id
        if action.status == ActionStatus.OPEN:
            return []
        if action.status == ActionStatus.CANCELLED:
            return [note(self.qa_lead_id, ActionStatus.OPEN, ActionStatus.CANCELLED, text=_CANCELLED)]
        notes = [note(owner, ActionStatus.OPEN, ActionStatus.IN_PROGRESS, text=_PROGRESS)]
        if action.status in (ActionStatus.DONE, ActionStatus.VERIFIED):
            notes.append(note(owner, ActionStatus.IN_PROGRESS, ActionStatus.DONE, evidence=_DONE_EVIDENCE))
        if action.status == ActionStatus.VERIFIED:
            notes.append(note(self.qa_lead_id, ActionStatus.DONE, ActionStatus.VERIFIED))
        return notes

    # Follow-up audits -------------------------------------------------------------------------------------

    def follow_ups(self) -> None:
        """Some cases with actions get a follow-up audit by an auditor outside the case's team: most still
        to do, a quarter done, their actions checked."""
        planned: list[tuple[_Audit, FollowUp]] = []
        for audit in self.done:
            if audit.pk not in self.actions_of or self.rng.random() >= _SHARE_WITH_FOLLOW_UP:
                continue
            auditors = [pk for pk, team in self.auditors if team is None or team != audit.team_id]
            if not auditors:
                continue
            completed = self.rng.random() < 0.25
            follow_up = FollowUp(
                case_id=audit.case_id,
                auditor_id=self.rng.choice(auditors),
                due_on=self.today + timedelta(days=self.rng.randint(-10, 30)),
                status=FollowUpStatus.COMPLETED if completed else FollowUpStatus.ALLOCATED,
                note=_FOLLOW_UP_NOTE if completed else "",
                created_by_id=self.qa_lead_id,
                completed_at=self.moment(self.today - timedelta(days=self.rng.randint(0, 5)))
                if completed
                else None,
            )
            planned.append((audit, follow_up))
        created = FollowUp.objects.bulk_create([f for _, f in planned], batch_size=BATCH)
        items = []
        for (audit, _), follow_up in zip(planned, created, strict=True):
            self.follow_up_rows.append((follow_up.pk, audit.pk, follow_up.auditor_id))
            done = follow_up.status == FollowUpStatus.COMPLETED
            for action_pk, _owner in self.actions_of[audit.pk]:
                checked = (self.rng.random() < 0.7) if done else None
                evidence = _DONE_EVIDENCE if checked else ""
                items.append(
                    FollowUpItem(
                        follow_up_id=follow_up.pk, action_id=action_pk, done=checked, evidence=evidence
                    )
                )
        FollowUpItem.objects.bulk_create(items, batch_size=BATCH)
        self.volume.follow_ups = len(created)

    # Safeguarding concerns --------------------------------------------------------------------------------

    def concerns(self) -> None:
        """A few audits found a child at risk: the concern went to the case's manager, half answered."""
        planned: list[tuple[_Audit, SafeguardingConcern, int | None]] = []
        for audit in self.done:
            if self.rng.random() >= _SHARE_WITH_CONCERN:
                continue
            assert audit.submitted_on is not None
            manager = self.user_of(audit.manager_id)
            answered = manager is not None and self.rng.random() < 0.5
            raised = self.moment(self.day_between(self.cycle.starts_on, audit.submitted_on))
            concern = SafeguardingConcern(
                audit_id=audit.pk,
                case_id=audit.case_id,
                description=_CONCERN,
                raised_by_id=audit.auditor_id,
                response=_RESPONSE if answered else "",
                responded_by_id=manager if answered else None,
                responded_at=raised + timedelta(hours=3) if answered else None,
            )
            planned.append((audit, concern, manager))
        created = SafeguardingConcern.objects.bulk_create([c for _, c, _ in planned], batch_size=BATCH)
        told = SafeguardingConcern.notified.through
        links = []
        for (audit, _, manager), concern in zip(planned, created, strict=True):
            self.concern_rows.append((concern.pk, audit.child_id, manager))
            if manager is not None:
                links.append(told(safeguardingconcern_id=concern.pk, user_id=manager))
        told.objects.bulk_create(links, batch_size=BATCH)
        self.volume.concerns = len(created)

    # Notifications ----------------------------------------------------------------------------------------

    def notifications(self) -> None:
        """What each person was told of the above, in the app: about half of it read already."""
        lines: list[Notification] = []
        now = timezone.now()

        def tell(recipient: int | None, kind: str, text: str, link: str, about: tuple[str, int]) -> None:
            if recipient is None:
                return
            read = now if self.rng.random() < _SHARE_READ else None
            lines.append(
                Notification(
                    recipient_id=recipient,
                    kind=kind,
                    text=text,
                    link=link,
                    about_type=about[0],
                    about_id=str(about[1]),
                    read_at=read,
                )
            )

        by_pk = {audit.pk: audit for audit in self.done}
        for audit_pk, actions in self.actions_of.items():
            child = by_pk[audit_pk].child_id
            counts: dict[int | None, int] = defaultdict(int)
            for _, owner in actions:
                counts[owner] += 1
            for owner, count in counts.items():
                given = f"{count} action{'s' if count != 1 else ''}"
                text = f"The audit of {child} gives you {given}."
                tell(owner, Kind.ACTION_ASSIGNED, text, reverse("actions:meeting"), ("audit", audit_pk))
        link: Callable[[int], str] = lambda pk: reverse("audits:detail", args=[pk])  # noqa: E731
        for audit, changed in self.moderated:
            what = "changed its grade" if changed else "agreed its grade"
            text = f"Your audit of {audit.child_id} is moderated: the moderator {what}."
            tell(audit.auditor_id, Kind.GRADE_MODERATED, text, link(audit.pk), ("audit", audit.pk))
        for audit in self.returned:
            text = f"Your audit of {audit.child_id} is returned: read the moderator's comments."
            tell(audit.auditor_id, Kind.AUDIT_RETURNED, text, link(audit.pk), ("audit", audit.pk))
        for follow_up, audit_pk, auditor in self.follow_up_rows:
            text = f"A follow-up audit of {by_pk[audit_pk].child_id} is given to you."
            url = reverse("actions:follow-up", args=[follow_up])
            tell(auditor, Kind.AUDIT_ALLOCATED, text, url, ("followup", follow_up))
        for concern, child, manager in self.concern_rows:
            text = f"Safeguarding concern about {child}: it needs your response today."
            url = reverse("improvement:detail", args=[concern])
            tell(manager, Kind.CONCERN_RAISED, text, url, ("safeguardingconcern", concern))
        Notification.objects.bulk_create(lines, batch_size=BATCH)
        self.volume.notifications = len(lines)
