"""Whatever bytes arrive, the importer answers with a result or a clear refusal, and never half-writes."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseaudit.cases.actions import import_case_register
from caseaudit.cases.models import Case, ImportBatch, Staff, Team
from caseaudit.policy import SYSTEM
from caseaudit.readers.table import ImportRefused
from tests.factories import make_case

GOOD = (
    b"child_id,cohort,team,worker,opened_on,closed_on,birth_month,latest_contact\n"
    b"A1,care-leaver,North,Will,2019-01-01,,2004-05,01/10/2026\n"
    b"A2,CIN,South,Olu,2020-02-02,,2015-01,\n"
    b"A3,cp,North,Nadia,2021-03-03,,2019-12,2026-10-30\n"
)
cells = st.sampled_from(
    [
        "A9",
        "care-leaver",
        "CIN",
        "x",
        "",
        "2019-02-30",
        "01/01/2020",
        "=1+1",
        '"',
        ",",
        "\n",
        "2020-13",
        "\xe9",
    ]
)
rows = st.lists(cells, min_size=0, max_size=9).map(lambda r: ",".join(r).encode("utf-8"))


def _import(data: bytes, suffix: str = ".csv"):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            return import_case_register(path, acting_user=SYSTEM, today=date(2026, 11, 1))
        except ImportRefused as refusal:
            assert str(refusal)
            return None


def _snapshot():
    return (
        list(Case.objects.order_by("pk").values_list()),
        Team.objects.count(),
        Staff.objects.count(),
    )


fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@fuzz
@given(cut=st.integers(min_value=0, max_value=len(GOOD)))
def test_a_truncated_file_never_crashes_or_half_writes(cut):
    Case.objects.all().delete()
    make_case("KEEP", "looked-after")
    before = _snapshot()
    result = _import(GOOD[:cut])
    if result is None or not result.written:
        assert _snapshot() == before
    else:
        assert not result.errors
        touched = result.totals.created + result.totals.updated + result.totals.closed
        assert Case.objects.filter(import_batch__isnull=False).count() == touched


@pytest.mark.django_db
@fuzz
@given(body=st.lists(rows, max_size=6))
def test_random_rows_never_crash_or_half_write(body):
    Case.objects.all().delete()
    ImportBatch.objects.all().delete()
    make_case("KEEP", "looked-after")
    before = _snapshot()
    result = _import(b"child_id,cohort,team,opened_on,birth_month\n" + b"\n".join(body))
    if result is None or result.errors:
        assert _snapshot() == before
        assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
@fuzz
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_are_refused_or_reported(data, suffix):
    before = _snapshot()
    result = _import(data, suffix)
    if result is None or result.errors:
        assert _snapshot() == before
