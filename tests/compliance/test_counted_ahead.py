"""The register's compliance is counted by the worker after an import, and by the nightly job, so that the
first person to open the compliance page after either does not wait for every open case to be checked."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from caseaudit.cases.actions import import_case_register
from caseaudit.compliance import queries
from caseaudit.jobs.models import Job
from caseaudit.kept import forget_held
from caseaudit.policy import SYSTEM
from tests.jobs.queue import run_queued_jobs

pytestmark = pytest.mark.django_db

REGISTER = (
    "child_id,cohort,team,worker,manager,opened_on,latest_pathway_plan\n"
    "A1,Care leaver,North,Will Worker,Nadia Manager,2019-01-01,01/06/2026\n"
    "A2,Care leaver,North,Will Worker,Nadia Manager,2020-01-01,\n"
)


def _not_counted_again():
    """Reading the register's compliance without checking any case: only what was kept."""
    forget_held()  # as another process of the service would, with nothing in its own memory
    return mock.patch.object(queries, "compliance_results", side_effect=AssertionError("counted again"))


def test_an_import_has_the_worker_count_the_new_register(
    tmp_path, database_queue, django_capture_on_commit_callbacks
):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        import_case_register(path, acting_user=SYSTEM)
    job = Job.objects.get(kind="scheduled-compliance")
    assert job.status == Job.Status.QUEUED  # counted by the worker, not by the import

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result["open cases"] == 2
    with _not_counted_again():
        _, cases = queries.register_summary(timezone.localdate())
        assert cases == 2
        assert set(queries.register_results(timezone.localdate())["child_id"]) == {"A1", "A2"}


def test_an_import_while_a_count_is_running_queues_another(
    tmp_path, database_queue, django_capture_on_commit_callbacks
):
    # The count running may have read the register before the import: the new register gets its own.
    running = Job.objects.create(kind="scheduled-compliance", title="Count", status=Job.Status.RUNNING)
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        import_case_register(path, acting_user=SYSTEM)
    assert (
        Job.objects.filter(kind="scheduled-compliance", status=Job.Status.QUEUED)
        .exclude(pk=running.pk)
        .exists()
    )


def test_the_nightly_job_counts_the_day_ahead_of_the_first_page(database_queue):
    out = StringIO()
    call_command("enqueue", "compliance", stdout=out)
    assert "Count the register's compliance with timescales" in out.getvalue()
    run_queued_jobs()
    assert Job.objects.get(kind="scheduled-compliance").status == Job.Status.DONE
    with _not_counted_again():
        queries.register_summary(timezone.localdate())
