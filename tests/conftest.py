from __future__ import annotations

import signal
from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings

from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case

from .factories import make_case, make_staff, make_team, make_user

# Property tests check what is true, never how fast: this machine is shared, and a 200 ms deadline would
# fail a correct test whenever it is busy.
hypothesis_settings.register_profile("caseaudit", deadline=None)
hypothesis_settings.load_profile("caseaudit")


@pytest.fixture(autouse=True)
def _pipes_break_quietly():
    """A test that runs the `caseaudit` command in this process lets a broken pipe end the process, as the
    command should (`caseaudit export-cases | head`). Left so, the next write to a closed socket or pipe, in
    any later test, would end the whole test run without a word: the handler is put back after each test."""
    before = signal.getsignal(signal.SIGPIPE)
    yield
    signal.signal(signal.SIGPIPE, before)


@pytest.fixture(autouse=True)
def _log_spool_of_its_own(settings, tmp_path):
    """Each test's access-log spool is its own, so an entry one test left waiting never reaches another."""
    settings.CASEAUDIT_LOG_SPOOL_DIR = tmp_path / "log-spool"


@pytest.fixture(autouse=True)
def _job_files_of_its_own(settings, tmp_path):
    """The files a test's jobs write (large exports) stay in the test's own folder."""
    settings.CASEAUDIT_JOB_FILES_DIR = tmp_path / "job-files"


@dataclass
class Personas:
    """One person per role, two teams, one case in each team. `own_case` belongs to the team manager's
    and the worker's team; `other_case` to another team, managed by someone else."""

    qa_lead: User
    moderator: User
    auditor: User
    team_manager: User
    worker: User
    senior_leader: User
    outsider: User  # a social worker in the other team
    own_case: Case
    other_case: Case
    administrator: User  # IT staff: manages accounts, sees no child's data

    def by_role(self) -> dict[str, User]:
        return {
            "qa_lead": self.qa_lead,
            "moderator": self.moderator,
            "auditor": self.auditor,
            "team_manager": self.team_manager,
            "worker": self.worker,
            "senior_leader": self.senior_leader,
            "outsider": self.outsider,
            "administrator": self.administrator,
        }


@pytest.fixture
def personas(db) -> Personas:
    north, south = make_team("North Children and Families"), make_team("South Leaving Care")
    north_manager = make_staff("Nadia Manager", north)
    north_worker = make_staff("Will Worker", north)
    south_manager = make_staff("Sam Manager", south)
    south_worker = make_staff("Olu Outsider", south)
    own = make_case("N000001", "care-leaver", north, north_worker, north_manager)
    other = make_case("S000001", "child-in-need", south, south_worker, south_manager)
    return Personas(
        qa_lead=make_user(Role.QA_LEAD, "qa-lead"),
        moderator=make_user(Role.MODERATOR, "moderator"),
        auditor=make_user(Role.AUDITOR, "auditor", staff=make_staff("Ada Auditor", None)),
        team_manager=make_user(Role.TEAM_MANAGER, "team-manager", staff=north_manager),
        worker=make_user(Role.SOCIAL_WORKER, "worker", staff=north_worker),
        senior_leader=make_user(Role.SENIOR_LEADER, "senior-leader"),
        outsider=make_user(Role.SOCIAL_WORKER, "outsider", staff=south_worker),
        own_case=own,
        other_case=other,
        administrator=make_user(Role.ADMINISTRATOR, "administrator"),
    )


@pytest.fixture
def database_queue(settings):
    """Jobs queued in the database, as in production, instead of run inside the request that starts them
    (the tests' default): nothing runs until the test runs the worker (`tests.jobs.queue.run_queued_jobs`)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "service"]}
    }


@pytest.fixture(autouse=True)
def _stored_papers_of_its_own(settings, tmp_path):
    """Each test keeps the committee papers it renders in a folder of its own, never in the checkout's."""
    settings.CASEAUDIT_PAPERS_DIR = tmp_path / "papers"
