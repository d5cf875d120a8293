"""A job as the pages show it: who started it, what it is, how far it has got, and how it ended.

The task queue (django-tasks' own table, or a broker's) says only whether a task ran; this record is what
a person waiting for their import reads, and what the worker keeps up to date as the job goes."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # What the job is, by a slug its app names ("register-check", "register-import", ...).
    kind = models.CharField(max_length=40)
    # What a person reads for it: "Check of register.xlsx". Never a child's name or Child Unique ID.
    title = models.CharField(max_length=200)
    # Nobody for the service's own jobs (email, reminders, retention).
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    # The dotted path of the task that runs it, and what it is given, so that a job whose worker was lost
    # can be queued again as it was.
    task_path = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict, blank=True)
    # The queue's id for the latest task that runs it.
    task_id = models.CharField(max_length=64, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The work commits as it goes, a step at a time (sending reminders), rather than all at once: a job
    # stopped half-way keeps what it did, and running it again carries on from there.
    in_steps = models.BooleanField(default=False)
    # The worker running it: its machine and process, and when it last said it was still at work.
    worker_host = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Why it failed, in words the person who started it can act on.
    failure = models.TextField(blank=True)
    # What it found or did, for its result page: counts, and for an import the first rows it refused.
    result = models.JSONField(null=True, blank=True)
    # The page that shows this job (its progress, then its result).
    link = models.CharField(max_length=200, blank=True)
    # A file the job wrote (a large export), under CASEAUDIT_JOB_FILES_DIR: its name there, and the name
    # the person's browser saves it as.
    file_name = models.CharField(max_length=100, blank=True)
    download_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="jobs_status_created")]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.kind}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
