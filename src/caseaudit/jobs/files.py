"""The files jobs write (large exports): inside CASEAUDIT_JOB_FILES_DIR, readable by the service's own user
only, served only to the person who started the job (`views.job_download`) and deleted with the job
(`recovery.forget_old_jobs`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from .models import Job


def export_path(job: Job, extension: str) -> Path:
    """Where the job writes its file. The same name each time the job runs, so that a job run again after
    its worker was lost writes over its own first attempt rather than leaving it behind."""
    folder = Path(settings.CASEAUDIT_JOB_FILES_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / f"job-{job.pk}.{extension}"


def keep_file(job: Job, path: Path, download_name: str) -> None:
    """The job's file is complete: its page offers it, under the name the browser saves it as."""
    job.file_name, job.download_name = path.name, download_name[:200]
    Job.objects.filter(pk=job.pk).update(file_name=job.file_name, download_name=job.download_name)


def exported(rows: int, object_type: str, detail: str, object_id: object = "") -> dict[str, Any]:
    """The result of a job that wrote an export: how many rows, and what the access log records for each
    download of it (as it records the same export downloaded at once)."""
    access = {"object_type": object_type, "object_id": str(object_id), "detail": detail}
    return {"rows": rows, "access": access}
