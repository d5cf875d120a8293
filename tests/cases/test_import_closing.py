"""A full import closes the open cases its file does not list: the cases it would close are named, and
closing a case of a live cycle's sample, or more than a tenth of the open register, needs an explicit
say-so (`--allow-close` on the command line, the confirmation box on the page). Without it nothing is
written, so a truncated extract cannot close the register unattended."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from caseaudit.accounts.models import Role
from caseaudit.cases.models import Case, ImportBatch
from caseaudit.cycles.actions import close_cycle
from caseaudit.policy import SYSTEM

from ..cycles.builders import make_cycle
from ..factories import make_case, make_user

HEADER = "child_id,cohort\n"


@pytest.fixture
def register(db) -> list[Case]:
    """Twenty open cases, R00 to R19."""
    return [make_case(f"R{n:02d}", "care-leaver") for n in range(20)]


def file_without(tmp_path: Path, *missing: str) -> Path:
    """The register as a file, leaving out the cases `missing`."""
    path = tmp_path / "register.csv"
    rows = [f"R{n:02d},care-leaver\n" for n in range(20) if f"R{n:02d}" not in missing]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def import_cases(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_cases", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def open_ids() -> set[str]:
    return set(Case.objects.filter(closed_on__isnull=True).values_list("child_id", flat=True))


def test_closing_a_case_of_a_live_sample_is_refused_naming_it(tmp_path, register):
    make_cycle(register[:1])  # R00 is in a planned cycle's sample
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_cases", str(file_without(tmp_path, "R00")), stdout=out, stderr=StringIO())
    assert "would close 1 of 20 open cases, 1 of them in a planned or in-progress" in str(refused.value)
    assert "--allow-close" in str(refused.value)
    assert "R00  (in a planned or in-progress cycle's sample)" in out.getvalue()
    assert len(open_ids()) == 20 and not ImportBatch.objects.exists()


def test_allow_close_closes_them(tmp_path, register):
    make_cycle(register[:1])
    out = import_cases(file_without(tmp_path, "R00"), "--allow-close")
    assert "Imported" in out
    assert "R00" not in open_ids() and len(open_ids()) == 19


def test_a_case_of_a_closed_cycle_closes_without_say_so(tmp_path, register):
    cycle = make_cycle(register[:1], year=2020)
    close_cycle(cycle, acting_user=SYSTEM)
    import_cases(file_without(tmp_path, "R00"))
    assert "R00" not in open_ids()


def test_closing_more_than_a_tenth_of_the_register_is_refused(tmp_path, register):
    out = StringIO()
    # Three of twenty is 15%: a file cut short, most likely.
    with pytest.raises(CommandError, match="would close 3 of 20 open cases, 0 of them"):
        call_command(
            "import_cases", str(file_without(tmp_path, "R17", "R18", "R19")), stdout=out, stderr=StringIO()
        )
    assert "R17\n" in out.getvalue() and "(in a planned" not in out.getvalue()
    assert len(open_ids()) == 20 and not ImportBatch.objects.exists()
    # Two of twenty is a tenth, not more: the usual turnover of a register closes without asking.
    import_cases(file_without(tmp_path, "R18", "R19"))
    assert open_ids() == {f"R{n:02d}" for n in range(18)}


def test_a_dry_run_names_the_cases_it_would_close(tmp_path, register):
    make_cycle(register[:1])
    out = import_cases(file_without(tmp_path, "R00", "R05"), "--dry-run")
    assert "Cases the import closes (2 of 20 open):" in out
    assert "R00  (in a planned or in-progress cycle's sample)" in out and "  R05\n" in out
    assert len(open_ids()) == 20


# The page ----------------------------------------------------------------------------------------------


@pytest.fixture
def qa_client(client, settings, tmp_path, db):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(make_user(Role.QA_LEAD, "qa-lead"))
    return client


def test_the_check_page_names_the_cases_and_asks_before_closing_them(qa_client, tmp_path, register):
    make_cycle(register[:1])
    content = file_without(tmp_path, "R00", "R05").read_bytes()
    page = qa_client.post(
        reverse("cases:import"), {"register_file": SimpleUploadedFile("r.csv", content)}, follow=True
    )
    text = page.text
    assert "Open cases not in the file, which the import will close" in text
    assert "R00</td>" in text and "R05</td>" in text
    assert text.count("In a live cycle&rsquo;s sample") == 1
    assert text.index("R00</td>") < text.index("In a live cycle") < text.index("R05</td>")
    assert (
        "I understand 2 open cases not in the file, 1 of them in a live cycle&#x27;s sample, will be closed"
        in (text)
    )
    token = text.split('name="token" value="')[1].split('"')[0]
    refused = qa_client.post(reverse("cases:import-confirm"), {"token": token})
    assert "Confirm that you understand 2 open cases will be closed" in refused.text
    assert len(open_ids()) == 20 and not ImportBatch.objects.exists()
    done = qa_client.post(
        reverse("cases:import-confirm"), {"token": token, "confirm_close": "on"}, follow=True
    )
    assert done.status_code == 200
    assert open_ids() == {f"R{n:02d}" for n in range(20)} - {"R00", "R05"}
