"""A test's hands on the database a real worker process uses: `python -m tests.jobs.scenario start TASK
JSON` queues a job and prints its id; `... state JOB TEAM` prints the job and whether the team exists, as
JSON. Run with the worker's environment (DATABASE_URL), from the repository's root."""

from __future__ import annotations

import json
import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django_tasks_db.models import DBTaskResult

    from caseaudit.accounts.models import Role, User
    from caseaudit.cases.models import Team
    from caseaudit.jobs.models import Job
    from caseaudit.jobs.running import start_job

    from . import tasks_for_tests as tasks

    command, *rest = argv
    if command == "start":
        name, arguments = rest
        person, _ = User.objects.get_or_create(username="qa-lead", defaults={"role": Role.QA_LEAD})
        job = start_job(
            getattr(tasks, name),
            kind="test",
            title="A test job",
            started_by=person,
            arguments=json.loads(arguments),
        )
        print(job.pk)
    elif command == "state":
        job_id, team = rest
        job = Job.objects.get(pk=int(job_id))
        tasks_of_job = DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).order_by("enqueued_at")
        state = {
            "status": job.status,
            "attempts": job.attempts,
            "failure": job.failure,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "teams": Team.objects.filter(name=team).count(),
            "tasks": [task.status for task in tasks_of_job],
        }
        print(json.dumps(state))


if __name__ == "__main__":
    main(sys.argv[1:])
