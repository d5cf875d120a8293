"""What the web's imports share (the register's, `import_views`, and the audit history's, in `audits`):
upload, check (a dry run) as a job, confirm, import as a job.

The uploaded file waits under UPLOAD_DIR, named by a random token that only the uploader's session knows,
until the QA lead confirms or uploads another (`caseaudit clean-uploads` deletes one left behind, see
`uploads`). A job's page is its starter's only; the confirmation still needs the session that uploaded
the file."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caseaudit.accounts.models import User
from caseaudit.jobs.display import REFRESH_SECONDS, job_view
from caseaudit.jobs.models import Job
from caseaudit.readers.row_errors import shown_of
from caseaudit.readers.table import RowError

_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(kw_only=True)
class WaitingUpload:
    """An uploaded file waiting for the QA lead's confirmation. Kept in the session, so a token is only
    good for the person (and the sign-in) that uploaded it. `check_job` is the job checking it; an import
    with options adds them as fields of its own (`import_views.PendingImport`)."""

    token: str
    suffix: str
    file_name: str
    user_id: int
    check_job: int | None = None

    @classmethod
    def save(cls, upload: UploadedFile, user: User, *, default_name: str, **options: Any) -> Self:
        upload_dir = Path(settings.UPLOAD_DIR)
        upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        pending = cls(
            token=secrets.token_urlsafe(24),
            suffix=Path(upload.name or "").suffix.lower(),
            file_name=Path(upload.name or default_name).name[:255],
            user_id=user.pk,
            **options,
        )
        # O_EXCL: never write over another file; 0600: uploads hold children's data.
        handle = os.open(pending.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return pending

    @property
    def path(self) -> Path:
        return Path(settings.UPLOAD_DIR) / f"{self.token}{self.suffix}"

    def arguments(self) -> dict[str, Any]:
        """What a job needs to find and read the file (never the session's other keys)."""
        return {"token": self.token, "suffix": self.suffix, "file_name": self.file_name}

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


W = TypeVar("W", bound=WaitingUpload)


class UploadSession(Generic[W]):
    """Where one kind of upload waits in the session: one at a time, under `key`."""

    def __init__(self, key: str, kind: type[W]) -> None:
        self.key, self.kind = key, kind

    def find(self, request: HttpRequest, user: User, token: str | None = None) -> W | None:
        """This user's upload waiting in this session; with `token`, only if the token is the upload's."""
        stored = request.session.get(self.key)
        if not isinstance(stored, dict):
            return None
        try:
            pending = self.kind(**stored)
        except TypeError:
            return None
        if pending.user_id != user.pk:
            return None
        if token is not None and (
            not _TOKEN_PATTERN.match(token) or not secrets.compare_digest(token, pending.token)
        ):
            return None
        return pending

    def keep(self, request: HttpRequest, pending: W) -> None:
        request.session[self.key] = asdict(pending)

    def forget(self, request: HttpRequest, pending: W | None, *, delete: bool = True) -> None:
        if pending is not None and delete:
            pending.discard()
        request.session.pop(self.key, None)


def problems(warnings: list[str], errors: list[RowError], error_count: int) -> dict[str, Any]:
    """The context of `includes/row_errors.html`: the file's warnings and the first of its row errors (at
    most a thousand are kept, `caseaudit.readers.row_errors`), every one counted."""
    return {
        "warnings": warnings,
        "row_errors": errors,
        "row_error_count": error_count,
        "row_errors_shown": len(errors),
        "row_errors_shown_of": shown_of(len(errors), error_count),
    }


def found(job: Job) -> dict[str, Any]:
    """What a finished check or import kept as its result."""
    assert isinstance(job.result, dict), f"job {job.pk} kept no result"
    return job.result


def waiting_page(request: HttpRequest, job: Job, heading: str) -> HttpResponse:
    """The job's progress, refreshing itself until it is done."""
    context = {"view": job_view(job), "refresh_seconds": REFRESH_SECONDS, "heading": heading}
    return render(request, "cases/import_waiting.html", context)
