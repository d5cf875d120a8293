"""Forms for the case register pages. Error messages follow the GOV.UK Design System's wording."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Exists, OuterRef, Q, QuerySet

from caseaudit.kept import cache_key, kept

from .fingerprint import register_fingerprint
from .models import Case, Cohort, Staff, Team

STATUS_CHOICES = [("open", "Open cases"), ("closed", "Closed cases"), ("all", "Open and closed cases")]
DEFAULT_STATUS = "open"
# Worker filter value for cases with no allocated worker: a gap a QA lead looks for.
UNALLOCATED = "none"
SORT_COLUMNS = ("child_id", "cohort", "team", "worker", "opened_on")
DEFAULT_SORT = "child_id"
UPLOAD_EXTENSIONS = (".csv", ".xlsx")
# The most workers the worker filter lists without a team chosen: a register of 100,000 cases has thousands,
# more than a select can usefully offer; then choosing a team lists its workers.
WORKER_LIST_LIMIT = 200


class RegisterFilterForm(forms.Form):
    """The register's filters and sort order, read from the query string. Team and worker choices are
    only those on cases the user may see, so the selects never reveal another team's staff."""

    q = forms.CharField(
        label="Child Unique ID",
        required=False,
        max_length=40,
        strip=True,
        error_messages={"max_length": "Child Unique ID must be 40 characters or fewer"},
    )
    cohort = forms.ChoiceField(
        label="Cohort",
        required=False,
        choices=[("", "All cohorts"), *Cohort.choices],
        error_messages={"invalid_choice": "Select a cohort from the list"},
    )
    team = forms.ChoiceField(
        label="Team", required=False, error_messages={"invalid_choice": "Select a team from the list"}
    )
    worker = forms.ChoiceField(
        label="Allocated worker",
        required=False,
        error_messages={"invalid_choice": "Select an allocated worker from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=STATUS_CHOICES,
        error_messages={"invalid_choice": "Select open, closed or all cases"},
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(f"{sign}{column}", column) for column in SORT_COLUMNS for sign in ("", "-")],
    )

    def __init__(self, data: object, *, visible: QuerySet[Case]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        # Once: on PostgreSQL it counts every case. The register page files its counts under it too.
        self.register = register = register_fingerprint()
        teams = Team.objects.filter(pk__in=_team_ids(visible, register)).order_by("name")
        self.fields["team"].choices = [("", "All teams"), *((str(t.pk), t.name) for t in teams)]  # type: ignore[attr-defined]
        workers, listed_all = self._workers(visible, register)
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("", "All workers"),
            *((str(w.pk), w.name) for w in workers),
            (UNALLOCATED, "Not allocated"),
        ]
        if not listed_all:
            self.fields["worker"].help_text = "Choose a team to list its workers"

    def _workers(self, visible: QuerySet[Case], register: str) -> tuple[list[Staff], bool]:
        """The workers of the visible cases, of the chosen team's cases when a team is chosen; without one,
        only when there are at most WORKER_LIST_LIMIT (else False). A worker already chosen stays a choice
        while they have a visible case, so that a link to their cases keeps working."""
        team, chosen = (_number(self.data.get(name)) for name in ("team", "worker"))
        listed = Q(pk__in=_worker_ids(visible, register, team))
        if chosen is not None:
            listed |= Q(pk=chosen) & Q(Exists(visible.filter(worker_id=OuterRef("pk"))))
        found = list(Staff.objects.filter(listed).order_by("name"))
        if team is not None or len([w for w in found if w.pk != chosen]) <= WORKER_LIST_LIMIT:
            return found, True
        return [worker for worker in found if worker.pk == chosen], False

    def filters(self) -> dict[str, str]:
        """The filters that are valid, with the defaults filled in. An invalid one is dropped (and shown
        as an error) rather than failing the whole page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {
            name: cleaned.get(name) or "" for name in ("q", "cohort", "team", "worker", "status", "sort")
        }
        values["status"] = values["status"] or DEFAULT_STATUS
        values["sort"] = values["sort"] or DEFAULT_SORT
        return values


def _team_ids(visible: QuerySet[Case], register: str) -> list[int]:
    """The ids of the teams with a visible case: each team asked whether it has one (kept, as below: for a
    team manager, whose scope is their team or their own cases, each question reads thousands of cases)."""
    return _kept_ids(
        "register-teams",
        visible,
        register,
        lambda: Team.objects.filter(Exists(visible.filter(team_id=OuterRef("pk")))).values_list(
            "pk", flat=True
        ),
    )


def _worker_ids(visible: QuerySet[Case], register: str, team: int | None) -> list[int]:
    """The ids of the workers of the visible cases (of `team`'s, when one is chosen; else no more than one
    over the limit)."""

    def read() -> Iterable[int | None]:
        if team is not None:
            return visible.filter(team_id=team).order_by().values_list("worker_id", flat=True).distinct()
        some = visible.exclude(worker=None).order_by().values_list("worker_id", flat=True).distinct()
        return some[: WORKER_LIST_LIMIT + 1]

    return _kept_ids("register-workers", visible, register, read, team)


def _kept_ids(
    name: str,
    visible: QuerySet[Case],
    register: str,
    read: Callable[[], Iterable[int | None]],
    *parts: object,
) -> list[int]:
    """The ids `read` finds among the visible cases, kept between requests until the register changes
    (its fingerprint, `register`), filed under the scope's own query (`caseaudit.kept`): finding them
    takes every visible case, which for a team manager is thousands. Names are read afresh from these ids
    on every request."""
    if visible.query.is_empty():
        return []
    return kept(
        cache_key(name, register, str(visible.query), *parts),
        lambda: [pk for pk in read() if pk is not None],
        dump=lambda found: json.dumps(found).encode(),
        load=json.loads,
    )


def _number(value: object) -> int | None:
    """A filter's id as given in the query string, or None (the field's own check reports a bad one)."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 19 else None


