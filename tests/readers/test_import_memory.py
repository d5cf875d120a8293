"""No import of a file within the upload limit takes more than 1 GB: each file is imported by the real
`caseaudit import-cases` command in a process of its own, and that whole process's peak resident memory is
read from the operating system (which counts what the Rust readers allocate as well as Python's objects;
test_hostile_files.py measures Python's alone, more finely).

The hostile files are those of test_hostile_files.py; a valid register of 100,000 rows, as CSV and as an
Annex A workbook, shows that the measure is not only of refusals: they are written (`--partial`, so that
the second import does not close the first one's cases)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from tests.readers.test_hostile_files import (
    SHEET,
    billion_laughs,
    bomb_sheet,
    under_declared,
    with_sheet,
    workbook,
)

GIGABYTE = 1024 * 1024 * 1024

# The child runs the command and, whatever its outcome, reports its own peak on the last line of stderr.
CHILD = """
import resource, sys
from caseaudit.cli import main
try:
    main(["caseaudit", *sys.argv[1:]])
except SystemExit as end:
    code = end.code
else:
    code = 0
print("peak-kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> dict[str, str]:
    """A migrated SQLite database of the module's own, and the environment that points at it: the
    command runs outside the test's transaction, so it cannot share the test database."""
    folder = tmp_path_factory.mktemp("memory")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CASEAUDIT_TESTING": "1",
        "CASEAUDIT_DATA_DIR": str(folder / "data"),
    }
    subprocess.run(
        [sys.executable, "-m", "caseaudit", "migrate", "--no-input"], env=env, check=True, capture_output=True
    )
    return env


def import_cases(path: Path, env: dict[str, str], *options: str) -> tuple[int, str, int]:
    """Run `caseaudit import-cases PATH`: its exit code, what it wrote to stderr, and its peak in bytes."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-c", CHILD, "import-cases", str(path), *options],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    *said, last = done.stderr.rstrip().splitlines()
    label, kilobytes = last.split()
    assert label == "peak-kb", done.stderr
    return done.returncode, "\n".join(said), int(kilobytes) * 1024


def test_an_under_declared_zip_bomb(tmp_path, database):
    path = under_declared(
        with_sheet(workbook(tmp_path / "register.xlsx"), SHEET, lambda out: bomb_sheet(out, 300))
    )
    code, said, peak = import_cases(path, database)
    assert code != 0 and "a possible zip bomb" in said
    assert peak < GIGABYTE, f"peak {peak / GIGABYTE:.2f} GB"


def test_a_child_on_40000_rows(tmp_path, database):
    path = tmp_path / "register.csv"
    path.write_text("child_id,cohort\n" + "A1,care-leaver\n" * 40_000)
    code, said, peak = import_cases(path, database)
    assert code != 0 and "Child Unique ID A1 appears on 40,000 rows" in said
    assert peak < GIGABYTE, f"peak {peak / GIGABYTE:.2f} GB"


def test_a_billion_laughs_sheet(tmp_path, database):
    path = with_sheet(workbook(tmp_path / "register.xlsx"), SHEET, billion_laughs)
    code, said, peak = import_cases(path, database)
    assert code != 0 and "billion laughs" in said
    assert peak < GIGABYTE


def test_a_picture_renamed_xlsx(tmp_path, database):
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(4 * 1024 * 1024))
    code, said, peak = import_cases(path, database)
    assert code != 0 and "it looks like a PNG picture" in said
    assert peak < GIGABYTE


def test_a_valid_register_of_100000_rows_as_csv(tmp_path, database):
    path = tmp_path / "register.csv"
    rows = "".join(f"M{i},care-leaver\n" for i in range(100_000))
    path.write_text("child_id,cohort\n" + rows)
    code, said, peak = import_cases(path, database, "--partial")
    assert code == 0, said
    assert peak < GIGABYTE, f"peak {peak / GIGABYTE:.2f} GB"


def test_a_valid_annex_a_workbook_of_100000_rows(tmp_path, database):
    path = tmp_path / "annex-a.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("List 9")
    sheet.write_row(0, 0, ["Child Unique ID", "Allocated Team"])
    for row in range(1, 100_001):
        sheet.write_row(row, 0, [f"X{row}", "North"])
    book.close()
    assert zipfile.is_zipfile(path)
    code, said, peak = import_cases(path, database, "--partial")
    assert code == 0, said
    assert peak < GIGABYTE, f"peak {peak / GIGABYTE:.2f} GB"
