"""On-boarding a team from a spreadsheet: upload, check and preview, confirm, write. The same file and the
same checks as `caseaudit users import`; a file with any bad row writes nothing.

The rows read from the upload wait in the session (accounts, no child's data), and the file itself is
deleted as soon as it is read. On confirming, the plan is made again against the accounts as they are
then: if it differs from the preview (someone changed an account meanwhile), nothing is written and the
new preview is shown."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.locking import EditConflict
from caseaudit.readers.table import ImportRefused

from . import actions
from .fields import ROLE_LABELS
from .forms import UploadForm
from .importing import AccountPlan, plan_accounts, read_rows

_SESSION_KEY = "people_import"


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_ACCOUNTS)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "people/import.html", {"form": form})
    request.session.pop(_SESSION_KEY, None)
    try:
        rows, warnings, name = _read(form.cleaned_data["accounts_file"])
    except ImportRefused as refused:
        form.add_error("accounts_file", str(refused))
        return render(request, "people/import.html", {"form": form})
    deactivate_missing = form.cleaned_data["deactivate_missing"]
    plan = plan_accounts(rows, name, deactivate_missing=deactivate_missing, acting_user=user)
    plan.warnings[:0] = warnings
    if not plan.errors and not plan.changes_nothing:
        request.session[_SESSION_KEY] = {
            "rows": rows,
            "file_name": name,
            "deactivate_missing": deactivate_missing,
            "fingerprint": plan.fingerprint(),
        }
    return _review(request, plan)


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_ACCOUNTS)
    pending = request.session.get(_SESSION_KEY)
    if not isinstance(pending, dict):
        return render(request, "people/import.html", {"form": UploadForm(), "expired": True}, status=400)
    plan = plan_accounts(
        pending["rows"],
        pending["file_name"],
        deactivate_missing=pending["deactivate_missing"],
        acting_user=user,
    )
    # A list from JSON and one made now compare equal only when the same people change in the same fields.
    if plan.errors or plan.fingerprint() != pending["fingerprint"]:
        pending["fingerprint"] = plan.fingerprint()
        request.session[_SESSION_KEY] = pending
        return _review(request, plan, changed_since=True)
    try:
        sent = actions.import_accounts(plan, acting_user=user, site_url=request.build_absolute_uri("/"))
    except EditConflict:
        return _review(
            request,
            plan_accounts(pending["rows"], pending["file_name"], acting_user=user),
            changed_since=True,
        )
    request.session.pop(_SESSION_KEY, None)
    return render(
        request,
        "people/import_done.html",
        {
            "plan": plan,
            "roles": ROLE_LABELS,
            "emailed": [s.user for s in sent if s.email is not None],
            "no_email": [s.user for s in sent if s.email is None],
        },
    )


def _read(upload: Any) -> tuple[list[dict[str, Any]], list[str], str]:
    """Read the upload from a private temporary file, deleted straight after."""
    name = Path(upload.name or "accounts").name[:255]
    directory = Path(settings.UPLOAD_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, path = tempfile.mkstemp(suffix=Path(name).suffix.lower(), dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return read_rows(Path(path), name)
    finally:
        Path(path).unlink(missing_ok=True)


def _review(request: HttpRequest, plan: AccountPlan, *, changed_since: bool = False) -> HttpResponse:
    return render(
        request,
        "people/import_review.html",
        {
            "plan": plan,
            "roles": ROLE_LABELS,
            "changed_since": changed_since,
            "can_confirm": not plan.errors and not plan.changes_nothing,
            "upload_form": UploadForm(),
        },
    )
