"""Register files waiting under UPLOAD_DIR for the QA lead to confirm an import (cases.import_views), and
clearing out the ones nobody confirmed.

An upload holds children's data. The import page deletes it once the import is confirmed, refused or
replaced; one left behind (the QA lead closed the tab, the session ran out, the server restarted mid-check)
is deleted by `caseaudit clean-uploads`, which operators schedule (docs/operations.md)."""

from __future__ import annotations

import logging
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

MAX_AGE_HOURS = 24
# The names the import page gives uploads: a random token and the file's own suffix. Anything else in the
# folder was put there by someone else, and is left alone.
_UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}(?:\.[A-Za-z0-9]{1,10})?$")


@dataclass(frozen=True)
class StaleUpload:
    path: Path
    hours_old: float
    size: int


def stale_uploads(older_than_hours: float = MAX_AGE_HOURS, *, now: float | None = None) -> list[StaleUpload]:
    """Uploads last written more than `older_than_hours` ago, oldest first."""
    folder = Path(settings.UPLOAD_DIR)
    if not folder.is_dir():
        return []
    now = time.time() if now is None else now
    found = []
    for path in folder.iterdir():
        # Never follow a link out of the folder, nor touch what the import pages did not write: a file, or
        # a statutory return's folder of files (cases.returns_views), named by a token.
        if path.is_symlink() or not _UPLOAD_NAME.match(path.name):
            continue
        if path.is_dir():
            files = [f for f in path.iterdir() if f.is_file() and not f.is_symlink()]
            newest = max((f.stat().st_mtime for f in files), default=path.stat().st_mtime)
            size = sum(f.stat().st_size for f in files)
        elif path.is_file():
            newest, size = path.stat().st_mtime, path.stat().st_size
        else:
            continue
        hours_old = (now - newest) / 3600
        if hours_old > older_than_hours:
            found.append(StaleUpload(path, hours_old, size))
    return sorted(found, key=lambda upload: -upload.hours_old)


def clean_uploads(
    older_than_hours: float = MAX_AGE_HOURS, *, dry_run: bool = False, now: float | None = None
) -> list[StaleUpload]:
    """Delete the uploads nobody confirmed within `older_than_hours` (with `dry_run`, only list them)."""
    stale = stale_uploads(older_than_hours, now=now)
    if not dry_run:
        for upload in stale:
            if upload.path.is_dir():
                shutil.rmtree(upload.path, ignore_errors=True)
            else:
                upload.path.unlink(missing_ok=True)
        if stale:
            # The names are random tokens, never a person's file name: safe to log.
            logger.info("deleted %d unconfirmed upload(s) older than %s hours", len(stale), older_than_hours)
    return stale
