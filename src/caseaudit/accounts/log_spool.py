"""Where a log entry waits when the log cannot be written now (another process holds its lock): a file of
JSON lines, one entry a line, in the order they were refused, readable by the service's account only.

Each line is written whole and synced to disk before the page goes on, so an entry survives a crash. The
file is locked (flock) while a line is added and while it is drained, so a line added during a drain is
neither lost nor read twice: the drainer reads every line, writes them to the database, and empties the
file only once the database has committed them, all under the lock."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Record = dict[str, Any]


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, record: Record) -> None:
        line = (json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n").encode()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock
        if created:
            _sync_folder(self.path.parent)

    def waiting(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def count(self) -> int:
        if not self.waiting():
            return 0
        with self.path.open("rb") as lines:
            return sum(1 for line in lines if line.strip())

    @contextmanager
    def claimed(self) -> Iterator[Claim]:
        """The entries waiting, locked against other writers and drainers until the block ends. Call
        `clear()` once they are safely in the database; leaving without it keeps them for the next time."""
        if not self.waiting():
            yield Claim(None, [])
            return
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with os.fdopen(os.dup(fd), "rb") as stream:
                records = list(self._parse(stream.read().splitlines()))
            yield Claim(fd, records)
        finally:
            os.close(fd)

    def _parse(self, lines: list[bytes]) -> Iterator[Record]:
        for line in lines:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError:
                # A line cut short (the disk filled up as it was written): kept aside for a person to
                # read, rather than blocking every later entry behind it.
                logger.error("An unreadable line in %s was moved to %s.unreadable", self.path, self.path)
                fd = os.open(f"{self.path}.unreadable", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line + b"\n")
                    os.fsync(fd)
                finally:
                    os.close(fd)


class Claim:
    def __init__(self, fd: int | None, records: list[Record]) -> None:
        self._fd = fd
        self.records = records

    def clear(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.fsync(self._fd)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
