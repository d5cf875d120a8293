"""Importing the case register from the web: upload, check (a dry run), confirm. QA lead only.

The uploaded file waits under UPLOAD_DIR, named by a random token that only the uploader's session knows,
until the QA lead confirms or uploads another. The check is `importing.check.check_case_register`, the
import itself `actions.import_case_register`."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.readers.row_errors import shown_of
from caseaudit.readers.table import ImportRefused

from . import actions
from .forms import (
    ImportConfirmForm,
    ImportUploadForm,
    max_upload_text,
)
from .importing.check import check_case_register
from .importing.result import ImportResult, RowsRefused

# The cases an import would close, named on the check page (those in a live sample first).
CLOSING_SHOWN = 500
_SESSION_KEY = "case_import"
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class PendingImport:
    """An uploaded file waiting for the QA lead's confirmation. Kept in the session, so a token is only
    good for the person (and the sign-in) that uploaded it."""

    token: str
    suffix: str
    file_name: str
    user_id: int
    skip_invalid: bool
    partial: bool
    closing: int = 0
    closing_live: int = 0

    @property
    def path(self) -> Path:
        return Path(settings.UPLOAD_DIR) / f"{self.token}{self.suffix}"

    def check(self, user: User) -> ImportResult:
        """What the import would change (a dry run)."""
        return check_case_register(
            self.path, acting_user=user, file_name=self.file_name, partial=self.partial
        )

    def run(self, user: User) -> ImportResult:
        """The import, once the QA lead has ticked that the cases listed will close: that tick is the
        say-so the action asks for (the view checks the import closes no more than was listed)."""
        return actions.import_case_register(
            self.path,
            acting_user=user,
            file_name=self.file_name,
            skip_invalid=self.skip_invalid,
            partial=self.partial,
            allow_close=True,
        )

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _save_upload(upload: UploadedFile, user: User, *, skip_invalid: bool, partial: bool) -> PendingImport:
    upload_dir = Path(settings.UPLOAD_DIR)
    upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    pending = PendingImport(
        token=secrets.token_urlsafe(24),
        suffix=Path(upload.name or "").suffix.lower(),
        file_name=Path(upload.name or "register").name[:255],
        user_id=user.pk,
        skip_invalid=skip_invalid,
        partial=partial,
    )
    # O_EXCL: never write over another file; 0600: uploads hold children's data.
    handle = os.open(pending.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return pending


def _pending(request: HttpRequest, user: User, token: str | None = None) -> PendingImport | None:
    """This user's upload waiting in this session; with `token`, only if the token is the upload's."""
    stored = request.session.get(_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        pending = PendingImport(**stored)
    except TypeError:
        return None
    if pending.user_id != user.pk:
        return None
    if token is not None and (
        not _TOKEN_PATTERN.match(token) or not secrets.compare_digest(token, pending.token)
    ):
        return None
    return pending


def _keep(request: HttpRequest, pending: PendingImport) -> None:
    request.session[_SESSION_KEY] = asdict(pending)


def _forget(request: HttpRequest, pending: PendingImport | None) -> None:
    if pending is not None:
        pending.discard()
    request.session.pop(_SESSION_KEY, None)


@policy.capability_required(policy.IMPORT_REGISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    if request.method != "POST":
        return _render_import(request, "cases/import.html", {"form": ImportUploadForm()})

    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, "cases/import.html", {"form": form})
    # One upload waits at a time: a new one replaces (and deletes) the last.
    _forget(request, _pending(request, user))
    pending = _save_upload(
        form.cleaned_data["register_file"],
        user,
        skip_invalid=form.cleaned_data["skip_invalid"],
        partial=form.cleaned_data["partial"],
    )
    try:
        result = pending.check(user)
    except ImportRefused as exc:
        pending.discard()
        form.add_error("register_file", str(exc))
        return _render_import(request, "cases/import.html", {"form": form})
    except BaseException:
        pending.discard()  # never leave a child's data behind on disk, whatever went wrong
        raise

    if _importable(result, pending):
        pending.closing = result.totals.closed
        pending.closing_live = len(result.closing_in_live_samples)
        _keep(request, pending)
        confirm_form: ImportConfirmForm | None = ImportConfirmForm(
            initial={"token": pending.token}, closing=pending.closing, live=pending.closing_live
        )
    else:
        pending.discard()
        confirm_form = None
    return _review(request, pending, result, confirm_form)


@policy.capability_required(policy.IMPORT_REGISTER)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    pending = _pending(request, user, request.POST.get("token", ""))
    if pending is None or not pending.path.is_file():
        return _render_import(
            request, "cases/import.html", {"form": ImportUploadForm(), "expired": True}, status=400
        )

    form = ImportConfirmForm(request.POST, closing=pending.closing, live=pending.closing_live)
    try:
        if not form.is_valid():
            return _review(request, pending, pending.check(user), form)
        try:
            with transaction.atomic():
                result = pending.run(user)
                if (
                    result.totals.closed > pending.closing
                    or len(result.closing_in_live_samples) > pending.closing_live
                ):
                    raise _ClosesMoreThanAgreed(result.totals.closed)
        except _ClosesMoreThanAgreed:
            # The register changed after the dry run (another import, say): nothing was written. Show the
            # new figures and ask again.
            dry = pending.check(user)
            pending.closing = dry.totals.closed
            pending.closing_live = len(dry.closing_in_live_samples)
            _keep(request, pending)
            form = ImportConfirmForm(
                {"token": pending.token}, closing=pending.closing, live=pending.closing_live
            )
            form.is_valid()
            noun = "case" if pending.closing == 1 else "cases"
            form.add_error(
                None,
                f"The register has changed since the check: this import would now close "
                f"{pending.closing} open {noun}. Check the summary again",
            )
            return _review(request, pending, dry, form)
    except RowsRefused as refused:
        _forget(request, pending)
        return _review(request, pending, refused.result, None)
    except ImportRefused as exc:
        _forget(request, pending)
        upload_form = ImportUploadForm()
        upload_form.add_error(None, str(exc))
        return _render_import(request, "cases/import.html", {"form": upload_form})

    _forget(request, pending)
    return render(request, "cases/import_done.html", _summary(result))


class _ClosesMoreThanAgreed(Exception):
    pass


def _render_import(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"max_upload": max_upload_text(), **context}
    return render(request, template, context, status=status)


def _importable(result: ImportResult, pending: PendingImport) -> bool:
    return result.ok or pending.skip_invalid


def _review(
    request: HttpRequest, pending: PendingImport, result: ImportResult, confirm_form: ImportConfirmForm | None
) -> HttpResponse:
    context = _summary(result)
    context.update(
        {
            "closing_shown": result.closing[:CLOSING_SHOWN],
            "closing_count": len(result.closing),
            "pending": pending,
            "confirm_form": confirm_form,
            # Offered again when the file cannot be imported as it is, with the options already chosen.
            "upload_form": None
            if confirm_form is not None
            else ImportUploadForm(initial={"skip_invalid": pending.skip_invalid, "partial": pending.partial}),
        }
    )
    return _render_import(request, "cases/import_review.html", context)


def _summary(result: ImportResult) -> dict[str, Any]:
    labels = {**COHORT_LABELS, "unknown": "Cohort not recognised"}
    errors = result.errors  # the first thousand at most (caseaudit.readers.row_errors)
    return {
        "result": result,
        "cohort_rows": [(labels.get(slug, slug), counts) for slug, counts in result.cohort_rows],
        "totals": result.totals,
        "warnings": result.warnings,
        "row_errors": errors,
        "row_error_count": result.error_count,
        "row_errors_shown": len(errors),
        "row_errors_shown_of": shown_of(len(errors), result.error_count),
    }