class ImportUploadForm(forms.Form):
    register_file = forms.FileField(
        label="Upload the case register",
        error_messages={
            "required": "Select a CSV file or an Annex A workbook",
            "empty": "The selected file is empty",
        },
    )
    skip_invalid = forms.BooleanField(
        label="Skip invalid rows",
        required=False,
        help_text="Import the valid rows and list the others. Without this, one invalid row stops the "
        "whole import.",
    )
    partial = forms.BooleanField(
        label="Only add and update (do not close cases missing from the file)",
        required=False,
        help_text="Choose this when the file holds part of the caseload, for example one team or one list.",
    )

    def clean_register_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["register_file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError("The selected file must be a CSV or an XLSX workbook")
        limit = settings.CASEAUDIT_MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {max_upload_text()}")
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm_close = forms.BooleanField(required=False)

    def __init__(self, *args: object, closing: int = 0, live: int = 0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.closing = closing
        noun = "case" if closing == 1 else "cases"
        # Cases of a live sample are named in the label too: their audits can then no longer be done.
        in_live = f", {live} of them in a live cycle's sample," if live else ""
        self.fields[
            "confirm_close"
        ].label = f"I understand {closing} open {noun} not in the file{in_live} will be closed"

    def clean_confirm_close(self) -> bool:
        ticked = bool(self.cleaned_data.get("confirm_close"))
        if self.closing and not ticked:
            noun = "case" if self.closing == 1 else "cases"
            raise forms.ValidationError(
                f"Confirm that you understand {self.closing} open {noun} will be closed"
            )
        return ticked


def max_upload_text() -> str:
    """The upload limit as people say it: "200 MB"."""
    limit = settings.CASEAUDIT_MAX_UPLOAD_BYTES
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.0f} MB"
    if limit >= 1024:
        return f"{limit / 1024:.0f} KB"
    return f"{limit} bytes"
