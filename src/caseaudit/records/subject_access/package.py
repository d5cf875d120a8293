"""A subject access export: the files about one person in a zip, with a README saying what each file is,
written readable by its owner only and recorded in the access log.

Exporting is a read, not a change of state, so, as with every other export, the access log records it
and the change history does not."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case
from caseaudit.policy import Actor
from caseaudit.private_files import FileRefused, write_private

from .child import child_files
from .files import ExportFile
from .staff import staff_files


class SubjectNotFound(FileRefused):
    """No child or member of staff by that name."""


def export_child(child_id: str, output: Path, *, acting_user: Actor) -> int:
    """Everything held about the child with this Child Unique ID, to `output`. Returns the number of files."""
    policy.require(acting_user, policy.SUBJECT_ACCESS)
    case = Case.objects.filter(child_id=child_id).first()
    if case is None:
        raise SubjectNotFound("No case in the register has that Child Unique ID.")
    files = child_files(case)
    heading = f"Everything caseaudit holds about the child with Child Unique ID {case.child_id}"
    _write(output, heading, files)
    record_access(
        acting_user, "export", "case", case.pk, detail=f"subject access request, {len(files)} files"
    )
    return len(files)


def export_staff(username: str, output: Path, *, acting_user: Actor) -> int:
    """Everything held about the member of staff with this username, to `output`."""
    policy.require(acting_user, policy.SUBJECT_ACCESS)
    user = User.objects.filter(username=username).select_related("staff__team").first()
    if user is None:
        raise SubjectNotFound(f"No account has the username {username!r}.")
    files = staff_files(user)
    _write(output, f"Everything caseaudit holds about the member of staff {user.username}", files)
    record_access(
        acting_user, "export", "user", user.pk, detail=f"subject access request, {len(files)} files"
    )
    return len(files)


def readme(heading: str, files: list[ExportFile]) -> str:
    lines = [
        heading,
        f"Exported {timezone.localtime().strftime('%Y-%m-%d %H:%M')} by caseaudit, for a subject access "
        "request.",
        "",
        "Review every file before it is released: free text written by staff (evidence, notes, concerns)",
        "may name other people, whose details may need to be withheld.",
        "",
        "CSV files open in a spreadsheet program; HTML files in a web browser. Times are UK local time.",
        "",
        "The files:",
        "",
    ]
    lines += [f"{file.name}\n    {file.about}" for file in files]
    return "\n".join(lines) + "\n"


def _write(output: Path, heading: str, files: list[ExportFile]) -> None:
    def write(temporary: Path) -> None:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", readme(heading, files))
            for file in files:
                archive.writestr(file.name, file.content)

    write_private(output, write)
