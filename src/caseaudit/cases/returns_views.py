"""Importing a statutory return from the web (issue 16): upload every table of the SSDA903 return at once,
see what it would change, confirm. QA lead only.

The files wait in a folder of their own under UPLOAD_DIR, named by a random token only the uploader's
session knows, until the QA lead confirms or uploads again (`caseaudit clean-uploads` deletes a folder
left behind). A return is small beside a register (one row an episode): it is read in the request."""

from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.readers.table import ImportRefused

from .actions import import_return
from .importing.check import check_case_register
from .importing.cin_census import read_cin_census
from .importing.result import ImportResult, RowsRefused
from .importing.ssda903 import CollectionYear, ReturnRead, read_ssda903
from .returns_forms import ReturnConfirmForm, ReturnUploadForm

SESSION_KEY = "return_import"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class WaitingReturn:
    token: str
    user_id: int
    year: int | None
    extracted_on: str | None = None  # ISO, as the session keeps it

    @property
    def folder(self) -> Path:
        return Path(settings.UPLOAD_DIR) / self.token

    @property
    def census(self) -> Path | None:
        """The Children in Need census's file, when that is what waits (one XML file)."""
        return next(iter(sorted(self.folder.glob("*.xml"))), None)

    @property
    def name(self) -> str:
        return "Children in Need census" if self.census else "SSDA903 return"

    def read(self) -> ReturnRead:
        year = CollectionYear(self.year) if self.year else None
        census = self.census
        if census is not None:
            return read_cin_census(census, year=year, file_name=census.name.split("-", 1)[-1])
        return read_ssda903([self.folder], year=year)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@policy.capability_required(policy.IMPORT_REGISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def upload_return(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    if request.method != "POST":
        return render(request, "cases/import_return.html", {"form": ReturnUploadForm()})
    form = ReturnUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "cases/import_return.html", {"form": form})
    _forget(request, user)  # one return waits at a time: a new upload replaces the last
    extracted_on = form.cleaned_data["extracted_on"]
    waiting = save_upload(form.cleaned_data["tables"], user, form.cleaned_data["year"])
    waiting.extracted_on = extracted_on.isoformat() if extracted_on else None
    try:
        read = waiting.read()
        result = check_case_register(
            waiting.folder, acting_user=user, file_name=waiting.name, partial=True, raw=read.raw
        )
    except ImportRefused as refused:
        waiting.discard()
        # The problems quote the cells, Child IDs among them: a read of the return's children.
        record_access(user, "view", "register", "", f"{waiting.name} refused")
        return render(
            request, "cases/import_return.html", {"form": form, "refused": str(refused).splitlines()}
        )
    request.session[SESSION_KEY] = asdict(waiting)
    record_access(user, "view", "register", "", f"{waiting.name} checked")
    return render(request, "cases/import_return.html", _checked(result, waiting, read))


@policy.capability_required(policy.IMPORT_REGISTER)
@require_POST
def confirm_return(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    form = ReturnConfirmForm(request.POST)
    waiting = _waiting(request, user, form.data.get("token", ""))
    if waiting is None or not form.is_valid():
        messages.error(request, "That upload is no longer waiting: upload the return's files again.")
        return redirect("cases:import-return")
    try:
        extracted_on = date.fromisoformat(waiting.extracted_on) if waiting.extracted_on else None
        result = import_return(
            waiting.read(), acting_user=user, file_name=waiting.name, extracted_on=extracted_on
        )
    except (ImportRefused, RowsRefused) as refused:
        messages.error(request, f"Nothing was imported: {refused}")
        return redirect("cases:import-return")
    finally:
        _forget(request, user)
    totals = result.totals
    messages.success(
        request,
        f"{waiting.name} imported: {totals.created:,} cases added, {totals.updated:,} updated, "
        f"{totals.closed:,} closed.",
    )
    return redirect("cases:list")


def save_upload(files: list[UploadedFile], user: User, year: int | None) -> WaitingReturn:
    """The files of a return, saved in a folder of their own under UPLOAD_DIR, named by a random token."""
    waiting = WaitingReturn(secrets.token_urlsafe(24), user.pk, year)
    waiting.folder.mkdir(mode=0o700, parents=True)
    for number, upload in enumerate(files, start=1):
        # The person's own file names, so that an error names the file they know; made safe for the disk.
        name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.name or f"table-{number}.csv").name)[:100]
        handle = os.open(waiting.folder / f"{number:02d}-{name}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    return waiting


def _waiting(request: HttpRequest, user: User, token: str) -> WaitingReturn | None:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    waiting = WaitingReturn(**stored)
    if (
        waiting.user_id != user.pk
        or not _TOKEN.match(token)
        or not secrets.compare_digest(token, waiting.token)
    ):
        return None
    return waiting


def _forget(request: HttpRequest, user: User) -> None:
    stored = request.session.pop(SESSION_KEY, None)
    if isinstance(stored, dict) and stored.get("user_id") == user.pk:
        WaitingReturn(**stored).discard()


def _checked(result: ImportResult, waiting: WaitingReturn, read: ReturnRead) -> dict[str, object]:
    rows = [
        (COHORT_LABELS.get(cohort, cohort), counts.created, counts.updated, counts.closed, counts.unchanged)
        for cohort, counts in sorted(result.by_cohort.items())
    ]
    return {
        "form": ReturnUploadForm(),
        "checked": result,
        "rows": rows,
        "confirm": ReturnConfirmForm(initial={"token": waiting.token}),
        "episodes": read.episodes.height,
        "census": waiting.census is not None,
        "reviews": read.reviews.height,
    }
