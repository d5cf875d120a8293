"""The files of stored committee papers, under CASEAUDIT_PAPERS_DIR: one folder a cycle, each file named by a
random token (never a cycle's or a person's name), written owner-only and moved into place when complete
(caseaudit.private_files). A file is never written over: a regenerated draft gets new files and the old
ones are removed once the change is committed, so an issued paper's files, once kept, stay as they were.

Reading a file checks it against the SHA-256 kept with its version: a file changed or lost on disk is
refused, never served as if it were the paper that was issued."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from caseaudit.private_files import write_private

from .models import PaperVersion

logger = logging.getLogger(__name__)

FORMATS = ("pdf", "docx", "html")


class StoredPaperUnreadable(Exception):
    """A stored paper's file is missing, or is not what was stored; the message says which and what to do."""


@dataclass(frozen=True)
class StoredFile:
    name: str  # inside CASEAUDIT_PAPERS_DIR
    size: int
    sha256: str


def papers_dir() -> Path:
    return Path(settings.CASEAUDIT_PAPERS_DIR)


def _folder(cycle_pk: int) -> Path:
    root = papers_dir()
    # Owner-only; any folder above it takes the umask caseaudit sets (caseaudit.cli), owner-only too.
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / f"cycle-{cycle_pk}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def store_file(cycle_pk: int, fmt: str, content: bytes) -> StoredFile:
    """Keep `content` as a new file of the cycle's papers."""
    assert fmt in FORMATS
    name = f"{secrets.token_hex(16)}.{fmt}"
    write_private(_folder(cycle_pk) / name, lambda temporary: temporary.write_bytes(content))
    return StoredFile(f"cycle-{cycle_pk}/{name}", len(content), hashlib.sha256(content).hexdigest())


def _path(name: str) -> Path:
    root = papers_dir().resolve()
    path = (root / name).resolve()
    if root not in path.parents:  # a name is only ever ours; never follow one out of the folder
        raise StoredPaperUnreadable(f"The stored file name {name!r} is outside the papers folder.")
    return path


def read_file(version: PaperVersion, fmt: str) -> bytes:
    """The stored file's bytes, checked against the SHA-256 kept when it was stored."""
    what = f"version {version.number}" if version.issued else "the draft"
    try:
        content = _path(version.file_name(fmt)).read_bytes()
    except OSError:
        logger.error("Stored committee paper file %s is missing", version.file_name(fmt))
        raise StoredPaperUnreadable(
            f"The {fmt.upper()} of {what} is missing from the papers folder. Restore the folder from the "
            "backup taken with the database."
        ) from None
    if hashlib.sha256(content).hexdigest() != version.sha256(fmt):
        logger.error("Stored committee paper file %s does not match its SHA-256", version.file_name(fmt))
        raise StoredPaperUnreadable(
            f"The {fmt.upper()} of {what} is not the file that was stored: it has changed on disk. Restore "
            "the papers folder from the backup taken with the database."
        )
    return content


def remove_files(names: list[str]) -> None:
    """Remove files no version names any more (a replaced draft's); a file already gone is no matter."""
    for name in names:
        try:
            _path(name).unlink(missing_ok=True)
        except (OSError, StoredPaperUnreadable):
            logger.warning("Could not remove the replaced committee paper file %s", name)
