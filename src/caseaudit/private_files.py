"""Files that hold the whole database, everything about one person, or a stored committee paper: created
readable by their owner only, written beside their final name and moved into place when complete, so that
no half-written copy is ever left behind and nobody else on the server can read one, even for a moment.

Shared by `records` (backups, subject access) and `reports` (stored papers), so it sits below every app and
imports none: plain Python."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class FileRefused(Exception):
    """The file cannot be written or read as asked; the message says why."""


@contextmanager
def private_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`, already created with mode 0600; when the block ends without
    an error, it is moved to `path`; otherwise it is deleted."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise FileRefused(f"{directory} is not a folder")
    if path.is_dir():
        raise FileRefused(f"{path} is a folder: give the name of a file")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    os.close(handle)
    try:
        yield Path(temporary)
        # A program writing into the file (pg_dump) may have replaced it: insist on the mode again.
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_private(path: Path, write: Callable[[Path], T]) -> T:
    with private_file(path) as temporary:
        return write(temporary)
