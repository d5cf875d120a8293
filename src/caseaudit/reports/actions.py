"""Changes of state for reports: keeping a rendered committee paper as its cycle's draft, issuing the draft,
and saving the paper's words that the QA lead writes. Rendering itself (two seconds or more) happens
before, outside any transaction, in reports/paper_drafts.py: these only record files already written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change, redacted
from caseaudit.cases.models import Case
from caseaudit.cycles.models import Cycle
from caseaudit.locking import claim_version
from caseaudit.policy import Actor

from .models import PaperState, PaperStory, PaperVersion
from .paper.story import LABELS, kept
from .paper_store import StoredFile, remove_files

DRAFT_CHANGED = (
    "The draft has been regenerated or issued since you looked at it. Check the paper as it is now, then "
    "issue it."
)
NOTE_NEEDED = "Enter what changed since the last version issued"


@dataclass(frozen=True)
class RenderedPaper:
    """A paper rendered and its files stored, waiting to be kept as the draft."""

    grade_source: str
    dated: date
    pdf: StoredFile
    docx: StoredFile
    html: StoredFile


class DraftAlreadyKept(Exception):
    """A first draft was asked for, but another request kept one first: use that one."""

    def __init__(self, version: PaperVersion) -> None:
        super().__init__("a draft is already kept")
        self.version = version


def _files(rendered: RenderedPaper) -> dict[str, object]:
    return {
        "grade_source": rendered.grade_source,
        "dated": rendered.dated,
        "pdf_name": rendered.pdf.name,
        "pdf_size": rendered.pdf.size,
        "pdf_sha256": rendered.pdf.sha256,
        "docx_name": rendered.docx.name,
        "docx_size": rendered.docx.size,
        "docx_sha256": rendered.docx.sha256,
        "html_name": rendered.html.name,
        "html_size": rendered.html.size,
        "html_sha256": rendered.html.sha256,
    }


def _described(version: PaperVersion) -> dict[str, object]:
    return {
        "cycle": version.cycle_id,
        "grade_source": version.grade_source,
        "dated": version.dated.isoformat(),
        "pdf_sha256": version.pdf_sha256,
        "docx_sha256": version.docx_sha256,
        "html_sha256": version.html_sha256,
    }


@changes_state
def keep_paper_draft(
    cycle: Cycle, rendered: RenderedPaper, *, acting_user: Actor, replace: bool
) -> PaperVersion:
    """Keep `rendered` as the cycle's draft in its grade source. `replace`: the QA lead regenerates it,
    and the draft's old files are removed once this commits; otherwise it is the first draft, made for a
    download, and if another request kept one first, `DraftAlreadyKept` says which."""
    policy.require(acting_user, policy.ISSUE_PAPERS if replace else policy.FIRST_PAPER_DRAFT)
    # One change to a cycle's papers at a time: two people regenerating, or issuing while regenerating.
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
    draft = PaperVersion.objects.filter(
        cycle=cycle, state=PaperState.DRAFT, grade_source=rendered.grade_source
    ).first()
    if draft is not None and not replace:
        raise DraftAlreadyKept(draft)
    now = timezone.now()
    if draft is None:
        draft = PaperVersion.objects.create(
            cycle=cycle, rendered_at=now, rendered_by=policy.named(acting_user), **_files(rendered)
        )
        record_change(acting_user, "paper.drafted", draft, new=_described(draft))
        return draft
    old = _described(draft)
    replaced = [name for name in (draft.pdf_name, draft.docx_name, draft.html_name) if name]
    for field, value in _files(rendered).items():
        setattr(draft, field, value)
    draft.rendered_at, draft.rendered_by = now, policy.named(acting_user)
    draft.save()
    record_change(acting_user, "paper.regenerated", draft, old=old, new=_described(draft))
    transaction.on_commit(lambda: remove_files(replaced))
    return draft


@changes_state
def issue_paper(
    cycle: Cycle, *, draft_pk: int, expected_sha256: str, note: str, acting_user: Actor
) -> PaperVersion:
    """Issue the cycle's draft as its next version: from now on its files never change. `expected_sha256`
    is the draft's PDF as the QA lead saw it, so that a draft regenerated meanwhile is not issued unseen.
    The note of what changed is needed from the second version on."""
    policy.require(acting_user, policy.ISSUE_PAPERS)
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
    draft = PaperVersion.objects.filter(pk=draft_pk, cycle=cycle, state=PaperState.DRAFT).first()
    if draft is None or draft.pdf_sha256 != expected_sha256:
        raise ValidationError(DRAFT_CHANGED)
    last = PaperVersion.objects.filter(cycle=cycle, number__isnull=False).aggregate(last=Max("number"))[
        "last"
    ]
    note = note.strip()
    if last and not note:
        raise ValidationError({"note": NOTE_NEEDED})
    draft.state = PaperState.ISSUED
    draft.number = (last or 0) + 1
    draft.issued_at = timezone.now()
    draft.issued_by = policy.named(acting_user)
    draft.note = note
    draft.save()
    record_change(
        acting_user,
        "paper.issued",
        draft,
        old={"state": PaperState.DRAFT},
        new={"state": PaperState.ISSUED, "number": draft.number, **_described(draft), "note": redacted(note)},
    )
    return draft


@changes_state
def save_paper_story(
    cycle: Cycle,
    *,
    submitted: Mapping[str, str],
    meeting_on: date | None,
    compliance_on: date | None = None,
    expected_version: int,
    drafted: Mapping[str, str],
    acting_user: Actor,
) -> PaperStory:
    """Keep the paper's words as the QA lead submitted them: each text that differs from its draft from
    today's figures (`drafted`); one left as drafted, or emptied, follows the data. `expected_version` is
    the version the page was opened on: someone else's save since raises EditConflict, overwriting nothing.
    Papers already drawn keep their words until the draft is regenerated."""
    policy.require(acting_user, policy.ISSUE_PAPERS)
    texts = kept(submitted, drafted)
    if naming := _naming_a_child(texts):
        raise ValidationError(
            {
                key: f"{LABELS[key]} names a Child Unique ID: the paper goes to members, so take it out"
                for key in naming
            }
        )
    story, _ = PaperStory.objects.get_or_create(cycle=cycle)
    claim_version(story, expected_version, thing="paper's words")
    old = _story_described(story)
    story.texts = texts
    story.meeting_on, story.compliance_on = meeting_on, compliance_on
    story.updated_by = policy.named(acting_user)
    story.save(update_fields=["texts", "meeting_on", "compliance_on", "updated_by"])
    record_change(acting_user, "paper.words_saved", story, old=old, new=_story_described(story))
    return story


def _naming_a_child(texts: Mapping[str, str]) -> list[str]:
    """The texts that name a child by an id the register holds."""
    words = {key: set(re.findall(r"[A-Za-z0-9-]*[0-9][A-Za-z0-9-]*", text)) for key, text in texts.items()}
    named = set(
        Case.objects.filter(child_id__in=set().union(*words.values())).values_list("child_id", flat=True)
    )
    return [key for key, found in words.items() if found & named]


def _story_described(story: PaperStory) -> dict[str, object]:
    # The words may name anyone: the change history keeps their lengths (accounts.changes.redacted).
    return {
        "cycle": story.cycle_id,
        "meeting_on": story.meeting_on.isoformat() if story.meeting_on else "",
        "compliance_on": story.compliance_on.isoformat() if story.compliance_on else "",
        **{f"text.{key}": redacted(text) for key, text in sorted(story.texts.items())},
    }
